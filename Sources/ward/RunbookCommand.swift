import ArgumentParser
import Foundation
import WardKit

struct RunbookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Walk a runbook inside an incident, phase by phase; it resumes exactly where it was.",
        discussion: """
        Every step is open, done, skipped (with a reason) or not applicable (for steps marked {na}). 'next' \
        refuses while a required step of the phase is open. Entering the recovery runbook's Document phase \
        writes the post-mortem draft and a proposed decision record linked to the incident.

        Example:
          ward runbook start
          ward runbook done stop-actor --note "killed the agent session on dev-3"
          ward runbook skip pause-automation --reason "no scheduled jobs touch this database"
          ward runbook next
        """,
        subcommands: [Start.self, Show.self, Done.self, Skip.self, NotApplicable.self, Reopen.self, Next.self, Back.self]
    )

    struct RunOptions: ParsableArguments {
        @Option(name: .customLong("runbook"), help: "Which run, when the incident has more than one (default: the latest unfinished).")
        var name: String?
        @Flag(help: "Write notes and reasons as typed even if they look like they hold a secret.") var keepSecrets = false
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start a runbook (default: recovery) in an incident.",
            discussion: "Example:\n  ward runbook start prod-db --runbook data-loss"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?
        @Option(help: "The runbook's name: recovery, data-loss, or one in the store's runbooks/.") var runbook = "recovery"

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            report(try store.startRunbook(found, name: runbook), incident: found.id, json: global.json)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the run: its phases with progress and time spent, and the current phase's steps.",
            discussion: "Example:\n  ward runbook show --json"
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?
        @Flag(help: "List the steps of every phase, not only the current one.") var all = false

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            let run = try store.run(in: found, named: options.name)
            let now = store.now()
            if global.json {
                Output.json(JSONShapes.run(run, incident: found.id, now: now))
                return
            }
            let position = run.currentPhase.map { "phase \(run.current + 1) of \(run.phases.count): \($0.name)" } ?? "finished"
            Output.line("\(run.title) runbook · \(found.id) · \(position)")
            for (index, phase) in run.phases.enumerated() {
                let (settled, total) = run.progress(ofPhase: index)
                let mark = index < run.current ? "done" : index == run.current ? "  ->" : "    "
                let time = index <= run.current ? Durations.short(run.time(inPhase: index, now: now)) : ""
                Output.line("  \(mark) \(phase.name.padded(to: 14)) \(settled)/\(total)  \(time)")
            }
            for (index, phase) in run.phases.enumerated() where all || index == run.current {
                Output.line()
                Output.line("\(phase.name):")
                for step in phase.steps { Output.line("  " + Self.line(step, run)) }
            }
            if let phase = run.currentPhase {
                let open = run.openRequired(inPhase: run.current)
                Output.line()
                Output.line(open.isEmpty ? "All required steps of \(phase.name) are settled: 'ward runbook next' moves on."
                                         : "Required and open: \(open.map(\.id).joined(separator: ", ")).")
            }
        }

        static func line(_ step: TaskItem, _ run: RunbookRun) -> String {
            let record = run.steps[step.id]
            let box: String = switch record?.state ?? .open {
            case .open: "[ ]"
            case .done: "[x]"
            case .skipped: "[-]"
            case .notApplicable: "[~]"
            }
            var text = "\(box) \(step.id): \(step.text)" + (step.required ? " (required)" : "")
            if let record, record.state != .open {
                let stamp = Timestamps.format(record.at)
                let sameDay = stamp.prefix(10) == Timestamps.format(run.started).prefix(10)
                text += "  · \(record.by) " + (sameDay ? String(stamp.dropFirst(11).prefix(5)) : stamp.dropFirst(5).prefix(11).replacingOccurrences(of: "T", with: " "))
                if let reason = record.reason { text += ": \(reason)" }
                if let note = record.note { text += ": \(note)" }
            }
            return text
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "done",
            abstract: "Mark a step done.",
            discussion: "Example:\n  ward runbook done revoke-credentials --note \"rotated the prod-main password\""
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "[INCIDENT] STEP.") var words: [String]
        @Option(help: "What was done, for the post-mortem.") var note: String?

        func run() throws {
            try change(global, options, words, to: .done, note: note)
        }
    }

    struct Skip: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "skip",
            abstract: "Skip a step, with a reason. A skipped required step no longer holds its phase back.",
            discussion: "Example:\n  ward runbook skip writes-since --reason \"writes were stopped before the damage\""
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "[INCIDENT] STEP.") var words: [String]
        @Option(help: "Why it is skipped (required).") var reason: String

        func run() throws {
            try change(global, options, words, to: .skipped, reason: reason)
        }
    }

    struct NotApplicable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "na",
            abstract: "Mark a step not applicable (only steps marked {na}).",
            discussion: "Example:\n  ward runbook na rebuild-replicas --reason \"no replicas\""
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "[INCIDENT] STEP.") var words: [String]
        @Option(help: "Why it does not apply.") var reason: String?

        func run() throws {
            try change(global, options, words, to: .notApplicable, reason: reason)
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reopen",
            abstract: "Open a step again (undo done, skip or n/a).",
            discussion: "Example:\n  ward runbook reopen verify-restore --reason \"row counts were from the wrong table\""
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "[INCIDENT] STEP.") var words: [String]
        @Option(help: "Why.") var reason: String?

        func run() throws {
            try change(global, options, words, to: .open, reason: reason)
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "Move to the next phase; refuses while a required step of this phase is open, and names them.",
            discussion: "Example:\n  ward runbook next"
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            let (recorded, documents) = try store.nextPhase(found, run: options.name)
            if global.json, let event = recorded.event {
                guard case var .object(object) = JSONShapes.event(event) else { return }
                object["incident"] = .string(found.id)
                if let documents {
                    object["postmortem"] = .string(documents.postmortemPath)
                    object["decision"] = documents.decision.map { .string($0.path) } ?? .null
                }
                Output.json(.object(object))
            } else {
                report(recorded, incident: found.id, json: global.json)
            }
        }
    }

    struct Back: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "back",
            abstract: "Reopen the previous phase, with a reason.",
            discussion: "Example:\n  ward runbook back --reason \"the restore is missing the orders table\""
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RunOptions
        @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?
        @Option(help: "Why (required).") var reason: String

        func run() throws {
            let store = try global.openStore()
            let found = try store.findIncident(incident)
            let recorded = try store.backPhase(found, run: options.name, reason: reason, keepSecrets: options.keepSecrets)
            warnAboutHidden(recorded)
            report(recorded, incident: found.id, json: global.json)
        }
    }
}

private func change(_ global: GlobalOptions, _ options: RunbookCommand.RunOptions, _ words: [String], to state: StepState,
                    reason: String? = nil, note: String? = nil) throws {
    let store = try global.openStore()
    let (query, step) = try splitIncidentAndValue(words, what: "STEP")
    let found = try store.findIncident(query)
    let recorded = try store.setStep(found, run: options.name, step: step, to: state, reason: reason, note: note,
                                     keepSecrets: options.keepSecrets)
    warnAboutHidden(recorded)
    report(recorded, incident: found.id, json: global.json)
}
