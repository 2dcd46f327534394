import ArgumentParser
import Foundation
import WardKit
import WardTUI

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time to detect, acknowledge, mitigate and resolve: per incident, by severity, by month.",
        discussion: """
        TTD = detected − impact started, TTA = acknowledged − detected, TTM = mitigated − impact started, \
        TTR = resolved − impact started. Detected is the declaration when no detection time was recorded. \
        An incident without a time a measure needs is left out of that measure and named; an open incident \
        has no TTR. Incidents are placed in time (months, --since, --until) by when the impact started, \
        or were declared when that is not known, in UTC. p90 is the nearest-rank 90th percentile. Targets \
        (ward.yaml: targets: {mttd: 1m, mttr: 5m}, the defaults) are met when the mean is at or under them.

        Examples:
          ward metrics
          ward metrics --since 2026-01-01 --until 2026-06-30 --severity 1
          ward metrics --json | jq .targets
          ward metrics --csv > incidents.csv
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only incidents that started (else were declared) on or after this day, UTC.", valueName: "YYYY-MM-DD"))
    var since: String?
    @Option(help: ArgumentHelp("Only incidents that started (else were declared) on or before this day, UTC.", valueName: "YYYY-MM-DD"))
    var until: String?
    @Option(help: "Only incidents of this severity as it stands now (SEV1, or 1).") var severity: String?
    @Flag(help: "Print the per-incident rows as CSV, with a header.") var csv = false

    func run() throws {
        if csv && global.json { throw WardError("--csv and --json each print one document: choose one") }
        var filter = MetricsFilter()
        filter.since = try since.map { try MetricsFilter.day($0, option: "--since") }
        filter.until = try until.map { try MetricsFilter.day($0, option: "--until") }
        if let since = filter.since, let until = filter.until, until < since {
            throw WardError("--until \(self.until!) is before --since \(self.since!)")
        }
        let store = try global.openStore()
        let incidents = store.loadIncidents()
        if let severity {
            do {
                filter.severity = try store.config.severity(named: severity).name
            } catch {
                // A severity ward.yaml does not list is still one an incident may carry.
                guard incidents.contains(where: { $0.state.severity.uppercased() == severity.uppercased() }) else { throw error }
                filter.severity = severity
            }
        }
        let targets = try MetricsTarget.parse(store.config.targets)
        let report = MetricsReport.compute(incidents, filter: filter, targets: targets,
                                           severityOrder: store.config.severities.map(\.name))
        if global.json {
            Output.json(MetricsOutput.json(report))
        } else if csv {
            // For a file or a pipe the CSV goes out as it is (its quoting keeps line ends inside fields);
            // on a terminal it is made safe like everything else.
            if isatty(STDOUT_FILENO) == 1 {
                Output.line(MetricsOutput.csv(report))
            } else {
                FileHandle.standardOutput.write(Data((MetricsOutput.csv(report) + "\n").utf8))
            }
        } else {
            for line in MetricsOutput.text(report, storeName: store.config.name) { Output.line(line) }
            warnAboutProblems(incidents.flatMap(\.problems))
        }
    }
}

/// The three forms `ward metrics` prints.
enum MetricsOutput {
    static func seconds(_ value: TimeInterval?) -> JSONValue { value.map { .number($0) } ?? .null }

    static func summary(_ summary: Summary) -> JSONValue {
        .object(["count": .number(Double(summary.count)), "median": seconds(summary.median), "mean": seconds(summary.mean),
                 "p90": seconds(summary.p90)])
    }

    static func group(_ group: MetricsGroup) -> JSONValue {
        var object: [String: JSONValue] = ["incidents": .number(Double(group.ids.count))]
        for measure in Measure.allCases { object[measure.rawValue] = summary(group.summary(measure)) }
        return .object(object)
    }

    static func json(_ report: MetricsReport) -> JSONValue {
        let incidents: [JSONValue] = report.incidents.map { row in
            var object: [String: JSONValue] = [
                "id": .string(row.id), "title": .string(row.title), "severity": .string(row.severity),
                "status": .string(row.status.rawValue), "month": .string(row.month),
            ]
            for milestone in Milestone.allCases { object[milestone.rawValue] = row.times[milestone].map { .string(Timestamps.format($0)) } ?? .null }
            for measure in Measure.allCases { object[measure.rawValue] = seconds(row.durations[measure]) }
            return .object(object)
        }
        var overall: [String: JSONValue] = ["incidents": .number(Double(report.incidents.count))]
        var formulas: [String: JSONValue] = [:]
        var missing: [String: JSONValue] = [:]
        for measure in Measure.allCases {
            overall[measure.rawValue] = summary(report.summary(measure))
            formulas[measure.rawValue] = .string(measure.formula)
            var reasons: [String: JSONValue] = [:]
            for group in report.missing[measure] ?? [] { reasons[group.reason.key] = .array(group.ids.map { .string($0) }) }
            missing[measure.rawValue] = .object(reasons)
        }
        var targets: [String: JSONValue] = [:]
        for target in report.targets {
            targets[target.key] = .object(["measure": .string(target.measure.rawValue), "target": .number(target.target),
                                           "mean": seconds(target.mean), "met": target.met.map { .bool($0) } ?? .null])
        }
        let filter = report.filter
        return .object([
            "incidents": .array(incidents),
            "overall": .object(overall),
            "by_severity": .object(Dictionary(uniqueKeysWithValues: report.bySeverity.map { ($0.key, group($0)) })),
            "by_month": .object(Dictionary(uniqueKeysWithValues: report.byMonth.map { ($0.key, group($0)) })),
            "phases": .object(Dictionary(report.phases.map { ($0.name, summary($0.summary)) }, uniquingKeysWith: { first, _ in first })),
            "targets": .object(targets),
            "formulas": .object(formulas),
            "missing": .object(missing),
            "definitions": .object([
                "p90": .string(Statistics.percentileDefinition),
                "median": .string("the middle value; with an even count, the mean of the two middle values"),
                "met": .string("mean <= target"),
                "month": .string("UTC month (YYYY-MM) of impact_started, else of the declaration"),
                "phases": .string("seconds per run spent in the phase, stays that ended only, over all runs"),
            ]),
            "filter": .object([
                "since": filter.since.map { .string(Timestamps.formatDate($0)) } ?? .null,
                "until": filter.until.map { .string(Timestamps.formatDate($0)) } ?? .null,
                "severity": filter.severity.map { .string($0) } ?? .null,
            ]),
        ])
    }

    // MARK: CSV

    static let csvHeader = ["id", "severity", "status", "title"] + Milestone.allCases.map(\.rawValue) + Measure.allCases.map(\.rawValue)

    /// One field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line end, quotes doubled.
    /// A field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first)
    /// gets a leading `'`, so a title typed during an incident cannot run in someone's spreadsheet.
    static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The header and one row per incident (no newline after the last); times in ISO 8601, measures in whole seconds, empty when not known.
    static func csv(_ report: MetricsReport) -> String {
        var lines = [csvHeader.joined(separator: ",")]
        for row in report.incidents {
            var fields = [row.id, row.severity, row.status.rawValue, row.title]
            fields += Milestone.allCases.map { row.times[$0].map(Timestamps.format) ?? "" }
            fields += Measure.allCases.map { row.durations[$0].map { String(Int64($0.rounded())) } ?? "" }
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Text

    static func duration(_ value: TimeInterval?) -> String { value.map(Durations.short) ?? "-" }

    /// Rows padded into columns, the first indented by two spaces.
    static func table(_ rows: [[String]]) -> [String] {
        let rows = rows.map { $0.map { TerminalSafe.clean($0, singleLine: true) } }
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        return rows.map { row in
            var line = "  "
            for (index, cell) in row.enumerated() {
                line += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - DisplayWidth.of(cell) + 2)
            }
            return line
        }
    }

    static func text(_ report: MetricsReport, storeName: String?) -> [String] {
        var lines: [String] = []
        let count = report.incidents.count
        var scope: [String] = []
        if let since = report.filter.since { scope.append("since \(Timestamps.formatDate(since))") }
        if let until = report.filter.until { scope.append("until \(Timestamps.formatDate(until))") }
        if let severity = report.filter.severity { scope.append(severity) }
        var header = (storeName.map { $0 + ": " } ?? "") + "\(count) incident\(count == 1 ? "" : "s")"
        if let first = report.incidents.first, let last = report.incidents.last {
            header += ", impact started (else declared) \(Timestamps.formatDate(first.periodStart)) to \(Timestamps.formatDate(last.periodStart)) UTC"
        }
        if !scope.isEmpty { header += " (\(scope.joined(separator: ", ")))" }
        lines.append(header)
        guard count > 0 else {
            lines.append(report.filter.isEmpty ? "No incidents yet: nothing to measure." : "No incident matches: nothing to measure.")
            return lines
        }

        // Each measure under its formula: over all, by severity, by month.
        for measure in Measure.allCases {
            lines.append("")
            lines.append("\(measure.name.prefix(1).uppercased() + measure.name.dropFirst()): \(measure.abbreviation) = \(measure.readableFormula)")
            var rows = [["", "N", "MEDIAN", "MEAN", "P90"]]
            func row(_ name: String, _ summary: Summary) -> [String] {
                [name, String(summary.count), duration(summary.median), duration(summary.mean), duration(summary.p90)]
            }
            rows.append(row("all", report.summary(measure)))
            rows += report.bySeverity.map { row($0.key, $0.summary(measure)) }
            rows += report.byMonth.map { row($0.key, $0.summary(measure)) }
            lines += table(rows)
            for group in report.missing[measure] ?? [] { lines.append("  " + group.sentence) }
        }

        // Pictures of TTR.
        let resolved = report.bySeverity.filter { $0.summary(.ttr).median != nil }
        if !resolved.isEmpty {
            lines.append("")
            lines.append("Median TTR by severity (TTR = \(Measure.ttr.readableFormula))")
            let bars = resolved.map { Charts.Bar(label: TerminalSafe.clean($0.key, singleLine: true), value: $0.summary(.ttr).median!, caption: duration($0.summary(.ttr).median)) }
            lines += Charts.barChart(bars, width: 30).map { "  " + $0 }
            let months = report.monthsSpanned
            let byKey = Dictionary(uniqueKeysWithValues: report.byMonth.map { ($0.key, $0) })
            let values = months.map { byKey[$0]?.summary(.ttr).median }
            let top = values.compactMap { $0 }.max()
            lines.append("")
            lines.append("Median TTR per month, \(months.first!) to \(months.last!) (▁ zero, █ \(duration(top)), · none resolved)")
            lines.append("  " + Charts.sparkline(values))
        }

        // Targets.
        if !report.targets.isEmpty {
            lines.append("")
            lines.append("Targets (met when the mean is at or under the target)")
            lines += table(report.targets.map { target in
                [target.key.uppercased(), "mean \(target.mean.map(Durations.precise) ?? "-")", "target \(Durations.precise(target.target))",
                 target.met.map { $0 ? "met" : "missed" } ?? "no incident counted"]
            })
        }

        // Runbook phases.
        lines.append("")
        if report.phases.isEmpty {
            lines.append("Runbook phases: no run has finished a phase yet.")
        } else {
            lines.append("Time in runbook phases (per run, over all runs; a phase a run is still in is not counted)")
            lines += table([["PHASE", "N", "MEDIAN", "MEAN", "P90"]] + report.phases.map {
                [$0.name, String($0.summary.count), duration($0.summary.median), duration($0.summary.mean), duration($0.summary.p90)]
            })
        }

        // Every incident.
        lines.append("")
        lines.append("Per incident (- not known, named above)")
        lines += table([["ID", "SEV", "TTD", "TTA", "TTM", "TTR", "TITLE"]] + report.incidents.map { row in
            [row.id, row.severity] + Measure.allCases.map { measure in
                row.missing[measure] == .open ? "open" : duration(row.durations[measure])
            } + [row.title]
        })

        lines.append("")
        lines.append("p90: \(Statistics.percentileDefinition). Median of an even count: the mean of the two middle values.")
        return lines
    }
}
