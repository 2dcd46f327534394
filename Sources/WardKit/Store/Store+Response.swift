import Foundation

/// What a change to an incident wrote, and how to say so.
public struct Recorded: Sendable {
    /// Nil when nothing needed writing (the incident was already so).
    public var event: Event?
    public var message: String
    /// Kinds of secrets hidden from a note before it was written.
    public var redacted: [String] = []
}

/// The changes responders make during an incident. Each checks what it can before writing, writes one event,
/// and returns once that event is on disk. The CLI and the TUI both come here.
extension Store {
    /// Free text a person typed into an event (a reason, a step's note): trimmed, and with secrets hidden
    /// unless they insist, as in notes.
    func prose(_ text: String?, keepSecrets: Bool, hidden: inout [String]) -> String {
        let text = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !keepSecrets, !text.isEmpty else { return text }
        let (clean, kinds) = Secrets.redact(text)
        hidden += kinds
        return clean
    }

    public func setStatus(_ incident: Incident, to status: IncidentStatus, at: Date? = nil, reason: String? = nil,
                          keepSecrets: Bool = false) throws -> Recorded {
        var hidden: [String] = []
        let reason = prose(reason, keepSecrets: keepSecrets, hidden: &hidden)
        if incident.state.status == status {
            return Recorded(event: nil, message: "\(incident.id) is already \(status.rawValue); nothing recorded.")
        }
        // The time it takes effect, now unless back-dated: compared with the last change, whatever its source.
        let clock = now()
        let when = Timestamps.wholeSeconds(at ?? clock)
        if when > clock {
            throw WardError("a status change cannot be dated in the future (\(Timestamps.format(when))); nothing was recorded")
        }
        var fields: [String: JSONValue] = ["status": .string(status.rawValue)]
        if !reason.isEmpty { fields["reason"] = .string(reason) }
        let event = try record("status", fields, at: when, in: incident.id) { before, after in
            // A status dated before the last change would rewrite history, not the present.
            if let last = before.lastStatusChange, when < last {
                throw WardError("the status last changed at \(Timestamps.format(last)) (to \(before.status.rawValue)); a change cannot be dated before it. To record when it was mitigated or resolved, use 'ward incident time mitigated --at …'; nothing was recorded")
            }
            if before.status == .resolved && after.status != .resolved && reason.isEmpty {
                throw WardError("\(incident.id) is resolved; reopening it needs a reason (--reason \"why\")")
            }
            try Self.refuseDisorder(before, after, incident: incident.id)
        }
        let reopened = incident.state.status == .resolved && status != .resolved
        return Recorded(event: event, message: (reopened ? "\(incident.id) is reopened: \(status.rawValue)."
                                                         : "\(incident.id) is now \(status.rawValue).") + Self.hiding(hidden),
                        redacted: hidden)
    }

    /// " Hid 1 secret (kind)." or "".
    static func hiding(_ kinds: [String]) -> String {
        kinds.isEmpty ? "" : " Hid \(Secrets.describe(kinds))."
    }

    public func setSeverity(_ incident: Incident, to text: String, reason: String? = nil, keepSecrets: Bool = false) throws -> Recorded {
        let severity = try config.severity(named: text).name
        if incident.state.severity == severity {
            return Recorded(event: nil, message: "\(incident.id) is already \(severity); nothing recorded.")
        }
        var hidden: [String] = []
        let reason = prose(reason, keepSecrets: keepSecrets, hidden: &hidden)
        var fields: [String: JSONValue] = ["severity": .string(severity)]
        if !reason.isEmpty { fields["reason"] = .string(reason) }
        let event = try record("severity", fields, in: incident.id)
        return Recorded(event: event, message: "\(incident.id) is now \(severity) (was \(incident.state.severity))." + Self.hiding(hidden),
                        redacted: hidden)
    }

