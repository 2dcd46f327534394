import ArgumentParser
import Foundation
import WardKit

struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Declare incidents and change their status, severity and roles.",
        subcommands: [Declare.self, List.self, Show.self, Status.self, Time.self, Severity.self, Assign.self]
    )

    struct Declare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "declare",
            abstract: "Declare an incident; prints its id. The clock starts now.",
            discussion: """
            Severities are defined in ward.yaml (SEV1 to SEV4 by default). When unsure, pick the higher one.

            Example:
              ward incident declare "Production database deleted" --severity 1 --commander ana \\
                --service api --service postgres --started -20m
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "What is wrong, in a few words.") var title: [String]
        @Option(help: "SEV1 to SEV4 (or 1 to 4).") var severity: String
        @Option(help: "Who leads the response.") var commander: String?
        @Option(name: .customLong("service"), help: "An affected service (repeat for more).") var services: [String] = []
        @Option(parsing: .unconditional, help: ArgumentHelp("When the impact started, if earlier: 03:10, -20m, or ISO 8601.", valueName: "TIME")) var started: String?

        func run() throws {
            let store = try global.openStore()
            let incident = try store.declare(title: title.joined(separator: " "), severity: severity, services: services,
                                             commander: commander, impactStarted: try parseTime(started, store: store, option: "--started"))
            if global.json {
                Output.json(JSONShapes.incident(incident))
            } else {
                Output.line(incident.id)
                Output.note("Declared \(incident.state.severity) \(incident.state.title) at \(Timestamps.format(incident.state.declared)).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List active incidents (all with --all).",
            discussion: "Example:\n  ward incident list --all --json"
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include resolved incidents.") var all = false

        func run() throws {
            let store = try global.openStore()
            if global.json {
                // Ready-made JSON from the derived cache: the same text as rendering each incident.
                let listings = store.incidentListings()
                // With --all, the listings as they come (a filter that keeps all twenty thousand copies each).
                let found = all ? listings : listings.filter(\.isActive)
                // Sorted as indices (moving twenty thousand listings about costs a retain and release a move),
                // by the same stable sort, so ties keep the same order.
                let listed = found.indices.sorted { found[$0].declared > found[$1].declared }.map { found[$0] }
                // Written where the texts lie (no copy of tens of megabytes into one buffer first).
                var parts: [ArraySlice<UInt8>] = [[UInt8(ascii: "[")]]
                let comma: ArraySlice<UInt8> = [UInt8(ascii: ",")]
                parts.reserveCapacity(listed.count * 2 + 2)
                for (index, incident) in listed.enumerated() {
                    if index > 0 { parts.append(comma) }
                    parts.append(incident.json)
                }
                parts.append(ArraySlice("]\n".utf8))
                Output.raw(parts)
                return
            }
            let incidents = store.incidentSummaries().filter { all || $0.isActive }.sorted { $0.declared > $1.declared }
            if incidents.isEmpty {
                Output.note(all ? "No incidents yet." : "No active incidents. (ward incident list --all shows the resolved ones.)")
                return
            }
            let now = store.now()
            Output.table([["ID", "SEV", "STATUS", "AGE", "COMMANDER", "TITLE"]] + incidents.map {
                let end = $0.isActive ? now : ($0.milestones[.resolved] ?? now)
                return [$0.id, $0.severity, $0.status.rawValue, Durations.short(end.timeIntervalSince($0.declared)),
                        $0.commander ?? "-", $0.title]
            })
            warnAboutProblems(incidents.flatMap(\.problems))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one incident: its state, roles, times and what was written about it.",
            discussion: "Example:\n  ward incident show prod-db"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            if global.json {
                guard case var .object(object) = JSONShapes.incident(found) else { return }
                object["body"] = .string(found.record?.body ?? "")
                object["problems"] = .array(found.problems.map(JSONShapes.problem))
                Output.json(.object(object))
                return
            }
            let state = found.state
            Output.line("\(found.id)")
            Output.line("\(state.severity) \(state.status.rawValue.uppercased())  \(state.title)")
            if !state.services.isEmpty { Output.line("Services: \(state.services.joined(separator: ", "))") }
            if !state.roles.isEmpty {
                Output.line("Roles:    " + state.roles.keys.sorted().map { "\($0) \(state.roles[$0]!)" }.joined(separator: ", "))
            }
            for milestone in Milestone.allCases {
                if let date = state.milestones[milestone] {
                    Output.line(String("\(milestone.label):".padded(to: 16)) + Timestamps.format(date))
                }
            }
            Output.line("Timeline: \(found.events.count) events, \(state.noteCount) note\(state.noteCount == 1 ? "" : "s"), \(state.keyEventCount) key")
            for run in state.runs {
                let position = run.currentPhase.map { "phase \(run.current + 1) of \(run.phases.count), \($0.name)" } ?? "finished"
                Output.line("Runbook:  \(run.title), \(position)")
            }
            if !state.actions.isEmpty {
                Output.line("Actions:  \(state.actions.filter { $0.state == .open }.count) open of \(state.actions.count)")
                for item in state.actions { Output.line("  [\(item.state == .done ? "x" : item.state == .wontDo ? "-" : " ")] \(item.title)") }
            }
            if !state.decisions.isEmpty {
                Output.line("Decisions: " + state.decisions.map(Decision.padded).joined(separator: ", "))
            }
            if let body = found.record?.body.trimmingCharacters(in: .whitespacesAndNewlines), !body.isEmpty {
                Output.line()
                Output.line(body)
            }
            warnAboutProblems(found.problems)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Change the status: investigating, identified, mitigated, monitoring, resolved.",
            discussion: """
            Reopening a resolved incident needs --reason.

            Examples:
              ward incident status mitigated
              ward incident status prod-db resolved --at 04:52
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "[INCIDENT] STATUS: the incident may be left out when exactly one is active.") var words: [String]
        @Option(parsing: .unconditional, help: ArgumentHelp("When it changed, if earlier: 03:10, -5m, or ISO 8601.", valueName: "TIME")) var at: String?
        @Option(help: "Why (required to reopen a resolved incident).") var reason: String?
        @Flag(help: "Write the reason as typed even if it looks like it holds a secret.") var keepSecrets = false

        func run() throws {
            let store = try global.openStore()
            let (query, value) = try splitIncidentAndValue(words, what: "STATUS")
            let status = try IncidentStatus.parse(value)
            let incident = try store.findIncident(query)
            let recorded = try store.setStatus(incident, to: status, at: try parseTime(at, store: store, option: "--at"), reason: reason,
                                               keepSecrets: keepSecrets)
            warnAboutHidden(recorded)
            report(recorded, incident: incident.id, json: global.json, unchanged: ["status": .string(status.rawValue)])
        }
    }

    struct Time: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "time",
            abstract: "Record when impact started, or when it was detected, acknowledged, mitigated or resolved.",
            discussion: """
            The times must keep that order; one that does not is refused, naming the two that disagree. \
            Status changes to mitigated and resolved set those times too, unless set here.

            Examples:
              ward incident time acknowledged                 now
              ward incident time prod-db impact_started --at 02:58
              ward incident time detected --at -20m
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "[INCIDENT] MILESTONE: impact_started, detected, acknowledged, mitigated or resolved.") var words: [String]
        @Option(parsing: .unconditional, help: ArgumentHelp("When: 03:10, -5m, or ISO 8601 (default: now).", valueName: "TIME")) var at: String?

        func run() throws {
            let store = try global.openStore()
            let (query, value) = try splitIncidentAndValue(words, what: "MILESTONE")
            let milestone = try Milestone.parse(value)
            let incident = try store.findIncident(query)
            let recorded = try store.setMilestone(incident, milestone, at: try parseTime(at, store: store, option: "--at"))
            report(recorded, incident: incident.id, json: global.json)
        }
    }

    struct Severity: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "severity",
            abstract: "Change the severity.",
            discussion: "Example:\n  ward incident severity prod-db 1 --reason \"customer data lost\""
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "[INCIDENT] SEVERITY.") var words: [String]
        @Option(help: "Why it changed.") var reason: String?
        @Flag(help: "Write the reason as typed even if it looks like it holds a secret.") var keepSecrets = false

        func run() throws {
            let store = try global.openStore()
            let (query, value) = try splitIncidentAndValue(words, what: "SEVERITY")
            let severity = try store.config.severity(named: value).name
            let incident = try store.findIncident(query)
            let recorded = try store.setSeverity(incident, to: severity, reason: reason, keepSecrets: keepSecrets)
            warnAboutHidden(recorded)
            report(recorded, incident: incident.id, json: global.json, unchanged: ["severity": .string(severity)])
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assign",
            abstract: "Give a role to someone: commander, scribe, comms, or any responder role. Handovers are logged.",
            discussion: """
            An empty NAME ("") frees the role.

            Examples:
              ward incident assign commander bo          hand command to bo
              ward incident assign prod-db scribe chidi
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "[INCIDENT] ROLE NAME.") var words: [String]

        func run() throws {
            let store = try global.openStore()
            guard words.count == 2 || words.count == 3 else {
                throw WardError("expected [INCIDENT] ROLE NAME, e.g. 'ward incident assign commander ana'")
            }
            let query = words.count == 3 ? words[0] : nil
            let incident = try store.findIncident(query)
            let recorded = try store.assign(incident, role: words[words.count - 2], to: words[words.count - 1])
            report(recorded, incident: incident.id, json: global.json)
        }
    }
}

