import Foundation
import WardKit

enum DashboardView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let panels = Dashboard.panels(state)
        let focus = state.pane[.dashboard] ?? 0
        let cursor = state.cursor(.dashboard)
        var y = 2
        let heights = layout(state)
        for (index, panel) in panels.enumerated() {
            var title = Dashboard.titles[index]
            if index == 1 {
                let proposed = state.snapshot.decisions.filter { $0.status == .proposed }.count
                title += proposed > 0 ? " · \(proposed) awaiting a verdict" : ""
            }
            if index == 2 {
                let flags = state.snapshot.raisedRedFlags.reduce(0) { $0 + $1.redFlags.count }
                title += flags > 0 ? " · ⚑ \(flags) red flag\(flags == 1 ? "" : "s") raised" : ""
            }
            Views.rule(&screen, y: y, title: title + (index == focus ? " ◂" : ""))
            y += 1
            let height = heights[index]
            if panel.isEmpty {
                screen.put(index == 0 ? "  Nothing is on fire." : "  None yet.", x: 0, y: y, style: .dim)
            } else {
                Views.list(&screen, y: y, height: height, cursor: index == focus ? cursor : Cursor(selected: -1),
                           focused: index == focus, count: panel.count) { panel[$0].spans }
            }
            y += height
            if index == 0 {
                // Action items recorded in timelines (TODO: notes); post-mortem action items join them later.
                let problems = state.snapshot.problems.filter { $0.level == .error }.count
                let actions = Rows.actionOverview(state)
                var line = [Span("  Action items (6): ", .bold),
                            actions.total == 0 ? Span("none recorded yet", .dim)
                                : Span("\(actions.open) open of \(actions.total)", actions.open == 0 ? .dim : Style(foreground: .yellow))]
                if actions.overdue > 0 { line.append(Span(", \(actions.overdue) overdue", Style(foreground: .red, bold: true))) }
                if let oldest = actions.oldestOpen {
                    line.append(Span(" · oldest: " + oldest.title + " (" + Timestamps.formatDate(oldest.created) + ")", .dim))
                }
                if problems > 0 {
                    line += [Span("   ·   "), Span("\(problems) file problem\(problems == 1 ? "" : "s") (run ward doctor)", Style(foreground: .red))]
                }
                StyledLine(line).draw(on: &screen, x: 0, y: y, width: screen.width)
                y += 1
            }
        }
    }

    /// Rows for each panel: incidents first, then decisions, the checklists get what is left.
    static func layout(_ state: AppState) -> [Int] {
        let available = state.bodyHeight - 4
        let panels = Dashboard.panels(state)
        let incidents = min(max(1, panels[0].count), max(1, available / 3))
        let decisions = min(max(1, panels[1].count), max(1, (available - incidents) / 2))
        return [incidents, decisions, max(1, available - incidents - decisions)]
    }
}

enum IncidentListView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let filter = state.incidentFilter
        let bar = [
            Span(" [a] ", .key), Span(filter.activeOnly ? "active only" : "all incidents"),
            Span("  [s] ", .key), Span("severity: " + (filter.severity ?? "any")),
            Span("  [t] ", .key), Span("status: " + (filter.status?.rawValue ?? "any")),
            Span("  [v] ", .key), Span("service: " + (filter.service ?? "any")),
        ]
        StyledLine(bar).draw(on: &screen, x: 0, y: 2, width: screen.width)
        let rows = Rows.incidents(state)
        let titleWidth = screen.width >= 120 ? 40 : 0
        StyledLine(" SEV  STATUS         AGE       " + (titleWidth > 0 ? "ID".padded(to: titleWidth) + " " : "") + "TITLE", .dim)
            .draw(on: &screen, x: 0, y: 3, width: screen.width)
        if rows.isEmpty {
            screen.put(filter.activeOnly ? "  No active incidents. Press a to list all of them." : "  No incidents match.", x: 0, y: 4, style: .dim)
            return
        }
        Views.list(&screen, y: 4, height: state.bodyHeight - 2, cursor: state.cursor(.incidents), count: rows.count) { index in
            let incident = rows[index]
            let end = incident.isActive ? state.now : (incident.milestones[.resolved] ?? state.now)
            var spans = [
                Span(incident.severity.padded(to: 5), Views.severityStyle(incident.severity)),
                Span(incident.status.rawValue.padded(to: 15), Views.incidentStatusStyle(incident.status)),
                Span(Durations.short(end.timeIntervalSince(incident.declared)).padded(to: 10)),
            ]
            // An id longer than its column is cut with an ellipsis, and a space always parts it from the title.
            if titleWidth > 0 { spans.append(Span(Views.fit(incident.id, titleWidth) + " ", .dim)) }
            spans.append(Span(incident.title))
            return spans
        }
    }
}

