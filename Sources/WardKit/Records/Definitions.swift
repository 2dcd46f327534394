import Foundation

/// A checklist definition: `checklists/<name>.md`.
public struct Checklist: Sendable, Equatable {
    public var name: String
    public var title: String
    public var summary: String
    public var items: [TaskItem]
    public var path: String
    public var builtIn: Bool

    public init(name: String, text: String, path: String, builtIn: Bool) throws {
        let document = try FrontMatterDocument(text, path: path)
        guard let fields = document.fields else {
            throw WardError("has no front matter: start it with '---', a title, and '---'", path: path, line: 1)
        }
        self.name = name
        self.path = path
        self.builtIn = builtIn
        title = try fields.requiredString("title")
        summary = try fields.string("summary") ?? ""
        let allRedFlags = try fields.bool("red-flags") ?? false
        let sections = try TaskListParser.sections(body: document.body, firstLine: document.bodyLine, path: path)
        items = sections.flatMap(\.items).map { item in
            var item = item
            if allRedFlags { item.redFlag = true }
            return item
        }
        guard !items.isEmpty else {
            throw WardError("has no items: add lines such as '- [ ] backup-verified: A backup was restored {required}'", path: path, line: document.bodyLine)
        }
    }
}

/// A runbook definition: `runbooks/<name>.md`, phases as `## ` headings, steps as task items.
public struct Runbook: Sendable, Equatable {
    public struct Phase: Sendable, Equatable {
        public var name: String
        public var guidance: String
        public var steps: [TaskItem]
    }

    public var name: String
    public var title: String
    public var summary: String
    public var phases: [Phase]
    /// The phase whose start writes the post-mortem draft and a proposed decision record.
    public var documentPhase: String?
    public var path: String
    public var builtIn: Bool

    public init(name: String, text: String, path: String, builtIn: Bool) throws {
        let document = try FrontMatterDocument(text, path: path)
        guard let fields = document.fields else {
            throw WardError("has no front matter: start it with '---', a title, and '---'", path: path, line: 1)
        }
        self.name = name
        self.path = path
        self.builtIn = builtIn
        title = try fields.requiredString("title")
        summary = try fields.string("summary") ?? ""
        documentPhase = try fields.string("document-phase")
        let sections = try TaskListParser.sections(body: document.body, firstLine: document.bodyLine, path: path)
        if let stray = sections.first(where: { $0.title.isEmpty && !$0.items.isEmpty }) {
            throw WardError("steps must sit under a phase heading ('## Phase')", path: path, line: stray.items[0].line)
        }
        phases = sections.filter { !$0.title.isEmpty }.map { Phase(name: $0.title, guidance: $0.guidance, steps: $0.items) }
        guard !phases.isEmpty else {
            throw WardError("has no phases: add '## ' headings with steps under them", path: path, line: document.bodyLine)
        }
        if let empty = sections.first(where: { !$0.title.isEmpty && $0.items.isEmpty }) {
            throw WardError("the phase '\(empty.title)' has no steps", path: path, line: empty.line)
        }
        var seen: [String: Int] = [:]
        for section in sections where !section.title.isEmpty {
            if let first = seen[section.title.lowercased()] {
                throw WardError("the phase '\(section.title)' appears twice (first on line \(first)); phase names must differ", path: path, line: section.line)
            }
            seen[section.title.lowercased()] = section.line
        }
        if let documentPhase, !phases.contains(where: { $0.name == documentPhase }) {
            throw WardError("'document-phase' names '\(documentPhase)', which is not one of the phases: \(phases.map(\.name).joined(separator: ", "))",
                            path: path, line: fields.line("document-phase"))
        }
    }
}