    /// Gives `role` to `name`; an empty name frees the role. Every handover is an event.
    public func assign(_ incident: Incident, role: String, to name: String) throws -> Recorded {
        let role = role.trimmingCharacters(in: .whitespaces).lowercased()
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !role.isEmpty, role.count <= 40, role.unicodeScalars.allSatisfy({
            CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_"
        }) else {
            throw WardError("the role '\(role)' may use only letters, digits, '-' and '_'")
        }
        guard !name.contains(where: \.isNewline) else { throw WardError("the name must be one line") }
        let previous = incident.state.roles[role]
        if previous == (name.isEmpty ? nil : name) {
            return Recorded(event: nil, message: name.isEmpty ? "Nobody is \(role); nothing recorded."
                                                              : "\(name) is already \(role) of \(incident.id); nothing recorded.")
        }
        let event = try record("role", ["role": .string(role), "name": .string(name)], in: incident.id)
        let message: String
        switch (previous, name.isEmpty) {
        case (let previous?, false): message = "\(role): \(previous) handed over to \(name)."
        case (let previous?, true): message = "\(previous) is no longer \(role)."
        default: message = "\(name) is now \(role)."
        }
        return Recorded(event: event, message: message)
    }

    /// Sets when impact started, was detected, acknowledged, mitigated or resolved. A time out of order is
    /// refused, naming the two times that disagree.
    public func setMilestone(_ incident: Incident, _ milestone: Milestone, at: Date? = nil) throws -> Recorded {
        let event = try record("milestone", ["milestone": .string(milestone.rawValue)], at: at, in: incident.id) { before, after in
            try Self.refuseDisorder(before, after, incident: incident.id)
        }
        return Recorded(event: event, message: "\(incident.id): \(milestone.label) at \(Timestamps.format(event.at)).")
    }

    /// Refuses a change that would put the incident's times out of order; only times the change moved count,
    /// so an old disorder (say, from a merge) does not block every later change.
    static func refuseDisorder(_ before: IncidentState, _ after: IncidentState, incident: String) throws {
        let changed = Set(Milestone.allCases.filter { before.milestones[$0] != after.milestones[$0] })
        if let problem = after.milestoneOrderProblem(changed: changed) {
            throw WardError("\(problem); nothing was recorded")
        }
    }

    /// Writes a note. Secrets are hidden unless `keepSecrets`; a note starting `TODO:` becomes an action item.
    public func addNote(_ incident: Incident, text: String, at: Date? = nil, key: Bool = false,
                        keepSecrets: Bool = false) throws -> Recorded {
        try addNote(to: incident.id, text: text, at: at, key: key, keepSecrets: keepSecrets)
    }

    /// `addNote` to the incident with the id `id` (a note needs nothing else of it).
    public func addNote(to id: String, text: String, at: Date? = nil, key: Bool = false,
                        keepSecrets: Bool = false) throws -> Recorded {
        var text = text.trimmed
        guard !text.isEmpty else { throw WardError("the note is empty") }
        guard text.utf8.count <= 64 * 1024 else {
            throw WardError("the note is \(text.utf8.count / 1024) KB; keep notes under 64 KB and put logs in a file you link to")
        }
        var redacted: [String] = []
        if !keepSecrets {
            (text, redacted) = Secrets.redact(text)
        }
        var fields: [String: JSONValue] = [:]
        if key { fields["key"] = .bool(true) }
        let kind: String
        if let todo = NoteLine.todo(in: text) {
            kind = "action"
            fields["title"] = .string(todo)
            fields["state"] = .string(ActionItem.State.open.rawValue)
        } else {
            kind = "note"
            fields["text"] = .string(text)
        }
        let event = try record(kind, fields, at: at, in: id)
        let message = (kind == "action" ? "Action item saved to " : "Saved to ") + "\(id) at \(Timestamps.format(event.at))."
        return Recorded(event: event, message: message + Self.hiding(redacted), redacted: redacted)
    }
}
