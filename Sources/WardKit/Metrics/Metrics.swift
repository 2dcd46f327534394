import Foundation

/// One of the four measures of an incident: the time from one of its milestones to a later one.
public enum Measure: String, CaseIterable, Sendable, Codable {
    case ttd, tta, ttm, ttr

    /// The milestone the measure starts from.
    public var from: Milestone {
        switch self {
        case .ttd, .ttm, .ttr: .impactStarted
        case .tta: .detected
        }
    }

    /// The milestone the measure ends at.
    public var to: Milestone {
        switch self {
        case .ttd: .detected
        case .tta: .acknowledged
        case .ttm: .mitigated
        case .ttr: .resolved
        }
    }

    /// `TTD`.
    public var abbreviation: String { rawValue.uppercased() }

    /// `time to detect`.
    public var name: String {
        switch self {
        case .ttd: "time to detect"
        case .tta: "time to acknowledge"
        case .ttm: "time to mitigate"
        case .ttr: "time to resolve"
        }
    }

    /// `detected - impact_started`: the milestones as the journal and `--json` name them.
    public var formula: String { "\(to.rawValue) - \(from.rawValue)" }

    /// `detected − impact started`: the same, for people.
    public var readableFormula: String { "\(to.label) − \(from.label)" }

    /// `mttd`: the key of the measure's mean in ward.yaml's `targets`.
    public var targetKey: String { "m" + rawValue }

    /// The measure of an incident in seconds, or nil when `missingReason(in:)` says why it has none.
    public func value(of state: IncidentState) -> TimeInterval? {
        guard missingReason(in: state) == nil, let start = state.milestones[from], let end = state.milestones[to] else { return nil }
        return end.timeIntervalSince(start)
    }

    /// Why an incident has no value for this measure, or nil when it has one. An open incident whose end
    /// milestone has not come is `open`, whatever else is missing.
    public func missingReason(in state: IncidentState) -> MissingReason? {
        let times = state.milestones
        if times[to] == nil && state.status != .resolved { return .open }
        guard let start = times[from] else { return .noTime(from) }
        guard let end = times[to] else { return .noTime(to) }
        // Ward refuses times out of order, but a journal edited by hand can hold them: name it, never count it.
        return end < start ? .outOfOrder : nil
    }
}

/// Why an incident is not counted in a measure.
public enum MissingReason: Hashable, Sendable, Comparable {
    /// The milestone the measure needs was never recorded.
    case noTime(Milestone)
    /// Not resolved yet, and the measure's end has not happened.
    case open
    /// The end comes before the start (a hand-edited journal).
    case outOfOrder

    /// `no_impact_started`, `open`, `out_of_order`: the key in `--json`.
    public var key: String {
        switch self {
        case let .noTime(milestone): "no_" + milestone.rawValue
        case .open: "open"
        case .outOfOrder: "out_of_order"
        }
    }

    /// What the incidents have or are, after "3 of 8 incidents": `have no impact started time`.
    public func phrase(for measure: Measure, plural: Bool) -> String {
        switch self {
        case let .noTime(milestone): "\(plural ? "have" : "has") no \(milestone.label) time"
        case .open where measure == .ttr: "\(plural ? "are" : "is") still open"
        case .open: "\(plural ? "are" : "is") still open with no \(measure.to.label) time"
        case .outOfOrder: "\(plural ? "have" : "has") a \(measure.to.label) time before the \(measure.from.label) time"
        }
    }

    private var order: Int {
        switch self {
        case let .noTime(milestone): Milestone.allCases.firstIndex(of: milestone) ?? 0
        case .open: 10
        case .outOfOrder: 11
        }
    }

    public static func < (lhs: MissingReason, rhs: MissingReason) -> Bool { lhs.order < rhs.order }
}

/// The incidents a measure leaves out for one reason.
public struct MissingGroup: Sendable, Equatable {
    public var measure: Measure
    public var reason: MissingReason
    public var ids: [String]
    /// How many incidents the report covers, for "3 of 8".
    public var outOf: Int

