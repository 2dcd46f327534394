import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is writing: `user@host`, from `WARD_USER` when set, else the login name and the short host name.
public enum Identity {
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let configured = environment["WARD_USER"], !configured.isEmpty { return configured }
        var user = environment["USER"] ?? environment["LOGNAME"] ?? ""
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
