import Foundation

/// Several files changed together, all or none, even across a kill -9: superseding (a new record and the
/// records it replaces), linking two records, renumbering one.
///
/// The protocol: every new content is prepared and checked first; then the whole change (each file's old
/// hash and bytes and its new bytes) is written durably as an intent under `.ward/pending/`; then each file
/// is changed through the safe-write path; then the intent is removed. A process killed in between leaves
/// the intent behind, and the next Ward run on the store finishes it: every file is either still as it was
/// (it is changed now) or already changed (it is left), so finishing twice is harmless. A file somebody
/// else changed in between stops the finish; `ward doctor` reports it with the files named.
public struct ChangeSet: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public enum Action: String, Codable, Sendable {
            /// Write `after` over the file (or create it when `before` is nil).
            case write
            /// Remove the file.
            case remove
            /// Append `after`, one journal line holding `marker`, unless a line already holds it.
            case append
        }

        public var action: Action
        public var path: String
        /// The file's bytes before the change; nil when it must not exist.
        public var before: Data?
        public var after: Data?
        public var marker: String?
        /// The permission bits a file this step creates gets (a renumbered record keeps its old file's), or
        /// that a removed file gets back when the removal is undone. Nil: the directory's default.
        public var mode: UInt32?

        public static func write(_ path: String, before: Data?, after: Data, mode: UInt32? = nil) -> Step {
            Step(action: .write, path: path, before: before, after: after, marker: nil, mode: mode)
        }

        public static func remove(_ path: String, before: Data, mode: UInt32? = nil) -> Step {
            Step(action: .remove, path: path, before: before, after: nil, marker: nil, mode: mode)
        }

        public static func append(_ path: String, line: Data, marker: String) -> Step {
            Step(action: .append, path: path, before: nil, after: line, marker: marker, mode: nil)
        }
    }

    public var id: String
    /// What the change does, in words, for messages: "supersede 3 by 7".
    public var summary: String
    public var steps: [Step]

    public init(summary: String, steps: [Step], id: String = ULID.make()) {
        self.id = id
        self.summary = summary
        self.steps = steps
    }

    static let directory = ".ward/pending"
    var intentPath: String { ChangeSet.directory + "/" + id + ".json" }
}

/// A change set left half done: what it was, and why it cannot simply be finished (nil when it can).
public struct PendingChange: Sendable {
    public var change: ChangeSet
    public var path: String
    public var conflict: String?
}

extension Store {
    /// Makes every step of `change`, or none: see `ChangeSet`. On a failure before the intent is durable,
    /// nothing was changed. On a failure after, the steps already made are undone where possible; what cannot
    /// be undone stays recorded, and the next run finishes it.
    public func apply(_ change: ChangeSet) throws {
        let paths = change.steps.filter { $0.action != .append }.map(\.path)
        guard Set(paths).count == paths.count else {
            throw WardError("one change names a file twice (\(change.summary)); nothing was written")
        }
        try files.makeDirectories(ChangeSet.directory)
        try files.withLock(ChangeSet.directory) {
            if let blocked = pendingChanges().first {
                throw WardError("a change left half made blocks new ones: \(blocked.conflict ?? blocked.change.summary); run 'ward doctor'",
                                path: blocked.path)
            }
            // Check everything against the disk before promising anything.
            for step in change.steps where step.action != .append {
                let current = try files.read(step.path, limit: RecordText.sizeLimit + 1)
                if current?.data != step.before {
                    throw WardError(step.before == nil ? "already exists; nothing was written" :
                                    "was changed by someone else since Ward read it; nothing was written. Run the command again",
                                    path: step.path)
                }
            }
            let intent = try JSONEncoder().encode(change)
            try files.replace(change.intentPath, with: intent, expecting: .absent)
            do {
                for step in change.steps { try perform(step) }
            } catch let error as WardError {
                // Put back every file that changed, judged by what is on disk (a step can fail after its rename);
                // the intent, which holds the old bytes, goes only once every file is as it was.
                var restored = true
                for step in change.steps.reversed() {
                    do { try undo(step) } catch { restored = false }
                }
                if restored, conflict(in: change, undone: true) == nil {
                    try? files.remove(change.intentPath, expecting: nil, missingIsFine: true)
                    throw WardError("\(error.message); nothing was changed", path: error.path, line: error.line)
                }
                throw WardError("\(error.message); the change '\(change.summary)' is half made and will be finished by the next Ward command ('ward doctor' shows it)",
                                path: error.path, line: error.line)
            }
            // Every file is written; an intent that cannot be removed now is removed by the next run.
            try? files.remove(change.intentPath, expecting: nil, missingIsFine: true)
        }
    }