    /// `TTD: 3 of 8 incidents have no impact started time: a, b, c`.
    public var sentence: String {
        "\(measure.abbreviation): \(ids.count) of \(outOf) incident\(outOf == 1 ? "" : "s") "
            + "\(reason.phrase(for: measure, plural: ids.count != 1)): \(ids.joined(separator: ", "))"
    }
}

/// One incident's times and measures.
public struct IncidentMetrics: Sendable, Equatable {
    public var id: String
    public var title: String
    /// The severity as it stands, after any changes.
    public var severity: String
    public var status: IncidentStatus
    public var declared: Date
    /// Impact started, detected (the declaration when not recorded), acknowledged, mitigated, resolved.
    public var times: MilestoneTimes
    /// Seconds, for the measures that can be counted.
    public var durations: [Measure: TimeInterval]
    /// Why each other measure cannot be.
    public var missing: [Measure: MissingReason]

    public init(_ incident: Incident) { self.init(id: incident.id, state: incident.state) }

    public init(_ summary: IncidentSummary) { self.init(id: summary.id, state: summary.metricsState) }

    init(id: String, state: IncidentState) {
        self.id = id
        title = state.title
        severity = state.severity
        status = state.status
        declared = state.declared
        times = state.milestones
        durations = [:]
        missing = [:]
        for measure in Measure.allCases {
            if let reason = measure.missingReason(in: state) {
                missing[measure] = reason
            } else {
                durations[measure] = measure.value(of: state)
            }
        }
    }

    /// When the incident is placed in time (month, --since, --until): when the impact started, else when
    /// it was declared.
    public var periodStart: Date { times[.impactStarted] ?? declared }

    /// `2026-11`: the UTC month of `periodStart`.
    public var month: String { String(Timestamps.format(periodStart).prefix(7)) }

    public var isOpen: Bool { status != .resolved }
}

/// The incidents a report covers: by impact start (else declaration), both days included, and severity.
public struct MetricsFilter: Sendable, Equatable {
    /// The first day included (a UTC midnight).
    public var since: Date?
    /// The last day included (a UTC midnight: the whole day counts).
    public var until: Date?
    /// A severity name (any case).
    public var severity: String?

    public init(since: Date? = nil, until: Date? = nil, severity: String? = nil) {
        self.since = since
        self.until = until
        self.severity = severity
    }

    public var isEmpty: Bool { since == nil && until == nil && severity == nil }

    public func includes(_ metrics: IncidentMetrics) -> Bool {
        let start = metrics.periodStart
        if let since, start < since { return false }
        if let until, start >= until.addingTimeInterval(86400) { return false }
        if let severity, metrics.severity.uppercased() != severity.uppercased() { return false }
        return true
    }

    /// A day as `--since` and `--until` take it: `YYYY-MM-DD`, read as UTC.
    public static func day(_ text: String, option: String) throws -> Date {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
              bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }),
              let date = Timestamps.parseISO(text + "T00:00:00Z") else {
            throw WardError("\(option): '\(text)' is not a day: use YYYY-MM-DD, such as 2026-11-01")
        }
        return date
    }
}

/// A goal for a measure's mean, from ward.yaml's `targets`.
public struct MetricsTarget: Sendable, Equatable {
    public var measure: Measure
    /// Seconds.
    public var target: TimeInterval
    /// The mean over the incidents counted; nil when none is.
    public var mean: TimeInterval?

    /// The mean is at or under the target; nil when there is no mean to compare.
    public var met: Bool? { mean.map { $0 <= target } }

    /// `mttd`.
    public var key: String { measure.targetKey }

