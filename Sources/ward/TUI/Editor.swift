import Foundation
import WardKit
#if canImport(Glibc)
import Glibc
#endif

/// Runs the person's editor on a file: `$VISUAL`, else `$EDITOR`, else `vi`, with the path as an argument
/// (no shell is involved, so a file name can never become a command).
enum Editor {
    static func command(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        for key in ["VISUAL", "EDITOR"] {
            if let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                return value.split(separator: " ").map(String.init)
            }
        }
        return ["vi"]
    }

    /// Runs the editor and waits for it. Returns an error message when it could not be started or failed.
    static func run(path: String) -> String? {
        let argv = command() + [path]
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let result = posix_spawnp(&pid, argv[0], nil, nil, cArgs, environ)
        guard result == 0 else { return "could not start the editor '\(argv[0])': \(String(cString: strerror(result)))" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        return exited && code == 0 ? nil : "the editor '\(argv[0])' ended with status \(exited ? code : 128 + (status & 0x7f))"
    }

    /// What is wrong with a record after an edit, or nil when Ward reads it fine.
    static func check(_ relative: String, in store: Store) -> String? {
        do {
            guard let contents = try store.files.read(relative, limit: RecordText.sizeLimit + 1) else { return "the file is gone" }
            let parts = relative.split(separator: "/").map(String.init)
            if relative.hasSuffix("/incident.md") {
                _ = try IncidentRecord(data: contents.data, path: relative)
            } else if relative.hasSuffix("/postmortem.md") {
                _ = try Postmortem(data: contents.data, path: relative, incidentID: parts.count > 1 ? parts[1] : "")
            } else if relative.hasPrefix("checklists/") {
                _ = try Checklist(name: "", text: try RecordText(contents.data, path: relative).text, path: relative, builtIn: false)
            } else if relative.hasPrefix("runbooks/") {
                _ = try Runbook(name: "", text: try RecordText(contents.data, path: relative).text, path: relative, builtIn: false)
            } else {
                _ = try Decision(data: contents.data, path: relative)
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
