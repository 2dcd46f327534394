import ArgumentParser
import Foundation
import WardKit

struct PostmortemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Draft an incident's post-mortem from what was recorded, and take it through review.",
        discussion: """
        A post-mortem is a draft, then in review (with reviewers), then published. Ward does not change a \
        published post-mortem until it is reopened with a reason.

        Examples:
          ward postmortem draft prod-db
          ward postmortem review prod-db --reviewer ana --reviewer bo
          ward postmortem publish prod-db
          ward postmortem reopen prod-db --reason "the root cause was wrong"
        """,
        subcommands: [Draft.self, Review.self, Publish.self, Reopen.self]
    )

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "review", abstract: "Send the post-mortem for review.",
                                                        discussion: "Example:\n  ward postmortem review --reviewer ana --reviewer bo")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?
        @Option(name: .customLong("reviewer"), help: "A reviewer (repeat for more).") var reviewers: [String] = []

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            report(try store.reviewPostmortem(found, reviewers: reviewers), incident: found.id, json: global.json)
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish a reviewed post-mortem.", discussion: "Example:\n  ward postmortem publish prod-db")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            report(try store.publishPostmortem(found), incident: found.id, json: global.json)
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Make a post-mortem a draft again, with the reason.",
                                                        discussion: "Example:\n  ward postmortem reopen prod-db --reason \"a second cause was found\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?
        @Option(help: "Why (required).") var reason: String

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            report(try store.reopenPostmortem(found, reason: reason), incident: found.id, json: global.json)
        }
    }

    struct Draft: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draft",
            abstract: "Write the post-mortem draft, or refresh the parts Ward generates (between ward:begin and ward:end).",
            discussion: "What people wrote outside those blocks is kept as it is.\n\nExample:\n  ward postmortem draft prod-db"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            let (path, change) = try store.draftPostmortem(found)
            if global.json {
                Output.json(.object(["path": .string(path), "change": .string(change)]))
            } else {
                Output.line(path)
                Output.note("Post-mortem draft \(change).")
            }
        }
    }
}