    /// The targets ward.yaml sets, over the defaults (MTTD 1 minute, MTTR 5 minutes). Values are durations
    /// such as `1m`, `90s`, `1h30m`, `2d`, or a number of seconds.
    public static func parse(_ targets: [String: String], path: String = "ward.yaml") throws -> [Measure: TimeInterval] {
        var result = defaults
        for key in targets.keys.sorted() {
            guard let measure = Measure.allCases.first(where: { $0.targetKey == key.lowercased() }) else {
                throw WardError("targets: '\(key)' is not a target Ward knows: use mttd, mtta, mttm or mttr", path: path)
            }
            let text = targets[key]!.trimmingCharacters(in: .whitespaces)
            guard let seconds = Int(text).map(TimeInterval.init) ?? Timestamps.parseOffset(Substring(text)), seconds > 0 else {
                throw WardError("targets: \(key) '\(text)' is not a duration: use 90s, 5m, 1h30m or 1d", path: path)
            }
            guard seconds <= maximumTarget else {
                throw WardError("targets: \(key) '\(text)' is longer than a year; use 90s, 5m, 1h30m or 1d", path: path)
            }
            result[measure] = seconds
        }
        return result
    }

    public static let defaults: [Measure: TimeInterval] = [.ttd: 60, .ttr: 300]
    /// No target is longer than a year (a longer one is a typing slip, and huge ones overflowed).
    static let maximumTarget: TimeInterval = 366 * 86_400
}

/// A group of incidents (a severity, a month) and its summaries.
public struct MetricsGroup: Sendable, Equatable {
    /// `SEV1`, `2026-11`.
    public var key: String
    /// The incidents in the group.
    public var ids: [String]
    public var summaries: [Measure: Summary]

    public func summary(_ measure: Measure) -> Summary { summaries[measure] ?? .empty }
}

/// Time spent in one runbook phase, over every run that has left it.
public struct PhaseMetrics: Sendable, Equatable {
    public var name: String
    /// Seconds per run (the stays in the phase that ended, added up).
    public var summary: Summary
}

/// TTD, TTA, TTM and TTR per incident and over a period, by severity and by month, with the time spent in
/// runbook phases and the targets. Pure computation: it reads no clock and no file.
public struct MetricsReport: Sendable, Equatable {
    /// The incidents counted, in order of impact start (else declaration).
    public var incidents: [IncidentMetrics]
    public var overall: [Measure: Summary]
    /// In ward.yaml's order of severities, then any others by name.
    public var bySeverity: [MetricsGroup]
    /// Oldest month first.
    public var byMonth: [MetricsGroup]
    /// In the order the phases first appear in the runs.
    public var phases: [PhaseMetrics]
    /// One per measure with a target, in the order of the measures.
    public var targets: [MetricsTarget]
    /// Per measure, the incidents it leaves out, grouped by reason.
    public var missing: [Measure: [MissingGroup]]
    public var filter: MetricsFilter

    public func summary(_ measure: Measure) -> Summary { overall[measure] ?? .empty }

    /// Every month from the first to the last one with an incident, months with none included, for a
    /// picture of time such as a sparkline: `["2026-03", "2026-04", ...]`.
    public var monthsSpanned: [String] {
        guard let first = byMonth.first?.key, let last = byMonth.last?.key else { return [] }
        return Self.months(from: first, to: last)
    }

