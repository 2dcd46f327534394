import Foundation

/// What lists, the dashboard, metrics and `incident list` need of an incident, worked out from the whole
/// incident (`init(_:)`) and small enough to keep for every incident of a large store. The events stay on
/// disk: a screen that shows them loads the incident itself.
///
/// A class of constants: lists of twenty thousand of them are filtered on every keystroke, and copying a
/// reference costs one retain where copying twenty fields cost twenty.
public final class IncidentSummary: Sendable, Equatable {
    /// The runbook run commands act on (`IncidentState.currentRun`), as far as lists need it.
    public struct RunSummary: Sendable, Equatable {
        public var name: String
        public var title: String
        /// The phase it is in; nil once finished.
        public var phase: String?
        /// Steps of the current phase done or skipped, and all of them (`RunbookRun.progress(ofPhase:)`).
        public var settled: Int
        public var steps: Int
        public var isFinished: Bool { phase == nil }
    }

    /// One ended stay of a run in a phase it has left, for the metrics' phase times.
    public struct PhaseTime: Sendable, Equatable {
        public var phase: String
        public var seconds: TimeInterval
    }

    public let id: String
    public let title: String
    public let severity: String
    public let services: [String]
    public let status: IncidentStatus
    public let roles: [String: String]
    public let declared: Date
    public let declaredBy: String?
    public let milestones: [Milestone: Date]
    public let noteCount: Int
    public let keyEventCount: Int
    public let lastEvent: Date?
    public let lastStatusChange: Date?
    public let run: RunSummary?
    public let phaseTimes: [PhaseTime]
    /// The action items, decoded from the derived cache the first time they are asked for (a large store
    /// has tens of thousands, and the first frame needs only `actionDigests`).
    public var actions: [ActionItem] { actionItems.items(incident: id) }
    /// What lists count of each action item (open, due, created), in the order of `actions`.
    public let actionDigests: [ActionDigest]
    private let actionItems: LazyActions
    public let decisions: [Int]
    public let problems: [Problem]
    /// The checklist runs recorded into this incident's timeline, in its order, and what is wrong with the
    /// `checklist` events that are not whole runs or disagree with their answers (`Store.loadChecklistRuns`).
    public let checklistRuns: [ChecklistRun]
    public let checklistRunProblems: [Problem]
    public var hasChecklistRuns: Bool { !checklistRuns.isEmpty || !checklistRunProblems.isEmpty }

    public var isActive: Bool { status != .resolved }
    public var commander: String? { roles["commander"] }
    public var path: String { "incidents/\(id)" }

    public init(_ incident: Incident) {
        let state = incident.state
        id = incident.id
        title = state.title
        severity = state.severity
        services = state.services
        status = state.status
        roles = state.roles
        declared = state.declared
        declaredBy = incident.record?.declaredBy
        milestones = state.milestones
        noteCount = state.noteCount
        keyEventCount = state.keyEventCount
        lastEvent = state.lastEvent
        lastStatusChange = state.lastStatusChange
        run = state.currentRun.map { run in
            let (settled, steps) = run.progress(ofPhase: run.current)
            return RunSummary(name: run.name, title: run.title, phase: run.currentPhase?.name, settled: settled, steps: steps)
        }
        phaseTimes = state.runs.flatMap { run in
            let left = Set(run.moves.compactMap(\.from))
            return run.phases.enumerated().filter { left.contains($0.element.name) }.map {
                PhaseTime(phase: $0.element.name, seconds: run.timeSpent[$0.offset])
            }
        }
        actionItems = LazyActions(state.actions)
        actionDigests = state.actions.map(ActionDigest.init)
        decisions = state.decisions
        problems = incident.problems
        (checklistRuns, checklistRunProblems) = Store.checklistRuns(incident.checklistEvents, incident: incident.id)
    }

