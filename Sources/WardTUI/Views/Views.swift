import Foundation
import WardKit

/// Draws the whole app: a pure function of the state.
public enum Views {
    public static func render(_ state: AppState) -> Screen {
        var screen = Screen(width: state.width, height: state.height)
        if state.isTooSmall {
            TooSmallView.draw(&screen, state)
            return screen
        }
        Chrome.header(&screen, state)
        switch state.route {
        case .dashboard: DashboardView.draw(&screen, state)
        case .incidents: IncidentListView.draw(&screen, state)
        case let .incident(id): IncidentView.draw(&screen, state, id: id)
        case .decisions: DecisionListView.draw(&screen, state)
        case let .decision(number): DecisionView.draw(&screen, state, number: number)
        case .postmortems: PostmortemListView.draw(&screen, state)
        case .checklists: LibraryView.draw(&screen, state)
        case .actions: ActionListView.draw(&screen, state)
        case .metrics: MetricsView.draw(&screen, state)
        case .postmortem, .definition: DocumentView.draw(&screen, state)
        case let .checklistRun(name, incident): ChecklistRunView.draw(&screen, state, name: name, incident: incident)
        case let .checklistHistory(name): ChecklistHistoryView.draw(&screen, state, name: name)
        case let .recordedRun(id): RecordedRunView.draw(&screen, state, id: id)
        }
        if state.showHelp { HelpView.draw(&screen, state) }
        if let input = state.input {
            switch input.purpose {
            case .search: SearchView.draw(&screen, state, query: input.text)
            case .palette: PaletteView.draw(&screen, state, text: input.text)
            case .note, .skipReason, .backReason, .startRunbook, .status, .severity, .assign, .milestone, .wontDoReason,
                 .checklistNote, .runChecklist: EntryLine.drawHelp(&screen, state, input)
            case .decisionFilter, .historyFilter: break
            }
        }
        if let form = state.declare { DeclareView.draw(&screen, state, form) }
        Chrome.statusLine(&screen, state)
        return screen
    }

    /// Where the terminal cursor goes: at the end of the text being typed, hidden otherwise.
    public static func cursor(_ state: AppState) -> (x: Int, y: Int)? {
        guard !state.isTooSmall else { return nil }
        if let form = state.declare { return DeclareView.cursor(state, form) }
        guard let input = state.input else { return nil }
        switch input.purpose {
        case .search, .palette: return (min(state.width - 1, 3 + DisplayWidth.of(input.text)), 2)
        case .decisionFilter, .historyFilter: return (min(state.width - 1, 9 + DisplayWidth.of(input.text)), state.height - 1)
        case .note, .skipReason, .backReason, .startRunbook, .status, .severity, .assign, .milestone, .wontDoReason,
             .checklistNote, .runChecklist:
            if input.secrets != nil { return nil }
            let (prompt, text) = EntryLine.visible(state, input)
            return (min(state.width - 1, DisplayWidth.of(prompt) + DisplayWidth.of(text)), state.height - 1)
        }
    }

    static func severityStyle(_ severity: String) -> Style {
        switch severity.uppercased() {
        case "SEV1": return Style(foreground: .red, bold: true)
        case "SEV2": return Style(foreground: .yellow, bold: true)
        case "SEV3": return Style(foreground: .cyan)
        default: return Style(foreground: .gray)
        }
    }

    static func statusStyle(_ status: DecisionStatus?) -> Style {
        switch status {
        case .accepted: return Style(foreground: .green)
        case .proposed: return Style(foreground: .yellow, bold: true)
        case .rejected: return Style(foreground: .red)
        case .deprecated: return Style(foreground: .gray)
        case .superseded: return Style(foreground: .magenta)
        case nil: return .dim
        }
    }

    static func incidentStatusStyle(_ status: IncidentStatus) -> Style {
        switch status {
        case .investigating: return Style(foreground: .red, bold: true)
        case .identified: return Style(foreground: .yellow, bold: true)
        case .mitigated, .monitoring: return Style(foreground: .cyan)
        case .resolved: return Style(foreground: .green)
        }
    }

    /// `text` in exactly `width` cells: cut with an ellipsis, or padded.
    static func fit(_ text: String, _ width: Int) -> String {
        var text = TerminalSafe.clean(text, singleLine: true)
        if DisplayWidth.of(text) > width {
            while DisplayWidth.of(text) > width - 1, !text.isEmpty { text.removeLast() }
            text += "…"
        }
        return text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
    }