/// `[INCIDENT] VALUE` arguments: one word is the value, two are the incident and the value.
func splitIncidentAndValue(_ words: [String], what: String) throws -> (String?, String) {
    switch words.count {
    case 1: return (nil, words[0])
    case 2: return (words[0], words[1])
    default: throw WardError("expected [INCIDENT] \(what)")
    }
}

/// Confirms a recorded event: the message to a person, or the event as JSON.
func report(_ event: Event, incident: String, json: Bool, _ message: String) {
    if json {
        guard case var .object(object) = JSONShapes.event(event) else { return }
        object["incident"] = .string(incident)
        Output.json(.object(object))
    } else {
        Output.line(message)
    }
}

/// Confirms a change: its event (or, when nothing needed recording, a note saying so, and for scripts the
/// incident's id with `unchanged`, the value it already had).
func report(_ recorded: Recorded, incident: String, json: Bool, unchanged: [String: JSONValue] = [:]) {
    guard let event = recorded.event else {
        Output.note(recorded.message)
        if json {
            Output.json(.object(unchanged.merging(["id": .string(incident), "incident": .string(incident), "recorded": .bool(false)]) { $1 }))
        }
        return
    }
    report(event, incident: incident, json: json, recorded.message)
}

/// Says on stderr that secrets were hidden from what was written, and how to keep them.
func warnAboutHidden(_ recorded: Recorded) {
    guard !recorded.redacted.isEmpty else { return }
    Output.note("warning: hid \(Secrets.describe(recorded.redacted)) in what was written; --keep-secrets writes it as typed")
}

/// Tells a person, on stderr, which files could not be read fully; details in 'ward doctor'.
func warnAboutProblems(_ problems: [Problem]) {
    let errors = problems.filter { $0.level == .error }
    for problem in errors.prefix(3) { Output.note("warning: \(problem.description)") }
    if errors.count > 3 { Output.note("warning: \(errors.count - 3) more problems; run 'ward doctor'") }
    let warnings = problems.filter { $0.level == .warning }
    if let first = warnings.first {
        Output.note("note: \(first.description)" + (warnings.count > 1 ? " (and \(warnings.count - 1) more; run 'ward doctor')" : ""))
    }
}
