import Foundation

/// Where a step of a runbook run stands.
public enum StepState: String, CaseIterable, Sendable, Codable {
    case open, done, skipped
    case notApplicable = "na"

    /// A required step in any state but `open` no longer holds its phase back.
    public var isSettled: Bool { self != .open }
}

/// The last change to one step: what, who, when, and why.
public struct StepRecord: Sendable, Equatable {
    public var state: StepState
    public var by: String
    public var at: Date
    public var reason: String?
    public var note: String?
}

/// A move between phases, as the journal recorded it.
public struct PhaseMove: Sendable, Equatable {
    public var from: String?
    public var to: String?
    public var back: Bool
    public var by: String
    public var at: Date
    public var reason: String?
}

/// One run of a runbook inside an incident: a state machine over the journal's `runbook`, `step` and
/// `phase` events. The definition is copied into the `runbook` event when the run starts, so editing or
/// breaking `runbooks/<name>.md` later never moves a run that is under way.
///
/// The fold is total: every event in every state has a defined effect, so the same events in any order give
/// the same run once sorted, and events two responders wrote at once are all kept:
/// - `step` sets that step's state, whichever phase it is in (a step an unknown id names is ignored);
/// - `phase` moves only when its `from` is the current phase (no `from`: the finished run), so two people
///   pressing "next" at once move it one phase, not two.
public struct RunbookRun: Sendable, Equatable {
    public var name: String
    public var title: String
    public var phases: [Runbook.Phase]
    /// The phase whose start writes the post-mortem draft and a proposed decision record.
    public var documentPhase: String?
    public var started: Date
    public var startedBy: String
    /// The current phase's index; `phases.count` once the last phase is finished.
    public var current = 0
    public var steps: [String: StepRecord] = [:]
    public var moves: [PhaseMove] = []
    /// Seconds spent in each phase before the current stay in it.
    public var timeSpent: [TimeInterval]
    /// When the current phase was entered (or the run finished).
    public var enteredCurrent: Date

    public var isFinished: Bool { current >= phases.count }
    public var currentPhase: Runbook.Phase? { phases.indices.contains(current) ? phases[current] : nil }

    public init(name: String, title: String, phases: [Runbook.Phase], started: Date, startedBy: String) {
        self.name = name
        self.title = title
        self.phases = phases
        self.started = started
        self.startedBy = startedBy
        timeSpent = Array(repeating: 0, count: phases.count)
        enteredCurrent = started
    }

    public func state(of step: String) -> StepState { steps[step]?.state ?? .open }

    /// The phase that holds `step`, by index.
    public func phaseIndex(of step: String) -> Int? {
        phases.firstIndex { $0.steps.contains { $0.id == step } }
    }

    public func step(_ id: String) -> TaskItem? {
        phases.lazy.flatMap(\.steps).first { $0.id == id }
    }

    /// Required steps of a phase still open: what holds `next` back.
    public func openRequired(inPhase index: Int) -> [TaskItem] {
        guard phases.indices.contains(index) else { return [] }
        return phases[index].steps.filter { $0.required && state(of: $0.id) == .open }
    }

    /// Steps of a phase no longer open, and all its steps.
    public func progress(ofPhase index: Int) -> (settled: Int, total: Int) {
        guard phases.indices.contains(index) else { return (0, 0) }
        let steps = phases[index].steps
        return (steps.filter { state(of: $0.id).isSettled }.count, steps.count)
    }

    /// Time spent in a phase so far, counting the current stay up to `now`.
    public func time(inPhase index: Int, now: Date) -> TimeInterval {
        guard timeSpent.indices.contains(index) else { return 0 }
        return timeSpent[index] + (index == current ? max(0, now.timeIntervalSince(enteredCurrent)) : 0)
    }

    /// Applies one event of this run (the caller has checked `runbook` names this run).
    public mutating func apply(_ event: Event) {
        switch event.kind {
        case "step":
            guard let id = event["step"], step(id) != nil,
                  let state = event["state"].flatMap(StepState.init(rawValue:)) else { return }
            steps[id] = StepRecord(state: state, by: event.by, at: event.at, reason: event["reason"], note: event["note"])
        case "phase":
            let currentName = currentPhase?.name
            guard event["from"] == currentName else { return }
            let back = event["direction"] == "back"
            let target = back ? current - 1 : current + 1
            guard target >= 0, target <= phases.count else { return }
            if phases.indices.contains(current) {
                timeSpent[current] += max(0, event.at.timeIntervalSince(enteredCurrent))
            }
            current = target
            enteredCurrent = max(event.at, enteredCurrent)
            moves.append(PhaseMove(from: currentName, to: currentPhase?.name, back: back, by: event.by, at: event.at,
                                   reason: event["reason"]))
        default:
            return
        }
    }

