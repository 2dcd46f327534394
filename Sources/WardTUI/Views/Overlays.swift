import Foundation
import WardKit

enum SearchView {
    static func draw(_ screen: inout Screen, _ state: AppState, query: String) {
        let height = screen.height - 3
        screen.fill(x: 0, y: 2, width: screen.width, height: height, style: .plain)
        StyledLine([Span(" / ", .key), Span(query, .bold)]).draw(on: &screen, x: 0, y: 2, width: screen.width)
        let results = state.search.results
        if query.isEmpty {
            screen.put("   Type to search every incident, timeline, decision, post-mortem and checklist.", x: 0, y: 4, style: .dim)
            return
        }
        let titlesOnly = state.snapshot.incidents.count > state.snapshot.titlesOnlyAbove
            && !IncidentSearchIndex.canSift(query)
        screen.put(" \(results.count == SearchEngine.limit ? "\(results.count)+" : String(results.count)) matches"
                   + (titlesOnly ? " (incident titles only: type 3 letters to search timelines)" : "") + " · ↑↓ choose · ⏎ open · esc close",
                   x: 0, y: 3, style: .dim)
        // Rows: group headings and results; the cursor counts results only.
        var rows: [(StyledLine, Int?)] = []
        var lastGroup = ""
        for (index, result) in results.enumerated() {
            if result.group != lastGroup {
                rows.append((StyledLine(result.group, .heading), nil))
                lastGroup = result.group
            }
            rows.append((StyledLine([Span("  " + result.title + "  ", .bold), Span(result.text, .dim)]), index))
        }
        let available = height - 2
        let selectedRow = rows.firstIndex { $0.1 == state.search.cursor.selected } ?? 0
        let top = max(0, min(selectedRow - available / 2, rows.count - available))
        for line in 0..<available where top + line < rows.count {
            let (styled, index) = rows[top + line]
            styled.draw(on: &screen, x: 1, y: 4 + line, width: screen.width - 2)
            if index == state.search.cursor.selected {
                screen.restyle(y: 4 + line) { $0.reverse = true }
            }
        }
    }
}

enum PaletteView {
    static func draw(_ screen: inout Screen, _ state: AppState, text: String) {
        let matches = Palette.matching(text)
        let height = min(screen.height - 4, matches.count + 2)
        screen.fill(x: 0, y: 2, width: screen.width, height: height, style: .plain)
        StyledLine([Span(" : ", .key), Span(text, .bold)]).draw(on: &screen, x: 0, y: 2, width: screen.width)
        let selected = min(max(0, state.search.cursor.selected), max(0, matches.count - 1))
        for (index, command) in matches.prefix(height - 2).enumerated() {
            StyledLine([Span("   " + command.name.padded(to: 22), .bold), Span(command.help, .dim)])
                .draw(on: &screen, x: 0, y: 3 + index, width: screen.width)
            if index == selected { screen.restyle(y: 3 + index) { $0.reverse = true } }
        }
        Views.rule(&screen, y: 2 + height - 1)
    }
}

enum HelpView {
    static let sections: [(String, [(String, String)])] = [
        ("Everywhere", [("1-7", "the seven screens"), ("/", "search everything"), (":", "command palette"),
                        ("esc", "back"), ("r U q", "reload, git sync, quit")]),
        ("Moving", [("j k ↑ ↓", "move"), ("g G", "top, bottom"), ("^d ^u", "half a page"), ("⏎ tab", "open, next pane"),
                    ("click", "select; again opens")]),
        ("Lists", [("a", "incidents: active or all"), ("s t v", "severity, status, service"),
                   ("s t f", "decisions: status, tag, text"), ("v", "decisions: list or by month"), ("x", "clear filters")]),
        ("Records", [("e", "edit in $EDITOR"), ("[ ]", "supersede chain; sections"), ("⏎", "incident: its post-mortem"),
                     ("o", "incident: its decisions"),
                     ("d w o", "action: done, won't, reopen")]),
        ("Incidents", [("D", "declare (anywhere)"), ("i", "note to the timeline"), ("S V", "status, severity"),
                       ("A T", "role handover, a time"), ("R P", "runbook; post-mortem draft")]),
        ("Runbook", [("space", "step done, or open again"), ("s x", "skip (why), not applicable"),
                     ("n b", "next phase, back (why)")]),
        ("Checklists", [("r H f", "run; its history; filter"), ("y n a", "yes, no, n/a; Y N A + note"),
                        ("i ⏎ C", "note; record; from incident")]),
    ]

    static func draw(_ screen: inout Screen, _ state: AppState) {
        // Two columns, so every key fits in 80x24 without scrolling.
        let columns = [Array(sections.prefix(3)), Array(sections.dropFirst(3))]
        // A blank line between sections where there is room; at 80x24 the headings alone part them.
        let tallest = columns.map { $0.reduce(0) { $0 + $1.1.count + 2 } }.max()! + 1
        let gap = tallest - 2 <= screen.height - 4 ? 1 : 0
        let height = min(screen.height - 3, columns.map { $0.reduce(0) { $0 + $1.1.count + 1 + gap } }.max()! + 1)
        screen.fill(x: 0, y: 2, width: screen.width, height: height, style: .plain)
        Views.rule(&screen, y: 2, title: "Keys · any key closes")
        let columnWidth = screen.width / 2
        for (index, column) in columns.enumerated() {
            let x = index * columnWidth + 1
            var row = 3
            for (title, keys) in column {
                guard row < 2 + height else { break }
                screen.put(title, x: x, y: row, style: .heading)
                row += 1
                for (key, text) in keys where row < 2 + height {
                    StyledLine([Span(key.padded(to: 9), .key), Span(text)])
                        .draw(on: &screen, x: x + 1, y: row, width: columnWidth - 3)
                    row += 1
                }
                row += gap
            }
        }
        Views.rule(&screen, y: 2 + height)
    }
}
