import Foundation
import WardKit

/// The scrollable text of detail screens and how the incident screen is laid out, shared by `update`
/// (scroll limits, jumps) and the views (drawing), so the two always agree.
public enum Detail {
    /// Display lines of the main text of a detail screen at `width` cells.
    public static func lines(_ route: Route, _ state: AppState, width: Int) -> [StyledLine] {
        switch route {
        case let .decision(number):
            guard let decision = state.snapshot.decision(number) else { return [] }
            return RenderCache.shared.markdown(state.snapshot.body(of: decision), width: width)
        case let .postmortem(id):
            guard let postmortem = state.snapshot.postmortem(id) else { return [] }
            return RenderCache.shared.markdown(postmortem.body, width: width)
        case let .incident(id):
            guard let body = state.snapshot.incident(id)?.record?.body else { return [StyledLine("(incident.md could not be read; see ward doctor)", .dim)] }
            return RenderCache.shared.markdown(body, width: width)
        case let .definition(kind, name):
            return definitionLines(kind: kind, name: name, state.snapshot, width: width)
        case .metrics:
            return state.snapshot.metrics.map { RenderCache.shared.metrics($0, width: width) } ?? []
        case let .recordedRun(id):
            return state.snapshot.run(id).map { ChecklistHistory.lines($0, state.snapshot, width: width) } ?? []
        default:
            return []
        }
    }

    static func definitionLines(kind: String, name: String, _ snapshot: Snapshot, width: Int) -> [StyledLine] {
        var markdown = ""
        if kind == "checklist", let checklist = snapshot.checklists.first(where: { $0.name == name }) {
            markdown += checklist.summary.isEmpty ? "" : checklist.summary + "\n\n"
            for item in checklist.items { markdown += itemMarkdown(item) }
        } else if let runbook = snapshot.runbooks.first(where: { $0.name == name }) {
            markdown += runbook.summary.isEmpty ? "" : runbook.summary + "\n\n"
            for phase in runbook.phases {
                markdown += "## \(phase.name)\n\n"
                if !phase.guidance.isEmpty { markdown += phase.guidance + "\n\n" }
                for step in phase.steps { markdown += itemMarkdown(step) }
                markdown += "\n"
            }
        }
        return MarkdownRenderer.render(markdown, width: width)
    }

    static func itemMarkdown(_ item: TaskItem) -> String {
        var tags: [String] = []
        if item.required { tags.append("required") }
        if item.allowsNotApplicable { tags.append("n/a allowed") }
        if item.redFlag { tags.append("red flag: yes is bad") }
        var text = "- [ ] **\(item.id)**: \(item.text)" + (tags.isEmpty ? "" : " *(\(tags.joined(separator: ", ")))*") + "\n"
        if !item.hint.isEmpty { text += "  \(item.hint)\n" }
        return text
    }

    /// The display line where `sourceLine` of the body appears (for jumping to a search result).
    public static func lineIndex(of sourceLine: Int, in lines: [StyledLine]) -> Int {
        lines.firstIndex { ($0.sourceLine ?? 0) >= sourceLine } ?? 0
    }

    // MARK: Layout

    /// The incident screen: a header, then the timeline and the prose, side by side when wide, stacked when not.
    public struct IncidentLayout: Equatable {
        public var headerHeight: Int
        public var timeline: (x: Int, y: Int, width: Int, height: Int)
        public var prose: (x: Int, y: Int, width: Int, height: Int)

        public static func == (a: IncidentLayout, b: IncidentLayout) -> Bool {
            a.headerHeight == b.headerHeight && a.timeline == b.timeline && a.prose == b.prose
        }
    }

