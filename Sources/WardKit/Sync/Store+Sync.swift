import Foundation

/// What `ward sync` did, and what a person should do next.
public struct SyncReport: Sendable {
    public enum Outcome: String, Sendable {
        /// Committed what there was, took in the remote's commits, and pushed.
        case synced
        /// Nothing to commit, take in or push.
        case upToDate = "up-to-date"
        /// Committed here; the repository has no remote to sync with.
        case localOnly = "local-only"
        /// Committed here; the remote could not be reached (or did not answer in time).
        case offline
        /// Committed here; the remote's commits change the same lines. Nothing was merged.
        case conflict
        /// Nothing could be done until a person acts (a rebase of their own in progress, a detached HEAD...).
        case blocked
    }

    public var outcome: Outcome
    /// The commit made of the store's changes, and its message's lines.
    public var commit: String?
    public var committed: [String] = []
    /// Commits taken in from the remote, and how ("fast-forward", "rebase", "merge").
    public var received = 0
    public var integration: String?
    /// Commits sent.
    public var pushed = 0
    public var remote: String?
    /// Files that could not be merged (a conflict), or were left out of the commit (a journal being written).
    public var conflicts: [String] = []
    public var leftOut: [String] = []
    /// Decision numbers two records now share (after the remote's records came in).
    public var duplicateDecisions: [String] = []
    /// What happened, in one sentence, and what to do, one step per line.
    public var message: String
    public var advice: [String] = []
    /// Done before anything else: an earlier sync's unfinished rebase or merge undone.
    public var recovered: String?

    public var succeeded: Bool { [.synced, .upToDate, .localOnly].contains(outcome) }
}

extension Store {
    /// Commits the store's changed files (only those), takes in the remote's commits (rebase, or a merge where a
    /// rebase would conflict), and pushes. Never forces, never discards: on a conflict it undoes its own merge
    /// and says which files; without a remote or network it keeps the commit and says so.
    ///
    /// `timeout` bounds each conversation with the remote (fetch, push); local steps are bounded separately.
    /// `progress` hears each step as it starts.
    public func sync(timeout: TimeInterval = 20, progress: @escaping (String) -> Void = { _ in }) throws -> SyncReport {
        guard !isDemo, files.readOnlyReason == nil else { throw WardError(files.readOnlyReason ?? "the demo store is read-only") }
        guard Git.executable != nil else { throw WardError("git is not installed (or not on PATH): 'ward sync' needs it") }
        guard let tree = GitWorkTree(storeRoot: root) else {
            throw WardError("not in a git repository, so there is nothing to sync with; 'ward init --git' sets one up", path: root.path)
        }
        return try files.withLock("sync") {
            var report = try SyncRun(store: self, tree: tree, timeout: timeout, progress: progress).run()
            if report.outcome != .blocked { recordLastSync(report) }
            report.advice = report.advice.filter { !$0.isEmpty }
            return report
        }
    }

    /// `ward init --git`: makes the store's folder a git repository when it lies in none, and commits the store's
    /// files. Returns whether a repository was made, and the commit (nil when there was nothing to commit).
    public func setUpGit() throws -> (createdRepository: Bool, commit: String?) {
        guard Git.executable != nil else { throw WardError("git is not installed (or not on PATH): install it, or leave out --git") }
        var created = false
        if GitWorkTree(storeRoot: root) == nil {
            guard let made = try Git.command(["init", "--quiet"], in: root.path, timeout: 30), made.succeeded else {
                throw WardError("git init failed; the store is made, but not a repository", path: root.path)
            }
            created = true
        }
        guard let tree = GitWorkTree(storeRoot: root) else { throw WardError("git init made no repository here", path: root.path) }
        return try files.withLock("sync") {
            var report = SyncReport(outcome: .upToDate, message: "")
            try SyncRun(store: self, tree: tree, timeout: 20, progress: { _ in }).commit(&report, subject: "Ward store" + (config.name.map { ": " + $0 } ?? ""))
            return (created, report.commit)
        }
    }

