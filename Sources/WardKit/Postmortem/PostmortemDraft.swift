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
            "checklists": checklists(incident),
            "responders": responders(incident),
            "action_items": actionItems(incident.state),
            "timeline": timeline(incident),
        ]
    }

    /// `text` with each generated block replaced. A marker counts only alone on its line and outside code
    /// fences, so a marker quoted in prose or in an example is text. A block whose markers were removed stays
    /// removed. Markers that are doubled or out of order are refused with their line: a refresh must never
    /// guess which part of a person's text is Ward's.
    public static func refresh(_ text: String, blocks: [String: String], path: String = "postmortem.md") throws -> String {
        var lines = text.components(separatedBy: "\n")
        var begins: [String: [Int]] = [:], ends: [String: [Int]] = [:]
        var fence: Substring?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let marker = trimmed.prefix { $0 == "`" || $0 == "~" }
            if marker.count >= 3, marker.allSatisfy({ $0 == marker.first }) {
                if fence == nil { fence = marker } else if let open = fence, marker.first == open.first, marker.count >= open.count { fence = nil }
                continue
            }
            guard fence == nil, trimmed.hasPrefix("<!-- ward:"), trimmed.hasSuffix(" -->") else { continue }
            let words = trimmed.dropFirst(5).dropLast(4).split(separator: " ")
            guard words.count == 2 else { continue }
            let name = String(words[1])
            if words[0] == "ward:begin" { begins[name, default: []].append(index) }
            if words[0] == "ward:end" { ends[name, default: []].append(index) }
        }
        var spans: [(name: String, begin: Int, end: Int)] = []
        for name in Set(begins.keys).union(ends.keys) {
            let b = begins[name] ?? [], e = ends[name] ?? []
            if b.count > 1 || e.count > 1 {
                throw WardError("the marker for the generated block '\(name)' appears more than once; keep one ward:begin and one ward:end (or neither), then draft again; nothing was written",
                                path: path, line: (b.count > 1 ? b[1] : e[1]) + 1)
            }
            if b.count != e.count {
                throw WardError("the generated block '\(name)' has a \(b.isEmpty ? "ward:end" : "ward:begin") marker without its pair; add it or delete both, then draft again; nothing was written",
                                path: path, line: (b.first ?? e.first ?? 0) + 1)
            }
            guard let begin = b.first, let end = e.first else { continue }
            if end < begin {
                throw WardError("the generated block '\(name)' ends before it begins; nothing was written", path: path, line: end + 1)
            }
            spans.append((name, begin, end))
        }
        spans.sort { $0.begin < $1.begin }
        for (earlier, later) in zip(spans, spans.dropFirst()) where later.begin < earlier.end {
            throw WardError("the generated blocks '\(earlier.name)' and '\(later.name)' overlap; nothing was written", path: path, line: later.begin + 1)
        }
        // From the last block back, so earlier line numbers stay right.
        for span in spans.reversed() {
            guard let content = blocks[span.name] else { continue }
            lines.replaceSubrange((span.begin + 1)..<span.end, with: content.components(separatedBy: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    /// Recorded text made safe inside a generated block: one line, and no comment marker that could end it.
    static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "<!--", with: "&lt;!--").replacingOccurrences(of: "-->", with: "--&gt;")
    }

    /// When each point was, and the four measures beside their formulas.
    static func durations(_ state: IncidentState) -> String {
        let m = state.milestones
        var lines = ["| When | UTC |", "| --- | --- |"]
        for milestone in Milestone.allCases {
            lines.append("| \(milestone.label.capitalizedFirst) | \(m[milestone].map(Timestamps.format) ?? "not recorded") |")
        }
        lines += ["", "| Measure | Formula | Value |", "| --- | --- | --- |"]
        func measure(_ name: String, _ formula: String, _ from: Milestone, _ to: Milestone) {
            let value: String
            if let start = m[from], let end = m[to] {
                value = Durations.short(end.timeIntervalSince(start))
            } else {
                value = "not known: no \([from, to].filter { m[$0] == nil }.map(\.label).joined(separator: " or ")) time"
            }
            lines.append("| \(name) | \(formula) | \(value) |")
        }
        measure("Time to detect", "detected − impact started", .impactStarted, .detected)
        measure("Time to acknowledge", "acknowledged − detected", .detected, .acknowledged)
        measure("Time to mitigate", "mitigated − impact started", .impactStarted, .mitigated)
        measure("Time to resolve", "resolved − impact started", .impactStarted, .resolved)
        return lines.joined(separator: "\n")
    }

    static func runbooks(_ state: IncidentState) -> String {
        guard !state.runs.isEmpty else { return "No runbook was run inside this incident." }
        var lines: [String] = []
        for run in state.runs {
            let end = run.isFinished ? run.enteredCurrent : (state.lastEvent ?? run.enteredCurrent)
            lines.append("**\(inline(run.title)) runbook**, started \(Timestamps.format(run.started)) by \(inline(run.startedBy)); "
                         + (run.isFinished ? "finished." : "in \(inline(run.currentPhase!.name))."))
            lines.append("")
            for (index, phase) in run.phases.enumerated() {
                let (settled, total) = run.progress(ofPhase: index)
                let time = index <= run.current ? ", \(Durations.short(run.time(inPhase: index, now: end)))" : ""
                lines.append("- \(inline(phase.name)): \(settled) of \(total) steps settled\(time)")
                // Every step: who settled it and when, each skip with its reason.
                for step in phase.steps {
                    guard let record = run.steps[step.id], record.state != .open else {
                        lines.append("  - \(step.required && index < run.current ? "still open, required" : "open") **\(inline(step.id))**")
                        continue
                    }
                    let word = record.state == .done ? "done" : record.state == .skipped ? "skipped" : "not applicable"
                    var line = "  - \(word) **\(inline(step.id))** by \(inline(record.by)) at \(Timestamps.format(record.at))"
                    if let reason = record.reason { line += ": " + inline(reason) } else if record.state == .skipped { line += ": no reason given" }
                    if let note = record.note { line += " (" + inline(note) + ")" }
                    lines.append(line)
                }
            }
            for move in run.moves where move.back {
                lines.append("- Went back to \(inline(move.to ?? "?")) at \(Timestamps.format(move.at)): \(inline(move.reason ?? ""))")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// Each checklist run inside the incident: its verdict, what failed or raised a red flag, and the notes.
    static func checklists(_ incident: Incident) -> String {
        let runs = incident.events.filter { $0.kind == "checklist" }.compactMap {
            try? ChecklistRun(event: $0, incident: incident.id, path: "", line: 0)
        }
        guard !runs.isEmpty else { return "No checklist was run inside this incident." }
        var lines: [String] = []
        for run in runs {
            let time = Timestamps.format(run.at).prefix(16).replacingOccurrences(of: "T", with: " ")
            lines.append("- \(time) **\(inline(run.title))**: \(run.result.rawValue), run by \(inline(run.by))")
            for outcome in run.verdict.outcomes where outcome.isGood == false || !outcome.note.isEmpty {
                let what = outcome.problem ?? outcome.answer?.label ?? ""
                lines.append("  - \(inline(outcome.item.id)): \(what)" + (outcome.note.isEmpty ? "" : ". \(inline(outcome.note))"))
            }
        }
        return lines.joined(separator: "\n")
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

    /// The items the timeline holds. Items people wrote in the post-mortem itself stay where they wrote them.
    static func actionItems(_ state: IncidentState) -> String {
        let items = state.actions.filter { $0.source != "postmortem" }
        guard !items.isEmpty else {
            return "No action items in the timeline yet: a note starting `TODO:` or `ward action add` makes one."
        }
        return items.map { item in
            let box = item.state == .open ? "[ ]" : "[x]"
            var details = ["owner: \(item.owner.map(inline) ?? "unassigned")", "due: \(item.due.map(inline) ?? "none")"]
            if let type = item.type { details.append("type: \(type.rawValue)") }
            if item.state == .wontDo { details.append("won't do: " + inline(item.reason ?? "")) }
            return "- \(box) \(inline(item.title)) (\(details.joined(separator: ", "))) <!-- action \(item.shortID) -->"
        }.joined(separator: "\n")
    }

    /// Every event, in UTC with its date; key events are listed first as well, and in bold in the list.
    static func timeline(_ incident: Incident) -> String {
        guard !incident.events.isEmpty else { return "No events." }
        func line(_ event: Event) -> String {
            let time = Timestamps.format(event.at).prefix(19).replacingOccurrences(of: "T", with: " ")
            let key = event.fields["key"]?.bool == true
            let text = inline(TimelineText.describe(event))
            return "- \(time) " + (key ? "**\(text)**" : text) + " (\(inline(event.by)))"
        }
        var lines: [String] = []
        let key = incident.events.filter { $0.fields["key"]?.bool == true }
        if !key.isEmpty {
            lines += ["Key events:", ""] + key.map(line) + ["", "Everything, in UTC:", ""]
        }
        return (lines + incident.events.map(line)).joined(separator: "\n")
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
        if let existing = try files.read(path, limit: RecordText.sizeLimit + 1) {
            let record = try RecordText(existing.data, path: path)
            let postmortem = try Postmortem(data: existing.data, path: path, incidentID: incident.id)
            // Refused before anything is written, the timeline included.
            if postmortem.status == "published" {
                throw WardError("the post-mortem is published, and Ward does not change it; 'ward postmortem reopen --reason …' makes it a draft again",
                                path: path)
            }
            guard Self.postmortemStatuses.contains(postmortem.status) else {
                throw WardError("its status '\(postmortem.status)' is not one of \(Self.postmortemStatuses.joined(separator: ", ")); fix it by hand, then draft again; nothing was written",
                                path: path, line: 1)
            }
            // Markers checked before anything is written.
            _ = try PostmortemDraft.refresh(record.text, blocks: [:], path: path)
            // Task lines people wrote in the section, or typed into the generated list, are tracked from now on.
            let imported = try importPostmortemActions(incident, text: record.text)
            let incident = imported.count > 0 ? loadIncident(incident.id) : incident
            let notes = imported.notes.isEmpty ? "" : " (" + imported.notes.joined(separator: "; ") + ")"
            let refreshed = try PostmortemDraft.refresh(record.text, blocks: PostmortemDraft.blocks(incident), path: path)
            if refreshed == record.text { return (path, "unchanged" + notes) }
            try files.replace(path, with: record.encode(refreshed), expecting: .content(existing.hash))
            return (path, "refreshed" + notes)
        }
        var values: [String: Any] = ["id": incident.id, "title": FrontMatterEditor.scalar(incident.state.title)]
        for (name, content) in PostmortemDraft.blocks(incident) { values[name] = content }
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
        let path = Self.incidentsDirectory + "/" + incident.id + "/postmortem.md"
        let published = try files.read(path, limit: RecordText.sizeLimit + 1)
            .map { try Postmortem(data: $0.data, path: path, incidentID: incident.id).status == "published" } ?? false
        let change = published ? "left as it is (published)" : try draftPostmortem(incident).change
        var documents = Documents(postmortemPath: path, postmortemChange: change, decision: nil, decisionCreated: false)
        let (decisions, problems) = loadDecisions()
        if let linked = decisions.first(where: { incident.state.decisions.contains($0.number) || $0.incidents.contains(incident.id) }) {
            documents.decision = linked
            return documents
        }
        // The journal says a record was written, even if it cannot be read now: never write a second one.
        if let number = incident.state.decisions.first {
            let problem = problems.first { Decision.number(inFileName: ($0.path as NSString).lastPathComponent) == number }
            throw WardError("decision \(number) was written for this incident but cannot be read" + (problem.map { ": \($0.description)" } ?? "")
                            + "; fix it (ward doctor) rather than write another")
        }
        let decision = try newDecision(title: "Safeguards after: \(incident.state.title)", incidents: [incident.id],
                                       context: DecisionDraft.context(incident), outcome: DecisionDraft.outcome(incident))
        // newDecision recorded the decision in the incident's timeline, in the same change.
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
