import Foundation
import WardKit
import WardTUI

/// Performs a change the TUI asked for, through the same WardKit calls as the CLI, and says how it went.
/// The message is made only after the write returned: "saved" on screen means on disk.
enum Perform {
    static func run(_ change: Change, in store: Store) -> Message {
        do {
            switch change {
            case let .declare(title, severity, services, commander):
                let incident = try store.declare(title: title, severity: severity, services: services,
                                                 commander: commander.isEmpty ? nil : commander)
                return .performed(text: "Declared \(incident.state.severity) \(incident.id). i logs a note, R starts the recovery runbook.",
                                  isError: false, open: .incident(incident.id))
            case let .note(id, text, at, key, keepSecrets):
                let recorded = try store.addNote(store.findIncident(id), text: text, at: at, key: key, keepSecrets: keepSecrets)
                return done(recorded)
            case let .startRunbook(id, name):
                return done(try store.startRunbook(store.findIncident(id), name: name))
            case let .step(id, runbook, step, state, reason):
                return done(try store.setStep(store.findIncident(id), run: runbook, step: step, to: state, reason: reason))
            case let .nextPhase(id, runbook, from):
                return done(try store.nextPhase(store.findIncident(id), run: runbook, from: from).recorded)
            case let .backPhase(id, runbook, from, reason):
                return done(try store.backPhase(store.findIncident(id), run: runbook, reason: reason, from: from))
            case let .status(id, status, reason):
                return done(try store.setStatus(store.findIncident(id), to: status, reason: reason))
            case let .severity(id, severity, reason):
                return done(try store.setSeverity(store.findIncident(id), to: severity, reason: reason))
            case let .assign(id, role, name):
                return done(try store.assign(store.findIncident(id), role: role, to: name))
            case let .milestone(id, milestone, at):
                return done(try store.setMilestone(store.findIncident(id), milestone, at: at))
            case let .actionState(incident, action, state, reason):
                return done(try store.updateAction(action, incident: incident, state: state, reason: reason))
            case let .draftPostmortem(id):
                let (path, change) = try store.draftPostmortem(store.findIncident(id))
                return .performed(text: "Post-mortem draft \(change): \(path). e edits it.", isError: false, open: .postmortem(id))
            case let .recordChecklist(name, incident, answers, notes):
                let checklist = try store.checklist(named: name)
                let inside = try incident.map { try store.findIncident($0) }
                let (run, hidden) = try store.recordChecklistRun(checklist, answers: answers, notes: notes, incident: inside)
                var text = "Recorded \(run.result.rawValue) for \(run.title) (run \(run.shortID))."
                if !hidden.isEmpty { text += " Hidden in its notes: \(Secrets.describe(hidden))." }
                return .performed(text: text, isError: false, open: .recordedRun(run.id))
            }
        } catch {
            return .performed(text: "Not saved: \(error)", isError: true, open: nil)
        }
    }

    static func done(_ recorded: Recorded) -> Message {
        .performed(text: recorded.message, isError: false, open: nil)
    }
}