    /// Reads what `encode(to:)` wrote (see `Store+IncidentIndex`) for the incident `id`; `payload` is the bytes
    /// `reader` reads, kept for the action items until they are asked for.
    init(from reader: inout ByteReader, id: String, payload: ArraySlice<UInt8>) throws {
        guard try reader.matches(id) else { throw CacheFormatError() }
        self.id = id
        title = try reader.string()
        severity = try reader.string()
        services = try reader.strings()
        status = try reader.enumCase(IncidentStatus.self)
        let roleCount = try reader.count()
        var roles = [String: String](minimumCapacity: roleCount)
        for _ in 0..<roleCount { roles[try reader.string()] = try reader.string() }
        self.roles = roles
        declared = try reader.date()
        declaredBy = try reader.optionalString()
        var milestones = [Milestone: Date](minimumCapacity: Milestone.allCases.count)
        for milestone in Milestone.allCases {
            if let date = try reader.optionalDate() { milestones[milestone] = date }
        }
        self.milestones = milestones
        noteCount = try reader.int()
        keyEventCount = try reader.int()
        lastEvent = try reader.optionalDate()
        lastStatusChange = try reader.optionalDate()
        run = try reader.bool()
            ? RunSummary(name: try reader.string(), title: try reader.string(), phase: try reader.optionalString(),
                         settled: try reader.int(), steps: try reader.int())
            : nil
        var phaseTimes: [PhaseTime] = []
        for _ in 0..<(try reader.count()) {
            phaseTimes.append(PhaseTime(phase: try reader.string(), seconds: try reader.double()))
        }
        self.phaseTimes = phaseTimes
        var digests: [ActionDigest] = []
        for _ in 0..<(try reader.count()) {
            digests.append(ActionDigest(isOpen: try reader.bool(), due: try reader.optionalString(), created: try reader.date()))
        }
        actionDigests = digests
        let items = try reader.rawRange()
        let start = payload.startIndex
        actionItems = LazyActions(payload[(start + items.lowerBound)..<(start + items.upperBound)], count: digests.count)
        var decisions: [Int] = []
        for _ in 0..<(try reader.count()) { decisions.append(try reader.int()) }
        self.decisions = decisions
        var problems: [Problem] = []
        for _ in 0..<(try reader.count()) { problems.append(try Problem(from: &reader)) }
        self.problems = problems
        var runs: [ChecklistRun] = []
        for _ in 0..<(try reader.count()) { runs.append(try ChecklistRun(from: &reader)) }
        checklistRuns = runs
        var runProblems: [Problem] = []
        for _ in 0..<(try reader.count()) { runProblems.append(try Problem(from: &reader)) }
        checklistRunProblems = runProblems
    }

    /// The state metrics read: title, severity, times and status (runs are summarised in `phaseTimes`).
    public var metricsState: IncidentState {
        var state = IncidentState(title: title, severity: severity, services: services, declared: declared)
        state.status = status
        state.milestones = milestones
        return state
    }

    public static func == (lhs: IncidentSummary, rhs: IncidentSummary) -> Bool {
        lhs.encoded() == rhs.encoded()
    }
}

extension IncidentSummary {
    /// `ward incident list --json` and friends (CLI.md): one incident as scripts see it.
    public var json: JSONValue {
        var times: [String: JSONValue] = [:]
        for milestone in Milestone.allCases { times[milestone.rawValue] = Self.time(milestones[milestone]) }
        return .object([
            "id": .string(id),
            "title": .string(title),
            "severity": .string(severity),
            "status": .string(status.rawValue),
            "active": .bool(isActive),
            "services": .array(services.map { .string($0) }),
            "roles": .object(roles.mapValues { .string($0) }),
            "commander": commander.map { .string($0) } ?? .null,
            "declared": Self.time(declared),
            "declared_by": declaredBy.map { .string($0) } ?? .null,
            "times": .object(times),
            "notes": .number(Double(noteCount)),
            "key_events": .number(Double(keyEventCount)),
            "last_event": Self.time(lastEvent),
            "path": .string(path),
            "runbook": run.map { .string($0.name) } ?? .null,
            "runbook_phase": run.map { $0.phase.map { .string($0) } ?? .null } ?? .null,
            "actions": .array(actions.map { $0.json() }),
            "decisions": .array(decisions.map { .number(Double($0)) }),
        ])
    }