    /// The timeline and, beside or below it, the side area: the runbook panel when a runbook is under way,
    /// and incident.md. A runbook under way gets the larger share when the two are stacked.
    public static func incidentLayout(_ incident: Incident?, width: Int, height: Int) -> IncidentLayout {
        let header = 5
        let top = 2 + header
        let available = max(0, height - 1 - top)
        let running = incident?.state.currentRun.map { !$0.isFinished } ?? false
        if width >= 120 {
            let timelineWidth = width * (running ? 1 : 3) / (running ? 2 : 5)
            return IncidentLayout(headerHeight: header, timeline: (0, top, timelineWidth, available),
                                  prose: (timelineWidth + 1, top, width - timelineWidth - 1, available))
        }
        var timelineHeight = max(3, available * 3 / 5)
        if running, let steps = incident?.state.currentRun?.currentPhase?.steps.count {
            // The panel takes what the phase needs (title, phases, steps, two lines of detail, the footer),
            // up to three fifths; the timeline keeps the rest.
            let panel = min(steps + 6, available * 3 / 5)
            timelineHeight = max(3, available - panel - 1)
        }
        return IncidentLayout(headerHeight: header, timeline: (0, top, width, timelineHeight),
                              prose: (0, top + timelineHeight + 1, width, max(0, available - timelineHeight - 1)))
    }

    /// Which pane of the incident screen is incident.md: 1, or 2 when the runbook panel is pane 1.
    public static func prosePane(_ incident: Incident?) -> Int {
        incident?.state.currentRun == nil ? 1 : 2
    }

    /// Rows for the current phase's steps in the runbook panel: below its title and phase line, above the
    /// selected step's details.
    public static func runbookStepRows(_ layout: IncidentLayout) -> Int {
        max(1, layout.prose.height - 4)
    }

    /// The decision screen's panes, in tab order.
    public enum DecisionPane: Sendable, Equatable { case record, links, history }

    /// The decision screen: the record's text above; its links, then its history, below, each only when
    /// there is something in it and each a few rows at most (they scroll), so the record keeps most of it.
    public struct DecisionPanes: Equatable {
        public var textY: Int
        public var textHeight: Int
        public var width: Int
        public var linksY: Int
        public var linksRows: Int
        public var historyY: Int
        public var historyRows: Int
        public var order: [DecisionPane]
    }

    public static func decisionPanes(_ decision: Decision, _ state: AppState) -> DecisionPanes {
        let area = textArea(.decision(decision.number), width: state.width, height: state.height)
        let links = Rows.decisionLinks(decision, in: state.snapshot).count
        let history = Rows.decisionHistory(decision, in: state.snapshot).count
        let linksRows = min(links, 6, max(2, area.height / 4))
        let historyRows = min(history, 6, max(2, area.height / 5))
        let linksHeight = links == 0 ? 0 : linksRows + 1
        let historyHeight = history == 0 ? 0 : historyRows + 1
        let textHeight = max(1, area.height - linksHeight - historyHeight)
        return DecisionPanes(textY: area.y, textHeight: textHeight, width: area.width,
                             linksY: area.y + textHeight, linksRows: linksRows,
                             historyY: area.y + textHeight + linksHeight, historyRows: historyRows,
                             order: [.record] + (links == 0 ? [] : [.links]) + (history == 0 ? [] : [.history]))
    }

    /// Which pane of a decision's screen has the focus.
    public static func decisionPane(_ number: Int, _ state: AppState) -> DecisionPane {
        guard let decision = state.snapshot.decision(number) else { return .record }
        let order = decisionPanes(decision, state).order
        let index = state.pane[.decision(number)] ?? 0
        return order.indices.contains(index) ? order[index] : .record
    }

    /// The incident.md pane's text width (inside its margins) and rows (below its title).
    public static func proseText(_ layout: IncidentLayout) -> (width: Int, height: Int) {
        (max(1, layout.prose.width - 2), max(0, layout.prose.height - 1))
    }

    /// Where the scrollable text of the decision, post-mortem and definition screens starts, and its size.
    public static func textArea(_ route: Route, width: Int, height: Int) -> (y: Int, height: Int, width: Int) {
        switch route {
        case .decision: return (6, max(0, height - 7), max(10, width - 2))
        default: return (5, max(0, height - 6), max(10, width - 2))
        }
    }

