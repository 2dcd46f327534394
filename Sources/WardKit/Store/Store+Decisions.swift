import Foundation

extension Store {
    /// The decisions directory, relative to the store root: `ward.yaml`'s `decisions.dir`.
    public var decisionsDirectory: String { config.decisionsDirectory }

    /// Every decision record, by number, and the problems met reading them.
    public func loadDecisions() -> (decisions: [Decision], problems: [Problem]) {
        var decisions: [Decision] = []
        var problems: [Problem] = []
        for name in listDirectory(decisionsDirectory) where Decision.number(inFileName: name) != nil {
            let path = decisionsDirectory + "/" + name
            do {
                guard let contents = try files.read(path, limit: RecordText.sizeLimit + 1) else { continue }
                let decision = try Decision(data: contents.data, path: path)
                decisions.append(decision)
                problems += decision.warnings
            } catch let error as WardError {
                problems.append(Problem(path: error.path ?? path, line: error.line, error.message))
            } catch {
                problems.append(Problem(path: path, "\(error)"))
            }
        }
        decisions.sort { ($0.number, $0.path) < ($1.number, $1.path) }
        return (decisions, problems)
    }

    /// The decision numbered `number`, or an error saying it does not exist or is ambiguous.
    public func findDecision(_ number: Int) throws -> Decision {
        let (decisions, problems) = loadDecisions()
        let matches = decisions.filter { $0.number == number }
        if matches.count > 1 {
            throw WardError("\(matches.count) records have the number \(number): \(matches.map(\.path).joined(separator: ", "))")
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

    /// Writes a new decision record, proposed, with the next free number. Superseded records are marked so.
    /// The edits to the superseded records are prepared and checked before anything is written, so a record
    /// that cannot be marked stops the command before the new record exists.
    /// `context` and `outcome`, when given, are Markdown put under the record's context and decision headings.
    public func newDecision(title: String, format: DecisionFormat? = nil, supersedes: [Int] = [],
                            incidents: [String] = [], context: String = "", outcome: String = "") throws -> Decision {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw WardError("the title is empty: say in a few words what is decided") }
        guard !title.contains("\n") && !title.contains("\r") else { throw WardError("the title must be one line") }
        let format = format ?? config.decisionsFormat
        try files.makeDirectories(decisionsDirectory)
        // Numbering and creating happen under one lock, so two people adding records get two numbers.
        return try files.withLock(decisionsDirectory + "/.numbering") {
            let number = (decisionNumbersInUse().max() ?? 0) + 1
            guard number <= Decision.largestNumber else {
                throw WardError("decision numbers have reached \(Decision.largestNumber); renumber the records first")
            }
            let old = try supersedes.map { try findDecision($0) }
            let name = Decision.fileName(number: number, title: title)
            let path = decisionsDirectory + "/" + name
            let date = Timestamps.formatDate(now())
            var prose: [String: Any] = [:]
            if !context.isEmpty { prose["context"] = context }
            if !outcome.isEmpty { prose["outcome"] = outcome }
            let text: String
            switch format {
            case .madr:
                text = try templates.render("adr-madr.md", prose.merging([
                    "title": title, "date": date, "status": "proposed",
                    "decision_makers": FrontMatterEditor.list([author.split(separator: "@").first.map(String.init) ?? author]),
                    "supersedes": "[" + supersedes.map(String.init).joined(separator: ", ") + "]",
                    "incidents": FrontMatterEditor.list(incidents),
                ]) { $1 })
            case .nygard:
                text = try templates.render("adr-nygard.md", prose.merging([
                    "number": number, "title": title, "date": date, "status_title": "Proposed",
                    "supersedes": old.map { ["number": $0.number, "title": $0.title,
                                             "file": $0.path.split(separator: "/").last.map(String.init) ?? ""] },
                ]) { $1 })
            }
            let created: Decision
            do {
                created = try Decision(data: Data(text.utf8), path: path)
            } catch let error as WardError {
                throw WardError("the \(format.rawValue) template does not make a readable record (\(error.message)); nothing was written",
                                path: "templates/adr-\(format.rawValue).md.mustache")
            }
            guard created.title == title, created.supersedes == supersedes else {
                throw WardError("the \(format.rawValue) template does not keep the title or the superseded records; nothing was written")
            }
            let edits = try old.map { try supersedeEdit($0, by: created) }
            try files.replace(path, with: Data(text.utf8), expecting: .absent)
            for (index, edit) in edits.enumerated() {
                do {
                    try files.replace(edit.path, with: edit.data, expecting: .content(edit.hash))
                } catch let error as WardError {
                    let done = edits[..<index].map(\.path)
                    throw WardError("\(path) was written\(done.isEmpty ? "" : " and " + done.joined(separator: ", ") + " marked superseded"), but \(edit.path) could not be marked superseded: \(error.message). Mark it by hand or run the command's status change again", path: error.path, line: error.line)
                }
            }
            return created
        }
    }

    /// The new bytes of `old` marked as superseded by `newer`, in its own format, checked by reading them back.
    func supersedeEdit(_ old: Decision, by newer: Decision) throws -> (path: String, data: Data, hash: ContentHash) {
        guard let contents = try files.read(old.path, limit: RecordText.sizeLimit + 1) else {
            throw WardError("disappeared", path: old.path)
        }
        _ = try RecordText(contents.data, path: old.path)  // refuse to edit a file that is not clean text
        let text = String(decoding: contents.data, as: UTF8.self)
        let supersededBy = old.supersededBy + [newer.number]
        var updated: String?
        switch old.format {
        case .madr:
            updated = FrontMatterEditor.setVerified("status", to: "superseded", in: text, path: old.path, expected: ["superseded"])
                .flatMap { FrontMatterEditor.setVerified("superseded-by", to: "[" + supersededBy.map(String.init).joined(separator: ", ") + "]",
                                                          in: $0, path: old.path, expected: supersededBy.map(String.init)) }
        case .nygard:
            let file = newer.path.split(separator: "/").last.map(String.init) ?? ""
            let link = "Superseded by [\(newer.number). \(newer.title)](\(file))"
            updated = DecisionEditing.settingStatus(.superseded, in: text, format: .nygard)
                .flatMap { DecisionEditing.addingStatusLink(link, in: $0) }
        }
        guard let updated, let reread = try? Decision(data: Data(updated.utf8), path: old.path),
              reread.status == .superseded, reread.supersededBy == supersededBy, reread.title == old.title,
              reread.supersedes == old.supersedes else {
            throw WardError("Ward cannot mark it superseded without changing more than its status (edit it by hand); nothing was written",
                            path: old.path)
        }
        return (old.path, Data(updated.utf8), contents.hash)
    }

    /// Changes a decision's status, allowing only the lifecycle's transitions, editing one line of the file.
    @discardableResult
    public func setDecisionStatus(_ number: Int, to status: DecisionStatus) throws -> Decision {
        let found = try findDecision(number)
        // Check and edit the very bytes read here; the replace refuses if they change before it writes.
        guard let contents = try files.read(found.path, limit: RecordText.sizeLimit + 1) else {
            throw WardError("disappeared", path: found.path)
        }
        let decision = try Decision(data: contents.data, path: found.path)
        if decision.status == status { return decision }
        if let current = decision.status, !current.allowedNext.contains(status) {
            let allowed = current.allowedNext.map(\.rawValue)
            throw WardError("decision \(number) is \(current.rawValue); it can become " +
                            (allowed.isEmpty ? "nothing else (it is final)" : allowed.joined(separator: " or ")) +
                            (status == .superseded ? ". To supersede it, use 'ward adr new TITLE --supersedes \(number)'" : ""))
        }
        let text = String(decoding: contents.data, as: UTF8.self)
        let updated: String?
        switch decision.format {
        case .madr: updated = FrontMatterEditor.setVerified("status", to: status.rawValue, in: text, path: decision.path, expected: [status.rawValue])
        case .nygard: updated = DecisionEditing.settingStatus(status, in: text, format: .nygard)
        }
        guard let updated, let reread = try? Decision(data: Data(updated.utf8), path: decision.path), reread.status == status,
              reread.title == decision.title, reread.supersedes == decision.supersedes, reread.supersededBy == decision.supersededBy else {
            throw WardError("Ward cannot change its status without changing more than that line (edit it by hand); nothing was written",
                            path: decision.path)
        }
        try files.replace(decision.path, with: Data(updated.utf8), expecting: .content(contents.hash))
        return reread
    }
}
