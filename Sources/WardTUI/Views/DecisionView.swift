import Foundation
import WardKit

/// One decision record: its title and status, the supersede chain (`[` `]`), the record's text, and below
/// it the Links pane (every link, whichever side wrote it; ⏎ follows one) and the History pane.
enum DecisionView {
    static func draw(_ screen: inout Screen, _ state: AppState, number: Int) {
        guard let decision = state.snapshot.decision(number) else { return }
        let route = Route.decision(number)
        StyledLine([Span(" " + Decision.padded(number) + "  ", .dim), Span(decision.title, .heading)])
            .draw(on: &screen, x: 0, y: 2, width: screen.width)
        var meta = [Span(" " + (decision.status?.rawValue ?? (decision.statusText.isEmpty ? "no status" : decision.statusText)),
                         Views.statusStyle(decision.status).merging(bold: true))]
        if let date = decision.date { meta += [Span("  ·  " + date, .dim)] }
        meta += [Span("  ·  " + decision.format.rawValue + "  ·  " + decision.path, .dim)]
        if !decision.tags.isEmpty { meta += [Span("  " + decision.tags.map { "#" + $0 }.joined(separator: " "), Style(foreground: .cyan))] }
        StyledLine(meta).draw(on: &screen, x: 0, y: 3, width: screen.width)
        // The supersede chain, walkable with [ and ].
        var chain: [Span] = [Span(" chain: ", .dim)]
        let back = chainBack(decision, state.snapshot), forward = chainForward(decision, state.snapshot)
        for item in back { chain += [Span(Decision.padded(item), Style(foreground: .magenta)), Span(" → ", .dim)] }
        chain.append(Span(Decision.padded(number), .bold))
        for item in forward { chain += [Span(" → ", .dim), Span(Decision.padded(item), Style(foreground: .green))] }
        if back.isEmpty && forward.isEmpty { chain = [Span(" supersedes nothing and is not superseded", .dim)] } else {
            chain.append(Span("   [ back · ] forward", .dim))
        }
        StyledLine(chain).draw(on: &screen, x: 0, y: 4, width: screen.width)

        let focus = Detail.decisionPane(number, state)
        let panes = Detail.decisionPanes(decision, state)
        func cursor(_ pane: Detail.DecisionPane) -> Cursor { state.cursor(route, pane: panes.order.firstIndex(of: pane) ?? 0) }
        Views.rule(&screen, y: 5, title: "Record" + (focus == .record ? " ◂" : ""))
        Views.lines(&screen, Detail.lines(route, state, width: panes.width), y: panes.textY, height: panes.textHeight,
                    width: panes.width, offset: cursor(.record).offset, indicatorRow: 5)
        let links = Rows.decisionLinks(decision, in: state.snapshot)
        if !links.isEmpty {
            Views.rule(&screen, y: panes.linksY, title: "Links · ⏎ follows" + (focus == .links ? " ◂" : " (tab)"))
            Views.list(&screen, y: panes.linksY + 1, height: panes.linksRows, cursor: cursor(.links),
                       focused: focus == .links, count: links.count) { linkSpans(links[$0]) }
        }
        let history = Rows.decisionHistory(decision, in: state.snapshot)
        if !history.isEmpty {
            let byWidth = min(20, history.map { DisplayWidth.of($0.by) }.max() ?? 0) + 2
            Views.rule(&screen, y: panes.historyY, title: "History · newest first" + (focus == .history ? " ◂" : " (tab)"))
            Views.list(&screen, y: panes.historyY + 1, height: panes.historyRows, cursor: cursor(.history),
                       focused: focus == .history, count: history.count) { historySpans(history[$0], byWidth: byWidth) }
        }
    }

    static func linkSpans(_ link: Rows.DecisionLinkRow) -> [Span] {
        let target: String
        switch link.route {
        case let .decision(n): target = Decision.padded(n) + " "
        // An incident's id starts with its date: the date is enough beside its title.
        case let .incident(id): target = (DecisionTimeline.monthKey(id) != nil ? String(id.prefix(10)) : id) + " "
        default: target = ""
        }
        return [Span(link.label.padding(toLength: max(14, link.label.count + 1), withPad: " ", startingAt: 0), .dim),
                Span(target, Style(foreground: .cyan)), Span(link.title)]
    }

    /// `2026-03-26 15:00  git   ana  commit 1a2b3c4: Accept ADR 6`: git's entries marked, Ward's journal's not.
    static func historySpans(_ entry: DecisionHistoryEntry, byWidth: Int) -> [Span] {
        let time = Timestamps.format(entry.at).prefix(16).replacingOccurrences(of: "T", with: " ")
        return [Span(time + "  ", .dim),
                Span(entry.fromGit ? "git   " : "ward  ", entry.fromGit ? Style(foreground: .magenta) : .dim),
                Span(entry.by.padded(to: byWidth), Style(foreground: .cyan)),
                Span(entry.what)]
    }

    static func chainBack(_ decision: Decision, _ snapshot: Snapshot) -> [Int] {
        var result: [Int] = []
        var current = decision
        while let previous = Rows.supersedes(current, in: snapshot).first, !result.contains(previous), previous != decision.number,
              result.count < 20 {
            result.insert(previous, at: 0)
            guard let next = snapshot.decision(previous) else { break }
            current = next
        }
        return result
    }

    static func chainForward(_ decision: Decision, _ snapshot: Snapshot) -> [Int] {
        var result: [Int] = []
        var current = decision
        while let next = Rows.supersededBy(current, in: snapshot).first, !result.contains(next), next != decision.number,
              result.count < 20 {
            result.append(next)
            guard let found = snapshot.decision(next) else { break }
            current = found
        }
        return result
    }
}
