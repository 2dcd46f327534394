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

    /// Writes a new decision record, proposed, with the next free number. Superseded records are marked so.
    public func newDecision(title: String, format: DecisionFormat? = nil, supersedes: [Int] = [],
                            incidents: [String] = []) throws -> Decision {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw WardError("the title is empty: say in a few words what is decided") }
        guard !title.contains("\n") else { throw WardError("the title must be one line") }
        let format = format ?? config.decisionsFormat
        try files.makeDirectories(decisionsDirectory)
        // Numbering and creating happen under one lock, so two people adding records get two numbers.
        let created: Decision = try files.withLock(decisionsDirectory + "/.numbering") {
            let existing = loadDecisions().decisions
            let old = try supersedes.map { number in
                guard let found = existing.first(where: { $0.number == number }) else {
                    throw WardError("there is no decision \(number) to supersede")
                }
                return found
            }
            let number = (existing.map(\.number).max() ?? 0) + 1
            let name = Decision.fileName(number: number, title: title)
            let path = decisionsDirectory + "/" + name
            let date = Timestamps.formatDate(now())
            let text: String
            switch format {
            case .madr:
                text = try templates.render("adr-madr.md", [
                    "title": title, "date": date, "status": "proposed",
                    "decision_makers": FrontMatterEditor.list([author.split(separator: "@").first.map(String.init) ?? author]),
                    "supersedes": "[" + supersedes.map(String.init).joined(separator: ", ") + "]",
                    "incidents": FrontMatterEditor.list(incidents),
                ])
            case .nygard:
                text = try templates.render("adr-nygard.md", [
                    "number": number, "title": title, "date": date, "status_title": "Proposed",
                    "supersedes": old.map { ["number": $0.number, "title": $0.title,
                                             "file": $0.path.split(separator: "/").last.map(String.init) ?? ""] },
                ])
            }
            try files.replace(path, with: Data(text.utf8), expecting: .absent)
            guard let contents = try files.read(path) else { throw WardError("disappeared after it was written", path: path) }
            return try Decision(data: contents.data, path: path)
        }
        for number in supersedes {
            try markSuperseded(number, by: created)
        }
        return created
    }

    /// Marks `number` as superseded by `newer`, in the record's own format.
    func markSuperseded(_ number: Int, by newer: Decision) throws {
        let old = try findDecision(number)
        guard let contents = try files.read(old.path) else { throw WardError("disappeared", path: old.path) }
        _ = try RecordText(contents.data, path: old.path)  // refuse to edit a file that is not clean text
        var updated: String?
        let raw = String(decoding: contents.data, as: UTF8.self)
        switch old.format {
        case .madr:
            updated = FrontMatterEditor.set("status", to: "superseded", in: raw)
                .flatMap { FrontMatterEditor.set("superseded-by", to: "[" + (old.supersededBy + [newer.number]).map(String.init).joined(separator: ", ") + "]", in: $0) }
        case .nygard:
            let file = newer.path.split(separator: "/").last.map(String.init) ?? ""
            let link = "Superseded by [\(newer.number). \(newer.title)](\(file))"
            updated = DecisionEditing.settingStatus(.superseded, in: raw, format: .nygard)
                .flatMap { DecisionEditing.addingStatusLink(link, in: $0) }
        }
        guard let updated else { throw WardError("has no place for a status Ward can edit", path: old.path) }
        try files.replace(old.path, with: Data(updated.utf8), expecting: .content(contents.hash))
    }

    /// Changes a decision's status, allowing only the lifecycle's transitions, editing one line of the file.
    @discardableResult
    public func setDecisionStatus(_ number: Int, to status: DecisionStatus) throws -> Decision {
        let decision = try findDecision(number)
        guard let contents = try files.read(decision.path) else { throw WardError("disappeared", path: decision.path) }
        if decision.status == status { return decision }
        if let current = decision.status, !current.allowedNext.contains(status) {
            let allowed = current.allowedNext.map(\.rawValue)
            throw WardError("decision \(number) is \(current.rawValue); it can become " +
                            (allowed.isEmpty ? "nothing else (it is final)" : allowed.joined(separator: " or ")) +
                            (status == .superseded ? ". To supersede it, use 'ward adr new TITLE --supersedes \(number)'" : ""))
        }
        let raw = String(decoding: contents.data, as: UTF8.self)
        guard let updated = DecisionEditing.settingStatus(status, in: raw, format: decision.format) else {
            throw WardError("has no status Ward can edit (no front matter and no '## Status' section)", path: decision.path)
        }
        try files.replace(decision.path, with: Data(updated.utf8), expecting: .content(contents.hash))
        return try findDecision(number)
    }
}