    // MARK: The definition inside the journal

    /// The fields of the `runbook` event that starts a run of `runbook`.
    public static func startFields(_ runbook: Runbook) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "runbook": .string(runbook.name),
            "title": .string(runbook.title),
            "phases": .array(runbook.phases.map { phase in
                .object([
                    "name": .string(phase.name),
                    "guidance": .string(phase.guidance),
                    "steps": .array(phase.steps.map { step in
                        var object: [String: JSONValue] = ["id": .string(step.id), "text": .string(step.text)]
                        if step.required { object["required"] = .bool(true) }
                        if step.allowsNotApplicable { object["na"] = .bool(true) }
                        if !step.hint.isEmpty { object["hint"] = .string(step.hint) }
                        return .object(object)
                    }),
                ])
            }),
        ]
        if let phase = runbook.documentPhase { fields["document-phase"] = .string(phase) }
        return fields
    }

    /// The run a `runbook` event starts, or nil when the event does not hold a usable definition.
    public init?(start event: Event) {
        guard event.kind == "runbook", let name = event["runbook"], !name.isEmpty,
              case let .array(phaseValues)? = event.fields["phases"],
              let phases = Self.definitions.phases(phaseValues, Self.phases) else { return nil }
        self.init(name: name, title: event["title"] ?? name, phases: phases, started: event.at, startedBy: event.by)
        documentPhase = event["document-phase"].flatMap { name in phases.contains { $0.name == name } ? name : nil }
    }

    /// The phases a `runbook` event's definition holds, or nil when it is not a usable one.
    private static func phases(_ phaseValues: [JSONValue]) -> [Runbook.Phase]? {
        var phases: [Runbook.Phase] = []
        var seen: Set<String> = []
        for value in phaseValues {
            guard case let .object(phase) = value, let phaseName = phase["name"]?.string, !phaseName.isEmpty,
                  case let .array(stepValues)? = phase["steps"] else { return nil }
            var steps: [TaskItem] = []
            steps.reserveCapacity(stepValues.count)
            for stepValue in stepValues {
                guard case let .object(step) = stepValue else { return nil }
                // Each member looked at once (a run copies its whole runbook, and every incident has one).
                var id: String?, text: String?, hint: String?, required: Bool?, notApplicable: Bool?
                for (key, value) in step {
                    switch key {
                    case "id": id = value.string
                    case "text": text = value.string
                    case "hint": hint = value.string
                    case "required": required = value.bool
                    case "na": notApplicable = value.bool
                    default: break
                    }
                }
                // Ids as a definition allows them (the journal can be written by anyone), so they stay
                // harmless wherever they are shown.
                guard let id, !id.isEmpty, id.utf8.count <= 64,
                      id.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }),
                      seen.insert(id).inserted else { return nil }
                steps.append(TaskItem(id: id, text: text ?? id, required: required ?? false,
                                      allowsNotApplicable: notApplicable ?? false, redFlag: false, hint: hint ?? "", line: 0))
            }
            phases.append(Runbook.Phase(name: phaseName, guidance: phase["guidance"]?.string ?? "", steps: steps))
        }
        guard !phases.isEmpty, Set(phases.map(\.name)).count == phases.count else { return nil }
        return phases
    }

    /// Definitions read once per process: the journal reader shares one parsed copy of a runbook's
    /// definition among the incidents that started it (`EventLine`), so each is read here once too.
    private static let definitions = SharedDefinitions()

    /// What `phases(_:)` made of each definition lately, by the storage of the list it was given: the list is
    /// kept, so its storage cannot be freed and reused for another while it is looked up by it.
    final class SharedDefinitions: @unchecked Sendable {
        private let lock = NSLock()
        private var made: [(values: [JSONValue], phases: [Runbook.Phase]?)] = []

        func phases(_ values: [JSONValue], _ make: ([JSONValue]) -> [Runbook.Phase]?) -> [Runbook.Phase]? {
            func storage(_ list: [JSONValue]) -> UnsafeRawPointer? { list.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
            let key = storage(values)
            if key != nil, let found = lock.withLock({ made.first { storage($0.values) == key && $0.values.count == values.count } }) {
                return found.phases
            }
            let phases = make(values)
            guard key != nil else { return phases }
            lock.withLock {
                if made.count >= 16 { made.removeFirst() }
                made.append((values, phases))
            }
            return phases
        }
    }
}