    /// Keeps when and how the last sync ended, for the status line (derived data: `.ward/` is not committed).
    private func recordLastSync(_ report: SyncReport) {
        let object: [String: JSONValue] = ["at": .string(Timestamps.format(now())), "outcome": .string(report.outcome.rawValue)]
        try? files.makeDirectories(".ward/sync")
        let current = try? files.read(Self.lastSyncPath)
        try? files.replace(Self.lastSyncPath, with: Data((JSONValue.object(object).jsonText + "\n").utf8),
                           expecting: current.flatMap { $0 }.map { .content($0.hash) } ?? .absent)
    }
}

/// One sync, step by step.
struct SyncRun {
    let store: Store
    let tree: GitWorkTree
    let timeout: TimeInterval
    let progress: (String) -> Void

    func run() throws -> SyncReport {
        var report = SyncReport(outcome: .upToDate, message: "")
        // Recovery resets files: no writer may be part way through meanwhile.
        var blocked: SyncReport?
        var recovering = report
        try store.files.withWorkTreeLock(exclusive: true) { blocked = try recoverInterrupted(&recovering) }
        report = recovering
        if let blocked { return blocked }
        guard let branch = tree.output(["symbolic-ref", "--quiet", "--short", "HEAD"]) else {
            report.outcome = .blocked
            report.message = "HEAD is detached (not on a branch): Ward does not know where to commit"
            report.advice = ["check out the store's branch ('git -C \(store.root.path) switch main'), then run 'ward sync' again"]
            return report
        }

        let target = upstream(branch: branch)
        var tracking: String?
        var unreachable: Subprocess?
        var otherBranches: [String]?
        if let target {
            report.remote = target.remote
            progress("fetching from \(target.remote)")
            do {
                switch try fetch(target) {
                case .success(let ref): tracking = ref
                case .failure(let failed): unreachable = failed.process
                }
            } catch let other as OtherBranches {
                otherBranches = other.names
            }
        }

        // Committing and taking in hold the work tree's lock: no note is appended to a journal while git
        // rewrites it.
        progress("committing the store's changes")
        if let stop = try takeIn(&report, tracking: tracking, remote: target?.remote, commitFirst: true) { return stop }

        if let target, let otherBranches {
            report.outcome = .blocked
            report.message = "\(target.remote) has no branch '\(target.branch)' but has \(otherBranches.map { "'\($0)'" }.joined(separator: ", ")): "
                + "pushing would start a second history beside the team's; "
                + (report.commit.map { "your changes are committed here (\($0)), " } ?? "") + "nothing was pulled or pushed"
            report.advice = ["follow the team's branch: git -C \(store.root.path) fetch \(target.remote) && git -C \(store.root.path) switch \(otherBranches.first ?? "main") (or rename yours: git branch -m NAME), then 'ward sync'"]
            return report
        }

        guard let target else {
            report.outcome = .localOnly
            report.message = (report.commit == nil ? "Nothing to commit" : "Committed \(report.commit!)")
                + "; this repository has no remote, so nothing was pulled or pushed"
            report.advice = ["to share the store, add a remote: git -C \(store.root.path) remote add origin URL (see the README's 'Working as a team')"]
            return report
        }
        if let unreachable { return offline(&report, remote: target.remote, step: "fetch", unreachable) }
        let remote = target.remote

        // A push refused because someone pushed meanwhile is retried after taking their commits in.
        for attempt in 1...3 {
            if attempt > 1 {
                progress("fetching from \(remote) again")
                switch try fetch(target) {
                case .success(let ref): tracking = ref
                case .failure(let failed): return offline(&report, remote: remote, step: "fetch", failed)
                }
                if let stop = try takeIn(&report, tracking: tracking, remote: remote, commitFirst: false) { return stop }
            }
            let ahead = tracking.map { Int(tree.output(["rev-list", "--count", $0 + "..HEAD"]) ?? "") ?? 0 }
                ?? Int(tree.output(["rev-list", "--count", "HEAD"]) ?? "") ?? 0
            if ahead == 0 && (target.hasUpstream || tree.output(["rev-parse", "--verify", "--quiet", "HEAD"]) == nil) { break }
            if let outside = outsideTheStore(since: tracking) {
                report.outcome = .blocked
                report.message = "the commits to push also change files outside the store (\(outside.prefix(5).joined(separator: ", "))\(outside.count > 5 ? ", ..." : "")): "
                    + "Ward pushes only the store's work; yours is committed here"
                report.advice = ["push them yourself when they are ready ('git push'), then 'ward sync'"]
                return report
            }
            progress("pushing to \(remote)")
            let pushed = try tree.run(["push", "--quiet", "--porcelain"] + (target.hasUpstream ? [] : ["--set-upstream"])
                                      + [remote, "HEAD:refs/heads/\(target.branch)"], timeout: timeout)
            if pushed.succeeded {
                report.pushed = ahead
                _ = try? tree.run(["update-ref", "refs/remotes/\(remote)/\(target.branch)", "HEAD"])
                break
            }
            let rejected = pushed.stdout.contains("[rejected]") || pushed.stderr.contains("fetch first")
                || pushed.stderr.contains("non-fast-forward")
            if rejected && attempt < 3 { continue }
            if rejected {
                report.outcome = .offline
                report.message = "\(remote) kept taking new commits while Ward pushed (3 tries); yours are committed here"
                report.advice = ["run 'ward sync' again"]
                return report
            }
            return offline(&report, remote: remote, step: "push", pushed)
        }

        report.duplicateDecisions = duplicateDecisionNumbers()
        report.outcome = report.commit == nil && report.received == 0 && report.pushed == 0 ? .upToDate : .synced
        var done: [String] = []
        if let commit = report.commit { done.append("committed \(commit)") }
        if report.received > 0 { done.append("took in \(report.received) commit\(report.received == 1 ? "" : "s") (\(report.integration ?? "merge"))") }
        if report.pushed > 0 { done.append("pushed \(report.pushed) commit\(report.pushed == 1 ? "" : "s")") }
        report.message = done.isEmpty ? "Up to date with \(remote)" : "Synced with \(remote): " + done.joined(separator: ", ")
        if !report.duplicateDecisions.isEmpty {
            report.advice.append("decision numbers are used twice now (\(report.duplicateDecisions.joined(separator: ", "))): run 'ward doctor', then 'ward adr renumber FILE' for one of each pair, and 'ward sync'")
        }
        if !report.leftOut.isEmpty {
            report.advice.append("left out (a line being written, or cut short by a crash): \(report.leftOut.joined(separator: ", ")); 'ward doctor' says which, 'ward sync' again takes them")
        }
        return report
    }

