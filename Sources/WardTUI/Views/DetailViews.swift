import Foundation
import WardKit

enum IncidentView {
    static func draw(_ screen: inout Screen, _ state: AppState, id: String) {
        guard let incident = state.snapshot.incident(id) else { return }
        let route = Route.incident(id)
        let s = incident.state
        let layout = Detail.incidentLayout(incident, width: state.width, height: state.height)
        // Header: what it is, how bad, who leads, how long.
        StyledLine([Span(" " + s.severity + " ", Views.severityStyle(s.severity).with(foreground: nil)
                             .merging(reverse: true, color: Views.severityStyle(s.severity).foreground)),
                    Span(" "), Span(s.title, .bold)]).draw(on: &screen, x: 0, y: 2, width: screen.width)
        let clock: String
        if s.isActive {
            clock = "open " + Durations.short(state.now.timeIntervalSince(s.milestones[.impactStarted] ?? s.declared))
        } else {
            clock = "resolved after " + Durations.short((s.milestones[.resolved] ?? s.declared).timeIntervalSince(s.milestones[.impactStarted] ?? s.declared))
        }
        StyledLine([Span(" " + s.status.rawValue.uppercased(), Views.incidentStatusStyle(s.status)), Span("  ·  "),
                    Span(clock, Style(foreground: .yellow, bold: s.isActive)), Span("  ·  "),
                    Span("commander ", .dim), Span(s.commander ?? "none", .bold),
                    Span("  ·  " + id, .dim)]).draw(on: &screen, x: 0, y: 3, width: screen.width)
        let roles = s.roles.keys.sorted().filter { $0 != "commander" }.map { "\($0) \(s.roles[$0]!)" }
        StyledLine([Span(" roles: ", .dim), Span(roles.isEmpty ? "-" : roles.joined(separator: ", ")),
                    Span("   services: ", .dim), Span(s.services.isEmpty ? "-" : s.services.joined(separator: ", "))])
            .draw(on: &screen, x: 0, y: 4, width: screen.width)
        let times = Milestone.allCases.compactMap { milestone in
            s.milestones[milestone].map { "\(milestone.rawValue.replacingOccurrences(of: "_", with: " ")) \(Timestamps.format($0).dropFirst(5).prefix(11).replacingOccurrences(of: "T", with: " "))" }
        }
        StyledLine([Span(" " + times.joined(separator: " · "), .dim)]).draw(on: &screen, x: 0, y: 5, width: screen.width)
        let related = Rows.decisions(from: id, in: state.snapshot).map { Decision.padded($0.number) }
        var extras: [Span] = [Span(" \(incident.events.count) events, \(s.noteCount) notes, \(s.keyEventCount) key", .dim)]
        if !related.isEmpty {
            extras += [Span("   decisions: ", .dim), Span(related.joined(separator: ", "), Style(foreground: .cyan)), Span(" (o opens)", .dim)]
        }
        if state.snapshot.postmortem(id) != nil { extras += [Span("   ⏎ post-mortem", Style(foreground: .green))] }
        StyledLine(extras).draw(on: &screen, x: 0, y: 6, width: screen.width)

        let focus = state.pane[route] ?? 0
        // The timeline: every event, wrapped, the selected one highlighted.
        let t = layout.timeline
        Views.rule(&screen, y: t.y, x: t.x, width: t.width, title: "Timeline" + (focus == 0 ? " ◂" : ""))
        let (lines, starts) = Detail.timelineLines(incident, width: t.width - 2)
        let selected = state.cursor(route, pane: 0).selected
        let start = starts.indices.contains(selected) ? starts[selected] : 0
        let end = starts.indices.contains(selected + 1) ? starts[selected + 1] : lines.count
        let height = t.height - 1
        var top = min(max(0, start - height / 3), max(0, lines.count - height))
        if end - top > height { top = start }
        for row in 0..<height where top + row < lines.count {
            let index = top + row
            lines[index].draw(on: &screen, x: t.x + 1, y: t.y + 1 + row, width: t.width - 2)
            if focus == 0, index >= start, index < end {
                screen.restyle(y: t.y + 1 + row, x: t.x, width: t.width) { $0.reverse = true }
            }
        }
        if incident.events.isEmpty { screen.put("  No events.", x: t.x, y: t.y + 1, style: .dim) }
        // Beside the timeline: the runbook panel, or incident.md when it has the focus or there is no run.
        let p = layout.prose
        guard p.height > 1 else { return }
        if p.x > 0 {
            for row in t.y..<(t.y + t.height) { screen.put("│", x: p.x - 1, y: row, style: .dim) }
        }
        let prosePane = Detail.prosePane(incident)
        if let run = s.currentRun, focus != prosePane {
            RunbookPanel.draw(&screen, state, incident: incident, run: run, area: p, focused: focus == 1)
            return
        }
        Views.rule(&screen, y: p.y, x: p.x, width: p.width, title: "incident.md" + (focus == prosePane ? " ◂" : "")
                   + (s.currentRun != nil ? " (tab: runbook)" : ""))
        let text = Detail.proseText(layout)
        Views.lines(&screen, Detail.lines(route, state, width: text.width), y: p.y + 1, height: text.height,
                    x: p.x + 1, width: text.width, offset: state.cursor(route, pane: prosePane).offset, indicatorRow: p.y)
    }
}

/// Post-mortems and checklist or runbook definitions: a title, a line about it, the text rendered.
enum DocumentView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let route = state.route
        var title = "", meta: [Span] = []
        switch route {
        case let .postmortem(id):
            guard let postmortem = state.snapshot.postmortem(id) else { return }
            title = state.snapshot.incidentTitle(id) ?? postmortem.title
            let style: Style = postmortem.status == "published" ? Style(foreground: .green, bold: true) : Style(foreground: .yellow, bold: true)
            meta = [Span(" post-mortem ", .dim), Span(postmortem.status, style), Span("  ·  " + postmortem.path, .dim)]
            if !postmortem.reviewers.isEmpty { meta.append(Span("  ·  reviewers: " + postmortem.reviewers.joined(separator: ", "), .dim)) }
        case let .definition(kind, name):
            guard let definition = Rows.definitions(state).first(where: { $0.kind == kind && $0.name == name }) else { return }
            title = definition.title
            meta = [Span(" \(kind) ", .dim), Span(name, Style(foreground: .cyan)),
                    Span("  ·  \(definition.count) \(kind == "checklist" ? "items" : "steps")  ·  " + (definition.builtIn ? "built in" : definition.path), .dim)]
        default:
            return
        }
        StyledLine([Span(" "), Span(title, .heading)]).draw(on: &screen, x: 0, y: 2, width: screen.width)
        StyledLine(meta).draw(on: &screen, x: 0, y: 3, width: screen.width)
        Views.rule(&screen, y: 4)
        let area = Detail.textArea(route, width: state.width, height: state.height)
        Views.lines(&screen, Detail.lines(route, state, width: area.width), y: area.y, height: area.height,
                    width: area.width, offset: state.cursor(route).offset, indicatorRow: 4)
    }
}

extension Style {
    func merging(bold: Bool = false, reverse: Bool = false, color: Color? = nil) -> Style {
        var copy = self
        copy.bold = copy.bold || bold
        copy.reverse = copy.reverse || reverse
        if let color { copy.foreground = color }
        return copy
    }
}
