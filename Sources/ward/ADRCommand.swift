import ArgumentParser
import Foundation
import WardKit

struct ADRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adr",
        abstract: "Decision records (ADRs), in MADR or adr-tools' Nygard form.",
        discussion: """
        Ward reads the records where they are: ward.yaml's decisions.dir, else the directory named by \
        .adr-dir (adr-tools) or .log4brains.yml, else doc/adr, docs/decisions, docs/adr or decisions. \
        Records are edited in their own form, so adr-tools and log4brains keep working on them.
        """,
        subcommands: [New.self, List.self, Show.self, Status.self, Link.self, Renumber.self, Index.self, Graph.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Write a new decision record, proposed; prints its path.",
            discussion: """
            The form is ward.yaml's 'decisions.format' unless --format says otherwise. Superseded records \
            are marked superseded, in their own form.

            Examples:
              ward adr new "Agents never hold production credentials" --incident prod-db
              ward adr new "Restore-test backups weekly" --supersedes 4 --format nygard
              ward adr new "Rotate keys quarterly" --link amends:7
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "What is decided, in a few words.") var title: [String]
        @Option(help: "The number of a record this one replaces (repeat for more).") var supersedes: [Int] = []
        @Option(help: "madr or nygard.") var format: String?
        @Option(name: .customLong("incident"), help: "An incident this decision came from (repeat for more).") var incidents: [String] = []
        @Option(name: .customLong("link"), help: ArgumentHelp("A link to another record, as TYPE:N (amends:3, clarifies:5, relates-to:2); repeat for more.", valueName: "TYPE:N"))
        var links: [String] = []

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
            let typed = try links.map { text -> DecisionLink in
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, let number = Int(parts[1].uppercased().replacingOccurrences(of: "ADR-", with: "")),
                      DecisionLink.inverse(of: parts[0]) != nil else {
                    throw WardError("--link \(text): use TYPE:N, with TYPE one of \(DecisionLink.knownLabels.map(DecisionLink.frontMatterKey).joined(separator: ", "))")
                }
                return DecisionLink(parts[0], number)
            }
            let decision = try store.newDecision(title: title.joined(separator: " "), format: chosen,
                                                 supersedes: supersedes, incidents: incidentIDs, links: typed)
            if global.json {
                Output.json(.object(["number": .number(Double(decision.number)), "path": .string(decision.path)]))
            } else {
                Output.line(decision.path)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every decision record.",
            discussion: "Examples:\n  ward adr list --json\n  ward adr list --status accepted --tag database"
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only records with this status.") var status: String?
        @Option(help: "Only records with this tag.") var tag: String?

        func run() throws {
            let store = try global.openStore()
            var (decisions, problems) = store.loadDecisions(withBodies: false)
            if let status {
                guard let wanted = DecisionStatus(rawValue: status.lowercased()) else {
                    throw WardError("--status: use one of \(DecisionStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                decisions = decisions.filter { $0.status == wanted }
            }
            if let tag { decisions = decisions.filter { $0.tags.contains { $0.lowercased() == tag.lowercased() } } }
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
            commandName: "show",
            abstract: "Show one decision record, its links and its history.",
            discussion: "Example:\n  ward adr show 7"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its number (7, ADR-0007) or file name.") var record: String

        func run() throws {
            let store = try global.openStore()
            let decision = try store.findDecision(record)
            let history = store.decisionHistory()[decision.fileName] ?? []
            if global.json {
                var shape = JSONShapes.decision(decision, body: true)
                if case var .object(fields) = shape {
                    fields["history"] = .array(history.map { .object(["at": .string(Timestamps.format($0.at)), "by": .string($0.by),
                                                                      "what": .string($0.what), "source": .string($0.fromGit ? "git" : "ward")]) })
                    shape = .object(fields)
                }
                Output.json(shape)
                return
            }
            Output.line("\(decision.number). \(decision.title)")
            Output.line("Status: \(decision.status?.rawValue ?? decision.statusText)" + (decision.date.map { "   Date: \($0)" } ?? ""))
            var links: [(String, [String])] = [("Supersedes", decision.supersedes.map(String.init)),
                                               ("Superseded by", decision.supersededBy.map(String.init))]
            for (label, group) in Dictionary(grouping: decision.links, by: \.label).sorted(by: { $0.key < $1.key }) {
                links.append((DecisionLink.sentence(label), group.map { String($0.number) }))
            }
            links += [("Incidents", decision.incidents), ("Tags", decision.tags)]
            for (label, values) in links where !values.isEmpty {
                Output.line("\(label): \(values.joined(separator: ", "))")
            }
            Output.line("File: \(decision.path)")
            for entry in history {
                Output.line("  \(Timestamps.format(entry.at))  \(entry.by)  \(entry.what)")
            }
            Output.line()
            Output.line(decision.body.trimmingCharacters(in: .newlines))
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Change a decision's status: proposed → accepted or rejected; accepted → deprecated or superseded.",
            discussion: """
            Only the status line of the file changes (in an adr-tools record, its ## Status section). Who \
            changed it and when goes into the decision journal beside the records.

            Example:
              ward adr status 12 accepted
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its number (7, ADR-0007) or file name.") var number: String
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

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link",
            abstract: "Link two decisions both ways (amends, clarifies, relates-to), or a decision and an incident.",
            discussion: """
            The record gets the link, and the other record its inverse (amends ↔ amended by, clarifies ↔ \
            clarified by, relates to ↔ relates to), in one change: both or neither. With --incident, the \
            record names the incident and the incident's timeline records the decision.

            Examples:
              ward adr link 12 amends 7
              ward adr link 12 --incident prod-db
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The record (number or file name).") var record: String
        @Argument(help: "amends, clarifies or relates-to (and the inverses).") var type: String?
        @Argument(help: "The other record.") var target: String?
        @Option(help: "An incident to link the record with.") var incident: String?

        func run() throws {
            let store = try global.openStore()
            if let incident {
                guard type == nil && target == nil else { throw WardError("give either TYPE TARGET or --incident, not both") }
                let decision = try store.linkDecision(record, toIncident: incident)
                if global.json { Output.json(JSONShapes.decision(decision)) } else {
                    Output.line("\(decision.path) and incident \(decision.incidents.last ?? incident) are linked.")
                }
                return
            }
            guard let type, let target else { throw WardError("say how they are linked: ward adr link \(record) amends 7") }
            let (source, other) = try store.linkDecisions(record, type, target)
            if global.json {
                Output.json(.array([JSONShapes.decision(source), JSONShapes.decision(other)]))
            } else {
                Output.line("\(source.fileName) \(DecisionLink.normalise(type)) \(other.fileName); \(other.fileName) says \(DecisionLink.inverse(of: type) ?? "") \(source.number).")
            }
        }
    }

    struct Renumber: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "renumber",
            abstract: "Give a record a new number, rewriting every link to it and every ADR-NNNN mention.",
            discussion: """
            Use it when two branches each wrote a record with the same number ('ward doctor' reports it): \
            name one of them by its file name. Without --to it takes the next free number (counting other \
            branches). The file is renamed, and the links of the records it is linked with follow, in one \
            change. Where the old number stays with another record, mentions elsewhere are left alone and \
            listed, since they may mean that one.

            Example:
              ward adr renumber 0007-use-kafka.md
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The record: its file name (or number, when only one record has it).") var record: String
        @Option(help: "The number it takes.") var to: Int?

        func run() throws {
            let store = try global.openStore()
            let result = try store.renumberDecision(record, to: to)
            if global.json {
                Output.json(.object(["number": .number(Double(result.decision.number)), "path": .string(result.decision.path),
                                     "old_path": .string(result.oldPath), "rewritten": JSONShapes.strings(result.rewritten),
                                     "left_alone": JSONShapes.strings(result.leftAlone)]))
                return
            }
            Output.line("\(result.oldPath) → \(result.decision.path)")
            for path in result.rewritten { Output.line("  links rewritten in \(path)") }
            if let sharer = result.sharedNumberKeptBy {
                Output.note("\(sharer) keeps the old number; mentions of it outside the linked records were left alone.")
            }
            for path in result.leftAlone {
                Output.note("warning: \(path) links to a number two records share, and the decision journal does not say which it means: check its links by hand")
            }
        }
    }

    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "index",
            abstract: "Print a Markdown table of contents of the decisions; --write puts it in the directory's README.",
            discussion: """
            With --write, the table goes between <!-- ward:adr-index --> and <!-- /ward:adr-index --> in \
            README.md of the decisions directory (added at its end, or the README created, when missing); \
            the rest of the README is left as it is.

            Example:
              ward adr index --write
            """
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Update the README between its markers.") var write = false

        func run() throws {
            let store = try global.openStore()
            if write {
                let changed = try store.writeDecisionIndex()
                Output.line(changed ? "\(store.decisionIndexPath) updated." : "\(store.decisionIndexPath) is up to date.")
                return
            }
            let (decisions, problems) = store.loadDecisions()
            Output.line(String(DecisionIndex.markdown(decisions).dropLast()))
            warnAboutProblems(problems)
        }
    }

    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Print the decisions as a Graphviz DOT graph of supersedes and links.",
            discussion: "Example:\n  ward adr graph | dot -Tsvg > decisions.svg"
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let store = try global.openStore()
            let (decisions, problems) = store.loadDecisions()
            Output.line(String(DecisionIndex.dot(decisions).dropLast()))
            warnAboutProblems(problems)
        }
    }
}
