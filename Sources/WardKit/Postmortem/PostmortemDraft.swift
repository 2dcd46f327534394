import Foundation

/// The parts of a post-mortem Ward writes from the record: blocks between `<!-- ward:begin NAME -->` and
/// `<!-- ward:end NAME -->`. Refreshing a draft rewrites only those blocks; everything people wrote stays.
public enum PostmortemDraft {
    public static let blockNames = ["durations", "runbook", "checklists", "responders", "action_items", "timeline"]

    /// The generated blocks' Markdown for an incident as it stands.
    public static func blocks(_ incident: Incident) -> [String: String] {
        [
            "durations": durations(incident.state),
            "runbook": runbooks(incident.state),
            "checklists": "No checklist was run inside this incident.",
            "responders": responders(incident),
            "action_items": actionItems(incident.state),
            "timeline": timeline(incident),
        ]
    }

    /// `text` with each generated block replaced. A block whose markers were removed stays removed.
    public static func refresh(_ text: String, blocks: [String: String]) -> String {
        var result = text
        for name in blockNames {
            guard let content = blocks[name] else { continue }
            let begin = "<!-- ward:begin \(name) -->", end = "<!-- ward:end \(name) -->"
            guard let start = result.range(of: begin),
                  let stop = result.range(of: end, range: start.upperBound..<result.endIndex) else { continue }
            result.replaceSubrange(start.upperBound..<stop.lowerBound, with: "\n" + content + "\n")
        }
        return result
    }

