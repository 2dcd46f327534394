import ArgumentParser
import Foundation
import WardKit

struct ActionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action",
        abstract: "Action items across all incidents: from TODO: notes, from post-mortems, or added here.",
        discussion: """
        An item has a title, an owner, a due date, a type (mitigate, prevent, detect, process) and a state \
        (open, done, or won't do with a reason). Name an item by the short id 'ward action list' shows, or \
        any unique part of its full id. An empty --owner "" or --due "" clears it.

        Examples:
          ward action list --open
          ward action add prod-db "Give the migration runner a role without DROP" --owner emeka --due +14d --type prevent
          ward action done 3kq9x7ab
          ward action wontdo 3kq9x7ab --reason "the runner is being replaced in January"
        """,
        subcommands: [List.self, Add.self, Done.self, WontDo.self, Reopen.self, Edit.self],
        defaultSubcommand: List.self
    )

    /// The item a command changes: its id, and its incident when the id is not enough.
    struct ItemOptions: ParsableArguments {
        @Argument(help: "The item's id, or any unique part of it.") var item: String
        @Option(help: "The incident it belongs to, when the id is not enough.") var incident: String?

        /// Finds the item once, changes it, and reports the change.
        func change(_ global: GlobalOptions, _ body: (Store, ActionItem) throws -> Recorded) throws {
            let store = try global.openStore()
            let found = try store.findAction(item, incident: incident)
            report(try body(store, found), incident: found.incident, json: global.json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List action items, open and overdue first.",
                                                        discussion: "Example:\n  ward action list --open --json")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only the open ones.") var open = false
        @Option(help: "Only this owner's.") var owner: String?

        func run() throws {
            let store = try global.openStore()
            let today = store.today
            let items = Store.sortedForWork(store.allActions(), today: today)
                .filter { (!open || $0.state == .open) && (owner == nil || $0.owner == owner) }
            if global.json {
                Output.json(.array(items.map { JSONShapes.action($0, today: today) }))
                return
            }
            if items.isEmpty {
                Output.note(open ? "No open action items." : "No action items yet: a note starting 'TODO:' or 'ward action add' makes one.")
                return
            }
            Output.table([["ID", "STATE", "DUE", "OWNER", "TYPE", "INCIDENT", "TITLE"]] + items.map { item in
                let state = item.isOverdue(today: today) ? "OVERDUE" : item.state == .wontDo ? "won't do" : item.state.rawValue
                return [item.shortID, state, item.due ?? "-", item.owner ?? "-", item.type?.rawValue ?? "-", item.incident, item.title]
            })
            let openCount = items.filter { $0.state == .open }.count
            let overdue = items.filter { $0.isOverdue(today: today) }.count
            Output.note("\(openCount) open, \(overdue) overdue.")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an action item to an incident.",
            discussion: "Example:\n  ward action add \"Alert on replica lag over 30 s\" --owner bo --due 2026-12-15 --type detect"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "[INCIDENT] TITLE (the incident may be left out when exactly one is active).") var words: [String]
        @Option(help: "Who does it.") var owner: String?
        @Option(help: "By when: YYYY-MM-DD, or +3d, +2w.") var due: String?
        @Option(help: "mitigate, prevent, detect or process.") var type: String?
        @Flag(help: "Write the title as typed even if it looks like it holds a secret.") var keepSecrets = false

        func run() throws {
            let store = try global.openStore()
            guard !words.isEmpty, words.count <= 2 else { throw WardError("expected [INCIDENT] TITLE (quote the title)") }
            let incident = try store.findIncident(words.count == 2 ? words[0] : nil)
            let recorded = try store.addAction(incident, title: words.last!, owner: owner, due: due,
                                               type: try type.map(ActionItem.Kind.parse), keepSecrets: keepSecrets)
            warnAboutHidden(recorded)
            report(recorded, incident: incident.id, json: global.json)
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark an action item done.", discussion: "Example:\n  ward action done 3kq9x7ab")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: ItemOptions

        func run() throws {
            try target.change(global) { store, item in try store.updateAction(item, state: .done) }
        }
    }

    struct WontDo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wontdo",
            abstract: "Close an action item that will not be done, with the reason.",
            discussion: "Example:\n  ward action wontdo 3kq9x7ab --reason \"superseded by decision 0012\""
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: ItemOptions
        @Option(help: "Why it will not be done (required).") var reason: String

        func run() throws {
            try target.change(global) { store, item in try store.updateAction(item, state: .wontDo, reason: reason) }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Open a closed action item again.", discussion: "Example:\n  ward action reopen 3kq9x7ab --reason \"the alert never fired\"")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: ItemOptions
        @Option(help: "Why.") var reason: String?

        func run() throws {
            try target.change(global) { store, item in try store.updateAction(item, state: .open, reason: reason) }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change an action item's owner, due date, type or title.",
            discussion: "Example:\n  ward action set 3kq9x7ab --owner chidi --due +1w"
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: ItemOptions
        @Option(help: "Who does it (\"\" for nobody).") var owner: String?
        @Option(help: "By when: YYYY-MM-DD, +3d, +2w (\"\" for no date).") var due: String?
        @Option(help: "mitigate, prevent, detect or process.") var type: String?
        @Option(help: "A new title.") var title: String?

        func run() throws {
            let kind = try type.map(ActionItem.Kind.parse)
            try target.change(global) { store, item in
                try store.updateAction(item, owner: owner, due: due, type: kind, title: title)
            }
        }
    }
}