    private func perform(_ step: ChangeSet.Step) throws {
        switch step.action {
        case .write:
            guard let after = step.after else { return }
            let current = try files.read(step.path, limit: RecordText.sizeLimit + 1)
            if current?.data == after { return }
            try files.replace(step.path, with: after, expecting: step.before.map { .content(ContentHash($0)) } ?? .absent,
                              mode: step.mode.map { mode_t($0) })
        case .remove:
            let current = try files.read(step.path, limit: RecordText.sizeLimit + 1)
            guard current != nil else { return }
            try files.remove(step.path, expecting: step.before.map(ContentHash.init), missingIsFine: true)
        case .append:
            guard let line = step.after, let marker = step.marker else { return }
            let needle = Data(marker.utf8)
            do {
                try files.append(step.path, line: line) { journal in
                    if journal.range(of: needle) != nil { throw AlreadyThere() }
                }
            } catch is AlreadyThere {}
        }
    }

    private struct AlreadyThere: Error {}

    /// Puts a file back as it was when it is as the step left it (or, for a removal, gone).
    private func undo(_ step: ChangeSet.Step) throws {
        let current = try files.read(step.path, limit: RecordText.sizeLimit + 1)
        switch step.action {
        case .write:
            guard let after = step.after, let current, current.data == after else { return }
            if let before = step.before {
                try files.replace(step.path, with: before, expecting: .content(ContentHash(after)))
            } else {
                try files.remove(step.path, expecting: ContentHash(after), missingIsFine: true)
            }
        case .remove:
            guard let before = step.before, current == nil else { return }
            try files.replace(step.path, with: before, expecting: .absent, mode: step.mode.map { mode_t($0) })
        case .append:
            // A journal line is never taken back; an event that stays is harmless where the rest is undone
            // (a link event names a record that says nothing of it), and 'ward doctor' reports it.
            break
        }
    }

    /// The change sets a killed process left half made, each with what stands in the way of finishing it.
    public func pendingChanges() -> [PendingChange] {
        listDirectory(ChangeSet.directory).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let path = ChangeSet.directory + "/" + name
            guard let data = try? files.read(path)?.data, let change = try? JSONDecoder().decode(ChangeSet.self, from: data) else {
                return PendingChange(change: ChangeSet(summary: "unreadable", steps: [], id: String(name.dropLast(5))), path: path,
                                     conflict: "the record of a half-made change cannot be read")
            }
            return PendingChange(change: change, path: path, conflict: conflict(in: change))
        }
    }

    /// Why `change` cannot be finished: a file that is neither as it was nor as it is meant to become.
    /// With `undone`, why it is not wholly undone: a file not as it was.
    func conflict(in change: ChangeSet, undone: Bool = false) -> String? {
        for step in change.steps where step.action != .append {
            let current = (try? files.read(step.path, limit: RecordText.sizeLimit + 1))?.map(\.data) ?? nil
            let finished = step.action == .remove ? current == nil : current == step.after
            if undone ? current != step.before : (!finished && current != step.before) {
                return "\(step.path) was changed by hand since; finish the change by hand (it was: \(change.summary)), then remove \(change.intentPath)"
            }
        }
        return nil
    }

    /// Whether any file of `change` is already as the change makes it: only then was it begun, and is
    /// finished. One whose files are all as they were (killed before its first file, or its files put back
    /// since, say by a git checkout) is dropped: it was never acknowledged, and must not come back later.
    func begun(_ change: ChangeSet) -> Bool {
        change.steps.contains { step in
            guard step.action != .append else { return false }
            let current = (try? files.read(step.path, limit: RecordText.sizeLimit + 1))?.map(\.data) ?? nil
            return step.action == .remove ? (current == nil && step.before != nil) : (current == step.after && current != step.before)
        }
    }

    /// Finishes every half-made change that can be finished; returns what it did, in words.
    @discardableResult
    public func finishPendingChanges() throws -> [String] {
        guard !isReadOnly, !listDirectory(ChangeSet.directory).isEmpty else { return [] }
        return try files.withLock(ChangeSet.directory) {
            var finished: [String] = []
            for pending in pendingChanges() where pending.conflict == nil {
                if begun(pending.change) {
                    for step in pending.change.steps { try perform(step) }
                    finished.append("finished an interrupted change: \(pending.change.summary)")
                } else {
                    finished.append("dropped an interrupted change that had not begun: \(pending.change.summary)")
                }
                try files.remove(pending.path, expecting: nil, missingIsFine: true)
            }
            return finished
        }
    }
}