    // MARK: Steps

    /// Fetches the branch into its remote-tracking ref: the ref, nil when the remote has no such branch yet (a
    /// fresh bare repository), or git's failure (unreachable, or no answer within the timeout).
    private func fetch(_ target: (remote: String, branch: String, hasUpstream: Bool)) throws -> Result<String?, FetchFailure> {
        let tracking = "refs/remotes/\(target.remote)/\(target.branch)"
        let fetched = try tree.run(["fetch", "--quiet", "--no-write-fetch-head", target.remote,
                                    "+refs/heads/\(target.branch):\(tracking)"], timeout: timeout)
        if fetched.succeeded { return .success(tree.output(["rev-parse", "--verify", "--quiet", tracking]) == nil ? nil : tracking) }
        if !fetched.timedOut && fetched.stderr.contains("couldn't find remote ref") {
            // A fresh remote has no branches at all; one with others would get a second, unrelated history.
            let heads = try tree.run(["ls-remote", "--heads", target.remote], timeout: timeout)
            if heads.succeeded, !heads.stdout.isEmpty { throw OtherBranches(names: heads.stdout.split(separator: "\n").compactMap {
                $0.split(separator: "\t").last.map { String($0.dropFirst("refs/heads/".count)) } }) }
            return .success(nil)
        }
        return .failure(FetchFailure(process: fetched))
    }

    struct FetchFailure: Error { var process: Subprocess }
    struct OtherBranches: Error { var names: [String] }

