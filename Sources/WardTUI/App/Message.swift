import Foundation
import WardKit

/// Everything that can happen to the app.
public enum Message: Sendable {
    case key(Key)
    case mouse(Mouse)
    case resize(width: Int, height: Int)
    /// Once a second or so: clocks move on, messages expire.
    case tick(Date)
    /// The store was read again (after a change on disk or an edit).
    case loaded(Snapshot)
    /// The editor closed; `problem` says what is wrong with the file now, if anything.
    case edited(path: String, problem: String?, changed: Bool)
    /// The editor could not be started, or failed.
    case editorFailed(String)
    /// A file an edit had broken was read again (after a reload); nil `problem` means it reads fine now.
    case checked(path: String, problem: String?)
    /// A change was written (or refused): what to say, and a screen to open (a new incident).
    case performed(text: String, isError: Bool, open: Route?)
    /// The store's git state, read again (nil: the store is in no git repository).
    case syncState(SyncStatus?)
    /// A `ward sync` the app asked for ended: what to say.
    case synced(text: String, isError: Bool)
}

/// A change a person asks of the store from the TUI. The shell performs it through WardKit, which checks
/// and writes it exactly as the CLI twin would.
public enum Change: Sendable, Equatable {
    case declare(title: String, severity: String, services: [String], commander: String)
    case note(incident: String, text: String, at: Date?, key: Bool, keepSecrets: Bool)
    case startRunbook(incident: String, name: String)
    case step(incident: String, runbook: String, step: String, state: StepState, reason: String?)
    /// `from`: the phase on screen when the key was pressed; the store refuses if the run has moved since.
    case nextPhase(incident: String, runbook: String, from: String)
    case backPhase(incident: String, runbook: String, from: String, reason: String)
    case status(incident: String, status: IncidentStatus, reason: String?)
    case severity(incident: String, severity: String, reason: String?)
    case assign(incident: String, role: String, name: String)
    case milestone(incident: String, milestone: Milestone, at: Date?)
    case actionState(incident: String, action: String, state: ActionItem.State, reason: String?)
    case draftPostmortem(incident: String)
    /// A finished checklist run: every item answered. Inside `incident` when given (into its timeline),
    /// else on its own (`checklists/runs/NAME.jsonl`). Secrets in the notes are hidden.
    case recordChecklist(name: String, incident: String?, answers: [String: ChecklistAnswer], notes: [String: String])
}

/// What `update` asks the shell to do: data, run outside the pure core.
public enum Effect: Sendable, Equatable {
    case quit
    /// Leave the screen, run $VISUAL/$EDITOR on the file, come back and reload.
    case edit(path: String)
    case reload
    /// Commit, pull and push the store (git), in the background; the shell answers with `.synced`.
    case sync
    /// Write a change to the store, then say how it went with `.performed`.
    case perform(Change)
}
