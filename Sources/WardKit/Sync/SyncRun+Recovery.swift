import Foundation

/// Undoing what an interrupted sync left: its rebase or merge, and only its own.
extension SyncRun {
    /// Written before Ward starts a rebase or merge, removed when it is over: an interrupted sync's
    /// operation is Ward's to undo (and only then: a person's own rebase is never touched).
    static let operationMarker = ".ward/sync/operation"

    /// Undoes a rebase or merge an earlier, interrupted sync left; stops for one a person started. The marker
    /// names the operation and the commits it began from: a rebase a person started after an interrupted
    /// sync (whose git then finished on its own) does not match it, and is left alone.
    func recoverInterrupted(_ report: inout SyncReport) throws -> SyncReport? {
        // A git command still running (a person's, or one finishing as its sync was stopped): wait a little.
        let deadline = Date().addingTimeInterval(10)
        while tree.has("index.lock") {
            if Date() > deadline {
                report.outcome = .blocked
                report.message = "git's index is locked (\(tree.gitDirectory)/index.lock): another git command is running, or one was killed"
                report.advice = ["if no git command is running, remove \(tree.gitDirectory)/index.lock, then run 'ward sync' again"]
                return report
            }
            usleep(50_000)
        }
        let marker = try store.files.read(Self.operationMarker)
        let mine = marker.flatMap { try? JSONValue.parseObject($0.data) }
        if let operation = tree.operationInProgress {
            // Stopped while git was still writing down the rebase it was about to start: nothing has moved yet
            // (git checks out only once its list of commits is written), so its notes are simply dropped.
            if operation == "rebase", mine?["operation"]?.string == "rebase", rebaseWasNotUnderWay {
                let quit = try tree.run(["rebase", "--quit"])
                guard quit.succeeded, tree.operationInProgress == nil else {
                    report.outcome = .blocked
                    report.message = "an interrupted sync left a rebase half begun that git could not drop: \(quit.reason)"
                    report.advice = ["look at 'git -C \(store.root.path) status'; 'git rebase --quit' drops it"]
                    return report
                }
                report.recovered = "dropped the rebase an interrupted sync had only begun (nothing had moved)"
                try clearOperation()
                return nil
            }
            let started = startedFrom(operation)
            guard let mine, mine["operation"]?.string == operation, operation == "rebase" || operation == "merge",
                  started.head != nil, started.head == mine["head"]?.string, started.onto == mine["onto"]?.string,
                  startedByWard(operation) else {
                if let marker { try store.files.remove(Self.operationMarker, expecting: marker.hash, missingIsFine: true) }
                report.outcome = .blocked
                report.message = "a \(operation) is in progress in this repository (not one Ward started): Ward leaves it alone"
                report.advice = ["finish it ('git \(operation) --continue') or undo it ('git \(operation) --abort'), then run 'ward sync' again"]
                return report
            }
            // Undoing it resets the work tree: what was written since the sync stopped (notes logged meanwhile)
            // is kept first, and put back after. A changed record that is not a journal stops the undo.
            let kept = try linesWrittenSince(commits: [started.head, started.onto].compactMap { $0 })
            guard kept.others.isEmpty else {
                report.outcome = .blocked
                report.message = "an interrupted sync left a \(operation), and files were changed since: "
                    + kept.others.joined(separator: ", ") + "; Ward does not undo it over them"
                report.advice = ["copy what you changed aside, then 'git -C \(store.root.path) \(operation) --abort' and 'ward sync'"]
                return report
            }
            let aborted = try tree.run([operation, "--abort"])
            guard aborted.succeeded, tree.operationInProgress == nil else {
                report.outcome = .blocked
                report.message = "an interrupted sync left a \(operation) that git could not undo: \(aborted.reason)"
                report.advice = ["look at 'git -C \(store.root.path) status'; 'git \(operation) --abort' undoes it"]
                return report
            }
            for (path, lines) in kept.journals.sorted(by: { $0.key < $1.key }) {
                let now = Set(((try store.files.read(path))?.data).map { String(decoding: $0, as: UTF8.self) }?
                    .split(separator: "\n").map(String.init) ?? [])
                for line in lines where !now.contains(line) {
                    try store.files.appendHoldingWorkTree(path, line: Data((line + "\n").utf8))
                }
            }
            report.recovered = "undid the \(operation) an interrupted sync had left (its commits are kept"
                + (kept.journals.isEmpty ? ")" : "; the lines written since were put back)")
        }
        if let marker { try store.files.remove(Self.operationMarker, expecting: marker.hash, missingIsFine: true) }
        return nil
    }

