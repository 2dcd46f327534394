import Foundation
import Testing
@testable import WardKit

/// Incidents built from events at known times, measured, and the figures compared with sums done by hand.
@Suite struct MetricsTests {
    /// Minutes after `base` (fixedNow, 2026-11-23T03:14:07Z, unless given).
    static func at(_ minutes: Double, base: Date = fixedNow) -> Date { base.addingTimeInterval(minutes * 60) }

    static func event(_ minutes: Double, _ kind: String, _ fields: [String: JSONValue], base: Date = fixedNow,
                      recordedAt recorded: Double? = nil) -> Event {
        Event(at: at(minutes, base: base), recorded: at(recorded ?? minutes, base: base), by: "ana@b", kind: kind, fields: fields)
    }

    static func declared(_ minutes: Double = 0, severity: String = "SEV2", base: Date = fixedNow) -> Event {
        event(minutes, "declared", ["title": .string("T"), "severity": .string(severity), "services": .array([])], base: base)
    }

    static func milestone(_ minutes: Double, _ name: Milestone, base: Date = fixedNow, recordedAt: Double? = nil) -> Event {
        event(minutes, "milestone", ["milestone": .string(name.rawValue)], base: base, recordedAt: recordedAt)
    }

    static func status(_ minutes: Double, _ status: IncidentStatus, base: Date = fixedNow) -> Event {
        event(minutes, "status", ["status": .string(status.rawValue)], base: base)
    }

    static func incident(_ id: String, _ events: [Event]) -> Incident {
        let sorted = events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        return Incident(id: id, record: nil, events: sorted, state: IncidentState.fold(sorted, record: nil), problems: [])
    }

    /// Impact at -10m, detected at -4m, declared at 0, acknowledged at 2m, mitigated at 30m, resolved at 95m.
    static func resolvedIncident(_ id: String = "full", severity: String = "SEV2", base: Date = fixedNow) -> Incident {
        incident(id, [
            declared(severity: severity, base: base),
            milestone(-10, .impactStarted, base: base),
            milestone(-4, .detected, base: base),
            milestone(2, .acknowledged, base: base),
            status(30, .mitigated, base: base),
            status(95, .resolved, base: base),
        ])
    }

    // MARK: Per incident

    @Test func theFourMeasuresAreTheHandComputedSeconds() {
        let row = IncidentMetrics(Self.resolvedIncident())
        #expect(row.durations[.ttd] == 360)   // -4m - -10m
        #expect(row.durations[.tta] == 360)   // 2m - -4m
        #expect(row.durations[.ttm] == 2400)  // 30m - -10m
        #expect(row.durations[.ttr] == 6300)  // 95m - -10m
        #expect(row.missing.isEmpty)
        #expect(row.periodStart == Self.at(-10))
    }

    @Test func anUnresolvedIncidentHasNoTTRAndIsNamedOpen() {
        let open = Self.incident("open-one", [
            Self.declared(), Self.milestone(-10, .impactStarted), Self.status(20, .mitigated),
        ])
        let row = IncidentMetrics(open)
        #expect(row.durations[.ttm] == 1800)
        #expect(row.durations[.ttr] == nil)
        #expect(row.missing[.ttr] == .open)
        #expect(row.missing[.tta] == .open)  // nobody acknowledged it yet
        let report = MetricsReport.compute([open, Self.resolvedIncident()])
        #expect(report.summary(.ttr).count == 1)
        #expect(report.summary(.ttm).count == 2)
        #expect(report.missingSentences.contains("TTR: 1 of 2 incidents is still open: open-one"))
    }

