import Foundation

extension Store {
    /// Every decision record, by number, and the problems met reading them.
    /// Every decision record, by number, and the problems met reading them. Without `withBodies` each body
    /// is empty (a list, such as `adr list`).
    public func loadDecisions(withBodies: Bool = true, progress: LoadProgress? = nil) -> (decisions: [Decision], problems: [Problem]) {
        var decisions: [Decision] = []
        var problems: [Problem] = []
        let names = listDirectory(decisionsDirectory).filter { Decision.number(inFileName: $0) != nil }
        for (name, result) in zip(names, cachedDecisionFiles(names, withBodies: withBodies, progress: progress)) {
            switch result {
            case nil:
                continue
            case let .success(decision)?:
                decisions.append(decision)
                problems += decision.warnings
            case let .failure(error)?:
                problems.append(Problem(path: error.path ?? decisionsDirectory + "/" + name, line: error.line, error.message))
            }
        }
        decisions.sort { ($0.number, $0.path) < ($1.number, $1.path) }
        return (decisions, problems)
    }

    /// The decision numbered `number`, or an error saying it does not exist or is ambiguous.
    public func findDecision(_ number: Int) throws -> Decision {
        try findDecision(String(number))
    }

    /// The decision a person means by `reference`: its number (`7`, `0007`, `ADR-0007`), its file name or
    /// path. Two records with one number (after a merge) are told apart by file name.
    public func findDecision(_ reference: String) throws -> Decision {
        let (decisions, problems) = loadDecisions()
        let wanted = reference.trimmingCharacters(in: .whitespaces)
        let name = wanted.split(separator: "/").last.map(String.init) ?? wanted
        if name.hasSuffix(".md") {
            if let found = decisions.first(where: { $0.fileName == name }) { return found }
            if let problem = problems.first(where: { $0.path.hasSuffix("/" + name) && $0.level == .error }) {
                throw WardError(problem.message, path: problem.path, line: problem.line)
            }
            throw WardError("there is no decision record \(name) in \(decisionsDirectory)/")
        }
        let digits = wanted.uppercased().hasPrefix("ADR-") ? String(wanted.dropFirst(4)) : wanted
        guard let number = Int(digits), number > 0 else {
            throw WardError("'\(reference)' names no decision: give its number (7 or ADR-0007) or its file name")
        }
        let matches = decisions.filter { $0.number == number }
        if matches.count > 1 {
            throw WardError("\(matches.count) records have the number \(number): \(matches.map(\.fileName).joined(separator: ", ")). Name one by its file name, or give one a new number with 'ward adr renumber FILE'")
        }
        if let found = matches.first { return found }
        if let problem = problems.first(where: { Decision.number(inFileName: $0.path.split(separator: "/").last.map(String.init) ?? "") == number && $0.level == .error }) {
            throw WardError(problem.message, path: problem.path, line: problem.line)
        }
        throw WardError("there is no decision \(number) in \(decisionsDirectory)/")
    }

    /// The numbers in the decision files' names, whether or not the files parse.
    func decisionNumbersInUse() -> [Int] {
        listDirectory(decisionsDirectory).compactMap(Decision.number(inFileName:))
    }

    /// Whether the directory names its records by date, as log4brains does (`20260301-use-x.md`).
    func decisionsAreDated() -> Bool {
        let names = listDirectory(decisionsDirectory).filter { Decision.number(inFileName: $0) != nil }
        return !names.isEmpty && names.allSatisfy { $0.prefix { $0.isNumber }.count == 8 }
    }

    /// The number the next record takes: one more than the highest in use here, on the other local branches
    /// and on the remote-tracking branches, so that two people writing records on two branches rarely collide.
    public func nextDecisionNumber() throws -> Int {
        let local = decisionNumbersInUse().filter { $0 <= Decision.largestNumber }
        let elsewhere = Git.decisionNumbersOnOtherBranches(root: root, directory: decisionsDirectory)
        let number = ((local + elsewhere).max() ?? 0) + 1
        guard number <= Decision.largestNumber else {
            throw WardError("decision numbers have reached \(Decision.largestNumber); renumber the records first")
        }
        return number
    }

