import Foundation
import WardKit

/// Recorded checklist runs as the screens show them: the history's rows and filter, a run's text, and the
/// few words that say how long ago and by whom.
public enum ChecklistHistory {
    /// The runs on the history screen, newest first: one checklist's or all, narrowed by the filter's words
    /// (each must appear in the checklist, the title, who, the incident, the result, an item whose answer was
    /// not the good one, or a note).
    public static func rows(_ state: AppState, name: String?) -> [ChecklistRun] {
        let words = state.historyFilter.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        return state.snapshot.checklistRuns.filter { run in
            guard name == nil || run.checklist == name else { return false }
            guard !words.isEmpty else { return true }
            let text = searchableText(run, state.snapshot)
            return words.allSatisfy { text.contains($0) }
        }
    }

    /// Everything a filter word can match in a run, lower-cased.
    static func searchableText(_ run: ChecklistRun, _ snapshot: Snapshot) -> String {
        var parts = [run.checklist, run.title, run.by, run.result.rawValue, run.shortID, Timestamps.format(run.at)]
        if let incident = run.incident {
            parts.append(incident)
            if let title = snapshot.incidentTitle(incident) { parts.append(title) }
        }
        // Every run of a checklist has the same items: only those that went wrong tell runs apart.
        for outcome in run.verdict.outcomes {
            if outcome.isGood == false { parts.append(outcome.item.id) }
            if !outcome.note.isEmpty { parts.append(outcome.note) }
        }
        return parts.joined(separator: "\n").lowercased()
    }

    /// `2h ago`, `3d ago`, `just now`: how long ago, in one unit.
    public static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        guard seconds >= 60 else { return "just now" }
        return String(Durations.short(seconds).split(separator: " ").first ?? "") + " ago"
    }

    /// `user` of `user@host`.
    public static func who(_ by: String) -> String {
        by.split(separator: "@").first.map(String.init) ?? by
    }

    /// `2026-11-25 09:30`.
    public static func when(_ date: Date) -> String {
        String(Timestamps.format(date).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    public static func resultStyle(_ result: GateResult?) -> Style {
        switch result {
        case .go?: return Style(foreground: .green, bold: true)
        case .noGo?: return Style(foreground: .red, bold: true)
        case nil: return Style(foreground: .yellow, bold: true)
        }
    }

    /// How an answer looks in a list: its word and colour; a raised red flag stands out.
    public static func answerMark(_ outcome: ChecklistOutcome) -> (String, Style) {
        guard let answer = outcome.answer else { return ("  ·  ", .dim) }
        if outcome.raisesRedFlag { return ("⚑ yes", Style(foreground: .red, bold: true, reverse: true)) }
        let word = " " + answer.label.padded(to: 4)
        if outcome.fails { return (word, Style(foreground: .red, bold: true)) }
        if outcome.isGood == false { return (word, Style(foreground: .yellow)) }
        return (word, Style(foreground: .green))
    }

    /// The text of a recorded run's screen: the verdict, who and when, then every answer with its note.
    /// Each answer's first line carries its position (1-based) as its source line, for search results.
    public static func lines(_ run: ChecklistRun, _ snapshot: Snapshot, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        let verdict = run.verdict
        lines.append(StyledLine([Span(" " + verdict.summary + " ", resultStyle(run.result).merging(reverse: true))]))
        lines.append(StyledLine())
        lines.append(StyledLine([Span("Ran by    ", .dim), Span(run.by, .bold), Span("  on " + when(run.at) + " UTC", .dim)]))
        if let id = run.incident {
            let title = snapshot.incidentTitle(id)
            lines.append(StyledLine([Span("Incident  ", .dim), Span(title ?? id, Style(foreground: .cyan)),
                                     Span(title == nil ? "  (no longer in this store)" : "  (⏎ opens it)", .dim)]))
            if title != nil { lines.append(StyledLine([Span("          " + id, .dim)])) }
        } else {
            lines.append(StyledLine([Span("Incident  ", .dim), Span("none: run on its own", .dim)]))
        }
        // Wrapped, not cut: a long incident path must never lose its line number off the edge.
        for (row, piece) in Wrap.lines("\(run.path):\(run.line)", width: max(10, width - 10)).enumerated() {
            lines.append(StyledLine([Span(row == 0 ? "Recorded  " : "          ", .dim), Span(piece)]))
        }
        lines.append(StyledLine([Span("Checklist ", .dim), Span(run.checklist, Style(foreground: .cyan)),
                                 Span(run.definition.isEmpty ? "" : "  (" + run.definition + ")", .dim)]))
        if !verdict.warnings.isEmpty {
            lines.append(StyledLine([Span("Warnings  ", .dim), Span(verdict.warnings.map { "\($0.item.id) \($0.problem ?? "")" }
                .joined(separator: "; "), Style(foreground: .yellow))]))
        }
        lines.append(StyledLine())
        lines.append(StyledLine([Span("Answers (\(verdict.outcomes.count))", .heading)], headingLevel: 2))
        let idWidth = min(28, verdict.outcomes.map { DisplayWidth.of($0.item.id) }.max() ?? 0)
        for (index, outcome) in verdict.outcomes.enumerated() {
            let (mark, style) = answerMark(outcome)
            let flag = outcome.item.required ? "*" : outcome.item.redFlag ? "⚑" : " "
            let head = [Span(mark, style), Span(" " + flag + " ", Style(foreground: .red)),
                        Span(outcome.item.id.padding(toLength: max(idWidth, DisplayWidth.of(outcome.item.id)), withPad: " ", startingAt: 0) + "  ",
                             outcome.fails ? Style(foreground: .red, bold: true) : .bold)]
            let headWidth = head.reduce(0) { $0 + DisplayWidth.of($1.text) }
            let indent = Span(String(repeating: " ", count: headWidth))
            let text = TerminalSafe.clean(outcome.item.text, singleLine: true)
            for (row, piece) in Wrap.lines(text, width: max(10, width - headWidth)).enumerated() {
                lines.append(StyledLine((row == 0 ? head : [indent]) + [Span(piece)], sourceLine: row == 0 ? index + 1 : nil))
            }
            if let problem = outcome.problem {
                lines.append(StyledLine([indent, Span(problem + (outcome.fails ? ": NO-GO" : ""), Style(foreground: outcome.fails ? .red : .yellow))]))
            }
            if !outcome.note.isEmpty {
                let note = TerminalSafe.clean(outcome.note, singleLine: true)
                for (row, piece) in Wrap.lines(note, width: max(10, width - headWidth - 6)).enumerated() {
                    lines.append(StyledLine([indent, Span(row == 0 ? "note: " : "      ", .dim), Span(piece, Style(foreground: .cyan))]))
                }
            }
        }
        return lines
    }
}
