import Foundation

/// The first step of a sync: the store's changed files, committed with a message saying what changed.
extension SyncRun {
    /// Stages the store's changed files and commits them, with a message made from what changed. A journal
    /// whose last line is still being written (or was cut short by a crash) waits for the next sync.
    func commit(_ report: inout SyncReport, subject: String? = nil) throws {
        let changed = try changedFiles()
        guard !changed.isEmpty else { return }
        var leftOut: [String] = []
        // Every writer waits for the sync (the work tree's lock): a journal ending part way through a line was
        // cut short by a crash.
        for path in changed where path.hasSuffix(".jsonl") && endsTorn(path) { leftOut.append(path) }
        report.leftOut = leftOut
        let pathspecs = GitWorkTree.storePathspecs(excluding: leftOut)
        let added = try tree.run(["add", "--all"] + pathspecs)
        guard added.succeeded else { throw WardError("git could not stage the store's changes: \(added.reason)", path: store.root.path) }
        let names = try tree.run(["diff", "--cached", "--name-status", "--no-renames", "-z", "--relative"] + pathspecs)
        let changes = Self.nameStatus(names.stdout)
        guard !changes.isEmpty else { return }
        let journals = changes.map(\.path).filter { $0.hasSuffix(".jsonl") }
        var addedLines: [String: [String]] = [:]
        if !journals.isEmpty {
            // By pattern, not by name: thousands of journals would not fit on one command line.
            let diff = try tree.run(["diff", "--cached", "-U0", "--no-color", "--no-renames", "--no-ext-diff", "--relative", "--",
                                     ":(glob)**/*.jsonl"])
            addedLines = Self.addedLines(diff.stdout)
        }
        let message = SyncMessage(changes: changes, addedLines: addedLines, decisionsDirectory: store.decisionsDirectory) { path in
            (try? store.files.read(path)).flatMap { $0 }.flatMap { try? Decision(data: $0.data, path: path).title }
        }
        var arguments = ["commit", "--quiet", "--no-edit", "-m", subject ?? message.subject]
        if !message.body.isEmpty { arguments += ["-m", message.body] }
        // Only the store's paths: whatever else a person staged in the repository stays staged, uncommitted.
        arguments += ["--only"] + pathspecs
        let committed = try tree.run(identity() + arguments)
        guard committed.succeeded else {
            throw WardError("git could not commit the store's changes: \(committed.reason); they are still here, uncommitted", path: store.root.path)
        }
        report.commit = tree.output(["rev-parse", "--short", "HEAD"])
        report.committed = message.items
    }

    /// The store's files git sees as changed, added or removed (paths relative to the store).
    func changedFiles() throws -> [String] {
        let status = try tree.run(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"] + GitWorkTree.storePathspecs())
        guard status.succeeded else { throw WardError("git status failed: \(status.reason)", path: store.root.path) }
        // Entries are "XY PATH" (relative to the repository's top); the store's own prefix is taken off.
        let prefix = tree.output(["rev-parse", "--show-prefix"]) ?? ""
        return status.stdout.split(separator: "\0").compactMap { entry in
            guard entry.count > 3 else { return nil }
            let path = String(entry.dropFirst(3))
            return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        }
    }

    /// Whether a journal's last byte is not a newline (a line being written, or torn by a crash).
    func endsTorn(_ path: String) -> Bool {
        let fd = open(store.files.path(path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return false }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, size - 1) == 1 else { return false }
        return last != UInt8(ascii: "\n")
    }

    /// `-c user.name=... -c user.email=...` from Ward's own identity when git has none configured (a bastion's
    /// shared account): git refuses to commit without one.
    func identity() -> [String] {
        if tree.output(["config", "user.email"]) != nil && tree.output(["config", "user.name"]) != nil { return [] }
        let user = store.author.split(separator: "@").first.map(String.init) ?? store.author
        return ["-c", "user.name=" + user, "-c", "user.email=" + store.author]
    }

    // MARK: Reading git's output

    /// `git diff --name-status -z`: status letter, NUL, path, NUL, repeated.
    static func nameStatus(_ text: String) -> [(status: Character, path: String)] {
        let fields = text.split(separator: "\0", omittingEmptySubsequences: false)
        var changes: [(Character, String)] = []
        var index = 0
        while index + 1 < fields.count {
            if let letter = fields[index].first { changes.append((letter, String(fields[index + 1]))) }
            index += 2
        }
        return changes
    }

    /// The `+` lines of a unified diff, by the file they were added to.
    static func addedLines(_ diff: String) -> [String: [String]] {
        var lines: [String: [String]] = [:]
        var current: String?
        for line in diff.split(separator: "\n") {
            if line.hasPrefix("+++ ") {
                current = line.hasPrefix("+++ b/") ? String(line.dropFirst(6)) : nil
            } else if line.hasPrefix("+"), let current {
                lines[current, default: []].append(String(line.dropFirst()))
            }
        }
        return lines
    }
}
