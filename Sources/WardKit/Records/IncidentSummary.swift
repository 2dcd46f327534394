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
    /// Role name to the person holding it.
    public var roles: [String: String] { Dictionary(roleList.map { ($0.role, $0.person) }, uniquingKeysWith: { first, _ in first }) }
    /// The roles sorted by name: three or so, which a dictionary per summary made, hashed and freed for little.
    private let roleList: [(role: String, person: String)]
    public let declared: Date
    public let declaredBy: String?
    public let milestones: MilestoneTimes
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
    public var commander: String? { roleList.first { $0.role == "commander" }?.person }
    public var path: String { "incidents/\(id)" }

    public init(_ incident: Incident) {
        let state = incident.state
        id = incident.id
        title = state.title
        severity = state.severity
        services = state.services
        status = state.status
        roleList = state.roles.keys.sorted().map { ($0, state.roles[$0]!) }
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
        var roleList: [(role: String, person: String)] = []
        roleList.reserveCapacity(roleCount)
        for _ in 0..<roleCount { roleList.append((try reader.string(), try reader.string())) }
        self.roleList = roleList
        declared = try reader.date()
        declaredBy = try reader.optionalString()
        var milestones = MilestoneTimes()
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
        let phaseCount = try reader.count()
        var phaseTimes: [PhaseTime] = []
        phaseTimes.reserveCapacity(phaseCount)
        for _ in 0..<phaseCount {
            phaseTimes.append(PhaseTime(phase: try reader.string(), seconds: try reader.double()))
        }
        self.phaseTimes = phaseTimes
        // Made at their size: grown one element at a time, the digests alone were a twentieth of a first frame.
        let digestCount = try reader.count()
        var digests: [ActionDigest] = []
        digests.reserveCapacity(digestCount)
        for _ in 0..<digestCount {
            digests.append(ActionDigest(isOpen: try reader.bool(), due: try reader.optionalString(), created: try reader.date()))
        }
        actionDigests = digests
        let items = try reader.rawRange()
        let start = payload.startIndex
        actionItems = LazyActions(payload[(start + items.lowerBound)..<(start + items.upperBound)], count: digests.count)
        let decisionCount = try reader.count()
        var decisions: [Int] = []
        decisions.reserveCapacity(decisionCount)
        for _ in 0..<decisionCount { decisions.append(try reader.int()) }
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
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// `jsonText` as UTF-8.
    public var jsonBytes: [UInt8] {
        let actions = self.actions
        var out = JSONBytes(capacity: 640 + 400 * actions.count)
        out.raw("{")
        out.key("actions")
        out.list(actions) { out, action in
            out.raw("{")
            out.key("by"); out.string(action.createdBy)
            out.key("closed"); out.time(action.closed)
            out.key("created"); out.time(action.created)
            out.key("due"); out.string(action.due)
            out.key("id"); out.string(action.id)
            out.key("incident"); out.string(action.incident)
            out.key("owner"); out.string(action.owner)
            out.key("reason"); out.string(action.reason)
            out.key("short_id"); out.string(action.shortID)
            out.key("source"); out.string(action.source)
            out.key("state"); out.string(action.state.rawValue)
            out.key("title"); out.string(action.title)
            out.key("type"); out.string(action.type?.rawValue)
            out.raw("}")
        }
        out.key("active"); out.bool(isActive)
        out.key("commander"); out.string(commander)
        out.key("decisions"); out.list(decisions) { $0.int($1) }
        out.key("declared"); out.time(declared)
        out.key("declared_by"); out.string(declaredBy)
        out.key("id"); out.string(id)
        out.key("key_events"); out.int(keyEventCount)
        out.key("last_event"); out.time(lastEvent)
        out.key("notes"); out.int(noteCount)
        out.key("path"); out.string(path)
        out.key("roles"); out.raw("{")
        for (role, person) in roleList {
            out.key(text: role)
            out.string(person)
        }
        out.raw("}")
        out.key("runbook"); out.string(run?.name)
        out.key("runbook_phase"); out.string(run?.phase)
        out.key("services"); out.list(services) { $0.string($1) }
        out.key("severity"); out.string(severity)
        out.key("status"); out.string(status.rawValue)
        out.key("times"); out.raw("{")
        for milestone in [Milestone.acknowledged, .detected, .impactStarted, .mitigated, .resolved] {
            out.key(text: milestone.rawValue)
            out.time(milestones[milestone])
        }
        out.raw("}")
        out.key("title"); out.string(title)
        out.raw("}")
        return out.bytes
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
        writer.int(roleList.count)
        for (role, person) in roleList {
            writer.string(role)
            writer.string(person)
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
    /// The items when they were given, read without the lock (they never change).
    private let given: [ActionItem]?
    private var decoded: [ActionItem]?
    private let payload: ArraySlice<UInt8>
    private let count: Int

    init(_ items: [ActionItem]) {
        given = items
        payload = []
        count = items.count
    }

    init(_ payload: ArraySlice<UInt8>, count: Int) {
        given = nil
        self.payload = payload
        self.count = count
    }

    func items(incident: String) -> [ActionItem] {
        if let given { return given }
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
