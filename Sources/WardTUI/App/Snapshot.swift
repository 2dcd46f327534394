import Foundation
import WardKit

/// Everything the screens show, read from the store at once. Reloaded when the store changes on disk.
public struct Snapshot: Sendable {
    public var storeName: String
    public var storePath: String
    public var isDemo: Bool
    public var isReadOnly: Bool
    /// Every incident's summary, newest first. The whole incident (its events, its `incident.md` body) is
    /// read when a screen needs it, through `incident(_:)`.
    public var incidents: [IncidentSummary] {
        didSet {
            indexIncidents()
        }
    }
    /// The severities and services the incidents name, sorted, for the list's filter keys.
    public var incidentSeverities: [String] { filterIndex.severities }
    public var incidentServices: [String] { filterIndex.services }
    /// What the incidents list filters by, gathered once per load when a list first needs it (the dashboard
    /// does not), so that no filter key waits for it.
    var filterIndex: IncidentFilterIndex { remembered.filterIndex { IncidentFilterIndex(incidents) } }
    /// Every incident's action items, gathered the first time a screen lists them.
    public var actions: [ActionItem] { remembered.actions { incidents.flatMap(\.actions) } }
    /// The active incidents, newest first, gathered once per load (the dashboard shows them on every frame).
    public private(set) var activeIncidents: [IncidentSummary] = []
    /// How many incidents are active (the header shows it on every frame).
    public var activeIncidentCount: Int { activeIncidents.count }
    /// What lists made of this snapshot's incidents and action items showed last (see `Rows`).
    private(set) var remembered = Remembered()
    /// Each incident's place in `incidents`, by id, made when first asked for.
    private var incidentIndex: [String: Int] {
        remembered.places { Dictionary(incidents.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first }) }
    }
    private var loader: IncidentLoader
    /// Loaded from a store, their bodies are empty: `body(of:)` gives each one's text.
    public var decisions: [Decision] {
        didSet { remembered = Remembered() }
    }
    /// The decisions' texts by path, read the first time a screen or a search asks for one (or by the shell,
    /// just after the first frame): two thousand records' texts are a tenth of a first frame that shows none.
    private var decisionBodiesBox = Lazy<[String: String]>(fixed: [:])
    /// The post-mortems, newest incident first. Loaded from a store, their bodies are empty: `postmortem(_:)`
    /// gives the whole one.
    public var postmortems: [Postmortem] {
        get { postmortemBox.value.postmortems }
        set { postmortemBox = Lazy(fixed: (newValue, [])) }
    }
    /// The post-mortems, and the problems met reading them: read the first time a screen (or the shell, just
    /// after the first frame) asks for them.
    private var postmortemBox = Lazy<(postmortems: [Postmortem], problems: [Problem])>(fixed: ([], []))
    public var checklists: [Checklist]
    public var runbooks: [Runbook]
    /// What is wrong with the store's files: those found while loading, and the post-mortems' once read.
    public var problems: [Problem] {
        get { loadProblems + (postmortemBox.valueIfComputed?.problems ?? []) }
        set { loadProblems = newValue }
    }
    private var loadProblems: [Problem]
    /// The store's severities, highest first, for the declare form.
    public var severities: [StoreConfig.Severity] = StoreConfig.defaultSeverities
    /// Response times over every incident, for the metrics screen: worked out the first time it is shown
    /// after a load (a large store's first frame does not wait for it), then kept.
    public var metrics: MetricsReport? {
        get { metricsBox.value }
        set { metricsBox = Lazy(fixed: newValue) }
    }
    private var metricsBox = Lazy<MetricsReport?>(fixed: nil)
    /// Who changed which decision record when, by file name, oldest first: the decision journal and one
    /// `git log` over the decisions directory, read once per load, the first time a screen shows a record's
    /// history (never once per record or per frame).
    public var decisionHistory: [String: [DecisionHistoryEntry]] {
        get { historyBox.value }
        set { historyBox = Lazy(fixed: newValue) }
    }
    private var historyBox = Lazy<[String: [DecisionHistoryEntry]]>(fixed: [:])
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
                checklists: [Checklist] = [], runbooks: [Runbook] = [], problems: [Problem] = [], store: Store? = nil) {
        self.storeName = storeName
        self.storePath = storePath
        self.isDemo = isDemo
        self.isReadOnly = isReadOnly
        self.incidents = incidents.map(IncidentSummary.init)
        loader = IncidentLoader(store: store, loaded: incidents, postmortems: store == nil ? postmortems : [])
        self.decisions = decisions
        postmortemBox = Lazy(fixed: (postmortems, []))
        self.checklists = checklists
        self.runbooks = runbooks
        loadProblems = problems
        indexIncidents()
    }

    /// Everything from the store; `progress` hears of each record as it is looked at (see `LoadProgress`).
    public static func load(_ store: Store, progress: LoadProgress? = nil) -> Snapshot {
        // Ids begin with the day of declaration, so, reversed, they are nearly in the order wanted, which the
        // sort (a merge of runs) makes quick work of.
        let incidents = store.incidentSummaries(progress: progress).reversed().sorted { ($0.declared, $0.id) > ($1.declared, $1.id) }
        let (decisions, decisionProblems) = store.loadDecisions(withBodies: false, progress: progress)
        let (checklists, checklistProblems) = store.loadChecklists()
        let (runbooks, runbookProblems) = store.loadRunbooks()
        var snapshot = Snapshot(
            storeName: store.config.name ?? store.root.lastPathComponent, storePath: store.root.path,
            isDemo: store.isDemo, isReadOnly: store.isReadOnly, decisions: decisions,
            checklists: checklists, runbooks: runbooks,
            problems: incidents.flatMap(\.problems) + decisionProblems + checklistProblems + runbookProblems,
            store: store
        )
        snapshot.incidents = incidents
        snapshot.severities = store.config.severities
        snapshot.historyBox = Lazy { store.decisionHistory() }
        snapshot.decisionBodiesBox = Lazy {
            Dictionary(store.loadDecisions().decisions.map { ($0.path, $0.body) }, uniquingKeysWith: { first, _ in first })
        }
        snapshot.postmortemBox = Lazy { store.loadPostmortems(withBodies: false) }
        let (runs, runProblems) = store.loadChecklistRuns(summaries: incidents)
        snapshot.checklistRuns = runs
        snapshot.problems += runProblems
        var targets = MetricsTarget.defaults
        do {
            targets = try MetricsTarget.parse(store.config.targets)
        } catch {
            // Unreadable targets are said, and the default ones used.
            let error = error as? WardError
            snapshot.problems.append(Problem(path: "ward.yaml", line: error?.line, error?.message ?? "the targets cannot be read"))
        }
        let severityOrder = store.config.severities.map(\.name)
        snapshot.metricsBox = Lazy { [targets] in
            MetricsReport.compute(summaries: incidents, targets: targets, severityOrder: severityOrder)
        }
        return snapshot
    }

    /// Reads what the first frame did not need (the post-mortems, and the search index a first search would
    /// wait for), for the shell to call on another thread once the first frame is drawn.
    public func prefetch() {
        _ = postmortemBox.value
        _ = decisionBodiesBox.value
        _ = loader.searchIndex()
    }

    /// The whole incident: read from the store the first time a screen asks (then kept), or as given to `init`.
    public func incident(_ id: String) -> Incident? {
        guard incidentIndex[id] != nil else { return nil }
        return loader.incident(id)
    }

    /// An incident's record (incident.md) alone: the loaded incident's when it is loaded, else read from the
    /// store without its timeline. Nil where `incident(id)` would hold none.
    public func incidentRecord(_ id: String) -> IncidentRecord? {
        guard incidentIndex[id] != nil else { return nil }
        return loader.record(id)
    }

    /// The incidents whose records may hold every word (from the store's search index, read once per
    /// snapshot), or nil when any may: the words are too short for the index, or there is no store.
    public func incidentsPossiblyHolding(_ words: [String]) -> Set<String>? {
        loader.searchIndex()?.possiblyHolding(words)
    }

    /// Above this many incidents, a query too short for the search index (under three letters) looks at titles
    /// only: reading every timeline for one keystroke would take seconds.
    public var titlesOnlyAbove = 2_000

    /// Puts a whole incident in place of the one with its id (or adds it), as a reload would.
    public mutating func replaceIncident(_ incident: Incident) {
        let summary = IncidentSummary(incident)
        if let index = incidentIndex[incident.id] { incidents[index] = summary } else { incidents.append(summary) }
        loader = loader.replacing(incident)
    }

    public func summary(_ id: String) -> IncidentSummary? { incidentIndex[id].map { incidents[$0] } }
    public func incidentTitle(_ id: String) -> String? { summary(id)?.title }

    /// What follows from the incidents, worked out once per load rather than on every key.
    private mutating func indexIncidents() {
        activeIncidents = incidents.filter(\.isActive)
        remembered = Remembered()
    }

    public func decision(_ number: Int) -> Decision? { decisions.first { $0.number == number } }
    /// The text of `decision`: its own, or, for one loaded from a store without it, the one read since. As
    /// with post-mortems, a file changed between the two reads shows its newer text under the listed title
    /// until the next load (which a change to the store brings); a record with no text at all makes the first
    /// call read every record's text, which is what the first frame used to do.
    public func body(of decision: Decision) -> String {
        decision.body.isEmpty ? decisionBodiesBox.value[decision.path] ?? "" : decision.body
    }
    /// The whole post-mortem (with its body), read the first time a screen asks, or as given to `init`.
    public func postmortem(_ incidentID: String) -> Postmortem? {
        guard let listed = postmortems.first(where: { $0.incidentID == incidentID }) else { return nil }
        return loader.postmortem(incidentID, listed: listed)
    }
    public func checklist(_ name: String) -> Checklist? { checklists.first { $0.name == name } }
    public func run(_ id: String) -> ChecklistRun? { runsByID[id].map { checklistRuns[$0] } }

    private mutating func indexRuns() {
        runsByID = Dictionary(checklistRuns.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        latestRuns = [:]
        for run in checklistRuns where latestRuns[run.checklist] == nil { latestRuns[run.checklist] = run }
        raisedRedFlags = Store.raisedRedFlags(checklistRuns)
    }
}