    /// Rows of a list with the selected one highlighted; `rows` gives each row's spans.
    static func list(_ screen: inout Screen, y: Int, height: Int, x: Int = 0, width: Int? = nil, cursor: Cursor,
                     focused: Bool = true, count: Int, row: (Int) -> [Span]) {
        let width = width ?? screen.width
        for line in 0..<height {
            let index = cursor.offset + line
            guard index < count else { break }
            StyledLine(row(index)).draw(on: &screen, x: x + 1, y: y + line, width: width - 2)
            if index == cursor.selected {
                screen.restyle(y: y + line, x: x, width: width) { style in
                    style.reverse = focused
                    style.bold = style.bold || !focused
                }
                if !focused { screen.put(">", x: x, y: y + line, style: .bold) }
            }
        }
        if focused, count > height, height > 0, cursor.selected >= 0 {
            let shown = "\(cursor.selected + 1)/\(count)"
            screen.put(shown, x: x + width - DisplayWidth.of(shown) - 1, y: y + height - 1, style: .dim)
        }
    }

    /// Draws text lines from `offset`. When they scroll, how far down they are goes on `indicatorRow` (the
    /// pane's title rule), never over the text itself.
    static func lines(_ screen: inout Screen, _ lines: [StyledLine], y: Int, height: Int, x: Int = 1, width: Int, offset: Int,
                      indicatorRow: Int? = nil) {
        for line in 0..<height {
            let index = offset + line
            guard index < lines.count else { break }
            lines[index].draw(on: &screen, x: x, y: y + line, width: width)
        }
        if lines.count > height, height > 0, let indicatorRow {
            let percent = min(100, (offset + height) * 100 / max(1, lines.count))
            let shown = " \(percent)% "
            screen.put(shown, x: x + width - DisplayWidth.of(shown), y: indicatorRow, style: .dim)
        }
    }

    static func rule(_ screen: inout Screen, y: Int, x: Int = 0, width: Int? = nil, title: String? = nil) {
        let width = width ?? screen.width
        screen.put(String(repeating: "─", count: max(0, width)), x: x, y: y, style: .dim, maxWidth: width)
        if let title { screen.put(" \(title) ", x: x + 2, y: y, style: .heading, maxWidth: width - 4) }
    }
}

enum Chrome {
    static func header(_ screen: inout Screen, _ state: AppState) {
        screen.fill(x: 0, y: 0, width: screen.width, style: Style(foreground: .white, background: .blue))
        let style = Style(foreground: .white, background: .blue, bold: true)
        var x = screen.put(" Ward ", x: 0, y: 0, style: style)
        x += screen.put("│ " + state.snapshot.storeName + " ", x: x, y: 0, style: Style(foreground: .white, background: .blue))
        if state.snapshot.isDemo {
            x += screen.put("│ demo store, read-only ", x: x, y: 0, style: Style(foreground: .yellow, background: .blue, bold: true))
        }
        let active = state.snapshot.activeIncidentCount
        let right = active == 0 ? "no active incidents " : "\(active) active incident\(active == 1 ? "" : "s") "
        screen.put(right, x: screen.width - DisplayWidth.of(right), y: 0,
                   style: Style(foreground: active == 0 ? .white : .yellow, background: .blue, bold: active > 0))
        // The section tabs, under the header.
        var tabX = 0
        for (index, section) in Route.sections.enumerated() {
            let current = state.stack.dropFirst().first ?? .dashboard
            let label = " \(index + 1) \(section.tabLabel(compact: state.width < 100)) "
            tabX += screen.put(label, x: tabX, y: 1, style: section == current ? Style(bold: true, reverse: true) : .dim)
        }
    }

