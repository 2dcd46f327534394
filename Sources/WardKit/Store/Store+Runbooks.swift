import Foundation

/// What moving a run into its document phase wrote.
public struct Documents: Sendable {
    public var postmortemPath: String
    /// "written", "refreshed" or "unchanged".
    public var postmortemChange: String
    public var decision: Decision?
    public var decisionCreated: Bool

    public var message: String {
        var parts = ["post-mortem draft \(postmortemChange): \(postmortemPath)"]
        if let decision {
            parts.append((decisionCreated ? "proposed decision written: " : "decision already linked: ") + decision.path)
        }
        return parts.joined(separator: "; ")
    }
}

/// Runbook runs: starting one, and every move of its state machine. Each move is one journal event written
/// under the journal's lock after checking the run as it stands then, so two responders never undo each
/// other and a refused move writes nothing.
extension Store {
    /// The definition named `name`; a store definition with errors is refused with its path and line rather
    /// than silently replaced by the built-in one.
    public func runbook(named name: String) throws -> Runbook {
        let (runbooks, problems) = loadRunbooks()
        return try definition(named: name, kind: "runbook", folder: "runbooks", in: (runbooks, problems), name: \.name, listing: "")
    }

    public func startRunbook(_ incident: Incident, name: String = "recovery") throws -> Recorded {
        let runbook = try runbook(named: name)
        let event = try record("runbook", RunbookRun.startFields(runbook), in: incident.id) { before, after in
            if let run = before.runs.first(where: { $0.name == name }) {
                throw WardError("the \(name) runbook is already running in \(incident.id) (\(Self.where(run))): see 'ward runbook show'")
            }
            guard after.run(named: name) != nil else {
                throw WardError("the \(name) runbook's definition cannot be kept in the timeline (phases need names, steps ids of at most 64 characters); nothing was recorded",
                                path: runbook.builtIn ? nil : runbook.path)
            }
        }
        let first = runbook.phases[0]
        return Recorded(event: event, message: "Started the \(runbook.title) runbook: phase 1 of \(runbook.phases.count), \(first.name) (\(first.steps.count) steps).")
    }

    /// The run a command names (or the current one), or an error saying how to start one.
    public func run(in incident: Incident, named name: String? = nil) throws -> RunbookRun {
        if let run = incident.state.run(named: name) { return run }
        if let name { throw WardError("no \(name) runbook has been started in \(incident.id): 'ward runbook start --runbook \(name)'") }
        throw WardError("no runbook has been started in \(incident.id): 'ward runbook start' starts the recovery runbook")
    }

    /// Marks a step done, skipped (a reason is required), not applicable (only steps marked `{na}`), or open
    /// again. Steps of a phase not yet reached are refused: finish the current phase first.
    public func setStep(_ incident: Incident, run name: String? = nil, step id: String, to state: StepState,
                        reason: String? = nil, note: String? = nil, keepSecrets: Bool = false) throws -> Recorded {
        let run = try self.run(in: incident, named: name)
        var hidden: [String] = []
        let reason = prose(reason, keepSecrets: keepSecrets, hidden: &hidden)
        let note = prose(note, keepSecrets: keepSecrets, hidden: &hidden)
        guard let step = run.step(id) else {
            let ids = run.currentPhase?.steps.map(\.id) ?? []
            throw WardError("the \(run.name) runbook has no step '\(id)'" + (ids.isEmpty ? "" : "; this phase's steps are \(ids.joined(separator: ", "))"))
        }
        if state == .skipped && reason.isEmpty {
            throw WardError("skipping '\(id)' needs a reason (--reason \"why\"): the post-mortem will ask")
        }
        if state == .notApplicable && !step.allowsNotApplicable {
            throw WardError("'\(id)' cannot be marked not applicable (only steps marked {na} can); skip it with a reason instead")
        }
        var fields: [String: JSONValue] = ["runbook": .string(run.name), "step": .string(id), "state": .string(state.rawValue)]
        if !reason.isEmpty { fields["reason"] = .string(reason) }
        if !note.isEmpty { fields["note"] = .string(note) }
        if run.state(of: id) == state && reason.isEmpty && note.isEmpty {
            return Recorded(event: nil, message: "'\(id)' is already \(Self.word(state)); nothing recorded.")
        }
        let event = try record("step", fields, in: incident.id) { before, after in
            guard let now = before.run(named: run.name) else { throw WardError("the \(run.name) runbook is no longer in \(incident.id)") }
            let phase = now.phaseIndex(of: id) ?? 0
            if phase > now.current {
                throw WardError("'\(id)' belongs to \(now.phases[phase].name), and the run is in \(Self.where(now)); finish this phase first ('ward runbook next')")
            }
            try Self.refuseUnseen(after.run(named: run.name)?.steps[id]?.state == state)
        }
        return Recorded(event: event, message: "\(id): \(Self.word(state))" + (reason.isEmpty ? "." : " (\(reason)).") + Self.hiding(hidden),
                        redacted: hidden)
    }