    /// Commits (when `commitFirst`) and takes in `tracking`'s commits, holding the work tree's lock: every
    /// writer of the store waits meanwhile (see `StoreFiles.withWorkTreeLock`). Returns a report to stop with,
    /// or nil to go on.
    private func takeIn(_ report: inout SyncReport, tracking: String?, remote: String?, commitFirst: Bool) throws -> SyncReport? {
        var stop: SyncReport?
        var result = report
        try store.files.withWorkTreeLock(exclusive: true) {
            if commitFirst { try commit(&result) }
            if let tracking, let remote { stop = try integrate(&result, tracking: tracking, remote: remote) }
        }
        report = result
        return stop
    }

    /// The remote and branch to sync with: the branch's upstream, else the only remote or `origin` with the
    /// same branch name (pushed with --set-upstream). Nil when the repository has no remote.
    private func upstream(branch: String) -> (remote: String, branch: String, hasUpstream: Bool)? {
        if let remote = tree.output(["config", "branch.\(branch).remote"]), remote != ".",
           let merge = tree.output(["config", "branch.\(branch).merge"]), merge.hasPrefix("refs/heads/") {
            return (remote, String(merge.dropFirst("refs/heads/".count)), true)
        }
        let remotes = (tree.output(["remote"]) ?? "").split(separator: "\n").map(String.init)
        guard let remote = remotes.count == 1 ? remotes[0] : remotes.first(where: { $0 == "origin" }) else { return nil }
        return (remote, branch, false)
    }

    /// Takes in the remote-tracking branch's commits: fast-forward, else rebase, else merge. Returns a report to
    /// stop with (a conflict), or nil to go on.
    private func integrate(_ report: inout SyncReport, tracking: String, remote: String) throws -> SyncReport? {
        let behind = Int(tree.output(["rev-list", "--count", "HEAD.." + tracking]) ?? "") ?? 0
        guard behind > 0 else { return nil }
        let ahead = Int(tree.output(["rev-list", "--count", tracking + "..HEAD"]) ?? "") ?? 0
        progress("taking in \(behind) commit\(behind == 1 ? "" : "s") from \(remote)")
        if ahead == 0 {
            let merged = try tree.run(["merge", "--ff-only", "--quiet", tracking])
            if merged.succeeded {
                report.received += behind
                report.integration = "fast-forward"
                return nil
            }
            return stopped(&report, remote: remote, tracking: tracking, reason: merged.reason, conflicts: [])
        }
        // A rebase keeps the history a line; it needs a clean work tree (files outside the store, or a journal
        // left out above, may not be), and a merge does not.
        let clean = tree.output(["status", "--porcelain", "--untracked-files=no"])?.isEmpty == true
        let head = tree.output(["rev-parse", "HEAD"]), onto = tree.output(["rev-parse", tracking])
        if clean {
            try markOperation("rebase", head: head, onto: onto)
            // --reschedule-failed-exec changes nothing here (there are no exec lines); it marks the rebase as
            // Ward's (see `startedByWard`).
            let rebased = try tree.run(identity() + ["rebase", "--quiet", "--reschedule-failed-exec", tracking])
            if rebased.succeeded {
                try clearOperation()
                report.received += behind
                report.integration = "rebase"
                // The commit made above is HEAD again, under a new name.
                if report.commit != nil { report.commit = tree.output(["rev-parse", "--short", "HEAD"]) }
                return nil
            }
            if let stuck = try undo("rebase", &report) { return stuck }
        }
        try markOperation("merge", head: head, onto: onto)
        let merged = try tree.run(identity() + ["merge", "--no-edit", "--quiet", "-m", "Ward sync: merge \(tracking.replacingOccurrences(of: "refs/remotes/", with: ""))", tracking])
        if merged.succeeded {
            try clearOperation()
            report.received += behind
            report.integration = "merge"
            return nil
        }
        let conflicts = (tree.output(["diff", "--name-only", "--diff-filter=U", "--relative"]) ?? "")
            .split(separator: "\n").map(String.init)
        if let stuck = try undo("merge", &report) { return stuck }
        return stopped(&report, remote: remote, tracking: tracking, reason: merged.reason, conflicts: conflicts)
    }

