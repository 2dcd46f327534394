import Foundation

/// The incidents' search filters, to ask which incidents may hold some words.
public struct IncidentSearchIndex: Sendable {
    let entries: [(id: String, filter: TrigramFilter)]

    /// The incidents whose files may hold every one of `words` (lowercased), or nil when the words are too
    /// short for the index to tell (any incident may). Whatever is left out cannot match.
    /// Whether the index can sift for `query` at all: some word has three letters or digits in a row.
    public static func canSift(_ query: String) -> Bool {
        !TrigramFilter.required(by: query.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)).isEmpty
    }

    public func possiblyHolding(_ words: [String]) -> Set<String>? {
        let required = TrigramFilter.required(by: words)
        guard !required.isEmpty else { return nil }
        return Set(entries.compactMap { $0.filter.mayContain(required) ? $0.id : nil })
    }
}

/// What the search index keeps of a decision record: what a hit names, and the trigrams of its file.
struct DecisionSearchEntry: Sendable {
    var number: Int
    var title: String
    var path: String
    var filter: TrigramFilter
}

/// A decision's file as the search index keeps it: nil when it is not a record search reads.
private struct DecisionSearchFile: Sendable {
    var entry: DecisionSearchEntry?
}

/// What the search index keeps of an incident: its title (for hits) and the trigrams of its three files.
struct IncidentSearchEntry {
    var title: String
    var filter: TrigramFilter
}

extension Store {
    /// The search index entries of `ids` (`.ward/cache/incident-search-BUILD/`), built from `incident.md`, the
    /// timeline and the post-mortem exactly as `search` reads them.
    func incidentSearchEntries(_ ids: [String]) -> [IncidentSearchEntry] {
        let cache = DerivedCache(root: root.path, name: "incident-search", base: Self.incidentsDirectory,
                                 files: ["/incident.md", "/timeline.jsonl", "/postmortem.md"], writable: !isReadOnly)
        let values = cache.values(for: ids, build: { id in
            let directory = Self.incidentsDirectory + "/" + id
            var trigrams = Set<UInt32>()
            for file in ["incident.md", "postmortem.md"] {
                for (_, text) in Self.searchableLines(self.files, directory + "/" + file) {
                    TrigramFilter.collect(text.lowercased().utf8, into: &trigrams)
                }
            }
            for (_, _, shown, event) in Self.searchableEvents(self.files, directory + "/timeline.jsonl") {
                // What `ward search` reads, and what the TUI's search reads (the event as shown, and who).
                TrigramFilter.collect(shown.lowercased().utf8, into: &trigrams)
                TrigramFilter.collect(TimelineText.describe(event).lowercased().utf8, into: &trigrams)
                TrigramFilter.collect(event.by.lowercased().utf8, into: &trigrams)
            }
            var writer = ByteWriter()
            writer.string(self.loadIncident(id).state.title)
            TrigramFilter(trigrams: trigrams).encode(to: &writer)
            return writer.bytes
        }, decode: { _, payload in
            payload.withUnsafeBytes { bytes -> IncidentSearchEntry? in
                var reader = ByteReader(bytes)
                guard let title = try? reader.string(), let filter = try? TrigramFilter.decode(payload, &reader),
                      reader.isAtEnd else { return nil }
                return IncidentSearchEntry(title: title, filter: filter)
            }
        })
        return zip(ids, values).map { id, value in
            // An entry Ward cannot read lets everything through: the files still answer.
            value ?? IncidentSearchEntry(title: loadIncident(id).state.title, filter: .passAll)
        }
    }

    /// The search index of every incident, read once and asked many times (the TUI's search, a key at a time).
    public func incidentSearchIndex() -> IncidentSearchIndex {
        let ids = incidentIDs()
        return IncidentSearchIndex(entries: Array(zip(ids, incidentSearchEntries(ids).map(\.filter))))
    }

    /// The decision records search reads (those `loadDecisions` reads as records), in its order, each with
    /// its index filter, from `.ward/cache/decision-search-BUILD/`.
    func decisionSearchEntries() -> [DecisionSearchEntry] {
        let directory = decisionsDirectory
        let names = listDirectory(directory).filter { Decision.number(inFileName: $0) != nil }
        let cache = DerivedCache(root: root.path, name: "decision-search", base: directory, files: [""], writable: !isReadOnly)
        let values = cache.values(for: names, build: { name in
            var writer = ByteWriter()
            guard case let .success(decision)? = self.readDecision(directory + "/" + name) else {
                writer.bool(false)
                return writer.bytes
            }
            var trigrams = Set<UInt32>()
            for (_, text) in Self.searchableLines(self.files, directory + "/" + name) {
                TrigramFilter.collect(text.lowercased().utf8, into: &trigrams)
            }
            writer.bool(true)
            writer.int(decision.number)
            writer.string(decision.title)
            writer.string(decision.path)
            TrigramFilter(trigrams: trigrams).encode(to: &writer)
            return writer.bytes
        }, decode: { name, payload in
            payload.withUnsafeBytes { bytes -> DecisionSearchFile? in
                var reader = ByteReader(bytes)
                guard let isRecord = try? reader.bool() else { return nil }
                guard isRecord else { return reader.isAtEnd ? DecisionSearchFile(entry: nil) : nil }
                guard let number = try? reader.int(), let title = try? reader.string(), let path = try? reader.string(),
                      path == directory + "/" + name, let filter = try? TrigramFilter.decode(payload, &reader),
                      reader.isAtEnd else { return nil }
                return DecisionSearchFile(entry: DecisionSearchEntry(number: number, title: title, path: path, filter: filter))
            }
        })
        let entries = zip(names, values).compactMap { name, value -> DecisionSearchEntry? in
            if let value { return value.entry }
            // Not readable as Ward wrote it: the file answers, and everything is let through.
            guard case let .success(decision)? = readDecision(directory + "/" + name) else { return nil }
            return DecisionSearchEntry(number: decision.number, title: decision.title, path: decision.path, filter: .passAll)
        }
        return entries.sorted { ($0.number, $0.path) < ($1.number, $1.path) }
    }
}
