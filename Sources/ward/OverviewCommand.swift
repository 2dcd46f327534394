import ArgumentParser
import Foundation
import WardKit

/// `ward` with no command: the terminal UI on a terminal, the text overview otherwise.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the terminal UI (what 'ward' alone does on a terminal).",
        shouldDisplay: false
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        guard isatty(0) == 1, isatty(1) == 1, !global.json else {
            var overview = OverviewCommand()
            overview.global = global
            return try overview.run()
        }
        let store: Store
        switch try StoreLocator.locate(explicit: global.store) {
        case let .store(url): store = try Store(root: url)
        case .none: store = try DemoStore.open()
        }
        try TUIRunner.run(store: store)
    }
}

/// The store at a glance as text: active incidents, raised red flags, recent decisions.
struct OverviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview",
        abstract: "The store at a glance as text: active incidents, raised red flags and recent decisions."
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let incidents = store.loadIncidents()
        let active = incidents.filter(\.state.isActive).sorted { $0.state.declared > $1.state.declared }
        let decisions = store.loadDecisions().decisions
        let raised = Store.raisedRedFlags(store.loadChecklistRuns(incidents: incidents).runs)
        if global.json {
            Output.json(.object([
                "store": .string(store.root.path), "demo": .bool(store.isDemo),
                "incidents": .number(Double(incidents.count)), "active": .array(active.map(JSONShapes.incident)),
                "decisions": .number(Double(decisions.count)),
                "red_flags": .array(raised.map(JSONShapes.checklistRun)),
            ]))
            return
        }
        Output.line("Ward · \(store.config.name ?? store.root.lastPathComponent)" + (store.isDemo ? " (demo store, read-only)" : "") + " · \(store.root.path)")
        Output.line()
        Output.line(active.isEmpty ? "No active incidents." : "Active incidents:")
        let now = store.now()
        Output.table(active.map {
            ["  " + $0.state.severity, $0.state.status.rawValue, Durations.short(now.timeIntervalSince($0.state.declared)), $0.id, $0.state.title]
        })
        for run in raised {
            Output.line()
            Output.line("Red flag raised by the last \(run.title) run (\(run.shortID), \(Durations.short(now.timeIntervalSince(run.at))) ago by \(run.by)):")
            for outcome in run.verdict.redFlags {
                Output.line("  \(outcome.item.id): \(outcome.item.text)" + (outcome.note.isEmpty ? "" : " (\(outcome.note))"))
            }
        }
        Output.line()
        Output.line("\(incidents.count) incidents in all · \(decisions.count) decisions")
        let recent = decisions.sorted { ($0.date ?? "", $0.number) > ($1.date ?? "", $1.number) }.prefix(5)
        if !recent.isEmpty {
            Output.line("Recent decisions:")
            Output.table(recent.map { ["  " + Decision.padded($0.number), $0.status?.rawValue ?? "?", $0.title] })
        }
        Output.line()
        Output.line("ward --help lists the commands; ward incident list --all, ward adr list, ward check list, ward search WORD.")
    }
}