    @Test func aMissingImpactStartIsCountedWhereItCanBeAndNamedWhereItCannot() {
        let noStart = Self.incident("no-start", [Self.declared(), Self.milestone(3, .acknowledged), Self.status(50, .resolved)])
        let row = IncidentMetrics(noStart)
        // Detected defaults to the declaration, so TTA is known: 3 minutes.
        #expect(row.durations[.tta] == 180)
        for measure in [Measure.ttd, .ttm, .ttr] {
            #expect(row.durations[measure] == nil)
        }
        #expect(row.missing[.ttd] == .noTime(.impactStarted))
        #expect(row.missing[.ttr] == .noTime(.impactStarted))
        #expect(row.missing[.ttm] == .noTime(.impactStarted))
        #expect(row.periodStart == fixedNow)  // placed by its declaration

        let report = MetricsReport.compute([noStart, Self.resolvedIncident("a"), Self.resolvedIncident("b")])
        #expect(report.summary(.ttd).count == 2)
        #expect(report.summary(.tta).count == 3)
        #expect(report.missing[.ttd] == [MissingGroup(measure: .ttd, reason: .noTime(.impactStarted), ids: ["no-start"], outOf: 3)])
        #expect(report.missingSentences.contains("TTD: 1 of 3 incidents has no impact started time: no-start"))
    }

    @Test func aResolvedIncidentNeverMitigatedIsNamedForTTM() {
        let direct = Self.incident("direct", [Self.declared(), Self.milestone(-5, .impactStarted), Self.status(40, .resolved)])
        let row = IncidentMetrics(direct)
        #expect(row.durations[.ttr] == 2700)
        #expect(row.missing[.ttm] == .noTime(.mitigated))
    }

    @Test func aBackDatedMilestoneCountsByWhenItHappened() {
        // Written at +6m, after a note, but it happened at -3m.
        let incident = Self.incident("late", [
            Self.declared(), Self.milestone(-10, .impactStarted),
            Self.event(5, "note", ["text": .string("found the page from 03:11")]),
            Self.milestone(-3, .detected, recordedAt: 6),
            Self.milestone(1, .acknowledged),
        ])
        let row = IncidentMetrics(incident)
        #expect(row.durations[.ttd] == 420)  // -3m - -10m, not the declaration's 10m
        #expect(row.durations[.tta] == 240)  // 1m - -3m
    }

    @Test func timesOutOfOrderInAHandEditedJournalAreNamedNotCounted() {
        let incident = Self.incident("odd", [
            Self.declared(), Self.milestone(-10, .impactStarted), Self.status(60, .resolved), Self.milestone(-20, .resolved),
        ])
        let row = IncidentMetrics(incident)
        #expect(row.durations[.ttr] == nil)
        #expect(row.missing[.ttr] == .outOfOrder)
    }

    // MARK: Statistics

