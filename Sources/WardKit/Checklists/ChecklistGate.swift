import Foundation

/// One answer to a checklist item.
public enum ChecklistAnswer: String, Sendable, CaseIterable, Codable {
    case yes, no
    case notApplicable = "na"

    /// `yes`/`y`, `no`/`n`, `na`/`n/a`/`a`, in any case; nil for anything else.
    public static func parse(_ text: String) -> ChecklistAnswer? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes": return .yes
        case "n", "no": return .no
        case "a", "na", "n/a", "n.a.": return .notApplicable
        default: return nil
        }
    }

    public var label: String { self == .notApplicable ? "n/a" : rawValue }
}

/// An item and the answer it got, with what that answer means for the gate.
public struct ChecklistOutcome: Sendable, Equatable {
    public var item: TaskItem
    public var answer: ChecklistAnswer?
    public var note: String

    public init(item: TaskItem, answer: ChecklistAnswer?, note: String = "") {
        self.item = item
        self.answer = answer
        self.note = note
    }

    /// The answer that lets a change go ahead: "no" for a red flag, "yes" for anything else.
    public var goodAnswer: ChecklistAnswer { item.redFlag ? .no : .yes }

    /// Whether the item can stop the change: required items, and every red flag.
    public var isGating: Bool { item.required || item.redFlag }

    /// The good answer, or "not applicable" where the item allows it. Nil while unanswered.
    public var isGood: Bool? {
        guard let answer else { return nil }
        return answer == goodAnswer || (answer == .notApplicable && item.allowsNotApplicable)
    }

    /// A red-flag item answered "yes".
    public var raisesRedFlag: Bool { item.redFlag && answer == .yes }

    /// This answer alone makes the run a NO-GO.
    public var fails: Bool { isGating && isGood == false }

    /// Why the answer is not the good one, in a few words; nil when it is good or unanswered.
    public var problem: String? {
        guard let answer, isGood == false else { return nil }
        if raisesRedFlag { return "red flag raised" }
        if answer == .notApplicable { return "n/a is not allowed for this item" }
        return "answered \(answer.label)" + (item.redFlag ? "" : item.required ? " (required)" : " (not required)")
    }
}

/// GO or NO-GO.
public enum GateResult: String, Sendable, Codable {
    case go = "GO"
    case noGo = "NO-GO"
}

/// A checklist's answers weighed: GO only when every required item has the good answer (or n/a where the
/// item allows it) and no red flag is raised. Every item must be answered before there is a verdict; while
/// some are open, `result` is NO-GO as soon as one answer already decides it, and nil otherwise.
public struct ChecklistVerdict: Sendable, Equatable {
    public var outcomes: [ChecklistOutcome]

    public init(items: [TaskItem], answers: [String: ChecklistAnswer], notes: [String: String] = [:]) {
        outcomes = items.map { ChecklistOutcome(item: $0, answer: answers[$0.id], note: notes[$0.id] ?? "") }
    }

    public init(outcomes: [ChecklistOutcome]) {
        self.outcomes = outcomes
    }

    /// Items not yet answered, in the checklist's order.
    public var missing: [TaskItem] { outcomes.filter { $0.answer == nil }.map(\.item) }
    public var isComplete: Bool { outcomes.allSatisfy { $0.answer != nil } }
    /// The answers that make it a NO-GO.
    public var failed: [ChecklistOutcome] { outcomes.filter(\.fails) }
    /// Red-flag items answered "yes".
    public var redFlags: [ChecklistOutcome] { outcomes.filter(\.raisesRedFlag) }
    /// Answers that are not the good one but do not stop the change (items neither required nor red flags).
    public var warnings: [ChecklistOutcome] { outcomes.filter { !$0.isGating && $0.isGood == false } }
    public var answered: Int { outcomes.filter { $0.answer != nil }.count }

    /// NO-GO once any answer fails; GO when every item is answered and none fails; nil until then.
    public var result: GateResult? {
        if !failed.isEmpty { return .noGo }
        return isComplete ? .go : nil
    }

    /// One line for a screen or a terminal: "GO", "NO-GO: 1 failed (backup-verified)", "3 of 5 answered".
    public var summary: String {
        let failed = self.failed
        if !failed.isEmpty {
            let names = failed.prefix(3).map(\.item.id).joined(separator: ", ") + (failed.count > 3 ? ", …" : "")
            let flags = redFlags.count
            let what = flags == failed.count ? "\(flags) red flag\(flags == 1 ? "" : "s") raised"
                : "\(failed.count) failed"
            return "NO-GO: \(what) (\(names))" + (isComplete ? "" : ", \(missing.count) not answered yet")
        }
        if isComplete { return "GO: every required item has a good answer and no red flag is raised" }
        return "\(answered) of \(outcomes.count) answered; no failure so far"
    }
}
