import ArgumentParser
import Foundation
import WardKit

struct ADRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adr",
        abstract: "Decision records (ADRs), in MADR or adr-tools' Nygard form.",
        subcommands: [New.self, List.self, Show.self, Status.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new decision record, proposed; prints its path.",
            discussion: """
            The form is ward.yaml's 'decisions.format' unless --format says otherwise. Superseded records \
            are marked superseded, in their own form.

            Examples:
              ward adr new "Agents never hold production credentials" --incident prod-db
              ward adr new "Restore-test backups weekly" --supersedes 4 --format nygard
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "What is decided, in a few words.") var title: [String]
        @Option(help: "The number of a record this one replaces (repeat for more).") var supersedes: [Int] = []
        @Option(help: "madr or nygard.") var format: String?
        @Option(name: .customLong("incident"), help: "An incident this decision came from (repeat for more).") var incidents: [String] = []

        func run() throws {
            let store = try global.openStore()
            var chosen: DecisionFormat?
            if let format {
                guard let parsed = DecisionFormat(rawValue: format.lowercased()) else {
                    throw WardError("--format: use madr or nygard, not '\(format)'")
                }
                chosen = parsed
            }
            let incidentIDs = try incidents.map { try store.findIncident($0).id }
            let decision = try store.newDecision(title: title.joined(separator: " "), format: chosen,
                                                 supersedes: supersedes, incidents: incidentIDs)
            if global.json {
                Output.json(.object(["number": .number(Double(decision.number)), "path": .string(decision.path)]))
            } else {
                Output.line(decision.path)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every decision record.",
            discussion: "Example:\n  ward adr list --json"
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let store = try global.openStore()
            let (decisions, problems) = store.loadDecisions()
            if global.json {
                Output.json(.array(decisions.map { JSONShapes.decision($0) }))
                return
            }
            if decisions.isEmpty {
                Output.note("No decision records in \(store.decisionsDirectory)/ yet. Write one with 'ward adr new TITLE'.")
            } else {
                Output.table([["NUM", "STATUS", "DATE", "TITLE"]] + decisions.map {
                    var title = $0.title
                    if !$0.supersededBy.isEmpty { title += " (→ " + $0.supersededBy.map(String.init).joined(separator: ", ") + ")" }
                    return [Decision.padded($0.number), $0.status?.rawValue ?? ($0.statusText.isEmpty ? "?" : $0.statusText),
                            $0.date ?? "", title]
                })
            }
            warnAboutProblems(problems)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one decision record.",
            discussion: "Example:\n  ward adr show 7"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its number.") var number: Int

        func run() throws {
            let store = try global.openStore()
            let decision = try store.findDecision(number)
            if global.json {
                Output.json(JSONShapes.decision(decision, body: true))
                return
            }
            Output.line("\(decision.number). \(decision.title)")
            Output.line("Status: \(decision.status?.rawValue ?? decision.statusText)" + (decision.date.map { "   Date: \($0)" } ?? ""))
            let links: [(String, [String])] = [
                ("Supersedes", decision.supersedes.map(String.init)), ("Superseded by", decision.supersededBy.map(String.init)),
                ("Relates to", decision.relatesTo.map(String.init)), ("Incidents", decision.incidents), ("Tags", decision.tags),
            ]
            for (label, values) in links where !values.isEmpty {
                Output.line("\(label): \(values.joined(separator: ", "))")
            }
            Output.line("File: \(decision.path)")
            Output.line()
            Output.line(decision.body.trimmingCharacters(in: .newlines))
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a decision's status: proposed → accepted or rejected; accepted → deprecated or superseded.",
            discussion: """
            Only the status line of the file changes (in an adr-tools record, its ## Status section).

            Example:
              ward adr status 12 accepted
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its number.") var number: Int
        @Argument(help: "proposed, accepted, rejected, deprecated or superseded.") var status: String

        func run() throws {
            let store = try global.openStore()
            guard let wanted = DecisionStatus(rawValue: status.lowercased()) else {
                throw WardError("unknown status '\(status)': use one of \(DecisionStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let decision = try store.setDecisionStatus(number, to: wanted)
            if global.json {
                Output.json(JSONShapes.decision(decision))
            } else {
                Output.line("\(decision.path) is now \(wanted.rawValue).")
            }
        }
    }
}
