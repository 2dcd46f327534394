import Foundation

/// The few things Ward asks git, each one process, each bounded in time. Git is optional: without it, or
/// outside a repository, every answer is empty.
public enum Git {
    /// Runs `git ARGS` in `directory`; its standard output, or nil when git is missing, fails or takes longer
    /// than `timeout` seconds (it is then killed).
    public static func run(_ arguments: [String], in directory: URL, timeout: TimeInterval = 10) -> String? {
        guard let finished = try? command(arguments, in: directory.path, timeout: timeout), finished.succeeded else { return nil }
        return finished.stdout
    }

    /// Runs `git ARGS` in `directory` as Ward always does: never asking anything (no terminal prompt, ssh in
    /// batch mode, bounded connection time), in the C locale so its words can be read; nil when git is missing.
    public static func command(_ arguments: [String], in directory: String, timeout: TimeInterval = 10,
                               diesWithParent: Bool = false, environment extra: [String: String] = [:]) throws -> Subprocess? {
        guard let git = executable else { return nil }
        let connect = max(1, Int(timeout.rounded(.down)))
        return try Subprocess.run(git, arguments, in: directory, environment: extra.merging([
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_ASKPASS": "/bin/true", "SSH_ASKPASS": "/bin/true",
            "GIT_SSH_COMMAND": ProcessInfo.processInfo.environment["GIT_SSH_COMMAND"]
                ?? "ssh -o BatchMode=yes -o ConnectTimeout=\(connect)",
            // Slow transfers are cut off too (under 1 KB/s for the whole timeout).
            "GIT_HTTP_LOW_SPEED_LIMIT": "1024", "GIT_HTTP_LOW_SPEED_TIME": String(connect),
        ]) { mine, _ in mine }, timeout: timeout, diesWithParent: diesWithParent)
    }

    static let executable: String? = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = String(directory) + "/git"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Whether `directory` is inside a git work tree.
    public static func isRepository(_ directory: URL) -> Bool {
        run(["rev-parse", "--is-inside-work-tree"], in: directory, timeout: 5)?.hasPrefix("true") == true
    }

    /// The record numbers in `directory` on every local branch other than the one checked out, and on every
    /// remote-tracking branch: one `git for-each-ref`, then one `git ls-tree` per branch (at most 200).
    public static func decisionNumbersOnOtherBranches(root: URL, directory: String) -> [Int] {
        guard let refs = run(["for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes"], in: root, timeout: 5) else { return [] }
        let head = run(["rev-parse", "HEAD"], in: root, timeout: 5)?.trimmingCharacters(in: .whitespacesAndNewlines)
        var numbers: Set<Int> = []
        for commit in Set(refs.split(separator: "\n").map(String.init)).sorted().prefix(200) where commit != head {
            guard let names = run(["ls-tree", "--name-only", commit, "--", directory + "/"], in: root, timeout: 5) else { continue }
            for line in names.split(separator: "\n") {
                let name = line.split(separator: "/").last.map(String.init) ?? ""
                if let number = Decision.number(inFileName: name), number <= Decision.largestNumber { numbers.insert(number) }
            }
        }
        return numbers.sorted()
    }
}