/// Whole incidents read on demand, shared by the copies of one snapshot. The few most recently read are kept;
/// a new snapshot (after the store changed) starts a new loader, so nothing stale is served.
final class IncidentLoader: @unchecked Sendable {
    let store: Store?
    private let lock = NSLock()
    private var loaded: [String: Incident]
    private var order: [String]
    private let given: Set<String>
    private var postmortems: [String: Postmortem]
    private static let kept = 64

    /// How the search index is read (the store's, unless a test gives another).
    private let indexer: @Sendable () -> IncidentSearchIndex?

    init(store: Store?, loaded incidents: [Incident], postmortems: [Postmortem] = [],
         indexer: (@Sendable () -> IncidentSearchIndex?)? = nil) {
        self.store = store
        self.indexer = indexer ?? { store?.incidentSearchIndex() }
        loaded = Dictionary(incidents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        order = []
        given = Set(loaded.keys)
        self.postmortems = Dictionary(postmortems.map { ($0.incidentID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private var index: IncidentSearchIndex?
    /// Held while the index is read or built: a first read after a clone takes seconds, and it must not keep
    /// `lock` (an incident opened meanwhile would wait for the whole index).
    private let indexing = NSLock()

    /// The store's incident search index, read the first time a search asks (or the prefetch does).
    func searchIndex() -> IncidentSearchIndex? {
        if let index = lock.withLock({ index }) { return index }
        return indexing.withLock {
            if let index = lock.withLock({ index }) { return index }
            let built = indexer()
            lock.withLock { index = built }
            return built
        }
    }

    /// A post-mortem with its body: as given, or read from the store (only the last one read is kept). When
    /// the file can no longer be read as it was listed, its body says so instead of showing nothing.
    func postmortem(_ id: String, listed: Postmortem) -> Postmortem {
        lock.lock()
        defer { lock.unlock() }
        if let found = postmortems[id] { return found }
        var postmortem = listed
        switch store?.loadPostmortem(id) {
        case let .success(read)?: postmortem = read
        case let .failure(error)?: postmortem.body = "_postmortem.md cannot be read now: \(error.description) (see ward doctor)._"
        case nil: postmortem.body = store == nil ? listed.body : "_postmortem.md is gone since the list was read._"
        }
        postmortems = [id: postmortem]
        return postmortem
    }

    /// A new loader with `incident` in place of its namesake; this one (and the snapshots using it) unchanged.
    func replacing(_ incident: Incident) -> IncidentLoader {
        lock.lock()
        defer { lock.unlock() }
        var all = Array(loaded.values.filter { $0.id != incident.id })
        all.append(incident)
        return IncidentLoader(store: store, loaded: all, postmortems: store == nil ? Array(postmortems.values) : [], indexer: indexer)
    }

    /// The record `incident(id)` would give, without reading the timeline when it is not loaded.
    func record(_ id: String) -> IncidentRecord? {
        if let loaded = lock.withLock({ loaded[id] }) { return loaded.record }
        return store?.loadIncidentRecord(id)
    }

    func incident(_ id: String) -> Incident? {
        lock.lock()
        defer { lock.unlock() }
        if let found = loaded[id] {
            // Least recently used goes first: the incident on screen, asked for on every frame, stays.
            if let position = order.firstIndex(of: id) {
                order.remove(at: position)
                order.append(id)
            }
            return found
        }
        guard let store else { return nil }
        let incident = store.loadIncident(id)
        loaded[id] = incident
        order.append(id)
        if order.count > Self.kept {
            let dropped = order.removeFirst()
            if !given.contains(dropped) { loaded[dropped] = nil }
        }
        return incident
    }
}