    /// `YYYY-MM` months from `first` to `last`, both included; empty when either is not a month or they are
    /// the wrong way round.
    public static func months(from first: String, to last: String) -> [String] {
        func parse(_ text: String) -> (Int, Int)? {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            return (year, month)
        }
        guard var (year, month) = parse(first), let end = parse(last), (year, month) <= end else { return [] }
        var result: [String] = []
        while (year, month) <= end {
            result.append(String(format: "%04d-%02d", year, month))
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }

    /// Every `MissingGroup`, measure by measure.
    public var missingSentences: [String] {
        Measure.allCases.flatMap { missing[$0] ?? [] }.map(\.sentence)
    }

    /// Computes the report over the incidents the filter lets through.
    /// - Parameters:
    ///   - targets: seconds per measure (`MetricsTarget.parse`); the defaults when left out.
    ///   - severityOrder: the severities as ward.yaml lists them, for the order of `bySeverity`.
    public static func compute(_ incidents: [Incident], filter: MetricsFilter = MetricsFilter(),
                               targets: [Measure: TimeInterval] = MetricsTarget.defaults,
                               severityOrder: [String] = StoreConfig.defaultSeverities.map(\.name)) -> MetricsReport {
        compute(summaries: incidents.map(IncidentSummary.init), filter: filter, targets: targets, severityOrder: severityOrder)
    }

    /// The report from incident summaries (what a large store keeps in memory): the same figures.
    public static func compute(summaries incidents: [IncidentSummary], filter: MetricsFilter = MetricsFilter(),
                               targets: [Measure: TimeInterval] = MetricsTarget.defaults,
                               severityOrder: [String] = StoreConfig.defaultSeverities.map(\.name)) -> MetricsReport {
        let included = incidents.map { (incident: $0, metrics: IncidentMetrics($0)) }
            .filter { filter.includes($0.metrics) }
            .sorted { ($0.metrics.periodStart, $0.metrics.id) < ($1.metrics.periodStart, $1.metrics.id) }
        let rows = included.map(\.metrics)

        func summaries(_ rows: [IncidentMetrics]) -> [Measure: Summary] {
            var result: [Measure: Summary] = [:]
            for measure in Measure.allCases { result[measure] = Summary(rows.compactMap { $0.durations[measure] }) }
            return result
        }
        func groups(_ key: (IncidentMetrics) -> String, order: ([String]) -> [String]) -> [MetricsGroup] {
            let grouped = Dictionary(grouping: rows, by: key)
            return order(Array(grouped.keys)).map { name in
                MetricsGroup(key: name, ids: grouped[name]!.map(\.id), summaries: summaries(grouped[name]!))
            }
        }
        let rank = Dictionary(severityOrder.enumerated().map { ($1.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
        let bySeverity = groups(\.severity) { keys in
            keys.sorted { (rank[$0.uppercased()] ?? Int.max, $0) < (rank[$1.uppercased()] ?? Int.max, $1) }
        }
        let byMonth = groups(\.month) { $0.sorted() }

        // Phases: each run counts the phases it has left, with all its ended stays in each added up.
        var phaseOrder: [String] = []
        var phaseTimes: [String: [TimeInterval]] = [:]
        for (incident, _) in included {
            for stay in incident.phaseTimes {
                if phaseTimes[stay.phase] == nil { phaseOrder.append(stay.phase) }
                phaseTimes[stay.phase, default: []].append(stay.seconds)
            }
        }
        let phases = phaseOrder.map { PhaseMetrics(name: $0, summary: Summary(phaseTimes[$0]!)) }

        let overall = summaries(rows)
        let targetList = Measure.allCases.compactMap { measure in
            targets[measure].map { MetricsTarget(measure: measure, target: $0, mean: overall[measure]?.mean) }
        }

        var missing: [Measure: [MissingGroup]] = [:]
        for measure in Measure.allCases {
            let byReason = Dictionary(grouping: rows.filter { $0.missing[measure] != nil }) { $0.missing[measure]! }
            missing[measure] = byReason.keys.sorted().map {
                MissingGroup(measure: measure, reason: $0, ids: byReason[$0]!.map(\.id), outOf: rows.count)
            }
        }

        return MetricsReport(incidents: rows, overall: overall, bySeverity: bySeverity, byMonth: byMonth, phases: phases,
                             targets: targetList, missing: missing, filter: filter)
    }
}

extension Store {
    /// The metrics of this store's incidents, with ward.yaml's targets and order of severities.
    public func metrics(filter: MetricsFilter = MetricsFilter()) throws -> MetricsReport {
        let targets = try MetricsTarget.parse(config.targets)
        return MetricsReport.compute(summaries: incidentSummaries(), filter: filter, targets: targets,
                                     severityOrder: config.severities.map(\.name))
    }
}