    static func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamps.format($0)) } ?? .null }

    /// `json.jsonText`, written straight out, keys in their sorted order, without building the values first
    /// (`incident list` writes twenty thousand of them). `SummaryJSONTests` holds the two to the same text.
    public var jsonText: String {
        var out = ""
        out.reserveCapacity(640 + 400 * actions.count)
        func key(_ name: String) {
            if out.utf8.last != UInt8(ascii: "{") { out += "," }
            out += "\"" + name + "\":"
        }
        func text(_ value: String?) {
            if let value { JSONValue.writeString(value, to: &out) } else { out += "null" }
        }
        func time(_ date: Date?) { text(date.map(Timestamps.format)) }
        out += "{"
        key("actions")
        out += "["
        for (index, action) in actions.enumerated() {
            if index > 0 { out += "," }
            out += "{"
            key("by"); text(action.createdBy)
            key("closed"); time(action.closed)
            key("created"); time(action.created)
            key("due"); text(action.due)
            key("id"); text(action.id)
            key("incident"); text(action.incident)
            key("owner"); text(action.owner)
            key("reason"); text(action.reason)
            key("short_id"); text(action.shortID)
            key("source"); text(action.source)
            key("state"); text(action.state.rawValue)
            key("title"); text(action.title)
            key("type"); text(action.type?.rawValue)
            out += "}"
        }
        out += "]"
        key("active"); out += isActive ? "true" : "false"
        key("commander"); text(commander)
        key("decisions"); out += "[" + decisions.map { String($0) }.joined(separator: ",") + "]"
        key("declared"); time(declared)
        key("declared_by"); text(declaredBy)
        key("id"); text(id)
        key("key_events"); out += String(keyEventCount)
        key("last_event"); time(lastEvent)
        key("notes"); out += String(noteCount)
        key("path"); text(path)
        key("roles")
        out += "{"
        for role in roles.keys.sorted() {
            out += out.utf8.last == UInt8(ascii: "{") ? "" : ","
            JSONValue.writeString(role, to: &out)
            out += ":"
            text(roles[role])
        }
        out += "}"
        key("runbook"); text(run?.name)
        key("runbook_phase"); text(run?.phase)
        key("services"); out += "["
        for (index, service) in services.enumerated() {
            if index > 0 { out += "," }
            text(service)
        }
        out += "]"
        key("severity"); text(severity)
        key("status"); text(status.rawValue)
        key("times"); out += "{"
        for milestone in [Milestone.acknowledged, .detected, .impactStarted, .mitigated, .resolved] {
            key(milestone.rawValue); time(milestones[milestone])
        }
        out += "}"
        key("title"); text(title)
        out += "}"
        return out
    }
}

extension ActionItem {
    /// `ward action list --json` (CLI.md): `{"id","incident","title","owner","due","state"}` and more.
    public func json(today: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "short_id": .string(shortID), "incident": .string(incident),
            "title": .string(title), "owner": owner.map { .string($0) } ?? .null,
            "due": due.map { .string($0) } ?? .null, "state": .string(state.rawValue),
            "type": type.map { .string($0.rawValue) } ?? .null, "reason": reason.map { .string($0) } ?? .null,
            "source": .string(source), "created": IncidentSummary.time(created), "by": .string(createdBy),
            "closed": IncidentSummary.time(closed),
        ]
        if let today { object["overdue"] = .bool(isOverdue(today: today)) }
        return .object(object)
    }
}

// MARK: - The cache's encoding

extension IncidentSummary {
    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }

    func encode(to writer: inout ByteWriter) {
        writer.string(id)
        writer.string(title)
        writer.string(severity)
        writer.strings(services)
        writer.enumCase(status)
        writer.int(roles.count)
        for key in roles.keys.sorted() {
            writer.string(key)
            writer.string(roles[key]!)
        }
        writer.date(declared)
        writer.optionalString(declaredBy)
        for milestone in Milestone.allCases { writer.optionalDate(milestones[milestone]) }
        writer.int(noteCount)
        writer.int(keyEventCount)
        writer.optionalDate(lastEvent)
        writer.optionalDate(lastStatusChange)
        writer.bool(run != nil)
        if let run {
            writer.string(run.name)
            writer.string(run.title)
            writer.optionalString(run.phase)
            writer.int(run.settled)
            writer.int(run.steps)
        }
        writer.int(phaseTimes.count)
        for time in phaseTimes {
            writer.string(time.phase)
            writer.double(time.seconds)
        }
        // The digests, then the items as one run of bytes, which a reader can pass over and come back to.
        writer.int(actionDigests.count)
        for digest in actionDigests {
            writer.bool(digest.isOpen)
            writer.optionalString(digest.due)
            writer.date(digest.created)
        }
        var items = ByteWriter()
        LazyActions.encode(actions, incident: id, to: &items)
        writer.int(items.bytes.count)
        writer.bytes += items.bytes
        encodeRest(to: &writer)
    }
}

/// What a list counts of an action item.
public struct ActionDigest: Sendable, Equatable {
    public let isOpen: Bool
    /// `YYYY-MM-DD`.
    public let due: String?
    public let created: Date

    init(isOpen: Bool, due: String?, created: Date) {
        self.isOpen = isOpen
        self.due = due
        self.created = created
    }

    init(_ item: ActionItem) {
        self.init(isOpen: item.state == .open, due: item.due, created: item.created)
    }

    /// Open and due before `today` (`YYYY-MM-DD`), as `ActionItem.isOverdue` says.
    public func isOverdue(today: String) -> Bool { isOpen && (due.map { $0 < today } ?? false) }
}

/// An incident's action items: as given, or the bytes of them in the derived cache, decoded once, when first
/// asked for (one lock for all: they are asked for a screen at a time).
final class LazyActions: @unchecked Sendable {
    private static let lock = NSLock()
    private var decoded: [ActionItem]?
    private let payload: ArraySlice<UInt8>
    private let count: Int

    init(_ items: [ActionItem]) {
        decoded = items
        payload = []
        count = items.count
    }