    /// The form new records take: ward.yaml's `decisions.format`, else the form of the records already there.
    public var newDecisionFormat: DecisionFormat {
        config.decisionsFormat ?? DecisionDirectory.inferFormat(of: loadDecisions().decisions, found: decisionsLocation)
    }

    /// How links name records: by title and file name, from `decisions` and any records about to be written.
    func decisionNames(_ decisions: [Decision]) -> DecisionEditing.Names {
        var byNumber: [Int: (title: String, file: String)] = [:]
        for decision in decisions { byNumber[decision.number] = (decision.title, decision.fileName) }
        let depth = decisionsDirectory.split(separator: "/").count
        let up = String(repeating: "../", count: depth)
        return DecisionEditing.Names(record: { byNumber[$0] },
                                     incidentPath: { up + Self.incidentsDirectory + "/" + $0 + "/incident.md" })
    }

    /// Writes a new decision record, proposed, with the next free number, in one change with everything it
    /// touches: the records it supersedes are marked superseded, the records it links to link back, and the
    /// incidents it came from record it. Either all of these are written or none (see `ChangeSet`).
    /// `context` and `outcome`, when given, are Markdown put under the record's context and decision headings.
    public func newDecision(title: String, format: DecisionFormat? = nil, supersedes: [Int] = [],
                            incidents: [String] = [], links: [DecisionLink] = [],
                            context: String = "", outcome: String = "") throws -> Decision {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw WardError("the title is empty: say in a few words what is decided") }
        guard !title.contains(where: { $0.isNewline }) else { throw WardError("the title must be one line") }
        let format = format ?? newDecisionFormat
        guard format != .bullets else { throw WardError("new records are written as madr or nygard") }
        try finishPendingChanges()
        try files.makeDirectories(decisionsDirectory)
        // Numbering and creating happen under one lock, so two people adding records get two numbers.
        return try files.withLock(decisionsDirectory + "/.numbering") {
            let dated = decisionsAreDated()
            let number = dated ? Int(Timestamps.formatDate(now()).replacingOccurrences(of: "-", with: ""))! : try nextDecisionNumber()
            let all = loadDecisions().decisions
            let old = try supersedes.map { try findDecision($0) }
            for record in old where record.status != .accepted {
                throw WardError("decision \(record.number) is \(record.status?.rawValue ?? "of unknown status"); only an accepted decision can be superseded" +
                                (record.status == .proposed ? " (accept or reject it first)" : ""), path: record.path)
            }
            let partners = try links.map { (link: $0, record: try findDecision($0.number)) }
            let name = dated ? String(number) + "-" + Slug.make(title, maxBytes: 60) + ".md" : Decision.fileName(number: number, title: title)
            let path = decisionsDirectory + "/" + name
            let date = Timestamps.formatDate(now())
            var prose: [String: Any] = [:]
            if !context.isEmpty { prose["context"] = context }
            if !outcome.isEmpty { prose["outcome"] = outcome }
            let text: String
            switch format {
            case .madr, .bullets:
                text = try templates.render("adr-madr.md", prose.merging([
                    "title": title, "date": date, "status": "proposed",
                    "decision_makers": FrontMatterEditor.list([author.split(separator: "@").first.map(String.init) ?? author]),
                    "supersedes": "[" + supersedes.map(String.init).joined(separator: ", ") + "]",
                    "incidents": FrontMatterEditor.list(incidents),
                ]) { $1 })
            case .nygard:
                text = try templates.render("adr-nygard.md", prose.merging([
                    "number": number, "title": title, "date": date, "status_title": "Proposed",
                    "supersedes": old.map { ["number": $0.number, "title": DecisionEditing.linkText($0.title), "file": $0.fileName] },
                ]) { $1 })
            }
            var created: Decision
            do {
                created = try Decision(data: Data(text.utf8), path: path)
            } catch let error as WardError {
                throw WardError("the \(format.rawValue) template does not make a readable record (\(error.message)); nothing was written",
                                path: "templates/adr-\(format.rawValue).md.mustache")
            }
            guard created.title == title, created.supersedes == supersedes else {
                throw WardError("the \(format.rawValue) template does not keep the title or the superseded records; nothing was written")
            }
            let names = decisionNames(all + [created])
            // The new record's own links and incidents (a Nygard template has no place for them), then the others'.
            var newText = text
            let own = DecisionChange(links: links, incidents: format == .nygard ? incidents : [])
            if own != DecisionChange() {
                guard let linked = DecisionEditing.apply(own, to: newText, of: created, names: names) else {
                    throw WardError("the \(format.rawValue) template leaves no place for links; nothing was written",
                                    path: "templates/adr-\(format.rawValue).md.mustache")
                }
                newText = linked
                created = try Decision(data: Data(newText.utf8), path: path)
            }
            var steps: [ChangeSet.Step] = [.write(path, before: nil, after: Data(newText.utf8))]
            // The files it links to are named too: after a merge, two records may share a number, and only the
            // file names tell which one this record meant (see `Store.linkedFiles`).
            let related = (old + partners.map(\.1)).map { JSONValue.string($0.fileName) }
            var events: [Event] = [decisionEvent("created", created, ["title": .string(title), "status": .string("proposed"),
                                                                      "related_files": .array(related)])]
            // One change per record, even when a record is both superseded and linked.
            var changes: [(record: Decision, change: DecisionChange)] = []
            func add(_ record: Decision, _ update: (inout DecisionChange) -> Void) {
                if let index = changes.firstIndex(where: { $0.record.path == record.path }) {
                    update(&changes[index].change)
                } else {
                    var change = DecisionChange()
                    update(&change)
                    changes.append((record, change))
                }
            }
            for record in old {
                add(record) { $0.status = .superseded; $0.supersededBy.append(number) }
                events.append(decisionEvent("status", record, ["from": .string("accepted"), "to": .string("superseded"),
                                                               "by_record": .number(Double(number)),
                                                               "by_file": .string(created.fileName)]))
            }
            for (link, record) in partners {
                guard let inverse = DecisionLink.inverse(of: link.label) else { continue }
                add(record) { $0.links.append(DecisionLink(inverse, number)) }
            }
            for (record, change) in changes { steps.append(try edit(record, change, names: names)) }
            for event in events { steps.append(historyStep(event)) }
            for id in incidents {
                let event = Event(at: now(), recorded: now(), by: author, kind: "decision", fields: [
                    "number": .number(Double(number)), "path": .string(path), "title": .string(title)])
                steps.append(.append(Self.incidentsDirectory + "/" + id + "/timeline.jsonl",
                                     line: Data((event.jsonLine + "\n").utf8), marker: event.id))
            }
            let summary = "write \(name)" + (old.isEmpty ? "" : ", superseding " + old.map { String($0.number) }.joined(separator: ", "))
            try apply(ChangeSet(summary: summary, steps: steps))
            return created
        }
    }

    /// The step that makes `change` to `record`, in its own form, checked by reading it back.
    func edit(_ record: Decision, _ change: DecisionChange, names: DecisionEditing.Names) throws -> ChangeSet.Step {
        guard let contents = try files.read(record.path, limit: RecordText.sizeLimit + 1) else {
            throw WardError("disappeared", path: record.path)
        }
        // Edited as clean text; a byte-order mark and CRLF line ends are put back as they were.
        let text = try RecordText(contents.data, path: record.path)
        let current = try Decision(data: contents.data, path: record.path)
        guard let updated = DecisionEditing.apply(change, to: text.text, of: current, names: names) else {
            throw WardError("Ward cannot make this change without changing more of the record than it should (edit it by hand); nothing was written",
                            path: record.path)
        }
        return .write(record.path, before: contents.data, after: text.encode(updated))
    }

    /// Changes a decision's status, allowing only the lifecycle's transitions, editing one line of the file,
    /// and records who did it and when.
    @discardableResult
    public func setDecisionStatus(_ number: Int, to status: DecisionStatus) throws -> Decision {
        try setDecisionStatus(String(number), to: status)
    }

    @discardableResult
    public func setDecisionStatus(_ reference: String, to status: DecisionStatus) throws -> Decision {
        try finishPendingChanges()
        let decision = try findDecision(reference)
        if decision.status == status { return decision }
        if let current = decision.status, !current.allowedNext.contains(status) {
            let allowed = current.allowedNext.map(\.rawValue)
            throw WardError("decision \(decision.number) is \(current.rawValue); it can become " +
                            (allowed.isEmpty ? "nothing else (it is final)" : allowed.joined(separator: " or ")) +
                            (status == .superseded ? ". To supersede it, use 'ward adr new TITLE --supersedes \(decision.number)'" : ""))
        }
        if status == .superseded {
            throw WardError("a decision is superseded by another one: use 'ward adr new TITLE --supersedes \(decision.number)'")
        }
        let step = try edit(decision, DecisionChange(status: status), names: decisionNames(loadDecisions().decisions))
        let event = decisionEvent("status", decision, ["from": .string(decision.status?.rawValue ?? decision.statusText), "to": .string(status.rawValue)])
        try apply(ChangeSet(summary: "decision \(decision.number) \(status.rawValue)", steps: [step, historyStep(event)]))
        return try Decision(data: step.after ?? Data(), path: decision.path)
    }

    /// Links two records both ways: `label` on `from` (amends, clarifies, relates to), its inverse on `to`.
    public func linkDecisions(_ from: String, _ label: String, _ to: String) throws -> (Decision, Decision) {
        let label = DecisionLink.normalise(label)
        guard let inverse = DecisionLink.inverse(of: label) else {
            throw WardError("unknown link '\(label)': use " + DecisionLink.knownLabels.joined(separator: ", "))
        }
        try finishPendingChanges()
        return try files.withLock(decisionsDirectory + "/.numbering") {
            let source = try findDecision(from), target = try findDecision(to)
            guard source.path != target.path else { throw WardError("a decision cannot link to itself") }
            let names = decisionNames(loadDecisions().decisions)
            let forward = DecisionLink(label, target.number), backward = DecisionLink(inverse, source.number)
            if source.links.contains(forward) && target.links.contains(backward) { return (source, target) }
            var steps: [ChangeSet.Step] = []
            if !source.links.contains(forward) { steps.append(try edit(source, DecisionChange(links: [forward]), names: names)) }
            if !target.links.contains(backward) { steps.append(try edit(target, DecisionChange(links: [backward]), names: names)) }
            steps.append(historyStep(decisionEvent("linked", source, ["link": .string(label), "target": .number(Double(target.number)),
                                                                            "target_file": .string(target.fileName)])))
            try apply(ChangeSet(summary: "link \(source.number) \(label) \(target.number)", steps: steps))
            return (try findDecision(source.fileName), try findDecision(target.fileName))
        }
    }

    /// Links a decision and an incident both ways: the record names the incident, the incident's timeline
    /// records the decision.
    public func linkDecision(_ reference: String, toIncident query: String) throws -> Decision {
        try finishPendingChanges()
        let incident = try findIncident(query)
        return try files.withLock(decisionsDirectory + "/.numbering") {
            let decision = try findDecision(reference)
            var steps: [ChangeSet.Step] = []
            if !decision.incidents.contains(incident.id) {
                steps.append(try edit(decision, DecisionChange(incidents: [incident.id]), names: decisionNames(loadDecisions().decisions)))
            }
            if !incident.state.decisions.contains(decision.number) {
                let event = Event(at: now(), recorded: now(), by: author, kind: "decision", fields: [
                    "number": .number(Double(decision.number)), "path": .string(decision.path), "title": .string(decision.title)])
                steps.append(.append(Self.incidentsDirectory + "/" + incident.id + "/timeline.jsonl",
                                     line: Data((event.jsonLine + "\n").utf8), marker: event.id))
            }
            guard !steps.isEmpty else { return decision }
            steps.append(historyStep(decisionEvent("incident", decision, ["incident": .string(incident.id)])))
            try apply(ChangeSet(summary: "link decision \(decision.number) and incident \(incident.id)", steps: steps))
            return try findDecision(decision.fileName)
        }
    }
}
