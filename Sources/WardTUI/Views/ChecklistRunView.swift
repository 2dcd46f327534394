import Foundation
import WardKit

/// A checklist being run: the verdict on the first row (never scrolled away), the checklist and where the run
/// will go, the items with their answers, and the selected item's text, hint and note below them.
enum ChecklistRunView {
    static func draw(_ screen: inout Screen, _ state: AppState, name: String, incident: String?) {
        guard let checklist = state.snapshot.checklist(name) else { return }
        let route = state.route
        let run = state.checklistRuns[route] ?? ChecklistRunState()
        let verdict = run.verdict(checklist)
        verdictLine(&screen, verdict, y: ChecklistRunLayout.verdictY)

        var meta = [Span(" "), Span(checklist.title, .bold), Span(" · \(verdict.answered) of \(checklist.items.count) answered", .dim)]
        if state.snapshot.isReadOnly {
            meta.append(Span(" · read-only: cannot be recorded", Style(foreground: .yellow)))
        }
        if let incident {
            meta += [Span(" · into ", .dim), Span(state.snapshot.incidentTitle(incident) ?? incident, Style(foreground: .cyan))]
        } else {
            meta.append(Span(" · on its own", .dim))
        }
        if !verdict.warnings.isEmpty {
            meta.append(Span(" · \(verdict.warnings.count) warning\(verdict.warnings.count == 1 ? "" : "s"): "
                             + verdict.warnings.map(\.item.id).joined(separator: ", "), Style(foreground: .yellow)))
        }
        StyledLine(meta).draw(on: &screen, x: 0, y: ChecklistRunLayout.metaY, width: screen.width)
        Views.rule(&screen, y: ChecklistRunLayout.listY - 1, title: "Items · * required · ⚑ red flag: yes is bad")

        let rows = ChecklistRunLayout.listRows(height: state.height, count: checklist.items.count)
        let cursor = state.cursor(route)
        let idWidth = min(26, checklist.items.map { DisplayWidth.of($0.id) }.max() ?? 0)
        Views.list(&screen, y: ChecklistRunLayout.listY, height: rows, cursor: cursor, count: verdict.outcomes.count) { index in
            let outcome = verdict.outcomes[index]
            let (mark, style) = ChecklistHistory.answerMark(outcome)
            let flag = outcome.item.required ? "*" : outcome.item.redFlag ? "⚑" : " "
            return [Span(mark, style), Span(" " + flag + " ", Style(foreground: .red, bold: true)),
                    Span(outcome.item.id.padding(toLength: max(idWidth, DisplayWidth.of(outcome.item.id)), withPad: " ", startingAt: 0) + "  ",
                         outcome.fails ? Style(foreground: .red, bold: true) : .bold),
                    Span(outcome.note.isEmpty ? "" : "✎ ", Style(foreground: .cyan)),
                    Span(outcome.item.text, .dim)]
        }
        details(&screen, state, verdict, selected: cursor.selected)
    }

    /// `NO-GO: 1 failed (backup-verified)` in red, `GO: …` in green, `3 of 5 answered; …` in yellow.
    static func verdictLine(_ screen: inout Screen, _ verdict: ChecklistVerdict, y: Int) {
        let style = ChecklistHistory.resultStyle(verdict.result)
        var spans = [Span(" " + verdict.summary + " ", style.merging(reverse: true))]
        if !verdict.redFlags.isEmpty, verdict.redFlags.count != verdict.failed.count {
            spans.append(Span("  ⚑ raised: " + verdict.redFlags.map(\.item.id).joined(separator: ", "), Style(foreground: .red, bold: true)))
        }
        StyledLine(spans).draw(on: &screen, x: 0, y: y, width: screen.width)
    }

    /// The selected item in full: its id and what it takes, its text, the hint, the note.
    static func details(_ screen: inout Screen, _ state: AppState, _ verdict: ChecklistVerdict, selected: Int) {
        let ruleY = ChecklistRunLayout.detailRuleY(height: state.height, count: verdict.outcomes.count)
        guard verdict.outcomes.indices.contains(selected) else { return }
        let outcome = verdict.outcomes[selected]
        let item = outcome.item
        var tags: [String] = []
        if item.required { tags.append("required") }
        if item.redFlag { tags.append("red flag: yes is bad") }
        tags.append(item.allowsNotApplicable ? "n/a allowed" : "n/a not allowed")
        Views.rule(&screen, y: ruleY, title: item.id + " · " + tags.joined(separator: ", "))
        let width = max(10, screen.width - 2)
        var lines: [StyledLine] = []
        if let problem = outcome.problem {
            lines.append(StyledLine(problem + (outcome.fails ? ": this makes it a NO-GO" : ": a warning, not a NO-GO"),
                                    Style(foreground: outcome.fails ? .red : .yellow, bold: true)))
        }
        lines += Wrap.lines(TerminalSafe.clean(item.text, singleLine: true), width: width).map { StyledLine($0) }
        if !item.hint.isEmpty {
            lines += Wrap.lines(TerminalSafe.clean(item.hint, singleLine: true), width: width).map { StyledLine($0, .dim) }
        }
        if !outcome.note.isEmpty {
            let note = Wrap.lines(TerminalSafe.clean(outcome.note, singleLine: true), width: width - 6)
            lines += note.enumerated().map { StyledLine([Span($0.offset == 0 ? "note: " : "      ", .dim), Span($0.element, Style(foreground: .cyan))]) }
        } else {
            lines.append(StyledLine("i adds a note to this answer.", .dim))
        }
        let rows = ChecklistRunLayout.detailRows(height: state.height, count: verdict.outcomes.count)
        for (offset, line) in lines.prefix(rows).enumerated() {
            line.draw(on: &screen, x: 1, y: ruleY + 1 + offset, width: width)
        }
    }
}

/// The question a `Confirmation` asks on the status line.
enum Confirm {
    static func question(_ confirm: Confirmation, _ state: AppState) -> String {
        switch confirm {
        case let .discardRun(route):
            let run = state.checklistRuns[route] ?? ChecklistRunState()
            guard case let .checklistRun(name, _) = route else { return "Drop it? y drops · any other key keeps it" }
            return "Drop \(run.answers.count) unrecorded answer\(run.answers.count == 1 ? "" : "s") to \(name)? y drops · other keys keep"
        case .quit:
            let count = ChecklistKeys.unrecorded(state)
            return "\(count) checklist run\(count == 1 ? "" : "s") not recorded. Quit and drop \(count == 1 ? "it" : "them")? y quits · other keys stay"
        }
    }
}