enum DecisionListView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let filter = state.decisionFilter
        let bar = [
            Span(" [s] ", .key), Span("status: " + (filter.status?.rawValue ?? "any")),
            Span("  [t] ", .key), Span("tag: " + (filter.tag ?? "any")),
            Span("  [v] ", .key), Span(state.decisionTimeline ? "by month" : "list"),
            Span("  [f] ", .key), Span("text: " + (filter.text.isEmpty ? "-" : filter.text)),
            Span("  [x] ", .key), Span("clear"),
        ]
        StyledLine(bar).draw(on: &screen, x: 0, y: 2, width: screen.width)
        let rows = Rows.decisions(state)
        defer { incidentNote(&screen, state) }
        if state.decisionTimeline {
            DecisionTimelineView.draw(&screen, state, rows)
            return
        }
        StyledLine(" NUM   STATUS       DATE        TITLE", .dim).draw(on: &screen, x: 0, y: 3, width: screen.width)
        if rows.isEmpty {
            screen.put("  No decisions match.", x: 0, y: 4, style: .dim)
            return
        }
        Views.list(&screen, y: 4, height: state.bodyHeight - 2, cursor: state.cursor(.decisions), count: rows.count) { index in
            let decision = rows[index]
            var spans = [
                Span(Decision.padded(decision.number) + "  ", .dim),
                Span((decision.status?.rawValue ?? "?").padded(to: 13), Views.statusStyle(decision.status)),
                Span((decision.date ?? "").padded(to: 12), .dim),
                Span(decision.title),
            ]
            if !decision.supersededBy.isEmpty {
                spans.append(Span(" → " + decision.supersededBy.map { Decision.padded($0) }.joined(separator: ", "), Style(foreground: .magenta)))
            }
            if !decision.tags.isEmpty { spans.append(Span("  " + decision.tags.map { "#" + $0 }.joined(separator: " "), .dim)) }
            return spans
        }
    }
}

extension DecisionListView {
    /// After `o` on an incident: whose decisions these are, at the right of the column headings.
    static func incidentNote(_ screen: inout Screen, _ state: AppState) {
        guard let id = state.decisionFilter.incident else { return }
        var title = state.snapshot.incidentTitle(id) ?? id
        let room = screen.width - 39 - 1 - 5
        while DisplayWidth.of(title) > room, !title.isEmpty { title = String(title.dropLast(2)) + "…" }
        let width = DisplayWidth.of("from " + title)
        StyledLine([Span("from ", .dim), Span(title, Style(foreground: .cyan))])
            .draw(on: &screen, x: screen.width - width - 1, y: 3, width: width)
    }
}

enum PostmortemListView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        screen.put(" Post-mortems are drafted from incidents; open one to read it.", x: 0, y: 2, style: .dim)
        StyledLine(" STATUS      INCIDENT", .dim).draw(on: &screen, x: 0, y: 3, width: screen.width)
        let rows = state.snapshot.postmortems
        if rows.isEmpty {
            screen.put("  No post-mortems yet.", x: 0, y: 4, style: .dim)
            return
        }
        Views.list(&screen, y: 4, height: state.bodyHeight - 2, cursor: state.cursor(.postmortems), count: rows.count) { index in
            let postmortem = rows[index]
            let style: Style = postmortem.status == "published" ? Style(foreground: .green) : Style(foreground: .yellow)
            let title = state.snapshot.incidentTitle(postmortem.incidentID) ?? postmortem.title
            return [Span(postmortem.status.padded(to: 12), style), Span(title)]
        }
    }
}

