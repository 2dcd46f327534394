import Foundation
import WardKit

/// The line at the bottom where a note or a reason is typed, and the help above it that says what Enter
/// will do with it (when, starred, action item) before anything is written.
enum EntryLine {
    static func prompt(_ input: TextInput) -> String {
        switch input.purpose {
        case .note: " note: "
        case .skipReason: " skip \(input.step) because: "
        case .backReason: " back a phase because: "
        case .startRunbook: " start runbook: "
        case .status: " status (and reason): "
        case .severity: " severity (and reason): "
        case .assign: " role and name: "
        case .milestone: " time: "
        case .wontDoReason: " won't do, because: "
        case .checklistNote: " note on \(input.step): "
        case .runChecklist: " run checklist: "
        default: " "
        }
    }

    /// The prompt and the tail of the text that fits after it.
    static func visible(_ state: AppState, _ input: TextInput) -> (String, String) {
        let prompt = prompt(input)
        let room = max(1, state.width - DisplayWidth.of(prompt) - 1)
        var text = TerminalSafe.clean(input.text, singleLine: true)
        while DisplayWidth.of(text) > room, !text.isEmpty { text.removeFirst() }
        return (prompt, text)
    }

    static func drawHelp(_ screen: inout Screen, _ state: AppState, _ input: TextInput) {
        let y = state.height - 2
        screen.fill(x: 0, y: y, width: screen.width, style: .plain)
        if let secrets = input.secrets {
            StyledLine([Span(" Looks like \(Secrets.describe(secrets)). ", Style(foreground: .red, bold: true)),
                        Span("⏎ write it hidden · ctrl-k write as typed · esc edit")])
                .draw(on: &screen, x: 0, y: y, width: screen.width)
            return
        }
        var spans: [Span]
        switch input.purpose {
        case .note:
            spans = [Span(" ⏎ save", .bold)]
            if let line = try? NoteLine.parse(input.text, now: state.now) {
                if let at = line.at {
                    spans.append(Span(" · at " + Timestamps.format(at).dropFirst(11).prefix(8) + " (back-dated)", Style(foreground: .yellow)))
                }
                if line.key { spans.append(Span(" · ★ key event", Style(foreground: .yellow, bold: true))) }
                if line.todo != nil { spans.append(Span(" · becomes an action item", Style(foreground: .cyan))) }
            } else {
                spans.append(Span(" · that time cannot be read", Style(foreground: .red)))
            }
            spans.append(Span(" · start with -5m or 03:10 to back-date, * to star, TODO: for an action · esc", .dim))
        case .status:
            spans = [Span(" " + IncidentStatus.allCases.map(\.rawValue).joined(separator: " · "), .dim),
                     Span(" · reopening needs a reason", .dim)]
        case .startRunbook:
            spans = [Span(" runbooks: " + state.snapshot.runbooks.map(\.name).joined(separator: ", "), .dim)]
        case .severity:
            spans = [Span(" " + state.snapshot.severities.enumerated().map { "\($0.offset + 1) \($0.element.name)" }.joined(separator: " · "), .dim)]
        case .assign:
            spans = [Span(" commander, scribe, comms or any role, then a name · 'scribe -' frees it · every handover is logged", .dim)]
        case .milestone:
            spans = [Span(" " + Milestone.allCases.map(\.rawValue).joined(separator: " · ") + ", then when: 03:10, -5m (default now)", .dim)]
        case .checklistNote:
            spans = [Span(" ⏎ keep it with the answer", .bold),
                     Span(" · written when the run is recorded · an empty note removes it · esc cancels", .dim)]
        case .runChecklist:
            spans = [Span(" ") ] + state.snapshot.checklists.enumerated().flatMap { index, checklist in
                [Span("\(index + 1) ", .key), Span(checklist.name + "  ", .dim)]
            } + [Span("· a number or a name, ⏎ · esc", .dim)]
        default:
            spans = [Span(" ⏎ save · esc cancel", .dim)]
        }
        StyledLine(spans).draw(on: &screen, x: 0, y: y, width: screen.width)
    }
}

/// The declare form, over the middle of any screen.
enum DeclareView {
    static let labels = ["What is wrong", "Severity", "Services", "Commander"]

    static func box(_ state: AppState) -> (x: Int, y: Int, width: Int, height: Int) {
        let height = 8 + state.snapshot.severities.count
        let width = min(state.width - 4, 90)
        return ((state.width - width) / 2, max(2, (state.height - height) / 2), width, height)
    }

    static func draw(_ screen: inout Screen, _ state: AppState, _ form: DeclareForm) {
        let b = box(state)
        // The form replaces the screen's body, so nothing behind it shows through at its edges.
        screen.fill(x: 0, y: 2, width: screen.width, height: max(0, screen.height - 3), style: .plain)
        Views.rule(&screen, y: b.y, x: b.x, width: b.width, title: "Declare an incident · the clock starts now")
        var y = b.y + 1
        for field in DeclareForm.Field.allCases {
            let focused = form.field == field
            let label = Span((focused ? "▸ " : "  ") + labels[field.rawValue].padded(to: 15),
                             focused ? .bold : .dim)
            let value: String
            switch field {
            case .title: value = form.title
            case .severity: value = form.severity ?? "choose 1-\(state.snapshot.severities.count)"
            case .services: value = form.services.isEmpty && !focused ? "(comma separated)" : form.services
            case .commander: value = form.commander
            }
            let style: Style = field == .severity ? (form.severity.map(Views.severityStyle) ?? Style(foreground: .red)) : .plain
            StyledLine([label, Span(value, style)]).draw(on: &screen, x: b.x + 1, y: y, width: b.width - 2)
            y += 1
            if field == .severity {
                for (index, severity) in state.snapshot.severities.enumerated() {
                    let chosen = severity.name == form.severity
                    StyledLine([Span("    \(index + 1) ", .key), Span(severity.name + " ", Views.severityStyle(severity.name).merging(reverse: chosen, color: nil)),
                                Span(" " + severity.meaning, .dim)]).draw(on: &screen, x: b.x + 1, y: y, width: b.width - 2)
                    y += 1
                }
            }
        }
        screen.put("  When unsure, pick the higher severity. ⏎ declares · tab next field · esc cancels", x: b.x + 1, y: y + 1,
                   style: .dim, maxWidth: b.width - 2)
        Views.rule(&screen, y: b.y + b.height - 1, x: b.x, width: b.width)
    }

    static func cursor(_ state: AppState, _ form: DeclareForm) -> (x: Int, y: Int)? {
        let b = box(state)
        let row: Int
        let text: String
        switch form.field {
        case .title: (row, text) = (0, form.title)
        case .severity: return nil
        case .services: (row, text) = (2 + state.snapshot.severities.count, form.services)
        case .commander: (row, text) = (3 + state.snapshot.severities.count, form.commander)
        }
        return (min(b.x + b.width - 2, b.x + 1 + 17 + DisplayWidth.of(TerminalSafe.clean(text, singleLine: true))), b.y + 1 + row)
    }
}
