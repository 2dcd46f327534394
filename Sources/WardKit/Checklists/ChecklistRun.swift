import Foundation

/// One recorded run of a checklist: who ran it, when, every answer with its note, and the verdict.
///
/// A run is a `checklist` event: a line of `checklists/runs/<name>.jsonl` for a run made on its own, or of an
/// incident's timeline for a run made inside it. The items are copied into the event (text, required, n/a,
/// red flag), so a run reads the same after its definition changes or is deleted, and its verdict is worked
/// out again from those answers rather than trusted from the line.
public struct ChecklistRun: Sendable, Equatable {
    public var id: String
    public var at: Date
    public var by: String
    /// The checklist's name (`schema-change`) and title as they were when it ran.
    public var checklist: String
    public var title: String
    /// Where the definition came from: `built in` or the store's file.
    public var definition: String
    /// The incident it ran inside, if any.
    public var incident: String?
    public var verdict: ChecklistVerdict
    /// The file and line the run is recorded on.
    public var path: String
    public var line: Int
    /// The verdict written on the line; a hand edit can make it disagree with the answers.
    public var recordedResult: String?

    /// Eight characters people type to name the run (`ward check show`).
    public var shortID: String { ActionItem.shortID(id) }

    /// GO only when the answers give GO and the line does not say otherwise: where a hand edit made the
    /// two disagree, the worse counts (and `ward doctor` reports it).
    public var result: GateResult {
        recordedResult == GateResult.noGo.rawValue ? .noGo : verdict.result ?? .noGo
    }
    /// The red flags the answers raise, and any the line names besides.
    public var redFlags: [String] {
        let raised = verdict.redFlags.map(\.item.id)
        return raised + recordedRedFlags.filter { !raised.contains($0) }
    }
    /// The red flags written on the line.
    public var recordedRedFlags: [String] = []
    public var failed: [String] { verdict.failed.map(\.item.id) }

    /// The event fields of a finished run (public for `ward-bench`, which writes runs as Ward records them).
    public static func fields(_ checklist: Checklist, _ verdict: ChecklistVerdict) -> [String: JSONValue] {
        [
            "checklist": .string(checklist.name),
            "title": .string(checklist.title),
            "definition": .string(checklist.builtIn ? "built in" : checklist.path),
            "result": .string((verdict.result ?? .noGo).rawValue),
            "failed": .array(verdict.failed.map { .string($0.item.id) }),
            "red_flags": .array(verdict.redFlags.map { .string($0.item.id) }),
            "answers": .array(verdict.outcomes.map { outcome in
                var object: [String: JSONValue] = [
                    "item": .string(outcome.item.id), "text": .string(outcome.item.text),
                    "answer": .string(outcome.answer?.rawValue ?? ""),
                ]
                if outcome.item.required { object["required"] = .bool(true) }
                if outcome.item.allowsNotApplicable { object["na"] = .bool(true) }
                if outcome.item.redFlag { object["red_flag"] = .bool(true) }
                if !outcome.note.isEmpty { object["note"] = .string(outcome.note) }
                return .object(object)
            }),
        ]
    }

    init(id: String, at: Date, by: String, checklist: String, title: String, definition: String, incident: String?,
         verdict: ChecklistVerdict, path: String, line: Int, recordedResult: String?, recordedRedFlags: [String]) {
        self.id = id
        self.at = at
        self.by = by
        self.checklist = checklist
        self.title = title
        self.definition = definition
        self.incident = incident
        self.verdict = verdict
        self.path = path
        self.line = line
        self.recordedResult = recordedResult
        self.recordedRedFlags = recordedRedFlags
    }

    /// The run a `checklist` event holds. Throws, saying what is wrong, when the event is not a whole run.
    public init(event: Event, incident: String?, path: String, line: Int) throws {
        guard event.kind == "checklist" else { throw WardError("is a '\(event.kind)' event, not a checklist run") }
        guard let name = event["checklist"], !name.isEmpty else { throw WardError("the checklist run has no 'checklist' name") }
        guard case let .array(values)? = event.fields["answers"], !values.isEmpty else {
            throw WardError("the run of '\(name)' has no 'answers'")
        }
        var outcomes: [ChecklistOutcome] = []
        var seen: Set<String> = []
        for (index, value) in values.enumerated() {
            guard case let .object(object) = value, let id = object["item"]?.string, !id.isEmpty,
                  let answerText = object["answer"]?.string, let answer = ChecklistAnswer(rawValue: answerText) else {
                throw WardError("answer \(index + 1) of the run of '\(name)' needs an 'item' and an 'answer' of yes, no or na")
            }
            guard seen.insert(id).inserted else { throw WardError("the run of '\(name)' answers '\(id)' twice") }
            // A flag of the wrong type is not read as "not set": that would turn a red flag into a pass.
            func flag(_ key: String) throws -> Bool {
                guard let value = object[key] else { return false }
                guard let bool = value.bool else {
                    throw WardError("answer \(index + 1) ('\(id)') of the run of '\(name)' has '\(key)' that is not true or false")
                }
                return bool
            }
            let item = TaskItem(id: id, text: object["text"]?.string ?? id, required: try flag("required"),
                                allowsNotApplicable: try flag("na"), redFlag: try flag("red_flag"), hint: "", line: 0)
            outcomes.append(ChecklistOutcome(item: item, answer: answer, note: object["note"]?.string ?? ""))
        }
        id = event.id
        at = event.at
        by = event.by
        checklist = name
        title = event["title"].flatMap { $0.isEmpty ? nil : $0 } ?? name
        definition = event["definition"] ?? ""
        self.incident = incident
        verdict = ChecklistVerdict(outcomes: outcomes)
        self.path = path
        self.line = line
        recordedResult = event["result"]
        recordedRedFlags = event.fields["red_flags"]?.strings ?? []
    }
}