enum LibraryView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        StyledLine([Span(" "), Span("r", .key), Span(" runs a checklist · ", .dim), Span("H", .key),
                    Span(" past runs · a runbook starts on an incident (R)", .dim)]).draw(on: &screen, x: 0, y: 2, width: screen.width)
        StyledLine(" KIND       NAME                      TITLE", .dim).draw(on: &screen, x: 0, y: 3, width: screen.width)
        let rows = Rows.definitions(state)
        Views.list(&screen, y: 4, height: state.bodyHeight - 2, cursor: state.cursor(.checklists), count: rows.count) { index in
            let row = rows[index]
            return [
                Span(row.kind.padded(to: 11), .dim),
                Span(row.name.padding(toLength: max(26, DisplayWidth.of(row.name) + 1), withPad: " ", startingAt: 0), Style(foreground: .cyan)),
                Span(row.title),
            ] + lastRun(row, state) + [
                Span(row.builtIn ? "  (built in)" : "  (this store)", .dim),
            ]
        }
    }

    /// `  last NO-GO 2h ago`: the checklist's latest verdict and when; `  2/5 answered, not recorded` while a
    /// run of it waits to be recorded. Before "(built in)", which matters less when the line is cut.
    static func lastRun(_ row: Rows.Definition, _ state: AppState) -> [Span] {
        guard row.kind == "checklist" else { return [] }
        let draft = state.checklistRuns.first { key, run in
            if case let .checklistRun(name, _) = key { return name == row.name && !run.isEmpty }
            return false
        }
        if let draft {
            return [Span("  \(draft.value.answers.count)/\(row.count) answered, not recorded", Style(foreground: .yellow))]
        }
        guard let run = state.snapshot.latestRuns[row.name] else { return [] }
        return [Span("  last ", .dim), Span(run.result.rawValue, ChecklistHistory.resultStyle(run.result)),
                Span(" " + ChecklistHistory.ago(run.at, now: state.now), .dim)]
    }
}

enum ActionListView {
    static func draw(_ screen: inout Screen, _ state: AppState) {
        let today = Timestamps.formatDate(state.now)
        let rows = Rows.actions(state)
        let overview = Rows.actionOverview(state)
        StyledLine([Span(" \(overview.open) open", .bold),
                    Span(overview.overdue > 0 ? " · \(overview.overdue) overdue" : "", Style(foreground: .red, bold: true)),
                    Span(" · \(overview.total - overview.open) closed", .dim),
                    Span(state.actionsOpenOnly ? "   [a] open only" : "   [a] all", .dim)])
            .draw(on: &screen, x: 0, y: 2, width: screen.width)
        StyledLine(" STATE     DUE         OWNER     TYPE      TITLE", .dim).draw(on: &screen, x: 0, y: 3, width: screen.width)
        if rows.isEmpty {
            screen.put(overview.total == 0 ? "  No action items yet: a note starting TODO: makes one." : "  Nothing open. a shows them all.",
                       x: 0, y: 4, style: .dim)
            return
        }
        Views.list(&screen, y: 4, height: state.bodyHeight - 2, cursor: state.cursor(.actions), count: rows.count) { index in
            let item = rows[index]
            let late = item.isOverdue(today: today)
            let (word, style): (String, Style) = late ? ("overdue", Style(foreground: .red, bold: true))
                : item.state == .open ? ("open", Style(foreground: .yellow)) : item.state == .done ? ("done", Style(foreground: .green)) : ("won't do", .dim)
            return [Span(word.padded(to: 10), style),
                    Span((item.due ?? "-").padded(to: 12), late ? Style(foreground: .red) : .dim),
                    Span((item.owner ?? "-").padded(to: 10)),
                    Span((item.type?.rawValue ?? "-").padded(to: 10), .dim),
                    Span(item.title), Span("  " + (state.snapshot.incidentTitle(item.incident) ?? item.incident), .dim)]
        }
    }
}
