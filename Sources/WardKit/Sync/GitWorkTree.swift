import Foundation

/// The git repository a store lies in, seen from the store's root: every command runs there, so a pathspec of
/// `.` means "the store's files" even when the store is one folder of a larger repository.
struct GitWorkTree {
    let storeRoot: String
    /// The repository's own folder (`.git`), absolute.
    let gitDirectory: String

    /// Local commands (add, commit, rebase, merge) are given this long; only a broken machine takes it.
    static let localTimeout: TimeInterval = 120

    /// The repository holding `root`, or nil when it lies in none (or git is missing).
    init?(storeRoot root: URL) {
        storeRoot = root.path
        guard let found = try? Git.command(["rev-parse", "--absolute-git-dir"], in: root.path, timeout: 10),
              found.succeeded else { return nil }
        let directory = found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !directory.isEmpty else { return nil }
        gitDirectory = directory
    }

    /// Runs git; throws only when git cannot be started at all.
    @discardableResult
    func run(_ arguments: [String], timeout: TimeInterval = GitWorkTree.localTimeout) throws -> Subprocess {
        // Dying with Ward: a sync's git that outlived it would rewrite the work tree with no lock held.
        guard let finished = try Git.command(arguments, in: storeRoot, timeout: timeout, diesWithParent: true,
                                             environment: [StoreFiles.syncHookVariable: "1"]) else {
            throw WardError("git is not installed (or not on PATH)")
        }
        return finished
    }

    /// Standard output of a command that succeeded, trimmed; nil otherwise.
    func output(_ arguments: [String], timeout: TimeInterval = 10) -> String? {
        guard let finished = try? run(arguments, timeout: timeout), finished.succeeded else { return nil }
        return finished.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `name` exists inside `.git` (MERGE_HEAD, rebase-merge, index.lock...).
    func has(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: gitDirectory + "/" + name)
    }

    /// The operation git has stopped in the middle of, if any.
    var operationInProgress: String? {
        if has("rebase-merge") || has("rebase-apply") { return "rebase" }
        if has("MERGE_HEAD") { return "merge" }
        if has("CHERRY_PICK_HEAD") { return "cherry-pick" }
        if has("REVERT_HEAD") { return "revert" }
        return nil
    }

    /// Pathspecs for "the store's files as git should keep them": the store's folder, less the temporary
    /// files a writer is part way through (`*.ward-tmp`) and the given paths.
    static func storePathspecs(excluding paths: [String] = []) -> [String] {
        ["--", ".", ":(exclude,glob)**/*" + StoreFiles.temporarySuffix] + paths.map { ":(exclude,literal)" + $0 }
    }
}

/// The sync state of a store's repository as `git status` tells it, without asking the network.
public struct SyncStatus: Sendable, Equatable {
    /// The checked-out branch; nil when HEAD is detached.
    public var branch: String?
    /// The remote-tracking branch it follows (`origin/main`); nil when none is set.
    public var upstream: String?
    /// Commits here that the remote-tracking branch lacks, and the reverse (as of the last fetch).
    public var ahead = 0
    public var behind = 0
    /// The store's files changed and not committed.
    public var uncommitted = 0
    /// A rebase or merge git stopped in the middle of.
    public var operationInProgress: String?
    /// The last `ward sync` on this clone and how it ended.
    public var lastSync: Date?
    public var lastOutcome: String?

    public init() {}

    /// One short phrase for a status line: "sync: 3 ahead, 2 changes, 5m ago".
    public func phrase(now: Date = Date()) -> String {
        var parts: [String] = []
        if let operationInProgress { parts.append(operationInProgress + " in progress") }
        if uncommitted > 0 { parts.append("\(uncommitted) uncommitted") }
        if ahead > 0 { parts.append("\(ahead) ahead") }
        if behind > 0 { parts.append("\(behind) behind") }
        if upstream == nil { parts.append(branch == nil ? "detached" : "no remote") }
        if parts.isEmpty { parts.append("in sync") }
        if let lastSync {
            parts.append("synced " + Self.age(now.timeIntervalSince(lastSync)) + " ago")
        } else {
            parts.append("never synced")
        }
        if let lastOutcome, lastOutcome != SyncReport.Outcome.synced.rawValue, lastOutcome != SyncReport.Outcome.upToDate.rawValue {
            parts.append("last: " + lastOutcome)
        }
        return "git: " + parts.joined(separator: ", ")
    }

    /// The short form for the terminal's status line: "git ↑2 ↓1 ✎3 · 5m ago".
    public func compact(now: Date = Date()) -> String {
        var parts = ["git"]
        if let operationInProgress { parts.append(operationInProgress + "!") }
        if ahead > 0 { parts.append("↑\(ahead)") }
        if behind > 0 { parts.append("↓\(behind)") }
        if uncommitted > 0 { parts.append("✎\(uncommitted)") }
        if upstream == nil { parts.append(branch == nil ? "detached" : "local") }
        if parts.count == 1 { parts.append("✓") }
        let when = lastSync.map { "synced " + Self.age(now.timeIntervalSince($0)) + " ago" } ?? "never synced"
        return parts.joined(separator: " ") + " · " + when
    }

    static func age(_ seconds: TimeInterval) -> String {
        let seconds = max(0, Int(seconds))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}

extension Store {
    /// The store's sync state (one `git status`, no network); nil when the store is not in a git repository.
    public func syncStatus() -> SyncStatus? {
        guard let tree = GitWorkTree(storeRoot: root),
              // Without optional locks: a look from the terminal UI must never take git's index lock from
              // a sync or a person's commit running meanwhile.
              let text = try? tree.run(["--no-optional-locks", "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"]
                                        + GitWorkTree.storePathspecs(), timeout: 30),
              text.succeeded else { return nil }
        var status = SyncStatus()
        for entry in text.stdout.split(separator: "\0") {
            if entry.hasPrefix("# branch.head ") {
                let name = String(entry.dropFirst("# branch.head ".count))
                status.branch = name == "(detached)" ? nil : name
            } else if entry.hasPrefix("# branch.upstream ") {
                status.upstream = String(entry.dropFirst("# branch.upstream ".count))
            } else if entry.hasPrefix("# branch.ab ") {
                let counts = entry.dropFirst("# branch.ab ".count).split(separator: " ")
                if counts.count == 2 {
                    status.ahead = Int(counts[0].dropFirst()) ?? 0
                    status.behind = Int(counts[1].dropFirst()) ?? 0
                }
            } else if entry.hasPrefix("1 ") || entry.hasPrefix("2 ") || entry.hasPrefix("u ") || entry.hasPrefix("? ") {
                status.uncommitted += 1
            }
            // "2 " entries (renames) carry their old path as the next NUL-separated field; it starts with
            // none of the prefixes above, so it is not counted.
        }
        status.operationInProgress = tree.operationInProgress
        if let record = lastSyncRecord() {
            status.lastSync = record.at
            status.lastOutcome = record.outcome
        }
        return status
    }

    static let lastSyncPath = ".ward/sync/last.json"

    func lastSyncRecord() -> (at: Date, outcome: String)? {
        guard let contents = try? files.read(Self.lastSyncPath),
              let object = try? JSONValue.parseObject(contents.data),
              let at = object["at"]?.string.flatMap(Timestamps.parseISO), let outcome = object["outcome"]?.string else { return nil }
        return (at, outcome)
    }
}