    /// Moves the run to its next phase, refusing while a required step of this phase is open (and naming
    /// them). Entering the document phase writes the post-mortem draft and a proposed decision record.
    /// `from`, when given, is the phase the person saw: if the run has moved since, nothing is written, so
    /// two people pressing "next" on one phase move it once.
    public func nextPhase(_ incident: Incident, run name: String? = nil, from expected: String? = nil) throws -> (recorded: Recorded, documents: Documents?) {
        let run = try self.run(in: incident, named: name)
        guard let phase = run.currentPhase else { throw WardError("the \(run.name) runbook is finished; 'ward runbook back --reason …' reopens its last phase") }
        if let expected, expected != phase.name {
            throw WardError("the \(run.name) runbook has moved to \(phase.name) meanwhile; nothing was recorded")
        }
        let target = run.phases.indices.contains(run.current + 1) ? run.phases[run.current + 1].name : nil
        var fields: [String: JSONValue] = ["runbook": .string(run.name), "direction": .string("next"), "from": .string(phase.name)]
        if let target { fields["to"] = .string(target) }
        let event = try record("phase", fields, in: incident.id) { before, after in
            guard let now = before.run(named: run.name), now.currentPhase?.name == phase.name else {
                throw WardError("someone else moved the \(run.name) runbook meanwhile; it is now in \(before.run(named: run.name).map(Self.where) ?? "no phase"). Nothing was recorded")
            }
            let open = now.openRequired(inPhase: now.current)
            if !open.isEmpty {
                throw WardError("\(phase.name) has required steps still open: \(open.map(\.id).joined(separator: ", ")). Do them, or skip them with a reason ('ward runbook skip STEP --reason …')")
            }
            try Self.refuseUnseen(after.run(named: run.name)?.current == now.current + 1)
        }
        guard let target else {
            return (Recorded(event: event, message: "\(phase.name) done: the \(run.title) runbook is finished."), nil)
        }
        let position = run.current + 2
        var recorded = Recorded(event: event, message: "\(phase.name) done. Now phase \(position) of \(run.phases.count): \(target).")
        guard target == run.documentPhase else { return (recorded, nil) }
        do {
            let documents = try writeDocuments(loadIncident(incident.id))
            recorded.message += " " + documents.message.prefix(1).uppercased() + documents.message.dropFirst() + "."
            return (recorded, documents)
        } catch let error as WardError {
            throw WardError("moved to \(target), but the documents could not be written: \(error.message). 'ward postmortem draft' tries again",
                            path: error.path, line: error.line)
        }
    }

    /// Reopens the previous phase (or the last one of a finished run), with a reason.
    public func backPhase(_ incident: Incident, run name: String? = nil, reason: String, from expected: String? = nil,
                          keepSecrets: Bool = false) throws -> Recorded {
        let run = try self.run(in: incident, named: name)
        var hidden: [String] = []
        let reason = prose(reason, keepSecrets: keepSecrets, hidden: &hidden)
        if let expected, expected != (run.currentPhase?.name ?? "") {
            throw WardError("the \(run.name) runbook has moved to \(run.currentPhase?.name ?? "its end") meanwhile; nothing was recorded")
        }
        guard !reason.isEmpty else { throw WardError("going back needs a reason (--reason \"why\")") }
        guard run.current > 0 else { throw WardError("the \(run.name) runbook is in its first phase, \(run.phases[0].name); there is nothing to go back to") }
        let target = run.phases[run.current - 1].name
        var fields: [String: JSONValue] = ["runbook": .string(run.name), "direction": .string("back"), "to": .string(target),
                                           "reason": .string(reason)]
        if let from = run.currentPhase?.name { fields["from"] = .string(from) }
        let event = try record("phase", fields, in: incident.id) { before, after in
            guard let now = before.run(named: run.name), now.current == run.current else {
                throw WardError("someone else moved the \(run.name) runbook meanwhile; it is now in \(before.run(named: run.name).map(Self.where) ?? "no phase"). Nothing was recorded")
            }
            try Self.refuseUnseen(after.run(named: run.name)?.current == run.current - 1)
        }
        return Recorded(event: event, message: "Back to phase \(run.current) of \(run.phases.count): \(target) (\(reason))." + Self.hiding(hidden),
                        redacted: hidden)
    }

    /// Refuses an event that, once sorted into the journal by its time, would not change the run as it
    /// says: a clock behind the journal's (a clone, a shared disk) would make "done" silently not done.
    static func refuseUnseen(_ takesEffect: Bool) throws {
        guard takesEffect else {
            throw WardError("this change would sort before events already in the timeline and not take effect; is this machine's clock behind? Nothing was recorded")
        }
    }

    static func `where`(_ run: RunbookRun) -> String {
        guard let phase = run.currentPhase else { return "finished" }
        return "phase \(run.current + 1) of \(run.phases.count), \(phase.name)"
    }

    static func word(_ state: StepState) -> String {
        switch state {
        case .open: "open"
        case .done: "done"
        case .skipped: "skipped"
        case .notApplicable: "not applicable"
        }
    }
}
