import Foundation
import WardKit

/// Recorded checklist runs, newest first: when, GO or NO-GO, which checklist, who, what failed, the incident.
enum ChecklistHistoryView {
    static func draw(_ screen: inout Screen, _ state: AppState, name: String?) {
        let route = Route.checklistHistory(name: name)
        let rows = ChecklistHistory.rows(state, name: name)
        let noGo = rows.filter { $0.result == .noGo }.count
        var bar = [Span(" [f] ", .key), Span("text: " + (state.historyFilter.isEmpty ? "-" : state.historyFilter)),
                   Span("  [x] ", .key), Span("clear"),
                   Span("   \(rows.count) run\(rows.count == 1 ? "" : "s")", .dim)]
        if noGo > 0 { bar.append(Span(", \(noGo) NO-GO", Style(foreground: .red))) }
        if let name { bar += [Span("   of ", .dim), Span(name, Style(foreground: .cyan))] }
        StyledLine(bar).draw(on: &screen, x: 0, y: 2, width: screen.width)
        let wide = screen.width >= 120
        let titleWidth = wide ? 26 : 18
        let byWidth = wide ? 18 : 10
        StyledLine(" WHEN              RESULT  " + "CHECKLIST".padded(to: titleWidth + 1)
                   + "BY".padded(to: byWidth + 1) + "FAILED · INCIDENT", .dim)
            .draw(on: &screen, x: 0, y: 3, width: screen.width)
        if rows.isEmpty {
            let empty = state.snapshot.checklistRuns.isEmpty ? "  No checklist has been run yet: r on a checklist runs it."
                : "  No run matches. x clears the filter."
            screen.put(empty, x: 0, y: 4, style: .dim)
            return
        }
        Views.list(&screen, y: 4, height: state.bodyHeight - 2, cursor: state.cursor(route), count: rows.count) { index in
            let run = rows[index]
            var spans = [
                Span(ChecklistHistory.when(run.at) + "  ", .dim),
                Span(run.result.rawValue.padded(to: 8), ChecklistHistory.resultStyle(run.result)),
                Span(Views.fit(run.title, titleWidth) + " "),
                Span(Views.fit(wide ? run.by : ChecklistHistory.who(run.by), byWidth) + " ", Style(foreground: .cyan)),
            ]
            if !run.redFlags.isEmpty {
                spans.append(Span("⚑ " + run.redFlags.joined(separator: ", ") + " ", Style(foreground: .red, bold: true)))
            }
            let failed = run.failed.filter { !run.redFlags.contains($0) }
            if !failed.isEmpty { spans.append(Span(failed.joined(separator: ", ") + " ", Style(foreground: .red))) }
            if let incident = run.incident {
                spans.append(Span("· " + (state.snapshot.incidentTitle(incident) ?? incident), .dim))
            }
            return spans
        }
    }
}

/// One recorded run: the checklist and its verdict on top, then who, when, where it is recorded, and every
/// answer with its note.
enum RecordedRunView {
    static func draw(_ screen: inout Screen, _ state: AppState, id: String) {
        guard let run = state.snapshot.run(id) else { return }
        let route = Route.recordedRun(id)
        StyledLine([Span(" "), Span(run.title, .heading), Span("  run \(run.shortID)", .dim)]).draw(on: &screen, x: 0, y: 2, width: screen.width)
        StyledLine([Span(" "), Span(run.result.rawValue, ChecklistHistory.resultStyle(run.result)),
                    Span("  ·  \(run.by)  ·  \(ChecklistHistory.when(run.at)) UTC (\(ChecklistHistory.ago(run.at, now: state.now)))", .dim)])
            .draw(on: &screen, x: 0, y: 3, width: screen.width)
        Views.rule(&screen, y: 4)
        let area = Detail.textArea(route, width: state.width, height: state.height)
        Views.lines(&screen, Detail.lines(route, state, width: area.width), y: area.y, height: area.height,
                    width: area.width, offset: state.cursor(route).offset, indicatorRow: 4)
    }
}
