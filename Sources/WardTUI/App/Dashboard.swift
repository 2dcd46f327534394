import Foundation
import WardKit

/// The dashboard's panels: what is on fire, what awaits a verdict, what to check before the next change.
public enum Dashboard {
    public struct Item: Sendable {
        public var spans: [Span]
        public var route: Route?
    }

    /// One panel's rows, each made when it is drawn or opened: a large store may have a thousand active
    /// incidents, of which a dozen are on screen.
    public struct Panel {
        public let count: Int
        let item: (Int) -> Item

        public subscript(index: Int) -> Item { item(index) }
        public var isEmpty: Bool { count == 0 }
        public var indices: Range<Int> { 0..<count }

        init(count: Int, item: @escaping (Int) -> Item) {
            self.count = count
            self.item = item
        }

        init(_ items: [Item]) {
            self.init(count: items.count) { items[$0] }
        }
    }

    public static let titles = ["Active incidents", "Decisions", "Checklists"]

    public static func panels(_ state: AppState) -> [Panel] {
        let snapshot = state.snapshot
        let activeIncidents = snapshot.activeIncidents
        let now = state.now
        let active = Panel(count: activeIncidents.count) { index in
            let incident = activeIncidents[index]
            return Item(spans: [
                Span(incident.severity + " ", Views.severityStyle(incident.severity)),
                Span(incident.status.rawValue.padded(to: 14), .dim),
                Span(Durations.short(now.timeIntervalSince(incident.milestones[.impactStarted] ?? incident.declared)).padded(to: 8), Style(foreground: .yellow)),
                Span(incident.title),
            ] + runbookSpans(incident.run), route: .incident(incident.id))
        }
        let decisions = snapshot.remembered.dashboardDecisions {
            let proposed = snapshot.decisions.filter { $0.status == .proposed }
            let recent = snapshot.decisions.filter { $0.status != .proposed }
                .sorted { ($0.date ?? "", $0.number) > ($1.date ?? "", $1.number) }.prefix(6)
            return (proposed + recent).map { decision in
                Item(spans: [
                    Span(Decision.padded(decision.number) + " ", .dim),
                    Span((decision.status?.rawValue ?? "?").padded(to: 11), Views.statusStyle(decision.status)),
                    Span(decision.title),
                ], route: .decision(decision.number))
            }
        }
        let checklists = Rows.definitions(state).map { definition in
            Item(spans: [
                Span(definition.kind == "checklist" ? "checklist " : "runbook   ", .dim),
                Span(definition.title),
                Span("  \(definition.count) \(definition.kind == "checklist" ? "items" : "steps")", .dim),
            ] + lastRunSpans(definition, state), route: .definition(kind: definition.kind, name: definition.name))
        }
        return [active, Panel(decisions), Panel(redFlags(state) + checklists)]
    }

    /// `⚑ Red flags: agent-prod-access, no-staging (Red flags, run 2h ago by ana)`: one line for each checklist
    /// whose latest run raised a red flag, first in the checklists panel until a later run clears it.
    static func redFlags(_ state: AppState) -> [Item] {
        state.snapshot.raisedRedFlags.map { run in
            Item(spans: [
                Span("⚑ Red flags: ", Style(foreground: .red, bold: true)),
                Span(run.redFlags.joined(separator: ", "), Style(foreground: .red, bold: true)),
                Span(" (\(run.title), run \(ChecklistHistory.ago(run.at, now: state.now)) by \(ChecklistHistory.who(run.by)))",
                     Style(foreground: .red)),
            ], route: .recordedRun(run.id))
        }
    }

    /// `  · last NO-GO 2h ago`: a checklist's latest verdict.
    static func lastRunSpans(_ definition: Rows.Definition, _ state: AppState) -> [Span] {
        guard definition.kind == "checklist", let run = state.snapshot.latestRuns[definition.name] else { return [] }
        return [Span("  · last ", .dim), Span(run.result.rawValue, ChecklistHistory.resultStyle(run.result)),
                Span(" " + ChecklistHistory.ago(run.at, now: state.now), .dim)]
    }

    /// `  · Recovery: Assess 2/5`: where an active incident's runbook stands.
    static func runbookSpans(_ run: IncidentSummary.RunSummary?) -> [Span] {
        guard let run else { return [] }
        guard let phase = run.phase else { return [Span("  · \(run.title) finished", .dim)] }
        return [Span("  · \(run.title): \(phase) \(run.settled)/\(run.steps)", Style(foreground: .cyan))]
    }
}

/// The command palette (`:`): every screen and action by name.
public enum Palette {
    public struct Command {
        public var name: String
        public var help: String
        public var run: (inout AppState) -> [Effect]
    }

    public static var commands: [Command] {
        var commands: [Command] = []
        for (index, route) in Route.sections.enumerated() {
            commands.append(Command(name: route.title.lowercased(), help: "go to \(route.title) (\(index + 1))") { state in
                state.stack = [.dashboard] + (route == .dashboard ? [] : [route])
                return []
            })
        }
        commands += [
            Command(name: "sync", help: "commit, pull and push the store with git (U)") { state in
                Sync.start(&state)
            },
            Command(name: "search", help: "search every record (/)") { state in
                state.input = TextInput(purpose: .search)
                state.search = SearchState()
                return []
            },
            Command(name: "all incidents", help: "list resolved incidents too") { state in
                state.incidentFilter = IncidentFilter(activeOnly: false)
                state.stack = [.dashboard, .incidents]
                return []
            },
            Command(name: "active incidents", help: "list only active incidents") { state in
                state.incidentFilter = IncidentFilter()
                state.stack = [.dashboard, .incidents]
                return []
            },
            Command(name: "proposed decisions", help: "decisions awaiting a verdict") { state in
                state.decisionFilter = DecisionFilter(status: .proposed)
                state.stack = [.dashboard, .decisions]
                return []
            },
            Command(name: "decisions by month", help: "decisions on a time line, newest first (v)") { state in
                state.decisionTimeline = true
                state.stack = [.dashboard, .decisions]
                App.clamp(&state, .decisions)
                return []
            },
            Command(name: "checklist run history", help: "every checklist run, newest first (H on checklists)") { state in
                state.stack = [.dashboard, .checklists]
                ChecklistKeys.openHistory(&state, name: nil)
                return []
            },
            Command(name: "reload", help: "read the store again (r)") { _ in [.reload] },
            Command(name: "help", help: "keys and commands (?)") { state in
                state.showHelp = true
                return []
            },
            Command(name: "quit", help: "leave Ward (q)") { state in
                // As q does: unrecorded checklist answers are not dropped without asking.
                if ChecklistKeys.unrecorded(state) > 0 {
                    state.confirm = .quit
                    return []
                }
                return [.quit]
            },
        ]
        return commands
    }

    /// Commands whose name holds every typed word, in order of where the match starts.
    public static func matching(_ text: String) -> [Command] {
        let words = text.lowercased().split(separator: " ").map(String.init)
        return commands.filter { command in words.allSatisfy { command.name.contains($0) } }
    }
}
