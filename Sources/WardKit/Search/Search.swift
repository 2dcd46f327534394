import Foundation

/// One line of the store that matches a search.
public struct SearchHit: Sendable, Equatable, Codable {
    public var kind: String
    public var id: String
    public var title: String
    public var path: String
    public var line: Int
    public var text: String
}

extension Store {
    /// Plain full-text search: every line of every record that contains all the query's words, in any case.
    public func search(_ query: String) -> [SearchHit] {
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return [] }
        var hits: [SearchHit] = []
        for id in incidentIDs() {
            let directory = "incidents/" + id
            var title: String?
            func incidentTitle() -> String {
                if let title { return title }
                let found = loadIncident(id).state.title
                title = found
                return found
            }
            for (file, kind) in [("incident.md", "incident"), ("timeline.jsonl", "event"), ("postmortem.md", "postmortem")] {
                for (line, text) in matchingLines(directory + "/" + file, words, json: file.hasSuffix(".jsonl")) {
                    hits.append(SearchHit(kind: kind, id: id, title: incidentTitle(), path: directory + "/" + file, line: line, text: text))
                }
            }
        }
        let decisions = loadDecisions().decisions
        for decision in decisions {
            for (line, text) in matchingLines(decision.path, words, json: false) {
                hits.append(SearchHit(kind: "decision", id: String(decision.number), title: decision.title,
                                      path: decision.path, line: line, text: text))
            }
        }
        for checklist in loadChecklists().checklists where !checklist.builtIn {
            for (line, text) in matchingLines(checklist.path, words, json: false) {
                hits.append(SearchHit(kind: "checklist", id: checklist.name, title: checklist.title, path: checklist.path, line: line, text: text))
            }
        }
        for file in listDirectory(Self.checklistRunsDirectory) where file.hasSuffix(".jsonl") {
            let path = Self.checklistRunsDirectory + "/" + file
            for (line, text, event) in matchingEvents(path, words) {
                hits.append(SearchHit(kind: "checklist-run", id: ActionItem.shortID(event.id),
                                      title: event["title"] ?? String(file.dropLast(6)), path: path, line: line, text: text))
            }
        }
        for runbook in loadRunbooks().runbooks where !runbook.builtIn {
            for (line, text) in matchingLines(runbook.path, words, json: false) {
                hits.append(SearchHit(kind: "runbook", id: runbook.name, title: runbook.title, path: runbook.path, line: line, text: text))
            }
        }
        return hits
    }

    /// A checklist run as search sees it: what it says, then each item with its answer and note.
    static func runText(_ event: Event) -> String {
        guard case let .array(answers)? = event.fields["answers"] else { return TimelineText.describe(event) }
        let items = answers.compactMap { value -> String? in
            guard case let .object(object) = value else { return nil }
            let note = object["note"]?.string.map { ": \($0)" } ?? ""
            return "\(object["item"]?.string ?? "?") \(object["answer"]?.string ?? "?")\(note)"
        }
        return TimelineText.describe(event) + "; " + items.joined(separator: "; ")
    }

    /// Lines of a file holding every word; for a journal, the words are sought in the event's text only.
    private func matchingLines(_ path: String, _ words: [String], json: Bool) -> [(Int, String)] {
        if json { return matchingEvents(path, words).map { ($0.0, $0.1) } }
        guard let contents = try? files.read(path, limit: 256 << 20) else { return [] }
        let text = String(decoding: contents.data, as: UTF8.self)
        var result: [(Int, String)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lowered = line.lowercased()
            guard words.allSatisfy({ lowered.contains($0) }) else { continue }
            result.append((index + 1, line.trimmingCharacters(in: .whitespaces)))
        }
        return result
    }

    /// The events of a journal whose text holds every word, each read once: line, shown text, event.
    private func matchingEvents(_ path: String, _ words: [String]) -> [(Int, String, Event)] {
        guard let contents = try? files.read(path, limit: 256 << 20) else { return [] }
        let text = String(decoding: contents.data, as: UTF8.self)
        var result: [(Int, String, Event)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lowered = line.lowercased()
            guard words.allSatisfy({ lowered.contains($0) }), let event = try? Event(jsonLine: line) else { continue }
            let shown = event.kind == "checklist" ? Self.runText(event)
                : event.fields.values.compactMap(\.string).joined(separator: " ")
            guard words.allSatisfy({ shown.lowercased().contains($0) }) else { continue }
            result.append((index + 1, shown, event))
        }
        return result
    }
}
