import Foundation
import WardKit

/// A checklist being run on screen: the answers and notes given so far. Nothing is written until the run
/// is recorded, and then all of it at once.
public struct ChecklistRunState: Sendable, Equatable, Codable {
    public var answers: [String: ChecklistAnswer] = [:]
    public var notes: [String: String] = [:]

    public init(answers: [String: ChecklistAnswer] = [:], notes: [String: String] = [:]) {
        self.answers = answers
        self.notes = notes
    }

    /// Nothing given yet: leaving loses nothing.
    public var isEmpty: Bool { answers.isEmpty && notes.isEmpty }

    /// The answers weighed against the checklist's items as they are now.
    public func verdict(_ checklist: Checklist) -> ChecklistVerdict {
        ChecklistVerdict(items: checklist.items, answers: answers, notes: notes)
    }

    /// The index of the first unanswered item after `index`, going round to the top; nil when all are answered.
    public func nextUnanswered(after index: Int, in checklist: Checklist) -> Int? {
        let count = checklist.items.count
        guard count > 0 else { return nil }
        for step in 1...count {
            let candidate = (index + step) % count
            if answers[checklist.items[candidate].id] == nil { return candidate }
        }
        return nil
    }
}

/// Unrecorded answers, kept outside the store when Ward stops without asking (a dropped SSH session, a
/// signal) and given back the next time the same checklist is run.
public struct KeptChecklistRun: Sendable, Codable, Equatable {
    public var name: String
    public var incident: String?
    public var run: ChecklistRunState

    /// The runs of `state` that hold answers or notes, encoded; nil when there are none.
    public static func encode(_ state: AppState) -> Data? {
        let kept = state.checklistRuns.compactMap { route, run -> KeptChecklistRun? in
            guard !run.isEmpty, case let .checklistRun(name, incident) = route else { return nil }
            return KeptChecklistRun(name: name, incident: incident, run: run)
        }.sorted { ($0.name, $0.incident ?? "") < ($1.name, $1.incident ?? "") }
        return kept.isEmpty ? nil : try? JSONEncoder().encode(kept)
    }

    /// Puts kept runs back into `state`, for checklists (and incidents) that still exist. Returns how many.
    @discardableResult
    public static func restore(_ data: Data, into state: inout AppState) -> Int {
        guard let kept = try? JSONDecoder().decode([KeptChecklistRun].self, from: data) else { return 0 }
        var count = 0
        for item in kept where state.snapshot.checklist(item.name) != nil
            && (item.incident == nil || state.snapshot.incident(item.incident!) != nil) {
            state.checklistRuns[.checklistRun(name: item.name, incident: item.incident)] = item.run
            count += 1
        }
        return count
    }
}

/// A question on the status line that only `y` answers yes; any other key answers no.
public enum Confirmation: Sendable, Equatable {
    /// Leave the run screen and drop its unrecorded answers.
    case discardRun(Route)
    /// Quit while some checklist's answers are not recorded.
    case quit
}

/// Where the run screen puts things, shared by `update` (how many rows the list has) and the view.
public enum ChecklistRunLayout {
    /// The verdict, on the first row under the tabs: never scrolled away.
    public static let verdictY = 2
    /// The checklist's title and where the run will be recorded.
    public static let metaY = 3
    /// The first row of items, under their heading rule.
    public static let listY = 5

    /// Rows kept at least for the selected item's details (text, hint, note) under the list.
    public static func minimumDetailRows(height: Int) -> Int { max(3, min(6, (height - 6) / 4)) }

    /// Rows for `count` items, between their heading and the details: all of them when they fit.
    public static func listRows(height: Int, count: Int) -> Int {
        max(1, min(max(1, count), height - 1 - listY - 1 - minimumDetailRows(height: height)))
    }

    /// The rule above the details, right under the list.
    public static func detailRuleY(height: Int, count: Int) -> Int { listY + listRows(height: height, count: count) }

    /// Rows for the details: what is left above the status line.
    public static func detailRows(height: Int, count: Int) -> Int { max(0, height - 1 - detailRuleY(height: height, count: count) - 1) }
}
