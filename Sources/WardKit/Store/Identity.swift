import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is writing: `user@host`, from `WARD_USER` when set, else the login name and the short host name.
public enum Identity {
    /// `environment`: the process's own unless given.
    public static func current(environment: [String: String]? = nil) -> String {
        func variable(_ name: String) -> String? {
            environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
        }
        if let configured = variable("WARD_USER"), !configured.isEmpty { return configured }
        var user = variable("USER") ?? variable("LOGNAME") ?? ""
        if user.isEmpty, let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let shortHost = host.split(separator: ".").first.map(String.init) ?? host
        return "\(user.isEmpty ? "unknown" : user)@\(shortHost)"
    }
}
