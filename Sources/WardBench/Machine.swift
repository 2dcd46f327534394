import Foundation

/// What the figures were measured on, for the report's first lines.
struct Machine {
    var uname: String
    var cores: Int
    var cpu: String
    var memory: String
    var swift: String
    var ripgrep: String
    var adrTools: String
    var date: String

    static func describe() -> Machine {
        func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        func field(_ text: String, _ name: String) -> String {
            text.split(separator: "\n").first { $0.hasPrefix(name) }
                .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "?"
        }
        let formatter = ISO8601DateFormatter()
        return Machine(
            uname: Spawn.firstLine(["/usr/bin/uname", "-a"]),
            cores: ProcessInfo.processInfo.activeProcessorCount,
            cpu: field(file("/proc/cpuinfo"), "model name"),
            memory: field(file("/proc/meminfo"), "MemTotal"),
            swift: Spawn.firstLine([which("swift") ?? "/usr/bin/swift", "--version"]),
            ripgrep: Spawn.firstLine(["/usr/bin/rg", "--version"]),
            adrTools: Spawn.firstLine(["/usr/bin/dpkg-query", "-W", "adr-tools"]).replacingOccurrences(of: "\t", with: " "),
            date: formatter.string(from: Date())
        )
    }

    /// A program's path from $PATH.
    static func which(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