    /// Whether the rebase in progress never got under way: its list of commits is not written yet (a rebase a
    /// person started, stopped or not, always has one).
    var rebaseWasNotUnderWay: Bool {
        let folder = tree.has("rebase-merge") ? "rebase-merge/" : "rebase-apply/"
        return !tree.has(folder + "git-rebase-todo") && !tree.has(folder + "done") && !tree.has(folder + "next")
    }

    /// Whether git's operation in progress bears Ward's own marks: a rebase started with
    /// --reschedule-failed-exec (which Ward passes and people rarely do), a merge with Ward's message.
    func startedByWard(_ operation: String) -> Bool {
        if operation == "rebase" { return tree.has("rebase-merge/reschedule-failed-exec") }
        let message = (try? String(contentsOfFile: tree.gitDirectory + "/MERGE_MSG", encoding: .utf8)) ?? ""
        return message.hasPrefix("Ward sync: merge ")
    }

    /// The store's files changed in the work tree since git's HEAD: for a journal, its lines HEAD lacks (in
    /// order); any other file, by name, unless it holds what one of `commits` holds (git's own part-way work).
    func linesWrittenSince(commits: [String]) throws -> (journals: [String: [String]], others: [String]) {
        let changed = (tree.output(["diff", "--name-only", "--no-renames", "--relative", "HEAD", "--", "."]) ?? "")
            .split(separator: "\n").map(String.init)
        var journals: [String: [String]] = [:], others: [String] = []
        for path in changed {
            guard path.hasSuffix(".jsonl") else {
                let now = try store.files.read(path)?.data
                let gits = commits.contains { commit in
                    guard let shown = try? tree.run(["show", commit + ":./" + path]), shown.succeeded else { return now == nil }
                    return now.map { String(decoding: $0, as: UTF8.self) } == shown.stdout
                }
                if !gits { others.append(path) }
                continue
            }
            let before = Set((tree.output(["show", "HEAD:./" + path]) ?? "").split(separator: "\n").map(String.init))
            let now = ((try store.files.read(path))?.data).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let added = now.split(separator: "\n").map(String.init).filter { !before.contains($0) && !$0.isEmpty }
            if !added.isEmpty { journals[path] = added }
        }
        return (journals, others)
    }

    /// The commits the operation in progress started from, as git keeps them: the branch's commit, and the
    /// commit it goes onto (a rebase) or merges (a merge).
    func startedFrom(_ operation: String) -> (head: String?, onto: String?) {
        func first(_ name: String) -> String? {
            (try? String(contentsOfFile: tree.gitDirectory + "/" + name, encoding: .utf8))?
                .split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if operation == "rebase" {
            let folder = tree.has("rebase-merge") ? "rebase-merge/" : "rebase-apply/"
            return (first(folder + "orig-head"), first(folder + "onto"))
        }
        return (first("ORIG_HEAD"), first("MERGE_HEAD"))
    }

    /// Undoes Ward's own rebase or merge that did not go through. Nil when it is undone (the marker goes);
    /// when git cannot undo it, the marker stays (the next sync tries again) and the report says so.
    func undo(_ operation: String, _ report: inout SyncReport) throws -> SyncReport? {
        if tree.operationInProgress == operation {
            let aborted = try tree.run([operation, "--abort"])
            if !aborted.succeeded || tree.operationInProgress != nil {
                report.outcome = .blocked
                report.message = "git could not undo the \(operation) it started: \(aborted.reason); "
                    + (report.commit.map { "your changes are committed here (\($0))" } ?? "your commits are kept here")
                report.advice = ["look at 'git -C \(store.root.path) status': 'git \(operation) --abort' undoes it, or run 'ward sync' again"]
                return report
            }
        }
        try clearOperation()
        return nil
    }

    /// Written before a rebase or merge: which, and the commits it starts from (see `recoverInterrupted`).
    func markOperation(_ operation: String, head: String?, onto: String?) throws {
        try store.files.makeDirectories(".ward/sync")
        let current = try store.files.read(Self.operationMarker)
        let object: [String: JSONValue] = ["operation": .string(operation), "head": head.map(JSONValue.string) ?? .null,
                                           "onto": onto.map(JSONValue.string) ?? .null, "pid": .number(Double(getpid()))]
        try store.files.replace(Self.operationMarker, with: Data((JSONValue.object(object).jsonText + "\n").utf8),
                                expecting: current.map { .content($0.hash) } ?? .absent)
    }

    func clearOperation() throws {
        if let current = try store.files.read(Self.operationMarker) {
            try store.files.remove(Self.operationMarker, expecting: current.hash, missingIsFine: true)
        }
    }
}