    init(_ payload: ArraySlice<UInt8>, count: Int) {
        self.payload = payload
        self.count = count
    }

    func items(incident: String) -> [ActionItem] {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        if let decoded { return decoded }
        // The bytes were whole when the summary was read (the shard's checksum): they decode.
        let items: [ActionItem] = (try? payload.withUnsafeBytes { bytes -> [ActionItem] in
            var reader = ByteReader(bytes)
            return try Self.decode(&reader, count: count, incident: incident)
        }) ?? []
        decoded = items
        return items
    }

    static func encode(_ actions: [ActionItem], incident id: String, to writer: inout ByteWriter) {
        for action in actions {
            writer.string(action.id)
            writer.optionalString(action.incident == id ? nil : action.incident)
            writer.string(action.title)
            writer.optionalString(action.owner)
            writer.optionalString(action.due)
            writer.bool(action.type != nil)
            if let type = action.type { writer.enumCase(type) }
            writer.enumCase(action.state)
            writer.optionalString(action.reason)
            writer.string(action.source)
            writer.date(action.created)
            writer.string(action.createdBy)
            writer.optionalDate(action.closed)
        }
    }

    static func decode(_ reader: inout ByteReader, count: Int, incident incidentID: String) throws -> [ActionItem] {
        var actions: [ActionItem] = []
        actions.reserveCapacity(count)
        for _ in 0..<count {
            // An item's incident is nearly always this one: not stored again then.
            let id = try reader.string(), incident = try reader.optionalString() ?? incidentID, title = try reader.string()
            let owner = try reader.optionalString(), due = try reader.optionalString()
            let type = try reader.bool() ? try reader.enumCase(ActionItem.Kind.self) : nil
            let state = try reader.enumCase(ActionItem.State.self)
            let reason = try reader.optionalString()
            let source = try reader.string()
            let created = try reader.date()
            let createdBy = try reader.string()
            let closed = try reader.optionalDate()
            actions.append(ActionItem(id: id, incident: incident, title: title, owner: owner, due: due, type: type,
                                      state: state, reason: reason, source: source, created: created,
                                      createdBy: createdBy, closed: closed))
        }
        guard reader.isAtEnd else { throw CacheFormatError() }
        return actions
    }
}

extension IncidentSummary {
    /// What `encode(to:)` writes after the action items.
    private func encodeRest(to writer: inout ByteWriter) {
        writer.int(decisions.count)
        for number in decisions { writer.int(number) }
        writer.int(problems.count)
        for problem in problems { problem.encode(to: &writer) }
        writer.int(checklistRuns.count)
        for run in checklistRuns { run.encode(to: &writer) }
        writer.int(checklistRunProblems.count)
        for problem in checklistRunProblems { problem.encode(to: &writer) }
    }
}

extension ChecklistRun {
    func encode(to writer: inout ByteWriter) {
        writer.string(id)
        // The times exactly: the line gives whole seconds from 1970 on, a hand-written event may have more.
        writer.date(at)
        writer.string(by)
        writer.string(checklist)
        writer.string(title)
        writer.string(definition)
        writer.optionalString(incident)
        writer.int(verdict.outcomes.count)
        for outcome in verdict.outcomes {
            writer.string(outcome.item.id)
            writer.string(outcome.item.text)
            writer.bool(outcome.item.required)
            writer.bool(outcome.item.allowsNotApplicable)
            writer.bool(outcome.item.redFlag)
            writer.bool(outcome.answer != nil)
            if let answer = outcome.answer { writer.enumCase(answer) }
            writer.string(outcome.note)
        }
        writer.string(path)
        writer.int(line)
        writer.optionalString(recordedResult)
        writer.strings(recordedRedFlags)
    }

    init(from reader: inout ByteReader) throws {
        let id = try reader.string(), at = try reader.date(), by = try reader.string(), checklist = try reader.string()
        let title = try reader.string(), definition = try reader.string(), incident = try reader.optionalString()
        var outcomes: [ChecklistOutcome] = []
        for _ in 0..<(try reader.count()) {
            let item = TaskItem(id: try reader.string(), text: try reader.string(), required: try reader.bool(),
                                allowsNotApplicable: try reader.bool(), redFlag: try reader.bool(), hint: "", line: 0)
            let answer = try reader.bool() ? try reader.enumCase(ChecklistAnswer.self) : nil
            outcomes.append(ChecklistOutcome(item: item, answer: answer, note: try reader.string()))
        }
        self.init(id: id, at: at, by: by, checklist: checklist, title: title, definition: definition, incident: incident,
                  verdict: ChecklistVerdict(outcomes: outcomes), path: try reader.string(), line: try reader.int(),
                  recordedResult: try reader.optionalString(), recordedRedFlags: try reader.strings())
    }
}