    /// Recorded text made safe inside a generated block: one line, and no comment marker that could end it.
    static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "<!--", with: "&lt;!--").replacingOccurrences(of: "-->", with: "--&gt;")
    }

    static func durations(_ state: IncidentState) -> String {
        let m = state.milestones
        let start = m[.impactStarted] ?? m[.detected]
        var lines = ["| Time | UTC | Measured |", "| --- | --- | --- |"]
        func row(_ milestone: Milestone, _ measure: String) {
            guard let date = m[milestone] else {
                lines.append("| \(milestone.label.capitalizedFirst) | not recorded | |")
                return
            }
            lines.append("| \(milestone.label.capitalizedFirst) | \(Timestamps.format(date)) | \(measure) |")
        }
        func since(_ from: Date?, _ to: Milestone, _ name: String) -> String {
            guard let from, let to = m[to] else { return "" }
            return "\(name): \(Durations.short(to.timeIntervalSince(from)))"
        }
        row(.impactStarted, "")
        row(.detected, since(m[.impactStarted], .detected, "time to detect"))
        row(.acknowledged, since(m[.detected], .acknowledged, "time to acknowledge"))
        row(.mitigated, since(start, .mitigated, "time to mitigate"))
        row(.resolved, since(start, .resolved, "time to resolve"))
        return lines.joined(separator: "\n")
    }

    static func runbooks(_ state: IncidentState) -> String {
        guard !state.runs.isEmpty else { return "No runbook was run inside this incident." }
        var lines: [String] = []
        for run in state.runs {
            let end = run.isFinished ? run.enteredCurrent : (state.lastEvent ?? run.enteredCurrent)
            lines.append("**\(inline(run.title)) runbook**, started \(Timestamps.format(run.started)) by \(inline(run.startedBy)); "
                         + (run.isFinished ? "finished." : "in \(run.currentPhase!.name)."))
            lines.append("")
            for (index, phase) in run.phases.enumerated() {
                let (settled, total) = run.progress(ofPhase: index)
                let time = index <= run.current ? ", \(Durations.short(run.time(inPhase: index, now: end)))" : ""
                lines.append("- \(inline(phase.name)): \(settled) of \(total) steps settled\(time)")
                for step in phase.steps {
                    let record = run.steps[step.id]
                    switch record?.state ?? .open {
                    case .skipped:
                        lines.append("  - skipped **\(inline(step.id))**: \(inline(record?.reason ?? "no reason given")) (\(inline(record!.by)))")
                    case .notApplicable:
                        lines.append("  - not applicable **\(inline(step.id))**" + (record?.reason.map { ": " + inline($0) } ?? ""))
                    case .open where step.required && index < run.current:
                        lines.append("  - still open, required **\(inline(step.id))**")
                    default:
                        if let note = record?.note { lines.append("  - **\(inline(step.id))**: \(inline(note))") }
                    }
                }
            }
            for move in run.moves where move.back {
                lines.append("- Went back to \(inline(move.to ?? "?")) at \(Timestamps.format(move.at)): \(inline(move.reason ?? ""))")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    static func responders(_ incident: Incident) -> String {
        var lines: [String] = []
        let roles = incident.state.roles
        for role in roles.keys.sorted() { lines.append("- \(inline(role)): \(inline(roles[role]!))") }
        let handovers = incident.events.filter { $0.kind == "role" }
        if handovers.count > 1 {
            lines.append("")
            lines.append("Handovers:")
            for event in handovers { lines.append("- \(Timestamps.format(event.at)) \(inline(TimelineText.describe(event))) (by \(inline(event.by)))") }
        }
        var counts: [String: Int] = [:]
        for event in incident.events { counts[event.by, default: 0] += 1 }
        lines.append("")
        lines.append("Recorded by: " + counts.keys.sorted().map { "\(inline($0)) (\(counts[$0]!))" }.joined(separator: ", "))
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    static func actionItems(_ state: IncidentState) -> String {
        guard !state.actions.isEmpty else { return "No action items were recorded yet: a note starting `TODO:` makes one." }
        return state.actions.map { item in
            let box = item.state == .done ? "[x]" : "[ ]"
            var details = ["owner: \(item.owner.map(inline) ?? "unassigned")", "due: \(item.due.map(inline) ?? "none")"]
            if item.state == .dropped { details.append("dropped") }
            return "- \(box) \(inline(item.title)) (\(details.joined(separator: ", "))) <!-- action \(inline(item.id)) -->"
        }.joined(separator: "\n")
    }

    static func timeline(_ incident: Incident) -> String {
        guard !incident.events.isEmpty else { return "No events." }
        let days = Set(incident.events.map { Timestamps.formatDate($0.at) })
        return incident.events.map { event in
            let stamp = Timestamps.format(event.at)
            let time = days.count > 1 ? String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " ") : String(stamp.dropFirst(11).prefix(8))
            let key = event.fields["key"]?.bool == true
            let text = inline(TimelineText.describe(event))
            let who = event.by.split(separator: "@").first.map(String.init) ?? event.by
            return "- \(time) " + (key ? "**\(text)**" : text) + " (\(inline(who)))"
        }.joined(separator: "\n")
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension Store {
    /// Writes `incidents/<id>/postmortem.md` from the template, or refreshes the generated blocks of the one
    /// that exists. Returns its path and "written", "refreshed" or "unchanged".
    public func draftPostmortem(_ incident: Incident) throws -> (path: String, change: String) {
        let path = Self.incidentsDirectory + "/" + incident.id + "/postmortem.md"
        let blocks = PostmortemDraft.blocks(incident)
        if let existing = try files.read(path, limit: RecordText.sizeLimit + 1) {
            let text = try RecordText(existing.data, path: path).text
            let refreshed = PostmortemDraft.refresh(text, blocks: blocks)
            if refreshed == text { return (path, "unchanged") }
            try files.replace(path, with: Data(refreshed.utf8), expecting: .content(existing.hash))
            return (path, "refreshed")
        }
        var values: [String: Any] = ["id": incident.id, "title": FrontMatterEditor.scalar(incident.state.title)]
        for (name, content) in blocks { values[name] = content }
        let text = try templates.render("postmortem.md", values)
        do {
            _ = try Postmortem(data: Data(text.utf8), path: path, incidentID: incident.id)
        } catch let error as WardError {
            throw WardError("the post-mortem template does not make a readable post-mortem (\(error.message)); nothing was written",
                            path: "templates/postmortem.md.mustache", line: error.line)
        }
        try files.replace(path, with: Data(text.utf8), expecting: .absent)
        return (path, "written")
    }

    /// The document phase's writing: the post-mortem draft, and a proposed decision record linked to the
    /// incident (once: a decision already linked to it is kept, not duplicated).
    public func writeDocuments(_ incident: Incident) throws -> Documents {
        let (path, change) = try draftPostmortem(incident)
        var documents = Documents(postmortemPath: path, postmortemChange: change, decision: nil, decisionCreated: false)
        let decisions = loadDecisions().decisions
        if let linked = decisions.first(where: { incident.state.decisions.contains($0.number) || $0.incidents.contains(incident.id) }) {
            documents.decision = linked
            return documents
        }
        let decision = try newDecision(title: "Safeguards after: \(incident.state.title)", incidents: [incident.id],
                                       context: DecisionDraft.context(incident), outcome: DecisionDraft.outcome(incident))
        try record("decision", ["number": .number(Double(decision.number)), "path": .string(decision.path),
                                "title": .string(decision.title)], in: incident.id)
        documents.decision = decision
        documents.decisionCreated = true
        return documents
    }
}

/// The first words of the proposed decision record the document phase writes: what went wrong, from the
/// record, and what the prevent phase adopted, for people to turn into a decision.
enum DecisionDraft {
    static func context(_ incident: Incident) -> String {
        let s = incident.state
        var lines = ["During incident `\(incident.id)` (\(s.severity)): \(PostmortemDraft.inline(s.title)).", ""]
        let times = Milestone.allCases.compactMap { m in s.milestones[m].map { "\(m.label) \(Timestamps.format($0))" } }
        if !times.isEmpty { lines += ["Times: " + times.joined(separator: ", ") + ".", ""] }
        let key = incident.events.filter { $0.kind == "note" && $0.fields["key"]?.bool == true }
        if !key.isEmpty {
            lines.append("Key events:")
            lines += key.prefix(12).map { "- \(Timestamps.format($0.at)): \(PostmortemDraft.inline($0["text"] ?? ""))" }
            lines.append("")
        }
        lines.append("What went wrong and why is in the post-mortem: `incidents/\(incident.id)/postmortem.md`.")
        return lines.joined(separator: "\n")
    }

    static func outcome(_ incident: Incident) -> String {
        var lines: [String] = []
        if let run = incident.state.runs.first(where: { $0.documentPhase != nil }),
           let document = run.phases.firstIndex(where: { $0.name == run.documentPhase }), document > 0 {
            let prevent = run.phases[document - 1]
            lines.append("Proposed, from the \(prevent.name) phase of the \(run.title) runbook:")
            for step in prevent.steps {
                let record = run.steps[step.id]
                var line = "- \(PostmortemDraft.inline(step.text))"
                switch record?.state ?? .open {
                case .done: line += " (done by \(PostmortemDraft.inline(record!.by))" + (record?.note.map { ": " + PostmortemDraft.inline($0) } ?? "") + ")"
                case .skipped: line += " (skipped: \(PostmortemDraft.inline(record?.reason ?? "")))"
                case .notApplicable: line += " (not applicable)"
                case .open: line += " (still open)"
                }
                lines.append(line)
            }
            lines.append("")
        }
        lines.append("Rewrite this as the decision, in the active voice (\"We will ...\"), then accept or reject it with `ward adr status`.")
        return lines.joined(separator: "\n")
    }
}
