import Foundation

/// A post-mortem's review: draft, in review (with reviewers), published. Each step edits only its front
/// matter keys (read back and checked) and is recorded in the incident's timeline. A published post-mortem
/// is not changed by Ward until it is reopened, with a reason.
extension Store {
    public static let postmortemStatuses = ["draft", "in-review", "published"]

    /// Sends it for review by `reviewers`.
    public func reviewPostmortem(_ incident: Incident, reviewers: [String]) throws -> Recorded {
        let reviewers = reviewers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !reviewers.isEmpty else { throw WardError("name at least one reviewer (--reviewer NAME)") }
        return try changePostmortem(incident, to: "in-review", from: ["draft", "in-review"],
                                    keys: [("reviewers", FrontMatterEditor.list(reviewers), reviewers)],
                                    fields: ["reviewers": .array(reviewers.map { .string($0) })],
                                    message: "The post-mortem is in review by \(reviewers.joined(separator: ", ")).")
    }

    public func publishPostmortem(_ incident: Incident) throws -> Recorded {
        let date = Timestamps.formatDate(now())
        return try changePostmortem(incident, to: "published", from: ["in-review"], keys: [("published", date, [date])],
                                    fields: [:], message: "The post-mortem is published (\(date)).") { postmortem in
            if postmortem.status == "draft" {
                throw WardError("the post-mortem is a draft: send it for review first ('ward postmortem review --reviewer NAME')")
            }
            if postmortem.reviewers.isEmpty {
                throw WardError("the post-mortem has no reviewers: 'ward postmortem review --reviewer NAME' first")
            }
        }
    }

    /// Makes a published (or in-review) post-mortem a draft again; the reason goes into the timeline.
    public func reopenPostmortem(_ incident: Incident, reason: String) throws -> Recorded {
        var hidden: [String] = []
        let reason = prose(reason, keepSecrets: false, hidden: &hidden)
        guard !reason.isEmpty else { throw WardError("reopening the post-mortem needs a reason (--reason \"why\")") }
        return try changePostmortem(incident, to: "draft", from: ["in-review", "published"], keys: [("published", "", nil)],
                                    fields: ["reason": .string(reason)], message: "The post-mortem is a draft again (\(reason)).")
    }

    private func changePostmortem(_ incident: Incident, to status: String, from allowed: Set<String>,
                                  keys: [(String, String, [String]?)], fields: [String: JSONValue], message: String,
                                  check: (Postmortem) throws -> Void = { _ in }) throws -> Recorded {
        let path = Self.incidentsDirectory + "/" + incident.id + "/postmortem.md"
        guard let contents = try files.read(path, limit: RecordText.sizeLimit + 1) else {
            throw WardError("\(incident.id) has no post-mortem yet: 'ward postmortem draft' writes one")
        }
        let postmortem = try Postmortem(data: contents.data, path: path, incidentID: incident.id)
        var eventFields = fields
        eventFields["status"] = .string(status)
        // The file already says so but the timeline does not (a write that failed half way): record it now.
        let lastEvent = incident.events.last { $0.kind == "postmortem" }?["status"]
        if postmortem.status == status && status != "in-review" {
            guard let lastEvent, lastEvent != status else { return Recorded(event: nil, message: "The post-mortem is already \(status).") }
            let event = try record("postmortem", eventFields, in: incident.id)
            return Recorded(event: event, message: message + " (The file already said so; the timeline now does too.)")
        }
        try check(postmortem)
        guard allowed.contains(postmortem.status) else {
            throw WardError("the post-mortem is \(postmortem.status); it cannot become \(status) from there", path: path)
        }
        // Edited in the file's own form: its line ends and byte-order mark come back on the way out.
        let original = try RecordText(contents.data, path: path)
        var text = original.text
        for (key, value, expected) in keys + [("status", status, [status])] {
            guard let edited = FrontMatterEditor.setVerified(key, to: value, in: text, path: path, expected: expected) else {
                throw WardError("Ward cannot set '\(key)' without changing more than that line (edit it by hand); nothing was written", path: path)
            }
            text = edited
        }
        let reread = try Postmortem(data: Data(text.utf8), path: path, incidentID: incident.id)
        guard reread.status == status, reread.body == postmortem.body else {
            throw WardError("the edited post-mortem does not read back as \(status); nothing was written", path: path)
        }
        if text == original.text {
            guard lastEvent != status else { return Recorded(event: nil, message: "The post-mortem is already \(status).") }
            let event = try record("postmortem", eventFields, in: incident.id)
            return Recorded(event: event, message: message)
        }
        try files.replace(path, with: original.encode(text), expecting: .content(contents.hash))
        let event = try record("postmortem", eventFields, in: incident.id)
        return Recorded(event: event, message: message)
    }
}
