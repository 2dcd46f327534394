import ArgumentParser
import Foundation
import WardKit

/// What `ward` with no command shows: the store at a glance.
struct OverviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview",
        abstract: "The store at a glance: active incidents, recent decisions (what 'ward' alone shows).",
        shouldDisplay: false
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let incidents = store.loadIncidents()
        let active = incidents.filter(\.state.isActive).sorted { $0.state.declared > $1.state.declared }
        let decisions = store.loadDecisions().decisions
        if global.json {
            Output.json(.object([
                "store": .string(store.root.path), "demo": .bool(store.isDemo),
                "incidents": .number(Double(incidents.count)), "active": .array(active.map(JSONShapes.incident)),
                "decisions": .number(Double(decisions.count)),
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
        Output.line()
        Output.line("\(incidents.count) incidents in all · \(decisions.count) decisions")
        let recent = decisions.sorted { ($0.date ?? "", $0.number) > ($1.date ?? "", $1.number) }.prefix(5)
        if !recent.isEmpty {
            Output.line("Recent decisions:")
            Output.table(recent.map { ["  " + Decision.padded($0.number), $0.status?.rawValue ?? "?", $0.title] })
        }
        Output.line()
        Output.line("ward --help lists the commands; ward incident list --all, ward adr list, ward search WORD.")
    }
}
