import Foundation
import WardKit

/// The runbook panel of the incident screen: the phases with their progress, the current phase's steps
/// (the selected one highlighted), and the selected step's details.
enum RunbookPanel {
    static func draw(_ screen: inout Screen, _ state: AppState, incident: Incident, run: RunbookRun,
                     area p: (x: Int, y: Int, width: Int, height: Int), focused: Bool) {
        let route = Route.incident(incident.id)
        let position = run.currentPhase.map { "\($0.name) \(run.current + 1)/\(run.phases.count)" } ?? "finished"
        let clock = run.isFinished ? "" : " · " + Durations.short(run.time(inPhase: run.current, now: state.now)) + " in phase"
        Views.rule(&screen, y: p.y, x: p.x, width: p.width, title: "\(run.title) runbook · \(position)\(clock)" + (focused ? " ◂" : ""))
        // The phases on one line: done, current, to come.
        var phases: [Span] = [Span(" ")]
        for (index, phase) in run.phases.enumerated() {
            let (settled, total) = run.progress(ofPhase: index)
            if index > 0 { phases.append(Span(" › ", .dim)) }
            if index < run.current {
                phases.append(Span("✓ " + phase.name, Style(foreground: .green)))
            } else if index == run.current {
                phases.append(Span("▸ \(phase.name) \(settled)/\(total)", Style(foreground: .yellow, bold: true)))
            } else {
                phases.append(Span(phase.name, .dim))
            }
        }
        StyledLine(phases).draw(on: &screen, x: p.x, y: p.y + 1, width: p.width)
        guard let phase = run.currentPhase else {
            // Finished: what each phase took, and what was skipped on the way.
            var y = p.y + 2
            for (index, phase) in run.phases.enumerated() where y < p.y + p.height - 1 {
                let (settled, total) = run.progress(ofPhase: index)
                let skipped = phase.steps.filter { run.state(of: $0.id) == .skipped }.map(\.id)
                StyledLine([Span(" ✓ ", Style(foreground: .green)), Span(phase.name.padded(to: 12), .bold),
                            Span("\(settled)/\(total)  ", .dim),
                            Span(Durations.short(run.time(inPhase: index, now: state.now)).padded(to: 8)),
                            Span(skipped.isEmpty ? "" : "skipped: " + skipped.joined(separator: ", "), Style(foreground: .yellow))])
                    .draw(on: &screen, x: p.x, y: y, width: p.width)
                y += 1
            }
            screen.put(" Finished. b reopens the last phase, with a reason.", x: p.x, y: min(y, p.y + p.height - 1), style: .dim, maxWidth: p.width)
            return
        }
        let rows = max(1, p.height - 4)
        let cursor = state.cursor(route, pane: 1)
        let idWidth = min(24, phase.steps.map { DisplayWidth.of($0.id) }.max() ?? 0)
        Views.list(&screen, y: p.y + 2, height: rows, x: p.x, width: p.width, cursor: cursor, focused: focused,
                   count: phase.steps.count) { index in
            let step = phase.steps[index]
            let (box, style) = mark(run.state(of: step.id))
            return [Span(box + " ", style), Span(step.required ? "*" : " ", Style(foreground: .red, bold: true)),
                    Span(step.id.padding(toLength: max(idWidth, DisplayWidth.of(step.id)), withPad: " ", startingAt: 0) + "  ",
                         step.required ? .bold : .plain),
                    Span(step.text, .dim)]
        }
        // The selected step: who settled it and why, or what the runbook says about it.
        let detailY = p.y + 2 + rows
        guard detailY < p.y + p.height, phase.steps.indices.contains(cursor.selected) else { return }
        let step = phase.steps[cursor.selected]
        var detail: String
        if let record = run.steps[step.id], record.state != .open {
            detail = "\(record.state == .done ? "done" : record.state == .skipped ? "skipped" : "n/a") by \(record.by) at "
                + Timestamps.format(record.at).dropFirst(11).prefix(5)
            if let reason = record.reason { detail += ": " + reason }
            if let note = record.note { detail += ": " + note }
        } else {
            detail = step.hint.isEmpty ? step.text : step.hint
        }
        let open = run.openRequired(inPhase: run.current)
        let footer = open.isEmpty ? "all required steps settled: n moves on" : "\(open.count) required open"
        let lines = Wrap.lines(TerminalSafe.clean(detail, singleLine: true), width: max(10, p.width - 2))
        for (offset, line) in lines.prefix(max(1, p.y + p.height - detailY - 1)).enumerated() {
            screen.put(" " + line, x: p.x, y: detailY + offset, style: .dim, maxWidth: p.width)
        }
        screen.put(" " + footer, x: p.x, y: p.y + p.height - 1, style: open.isEmpty ? Style(foreground: .green) : Style(foreground: .yellow),
                   maxWidth: p.width)
    }

    static func mark(_ state: StepState) -> (String, Style) {
        switch state {
        case .open: ("[ ]", .plain)
        case .done: ("[x]", Style(foreground: .green, bold: true))
        case .skipped: ("[-]", Style(foreground: .yellow))
        case .notApplicable: ("n/a", .dim)
        }
    }
}