    /// Timeline rows: each event as one or more wrapped lines. Returns the lines and, per event, its first line.
    public static func timelineLines(_ incident: Incident, width: Int) -> (lines: [StyledLine], starts: [Int]) {
        let calendar: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar
        }()
        let days = Set(incident.events.map { calendar.startOfDay(for: $0.at) })
        let showDates = days.count > 1
        var lines: [StyledLine] = []
        var starts: [Int] = []
        for event in incident.events {
            starts.append(lines.count)
            let time = showDates ? String(Timestamps.format(event.at).dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ")
                                 : String(Timestamps.format(event.at).dropFirst(11).prefix(8))
            let key = event.fields["key"]?.bool == true
            var prefix = [Span(key ? "* " : "  ", Style(foreground: .yellow, bold: true)), Span(time + " ", .dim)]
            if event.recorded.timeIntervalSince(event.at) >= 60 {
                prefix.append(Span("(rec " + String(Timestamps.format(event.recorded).dropFirst(11).prefix(5)) + ") ", .dim))
            }
            // Who, as user@host: two people called ana on two machines are two people.
            prefix.append(Span(event.by + " ", Style(foreground: .cyan)))
            let prefixWidth = prefix.reduce(0) { $0 + DisplayWidth.of($1.text) }
            let style: Style = switch event.kind {
            case "note": key ? .bold : .plain
            case "status", "severity": Style(foreground: .magenta, bold: true)
            case "role", "declared": Style(foreground: .blue)
            default: .dim
            }
            // Escaped before wrapping, so the wrap measures what will be drawn.
            let text = TerminalSafe.clean((event.kind == "note" ? "" : "[\(event.kind)] ") + TimelineText.describe(event), singleLine: true)
            let wrapped = Wrap.lines(text, width: max(10, width - prefixWidth))
            for (index, piece) in wrapped.enumerated() {
                let head = index == 0 ? prefix : [Span(String(repeating: " ", count: prefixWidth))]
                lines.append(StyledLine(head + [Span(piece, style)]))
            }
        }
        return (lines, starts)
    }
}

/// Word wrapping by display cells.
public enum Wrap {
    public static func lines(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var result: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                var word = String(word)
                var wordWidth = DisplayWidth.of(word)
                if lineWidth > 0 && lineWidth + 1 + wordWidth > width {
                    result.append(line)
                    line = ""
                    lineWidth = 0
                }
                while wordWidth > width {
                    // A word longer than the line: break it.
                    var head = ""
                    var headWidth = 0
                    for character in word {
                        let w = DisplayWidth.of(character)
                        if headWidth + w > width - lineWidth - (lineWidth > 0 ? 1 : 0) { break }
                        head.append(character)
                        headWidth += w
                    }
                    if head.isEmpty { result.append(line); line = ""; lineWidth = 0; continue }
                    line += (lineWidth > 0 ? " " : "") + head
                    result.append(line)
                    line = ""
                    lineWidth = 0
                    word = String(word.dropFirst(head.count))
                    wordWidth = DisplayWidth.of(word)
                }
                if lineWidth > 0 { line += " "; lineWidth += 1 }
                line += word
                lineWidth += wordWidth
            }
            result.append(line)
        }
        return result
    }
}

/// Rendered Markdown, kept between frames: keys must not wait for a long document to be laid out again.
/// Keyed by the text itself and the width, so a changed record is never shown stale.
final class RenderCache: @unchecked Sendable {
    static let shared = RenderCache()
    private let lock = NSLock()
    private var entries: [Key: [StyledLine]] = [:]

    struct Key: Hashable {
        var text: String
        var width: Int
    }

    func markdown(_ text: String, width: Int) -> [StyledLine] {
        let key = Key(text: text, width: width)
        lock.lock()
        if let found = entries[key] {
            lock.unlock()
            return found
        }
        lock.unlock()
        let lines = MarkdownRenderer.render(text, width: width)
        lock.lock()
        if entries.count >= 64 { entries.removeAll() }
        entries[key] = lines
        lock.unlock()
        return lines
    }

    /// The metrics screen's lines for the last report and width: built again only when either changes,
    /// not on every key.
    private var lastMetrics: (report: MetricsReport, width: Int, lines: [StyledLine])?

    func metrics(_ report: MetricsReport, width: Int) -> [StyledLine] {
        lock.lock()
        if let last = lastMetrics, last.width == width, last.report == report {
            lock.unlock()
            return last.lines
        }
        lock.unlock()
        let lines = MetricsLines.lines(report, width: width)
        lock.lock()
        lastMetrics = (report, width, lines)
        lock.unlock()
        return lines
    }
}
