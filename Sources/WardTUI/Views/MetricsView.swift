import Foundation
import WardKit

/// The metrics screen: how fast the team detects, acknowledges, mitigates and resolves, as bars and a
/// sparkline first, then the numbers with their formulas.
enum MetricsView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let route = Route.metrics
        guard let report = state.snapshot.metrics else { return }
        let counted = report.incidents.count
        StyledLine([Span(" "), Span("Response times", .heading), Span("  ·  \(counted) incident\(counted == 1 ? "" : "s")", .dim)])
            .draw(on: &screen, x: 0, y: 2, width: screen.width)
        var targets: [Span] = [Span(" targets: ", .dim)]
        for target in report.targets {
            let met = target.met
            targets += [Span(target.key.uppercased() + " ", .bold),
                        Span("mean \(target.mean.map(Durations.precise) ?? "-") / \(Durations.precise(target.target)) "),
                        Span(met == nil ? "no data" : met! ? "met" : "missed",
                             met == nil ? .dim : met! ? Style(foreground: .green, bold: true) : Style(foreground: .red, bold: true)),
                        Span("   ")]
        }
        StyledLine(targets).draw(on: &screen, x: 0, y: 3, width: screen.width)
        Views.rule(&screen, y: 4)
        let area = Detail.textArea(route, width: state.width, height: state.height)
        Views.lines(&screen, Detail.lines(route, state, width: area.width), y: area.y, height: area.height,
                    width: area.width, offset: state.cursor(route).offset, indicatorRow: 4)
    }
}

/// The metrics screen's text: charts first, the tables after. Headings let `[` `]` jump.
public enum MetricsLines {
    public static func lines(_ report: MetricsReport, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        func heading(_ text: String) {
            if !lines.isEmpty { lines.append(StyledLine()) }
            lines.append(StyledLine([Span(text, .heading)], headingLevel: 2))
        }
        let chartWidth = max(10, min(40, width - 30))
        for measure in [Measure.ttr, .ttd] {
            let groups = report.bySeverity.filter { $0.summary(measure).median != nil }
            heading("Median \(measure.abbreviation) by severity  (\(measure.abbreviation) = \(measure.readableFormula))")
            if groups.isEmpty {
                lines.append(StyledLine("  No incident has both times yet.", .dim))
                continue
            }
            let bars = groups.map { Charts.Bar(label: $0.key, value: $0.summary(measure).median!, caption: Durations.short($0.summary(measure).median!)) }
            lines += Charts.barChartLines(bars, width: chartWidth).map { StyledLine([Span("  ")] + $0.spans) }
        }
        let months = report.monthsSpanned
        if let first = months.first, let last = months.last {
            let byKey = Dictionary(uniqueKeysWithValues: report.byMonth.map { ($0.key, $0) })
            let values = months.map { byKey[$0]?.summary(.ttr).median }
            let top = values.compactMap { $0 }.max()
            heading("Median TTR per month, \(first) to \(last)")
            lines.append(StyledLine([Span("  ")] + Charts.sparklineLine(values).spans
                                    + [Span("   ▁ zero · █ \(top.map(Durations.short) ?? "-") · \(Charts.sparkGap) none resolved", .dim)]))
        }
        for measure in Measure.allCases {
            heading("\(measure.name.prefix(1).uppercased() + measure.name.dropFirst()): \(measure.abbreviation) = \(measure.readableFormula)")
            lines.append(StyledLine("  " + pad("", 10) + pad("N", 5) + pad("MEDIAN", 10) + pad("MEAN", 10) + "P90", .dim))
            func row(_ name: String, _ summary: Summary) {
                lines.append(StyledLine("  " + pad(name, 10) + pad(String(summary.count), 5) + pad(summary.median.map(Durations.short) ?? "-", 10)
                                        + pad(summary.mean.map(Durations.short) ?? "-", 10) + (summary.p90.map(Durations.short) ?? "-")))
            }
            row("all", report.summary(measure))
            for group in report.bySeverity { row(group.key, group.summary(measure)) }
            for group in report.missing[measure] ?? [] {
                for piece in Wrap.lines(group.sentence, width: max(10, width - 4)) { lines.append(StyledLine("  " + piece, .dim)) }
            }
        }
        heading("Time in runbook phases (runs that left the phase)")
        if report.phases.isEmpty {
            lines.append(StyledLine("  No runbook phase has been finished yet.", .dim))
        } else {
            for phase in report.phases {
                lines.append(StyledLine("  " + pad(phase.name, 14) + pad(String(phase.summary.count), 5)
                                        + "median " + (phase.summary.median.map(Durations.short) ?? "-")))
            }
        }
        heading("Per incident")
        for incident in report.incidents {
            let figures = Measure.allCases.map { measure in
                incident.durations[measure].map(Durations.short) ?? (incident.missing[measure] == .open ? "open" : "-")
            }
            lines.append(StyledLine([Span("  " + pad(incident.severity, 6), Views.severityStyle(incident.severity)),
                                     Span(zip(Measure.allCases, figures).map { "\($0.abbreviation) \(pad($1, 8))" }.joined(separator: " "), .plain),
                                     Span(" " + incident.title, .dim)]))
        }
        lines.append(StyledLine())
        lines.append(StyledLine("  p90: nearest rank. Medians, means: incidents with both times.", .dim))
        return lines
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0)
    }
}