    static func statusLine(_ screen: inout Screen, _ state: AppState) {
        let y = screen.height - 1
        screen.fill(x: 0, y: y, width: screen.width, style: Style(reverse: true))
        if let confirm = state.confirm {
            screen.put(" " + Confirm.question(confirm, state) + " ", x: 0, y: y, style: Style(foreground: .red, bold: true, reverse: true))
            return
        }
        if let input = state.input, input.purpose.isFilter {
            screen.put(" filter: " + input.text, x: 0, y: y, style: Style(reverse: true))
            return
        }
        if let input = state.input, input.purpose.onEntryLine {
            let (prompt, text) = EntryLine.visible(state, input)
            let used = screen.put(prompt, x: 0, y: y, style: Style(bold: true, reverse: true))
            screen.put(text, x: used, y: y, style: Style(reverse: true))
            return
        }
        // With something to say, the place shrinks to the screen's own name to leave the message room.
        // A checklist being run has its keys to show: its own name is place enough.
        let runScreen = if case .checklistRun = state.route { true } else { false }
        let location = state.message != nil || state.brokenEdit != nil ? state.route.shortTitle
            : runScreen ? state.route.title : state.stack.map(\.title).joined(separator: " › ")
        let used = screen.put(" " + location + " ", x: 0, y: y, style: Style(bold: true, reverse: true), maxWidth: screen.width / 2)
        let text: String
        var style = Style(reverse: true)
        if let message = state.message {
            text = message.text
            style = message.isError ? Style(foreground: .red, bold: true, reverse: true) : Style(foreground: .green, reverse: true)
        } else if let broken = state.brokenEdit {
            // Stays until the file reads again, so the reason is not lost with the next key.
            text = "\(broken.path) cannot be read (e edits it): \(broken.problem)"
            style = Style(foreground: .red, bold: true, reverse: true)
        } else {
            text = hints(state)
        }
        // The git state, at the right end when there is room for it beside at least a few words.
        let sync = state.syncing ? " syncing... " : state.sync.map { " " + $0.compact(now: state.now) + " " } ?? ""
        let syncWidth = DisplayWidth.of(sync)
        let room = screen.width - used - (syncWidth > 0 && screen.width - used - syncWidth >= 24 ? syncWidth : 0)
        screen.put(" " + text, x: used, y: y, style: style, maxWidth: room)
        if room < screen.width - used {
            let behind = (state.sync?.behind ?? 0) > 0 || state.sync?.operationInProgress != nil
            screen.put(sync, x: screen.width - syncWidth, y: y,
                       style: Style(foreground: behind ? .yellow : nil, bold: behind, reverse: true))
        }
    }

    static func hints(_ state: AppState) -> String {
        if state.input != nil { return "type to filter · ↑↓ choose · ⏎ open · esc close" }
        if state.declare != nil { return "tab next field · 1-4 severity · ⏎ declare · esc cancel" }
        let common = "? help · q quit"
        switch state.route {
        case .dashboard: return "⏎ open · D declare · tab panel · 1-7 screens · / search · " + common
        case .incidents: return "⏎ open · D declare · a all · s t v filter · " + common
        case .decisions: return "⏎ open · s t f x filter · v " + (state.decisionTimeline ? "list" : "by month") + " · " + common
        case .actions: return "d done · w won't do · o reopen · a open/all · ⏎ incident · " + common
        case let .incident(id):
            guard let run = state.snapshot.incident(id)?.state.currentRun, !run.isFinished else {
                return "i note · R runbook · C checklist · P post-mortem · S V A T status, severity, role, time · " + common
            }
            return "i note · space done · s skip · x n/a · n next · b back · S status · tab pane · " + common
        case .decision: return "esc back · [ ] chain · tab links, history · e edit · " + common
        case .checklists: return "⏎ open · r run checklist · H run history · " + common
        case let .definition(kind, _) where kind == "checklist": return "r run · H history · [ ] section · e edit · esc back · " + common
        case .postmortem, .definition: return "[ ] section · e edit · esc back · " + common
        case .checklistRun: return "y n a answer · N with a note · i note · ⏎ record · esc leave"
        case .checklistHistory: return "⏎ open · f filter · x clear · esc back · " + common
        case let .recordedRun(id):
            return (state.snapshot.run(id)?.incident == nil ? "" : "⏎ incident · ") + "j k scroll · esc back · " + common
        case .metrics: return "j k scroll · [ ] section · ward metrics --json or --csv for the numbers · " + common
        default: return "⏎ open · esc back · e edit · " + common
        }
    }
}

enum TooSmallView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let lines = ["Make the window larger.",
                     "Ward needs at least \(AppState.minimumWidth)x\(AppState.minimumHeight); this one is \(state.width)x\(state.height).",
                     "q quits."]
        let gap = screen.height >= 8 ? 1 : 0
        var y = 0
        // A checklist being run keeps its verdict in sight, however small the window.
        if case let .checklistRun(name, _) = state.route, let checklist = state.snapshot.checklist(name) {
            let verdict = (state.checklistRuns[state.route] ?? ChecklistRunState()).verdict(checklist)
            for piece in Wrap.lines(verdict.summary, width: max(1, screen.width)) {
                screen.put(piece, x: 0, y: y, style: ChecklistHistory.resultStyle(verdict.result))
                y += 1
            }
        }
        // A question waiting for y is asked here too, or the next key would answer it unseen.
        let shown = state.confirm.map { [Confirm.question($0, state)] } ?? lines
        for (index, line) in shown.enumerated() {
            for piece in Wrap.lines(line, width: max(1, screen.width)) {
                screen.put(piece, x: 0, y: y, style: index == 0 ? .bold : .plain)
                y += 1
            }
            y += gap
        }
    }
}
