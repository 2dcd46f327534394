import Foundation

/// Repairs `ward doctor --fix` makes: each keeps every byte a person or a writer left, somewhere they can
/// find it, and goes through the store's safe-write path.
extension Store {
    /// Every journal of the store: incident timelines, checklist runs, the decision journal.
    public func journalPaths() -> [String] {
        incidentIDs().map { Self.incidentsDirectory + "/" + $0 + "/timeline.jsonl" }
            + listDirectory(Self.checklistRunsDirectory).filter { $0.hasSuffix(".jsonl") }.map { Self.checklistRunsDirectory + "/" + $0 }
            + [decisionsDirectory + "/" + Self.decisionJournalName]
    }

    /// Moves the incomplete last line a writer that died left at the end of a journal into a side file
    /// beside it (`timeline.torn-20261125T031407Z.txt`), then cuts it from the journal. Returns the side
    /// file's path, or nil when the journal ends whole. The journal is held locked against appends
    /// throughout; a crash between the two writes leaves the fragment in both places, never in neither.
    public func moveTornTail(_ relative: String) throws -> String? {
        try files.withJournalLock(relative) { () throws -> String? in
            guard let contents = try files.read(relative), let last = contents.data.last, last != UInt8(ascii: "\n") else { return nil }
            let bytes = contents.data
            let cut = bytes.lastIndex(of: UInt8(ascii: "\n")).map { bytes.index(after: $0) } ?? bytes.startIndex
            let directory = relative.split(separator: "/").dropLast().joined(separator: "/")
            let base = String(relative.split(separator: "/").last ?? "journal").split(separator: ".").first.map(String.init) ?? "journal"
            let stamp = Timestamps.format(now()).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            var side = (directory.isEmpty ? "" : directory + "/") + "\(base).torn-\(stamp).txt"
            var attempt = 1
            while try files.read(side) != nil {
                attempt += 1
                side = (directory.isEmpty ? "" : directory + "/") + "\(base).torn-\(stamp)-\(attempt).txt"
            }
            try files.replace(side, with: Data(bytes[cut...]) + Data("\n".utf8), expecting: .absent)
            try files.replace(relative, with: Data(bytes[..<cut]), expecting: .content(contents.hash))
            return side
        } ?? nil
    }

    /// Gives a supersede written on one side only its other side, as `ward adr new --supersedes` would have
    /// written it: the superseded record gets `superseded` and `superseded-by` (only when it is accepted, or
    /// already says superseded: any other status is a person's call), or the superseding one gets
    /// `supersedes`. Returns what it did, or nil when it left it. One all-or-nothing change, journalled.
    public func restoreSupersede(_ newer: Decision, supersedes older: Decision) throws -> String? {
        try finishPendingChanges()
        return try files.withLock(decisionsDirectory + "/.numbering") { () throws -> String? in
            let newer = try findDecision(newer.fileName), older = try findDecision(older.fileName)
            guard newer.path != older.path else { return nil }
            let names = decisionNames(loadDecisions().decisions)
            var steps: [ChangeSet.Step] = []
            var done: String?
            if newer.supersedes.contains(older.number) && !older.supersededBy.contains(newer.number) {
                guard older.status == .accepted || older.status == .superseded else { return nil }
                steps.append(try edit(older, DecisionChange(status: .superseded, supersededBy: [newer.number]), names: names))
                done = "marked \(older.path) superseded by \(newer.number), as \(newer.path) says"
            } else if older.supersededBy.contains(newer.number) && !newer.supersedes.contains(older.number) {
                steps.append(try edit(newer, DecisionChange(supersedes: [older.number]), names: names))
                done = "added 'supersedes \(older.number)' to \(newer.path), as \(older.path) says"
            }
            guard let done else { return nil }
            steps.append(historyStep(decisionEvent("linked", newer, ["link": .string("supersedes"), "target": .number(Double(older.number))])))
            try apply(ChangeSet(summary: "restore supersede \(newer.number) of \(older.number)", steps: steps))
            return done
        }
    }
}