    @Test func medianMeanAndNearestRankPercentileOnKnownLists() {
        // Odd.
        #expect(Statistics.median([5, 1, 3]) == 3)
        #expect(Statistics.mean([5, 1, 3]) == 3)
        #expect(Statistics.percentile(90, of: [5, 1, 3]) == 5)  // rank ⌈2.7⌉ = 3
        // Even: the mean of the two middle values.
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.mean([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.percentile(90, of: [4, 1, 3, 2]) == 4)  // rank ⌈3.6⌉ = 4
        #expect(Statistics.percentile(50, of: [4, 1, 3, 2]) == 2)  // rank 2
        // Ten values: rank 9 exactly, not 10.
        let ten = (1...10).map(Double.init).shuffled()
        #expect(Statistics.percentile(90, of: ten) == 9)
        #expect(Statistics.percentile(91, of: ten) == 10)
        #expect(Statistics.percentile(0, of: ten) == 1)
        #expect(Statistics.percentile(100, of: ten) == 10)
        #expect(Statistics.median(ten) == 5.5)
        // Twenty: rank 18.
        #expect(Statistics.percentile(90, of: (1...20).map(Double.init).reversed()) == 18)
        // One element.
        #expect(Summary([42]) == Summary(count: 1, median: 42, mean: 42, p90: 42))
        // Empty.
        #expect(Summary([]) == Summary(count: 0, median: nil, mean: nil, p90: nil))
        #expect(Statistics.median([]) == nil && Statistics.mean([]) == nil && Statistics.percentile(90, of: []) == nil)
    }

    // MARK: Groups

    @Test func incidentsAreGroupedBySeverityAndByMonthOfImpactStart() {
        let january = Timestamps.parseISO("2026-01-15T10:00:00Z")!
        let lateJanuary = Timestamps.parseISO("2026-01-31T23:55:00Z")!
        let february = Timestamps.parseISO("2026-02-03T10:00:00Z")!
        // Impact started on 31 January, declared on 1 February (UTC): it belongs to January.
        let acrossMidnight = Self.incident("across", [
            Self.declared(15, severity: "SEV1", base: lateJanuary), Self.milestone(0, .impactStarted, base: lateJanuary),
            Self.status(70, .resolved, base: lateJanuary),
        ])
        let incidents = [
            Self.resolvedIncident("jan-sev2", severity: "SEV2", base: january),
            Self.resolvedIncident("feb-sev1", severity: "SEV1", base: february),
            acrossMidnight,
            Self.resolvedIncident("jan-p0", severity: "P0", base: january.addingTimeInterval(3600)),
        ]
        let report = MetricsReport.compute(incidents, severityOrder: ["SEV1", "SEV2", "SEV3"])
        #expect(report.bySeverity.map(\.key) == ["SEV1", "SEV2", "P0"])  // ward.yaml's order, then others
        #expect(report.bySeverity[0].ids == ["across", "feb-sev1"])
        #expect(report.bySeverity[0].summary(.ttr) == Summary([4200, 6300]))
        #expect(report.bySeverity[0].summary(.ttr).median == 5250)
        #expect(report.byMonth.map(\.key) == ["2026-01", "2026-02"])
        #expect(report.byMonth[0].ids == ["jan-sev2", "jan-p0", "across"])
        #expect(report.byMonth[1].ids == ["feb-sev1"])
        #expect(report.byMonth[0].summary(.ttd) == Summary([360, 360, 900]))  // "across" was detected when declared
        #expect(report.incidents.map(\.id) == ["jan-sev2", "jan-p0", "across", "feb-sev1"])
        #expect(report.monthsSpanned == ["2026-01", "2026-02"])
    }

    @Test func monthsSpannedFillTheGapsAcrossAYear() {
        #expect(MetricsReport.months(from: "2025-11", to: "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"])
        #expect(MetricsReport.months(from: "2026-02", to: "2026-01") == [])
        #expect(MetricsReport.months(from: "2026-13", to: "2027-01") == [])
    }

    // MARK: Filters

    @Test func sinceUntilAndSeverityFilterByImpactStartOrDeclaration() throws {
        let may1 = Timestamps.parseISO("2026-05-01T00:00:00Z")!
        let may31Late = Timestamps.parseISO("2026-05-31T23:59:00Z")!
        let june1 = Timestamps.parseISO("2026-06-01T00:00:00Z")!
        let incidents = [
            Self.resolvedIncident("april", base: may1.addingTimeInterval(-3600 + 600)),  // impact 23:10 on 30 April
            Self.resolvedIncident("may-first", base: may1.addingTimeInterval(600)),      // impact 00:00 on 1 May
            Self.resolvedIncident("may-last", severity: "SEV1", base: may31Late.addingTimeInterval(600)),
            Self.resolvedIncident("june", base: june1.addingTimeInterval(600)),
        ]
        let since = try MetricsFilter.day("2026-05-01", option: "--since")
        let until = try MetricsFilter.day("2026-05-31", option: "--until")
        #expect(since == may1)
        let may = MetricsReport.compute(incidents, filter: MetricsFilter(since: since, until: until))
        #expect(may.incidents.map(\.id) == ["may-first", "may-last"])
        let sev1 = MetricsReport.compute(incidents, filter: MetricsFilter(severity: "sev1"))
        #expect(sev1.incidents.map(\.id) == ["may-last"])
        for bad in ["2026-5-01", "2026-02-30", "yesterday", "2026-05-01T00:00:00Z", "２０２６-05-01"] {
            #expect(throws: WardError.self) { try MetricsFilter.day(bad, option: "--since") }
        }
    }

    // MARK: Targets

    @Test func targetsAreMetWhenTheMeanIsAtOrUnderThem() throws {
        #expect(try MetricsTarget.parse([:]) == [.ttd: 60, .ttr: 300])
        #expect(try MetricsTarget.parse(["mttd": "2m", "mttr": "1h30m", "mtta": "90"]) == [.ttd: 120, .tta: 90, .ttr: 5400])
        #expect(throws: WardError.self) { try MetricsTarget.parse(["mttr": "five minutes"]) }
        #expect(throws: WardError.self) { try MetricsTarget.parse(["mtbf": "1d"]) }
        #expect(throws: WardError.self) { try MetricsTarget.parse(["mttd": "0s"]) }
        // Huge targets are refused, not turned into numbers no Int holds (which stopped `ward metrics`).
        #expect(throws: WardError.self) { try MetricsTarget.parse(["mttr": "9223372036854775807"]) }
        #expect(throws: WardError.self) { try MetricsTarget.parse(["mttr": String(repeating: "999999999d", count: 50)]) }
        #expect(try MetricsTarget.parse(["mttr": "366d"]) == [.ttd: 60, .ttr: 366 * 86_400])
        for seconds in [Double.infinity, -.infinity, .nan, 9.3e18, -9.3e18, 1e300] {
            _ = Durations.short(seconds)
            _ = Durations.precise(seconds)
        }
        #expect(Durations.short(.infinity) == Durations.short(1e15) && Durations.precise(.nan) == "0s")

        // TTD 6 minutes each, TTR 105 minutes each.
        let incidents = [Self.resolvedIncident("a"), Self.resolvedIncident("b")]
        let report = MetricsReport.compute(incidents, targets: [.ttd: 360, .ttr: 300])
        let byKey = Dictionary(uniqueKeysWithValues: report.targets.map { ($0.key, $0) })
        #expect(byKey["mttd"]?.mean == 360)
        #expect(byKey["mttd"]?.met == true)  // at the target counts as met
        #expect(byKey["mttr"]?.mean == 6300)
        #expect(byKey["mttr"]?.met == false)
        #expect(report.targets.map(\.key) == ["mttd", "mttr"])
        // Nothing counted: neither met nor missed.
        let none = MetricsReport.compute([], targets: MetricsTarget.defaults)
        #expect(none.targets.allSatisfy { $0.mean == nil && $0.met == nil })
    }

    // MARK: Runbook phases

    static let runbookText = """
    ---
    title: Tiny
    ---

    ## A

    - [ ] a1: First step {required}

    ## B

    - [ ] b1: Second step

    ## C

    - [ ] c1: Third step
    """

    static func phase(_ minutes: Double, from: String, to: String?, back: Bool = false) -> Event {
        var fields: [String: JSONValue] = ["runbook": .string("tiny"), "direction": .string(back ? "back" : "next"), "from": .string(from)]
        if let to { fields["to"] = .string(to) }
        if back { fields["reason"] = .string("missed a step") }
        return event(minutes, "phase", fields)
    }

    @Test func phaseTimesAddUpEndedStaysOverAllRuns() throws {
        let runbook = try Runbook(name: "tiny", text: Self.runbookText, path: "runbooks/tiny.md", builtIn: false)
        let start = Self.event(0, "runbook", RunbookRun.startFields(runbook))
        // First run: A 0-5, B 5-7, back to A 7-10, B 10-20, C from 20 on (still in it: not counted).
        let first = Self.incident("first", [
            Self.declared(), start,
            Self.event(1, "step", ["runbook": .string("tiny"), "step": .string("a1"), "state": .string("done")]),
            Self.phase(5, from: "A", to: "B"), Self.phase(7, from: "B", to: "A", back: true),
            Self.phase(10, from: "A", to: "B"), Self.phase(20, from: "B", to: "C"),
        ])
        // Second run: A 0-4, B 4-14, C 14-15, finished.
        let second = Self.incident("second", [
            Self.declared(), start,
            Self.event(1, "step", ["runbook": .string("tiny"), "step": .string("a1"), "state": .string("done")]),
            Self.phase(4, from: "A", to: "B"), Self.phase(14, from: "B", to: "C"), Self.phase(15, from: "C", to: nil),
        ])
        let report = MetricsReport.compute([first, second])
        #expect(report.phases.map(\.name) == ["A", "B", "C"])
        let byName = Dictionary(uniqueKeysWithValues: report.phases.map { ($0.name, $0.summary) })
        #expect(byName["A"] == Summary([480, 240]))  // 5m + 3m; 4m
        #expect(byName["A"]?.median == 360 && byName["A"]?.mean == 360)
        #expect(byName["B"] == Summary([720, 600]))  // 2m + 10m; 10m
        #expect(byName["C"] == Summary([60]))        // only the finished run's
    }
}
