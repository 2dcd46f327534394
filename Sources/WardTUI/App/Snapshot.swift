import Foundation
import WardKit

/// Everything the screens show, read from the store at once. Reloaded when the store changes on disk.
public struct Snapshot: Sendable {
    public var storeName: String
    public var storePath: String
    public var isDemo: Bool
    public var isReadOnly: Bool
    /// Newest first.
    public var incidents: [Incident]
    public var decisions: [Decision]
    public var postmortems: [Postmortem]
    public var checklists: [Checklist]
    public var runbooks: [Runbook]
    public var problems: [Problem]
    /// The store's severities, highest first, for the declare form.
    public var severities: [StoreConfig.Severity] = StoreConfig.defaultSeverities
    /// Response times over every incident, computed once per load for the metrics screen.
    public var metrics: MetricsReport?
    /// Who changed which decision record when, by file name, oldest first: the decision journal and one
    /// `git log` over the decisions directory, read once per load (never once per record or per frame).
    public var decisionHistory: [String: [DecisionHistoryEntry]] = [:]
    /// Every recorded checklist run, newest first, read once per load. What follows from them (the latest
    /// run of each checklist, the red flags still raised) is worked out once, when they are set.
    public var checklistRuns: [ChecklistRun] = [] {
        didSet { indexRuns() }
    }
    /// The newest run of each checklist, by its name.
    public private(set) var latestRuns: [String: ChecklistRun] = [:]
    /// The latest run of each checklist, where it raised a red flag: raised until a later run clears it.
    public private(set) var raisedRedFlags: [ChecklistRun] = []
    private var runsByID: [String: Int] = [:]

    public init(storeName: String, storePath: String, isDemo: Bool = false, isReadOnly: Bool = false,
                incidents: [Incident] = [], decisions: [Decision] = [], postmortems: [Postmortem] = [],
                checklists: [Checklist] = [], runbooks: [Runbook] = [], problems: [Problem] = []) {
        self.storeName = storeName
        self.storePath = storePath
        self.isDemo = isDemo
        self.isReadOnly = isReadOnly
        self.incidents = incidents
        self.decisions = decisions
        self.postmortems = postmortems
        self.checklists = checklists
        self.runbooks = runbooks
        self.problems = problems
    }

    public static func load(_ store: Store) -> Snapshot {
        let incidents = store.loadIncidents().sorted { ($0.state.declared, $0.id) > ($1.state.declared, $1.id) }
        let (decisions, decisionProblems) = store.loadDecisions()
        let (postmortems, postmortemProblems) = store.loadPostmortems()
        let (checklists, checklistProblems) = store.loadChecklists()
        let (runbooks, runbookProblems) = store.loadRunbooks()
        var snapshot = Snapshot(
            storeName: store.config.name ?? store.root.lastPathComponent, storePath: store.root.path,
            isDemo: store.isDemo, isReadOnly: store.isReadOnly, incidents: incidents, decisions: decisions,
            postmortems: postmortems, checklists: checklists, runbooks: runbooks,
            problems: incidents.flatMap(\.problems) + decisionProblems + postmortemProblems + checklistProblems + runbookProblems
        )
        snapshot.severities = store.config.severities
        snapshot.decisionHistory = store.decisionHistory()
        let (runs, runProblems) = store.loadChecklistRuns(incidents: incidents)
        snapshot.checklistRuns = runs
        snapshot.problems += runProblems
        do {
            snapshot.metrics = MetricsReport.compute(incidents, targets: try MetricsTarget.parse(store.config.targets),
                                                     severityOrder: store.config.severities.map(\.name))
        } catch {
            // Unreadable targets are said, and the default ones used.
            let error = error as? WardError
            snapshot.problems.append(Problem(path: "ward.yaml", line: error?.line, error?.message ?? "the targets cannot be read"))
            snapshot.metrics = MetricsReport.compute(incidents, severityOrder: store.config.severities.map(\.name))
        }
        return snapshot
    }

    public func incident(_ id: String) -> Incident? { incidents.first { $0.id == id } }
    public func decision(_ number: Int) -> Decision? { decisions.first { $0.number == number } }
    public func postmortem(_ incidentID: String) -> Postmortem? { postmortems.first { $0.incidentID == incidentID } }
    public func checklist(_ name: String) -> Checklist? { checklists.first { $0.name == name } }
    public func run(_ id: String) -> ChecklistRun? { runsByID[id].map { checklistRuns[$0] } }

    private mutating func indexRuns() {
        runsByID = Dictionary(checklistRuns.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        latestRuns = [:]
        for run in checklistRuns where latestRuns[run.checklist] == nil { latestRuns[run.checklist] = run }
        raisedRedFlags = Store.raisedRedFlags(checklistRuns)
    }
}
