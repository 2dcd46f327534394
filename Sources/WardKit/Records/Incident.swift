import Foundation

public enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case investigating, identified, mitigated, monitoring, resolved

    public static func parse(_ text: String) throws -> IncidentStatus {
        guard let status = IncidentStatus(rawValue: text.lowercased()) else {
            throw WardError("unknown status '\(text)': use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }
}

/// The points in time of an incident, in the order they must come.
public enum Milestone: String, CaseIterable, Sendable, Codable {
    case impactStarted = "impact_started", detected, acknowledged, mitigated, resolved

    public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }

    public static func parse(_ text: String) throws -> Milestone {
        let key = text.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        if let milestone = Milestone(rawValue: key) { return milestone }
        if key == "started" || key == "impact" { return .impactStarted }
        throw WardError("unknown time '\(text)': use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
    }
}

/// `incident.md`: what a person wrote about the incident. What changes during it lives in the timeline.
public struct IncidentRecord: Sendable, Equatable {
    public var title: String
    public var severity: String
    public var services: [String]
    public var declared: Date
    public var declaredBy: String?
    public var tags: [String]
    public var body: String
    public var warnings: [Problem]

    public static let knownKeys: Set<String> = ["title", "severity", "services", "declared", "declared-by", "tags"]

    public init(title: String, severity: String, services: [String], declared: Date, declaredBy: String?,
                tags: [String] = [], body: String = "") {
        self.title = title
        self.severity = severity
        self.services = services
        self.declared = declared
        self.declaredBy = declaredBy
        self.tags = tags
        self.body = body
        warnings = []
    }

    public init(data: Data, path: String) throws {
        let text = try RecordText(data, path: path)
        let document = try FrontMatterDocument(text.text, path: path)
        guard let fields = document.fields else {
            throw WardError("has no front matter: it must start with a line '---', then title, severity and declared", path: path, line: 1)
        }
        title = try fields.requiredString("title")
        severity = try fields.requiredString("severity")
        services = try fields.strings("services")
        guard let declared = try fields.date("declared") else {
            throw WardError("the required key 'declared' is missing", path: path, line: 1)
        }
        self.declared = declared
        declaredBy = try fields.string("declared-by")
        tags = try fields.strings("tags")
        body = document.body
        warnings = text.warnings + fields.unknownKeyWarnings(known: Self.knownKeys)
    }

    /// The front matter and body of a new incident file.
    public func rendered(templates: Templates) throws -> String {
        try templates.render("incident.md", [
            "title": FrontMatterEditor.scalar(title),
            "severity": FrontMatterEditor.scalar(severity),
            "services": FrontMatterEditor.list(services),
            "declared": Timestamps.format(declared),
            "declared_by": FrontMatterEditor.scalar(declaredBy ?? ""),
        ])
    }

    public static func == (lhs: IncidentRecord, rhs: IncidentRecord) -> Bool {
        lhs.title == rhs.title && lhs.severity == rhs.severity && lhs.services == rhs.services
            && lhs.declared == rhs.declared && lhs.declaredBy == rhs.declaredBy && lhs.tags == rhs.tags
    }
}

/// An incident as it stands: the fold of its timeline over what `incident.md` says.
public struct IncidentState: Sendable, Equatable {
    public var title: String
    public var severity: String
    public var services: [String]
    public var status: IncidentStatus = .investigating
    /// Role name to the person holding it.
    public var roles: [String: String] = [:]
    public var declared: Date
    public var milestones = MilestoneTimes()
    public var noteCount = 0
    public var keyEventCount = 0
    public var lastEvent: Date?
    /// When the status last changed (the latest `status` event).
    public var lastStatusChange: Date?
    /// Runbook runs, in the order they started.
    public var runs: [RunbookRun] = []
    public var actions: [ActionItem] = []
    /// Decision records written for this incident (`decision` events).
    public var decisions: [Int] = []

    public var isActive: Bool { status != .resolved }
    public var commander: String? { roles["commander"] }

    /// The run commands act on when none is named: the latest unfinished one, else the latest.
    public var currentRun: RunbookRun? { runs.last { !$0.isFinished } ?? runs.last }

    public func run(named name: String?) -> RunbookRun? {
        guard let name else { return currentRun }
        return runs.first { $0.name == name }
    }

    /// Why the milestones are out of order, naming the first pair that is (only pairs involving one of
    /// `changed` when given): impact started, detected, acknowledged, mitigated, resolved must not go back in time.
    public func milestoneOrderProblem(changed: Set<Milestone>? = nil) -> String? {
        let all = Milestone.allCases
        for (i, earlier) in all.enumerated() {
            guard let first = milestones[earlier] else { continue }
            for later in all[(i + 1)...] {
                guard let second = milestones[later], second < first else { continue }
                if let changed, !changed.contains(earlier), !changed.contains(later) { continue }
                return "\(later.label) (\(Timestamps.format(second))) cannot be before \(earlier.label) (\(Timestamps.format(first)))"
            }
        }
        return nil
    }

    /// Folds the events in a fixed order, the first declaration then the rest by (at, id), so the same
    /// events in any order give the same state.
    public static func fold(_ events: [Event], record: IncidentRecord?) -> IncidentState {
        func inOrder(_ a: Event, _ b: Event) -> Bool { (a.at, a.id) < (b.at, b.id) }
        // Events read from a journal come sorted already (see `Store.loadIncident`). Checked by their fields
        // in place: a loop over whole events would copy each one, twice.
        let isSorted = events.indices.dropFirst().allSatisfy { index in
            events[index].at > events[index - 1].at || (events[index].at == events[index - 1].at && events[index].id >= events[index - 1].id)
        }
        let sorted = isSorted ? events : events.sorted(by: inOrder)
        // The first declaration is folded first, then the rest in order (by index: moving it would copy the list).
        let first = sorted.firstIndex { $0.kind == "declared" }
        let declaredEvent = first.map { sorted[$0] }
        let order = first.map { first in [first] + sorted.indices.filter { $0 != first } } ?? Array(sorted.indices)
        var state = IncidentState(
            title: record?.title ?? declaredEvent?["title"] ?? "(untitled)",
            severity: record?.severity ?? declaredEvent?["severity"] ?? "?",
            services: record?.services ?? declaredEvent?.fields["services"]?.strings ?? [],
            declared: declaredEvent?.at ?? record?.declared ?? Date(timeIntervalSince1970: 0)
        )
        var explicit: Set<Milestone> = []
        for position in order {
            let event = sorted[position]
            state.lastEvent = max(state.lastEvent ?? event.at, event.at)
            switch event.kind {
            case "declared":
                if let severity = event["severity"] { state.severity = severity }
                if let commander = event["commander"], !commander.isEmpty { state.roles["commander"] = commander }
                if state.milestones[.detected] == nil { state.milestones[.detected] = event.at }
            case "note":
                state.noteCount += 1
                if event.field("key")?.bool == true { state.keyEventCount += 1 }
            case "status":
                guard let status = event["status"].flatMap(IncidentStatus.init(rawValue:)) else { continue }
                if state.status == .resolved && status != .resolved {
                    // Reopened: the earlier resolution no longer holds, whoever set its time.
                    explicit.remove(.resolved)
                    state.milestones[.resolved] = nil
                }
                state.status = status
                state.lastStatusChange = event.at
                if status == .mitigated, !explicit.contains(.mitigated), state.milestones[.mitigated] == nil {
                    state.milestones[.mitigated] = event.at
                }
                if status == .resolved, !explicit.contains(.resolved) { state.milestones[.resolved] = event.at }
            case "severity":
                if let severity = event["severity"] { state.severity = severity }
            case "role":
                guard let role = event["role"] else { continue }
                let name = event["name"] ?? ""
                state.roles[role] = name.isEmpty ? nil : name
            case "milestone":
                guard let milestone = event["milestone"].flatMap(Milestone.init(rawValue:)) else { continue }
                explicit.insert(milestone)
                state.milestones[milestone] = event.at
            case "runbook":
                guard let name = event["runbook"], !state.runs.contains(where: { $0.name == name }),
                      let run = RunbookRun(start: event) else { continue }
                state.runs.append(run)
            case "step", "phase":
                guard let index = state.runs.firstIndex(where: { $0.name == event["runbook"] }) else { continue }
                state.runs[index].apply(event)
            case "decision":
                // A record's number: a whole number in a sane range (a hand-written 1e19 would not fit an Int).
                if let number = event.field("number")?.int, number >= 1, number < 1_000_000_000,
                   !state.decisions.contains(number) {
                    state.decisions.append(number)
                }
            default:
                break
            }
        }
        // Nobody acknowledges a page before it was detected: with no detection time of its own, an earlier
        // acknowledgement (paged at 03:02, declared at 03:10) is when it was detected.
        if !explicit.contains(.detected), let acknowledged = state.milestones[.acknowledged],
           let detected = state.milestones[.detected], acknowledged < detected {
            state.milestones[.detected] = acknowledged
        }
        state.actions = ActionItem.fold(sorted)
        return state
    }
}

/// An incident read from the store.
public struct Incident: Sendable {
    public let id: String
    /// Nil when `incident.md` cannot be read; the timeline still gives a state.
    public let record: IncidentRecord?
    /// Events sorted by (at, id).
    public let events: [Event]
    public let state: IncidentState
    public let problems: [Problem]
    /// The `checklist` events (runs recorded into the incident) with their line in `timeline.jsonl`.
    public var checklistEvents: [(line: Int, event: Event)] = []
}