    private func stopped(_ report: inout SyncReport, remote: String, tracking: String, reason: String, conflicts: [String]) -> SyncReport {
        let short = tracking.replacingOccurrences(of: "refs/remotes/", with: "")
        report.conflicts = conflicts
        report.outcome = conflicts.isEmpty ? .blocked : .conflict
        let kept = report.commit.map { "your changes are committed here (\($0)); " } ?? "your commits are kept here; "
        if conflicts.isEmpty {
            report.message = "git could not take in \(remote)'s commits: \(reason); " + kept + "nothing was merged"
            // What stands in the way: a journal left out of the commit (its last line cut short by a crash), or
            // changes outside the store, which git will not merge over.
            let inTheWay = (tree.output(["status", "--porcelain", "--untracked-files=normal"]) ?? "")
                .split(separator: "\n").map { String($0.dropFirst(3)) }
            if !report.leftOut.isEmpty {
                report.advice.append("a journal whose last line a crash cut short was left out of the commit and is in the way: "
                                     + report.leftOut.joined(separator: ", ") + "; 'ward doctor --fix' moves the cut-off line aside, then 'ward sync'")
            }
            if !inTheWay.isEmpty {
                report.advice.append("changes not committed that git will not merge over (git status): "
                                     + inTheWay.prefix(10).joined(separator: ", ") + (inTheWay.count > 10 ? ", ..." : "")
                                     + "; commit, stash or unstage those outside the store, then 'ward sync'")
            }
            if report.advice.isEmpty { report.advice = ["look at 'git -C \(store.root.path) status', then run 'ward sync' again"] }
        } else {
            report.message = "\(remote)'s commits change the same lines of \(conflicts.count) file\(conflicts.count == 1 ? "" : "s") as yours; "
                + kept + "nothing was merged or pushed"
            report.advice = [
                "cd \(store.root.path) && git merge \(short)",
                "edit each file named above: keep both sides' text, remove the <<<<<<< ======= >>>>>>> lines",
                "git add FILE... && git commit --no-edit",
                "ward doctor (checks the merged files), then ward sync",
            ]
        }
        return report
    }

    private func offline(_ report: inout SyncReport, remote: String, step: String, _ failure: FetchFailure) -> SyncReport {
        offline(&report, remote: remote, step: step, failure.process)
    }

    private func offline(_ report: inout SyncReport, remote: String, step: String, _ finished: Subprocess) -> SyncReport {
        report.outcome = .offline
        let url = tree.output(["remote", "get-url", remote]) ?? remote
        let why = finished.timedOut ? "no answer within \(Int(timeout)) s" : finished.reason
        report.message = "could not \(step) \(remote) (\(url)): \(why). "
            + (report.commit.map { "Your changes are committed here (\($0)); " } ?? "Nothing was lost; ")
            + "run 'ward sync' again when the remote can be reached"
        return report
    }

    /// Files outside the store that the commits to push change (the store is a folder of a larger repository
    /// and the branch holds a person's own unpushed work); nil when there are none.
    private func outsideTheStore(since tracking: String?) -> [String]? {
        guard let prefix = tree.output(["rev-parse", "--show-prefix"]), !prefix.isEmpty else { return nil }
        let range = tracking.map { [$0, "HEAD"] } ?? ["--root", "HEAD"]
        let arguments = tracking == nil ? ["log", "--format=", "--name-only", "HEAD", "--", ":(top)", ":(exclude)."]
            : ["diff", "--name-only"] + range + ["--", ":(top)", ":(exclude)."]
        guard let listed = tree.output(arguments) else { return nil }
        let files = Set(listed.split(separator: "\n").map(String.init)).sorted()
        return files.isEmpty ? nil : files
    }

    /// Decision file names that share a number.
    private func duplicateDecisionNumbers() -> [String] {
        let names = store.listDirectory(store.decisionsDirectory)
        let byNumber = Dictionary(grouping: names.filter { Decision.number(inFileName: $0).map { $0 <= Decision.largestNumber } ?? false },
                                  by: { Decision.number(inFileName: $0)! })
        return byNumber.filter { $0.value.count > 1 }.keys.sorted().map { String($0) }
    }
}
