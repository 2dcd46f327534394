import Foundation
import WardKit

/// The decisions screen as a time line (`v`): a heading per month, newest first, each decision under it
/// with its date, number, status and title.
enum DecisionTimelineView {
    static func draw(_ screen: inout Screen, _ state: AppState, _ decisions: [Decision]) {
        StyledLine(" DATE        NUM   STATUS       TITLE", .dim).draw(on: &screen, x: 0, y: 3, width: screen.width)
        if decisions.isEmpty {
            screen.put("  No decisions match.", x: 0, y: 4, style: .dim)
            return
        }
        let rows = DecisionTimeline.rows(decisions)
        let cursor = state.cursor(.decisions)
        let height = max(1, state.bodyHeight - 2)
        let top = DecisionTimeline.top(rows, cursor: cursor, height: height)
        for line in 0..<height where top + line < rows.count {
            let y = 4 + line
            switch rows[top + line] {
            case let .month(name, count):
                StyledLine([Span(" " + name, .heading), Span("  \(count) decision\(count == 1 ? "" : "s")", .dim)])
                    .draw(on: &screen, x: 0, y: y, width: screen.width)
            case let .decision(index):
                StyledLine(spans(decisions[index])).draw(on: &screen, x: 1, y: y, width: screen.width - 2)
                if index == cursor.selected { screen.restyle(y: y, x: 0, width: screen.width) { $0.reverse = true } }
            }
        }
        if rows.count > height {
            let shown = "\(cursor.selected + 1)/\(decisions.count)"
            screen.put(shown, x: screen.width - DisplayWidth.of(shown) - 1, y: 4 + height - 1, style: .dim)
        }
    }

    static func spans(_ decision: Decision) -> [Span] {
        var spans = [
            Span(String((decision.date ?? "-").prefix(10)).padded(to: 12), .dim),
            Span(Decision.padded(decision.number) + "  ", .dim),
            Span((decision.status?.rawValue ?? "?").padded(to: 13), Views.statusStyle(decision.status)),
            Span(decision.title),
        ]
        if !decision.supersededBy.isEmpty {
            spans.append(Span(" → " + decision.supersededBy.map { Decision.padded($0) }.joined(separator: ", "), Style(foreground: .magenta)))
        }
        return spans
    }
}
