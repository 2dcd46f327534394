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
    /// Plain full-text search: every line of every record that contains all the query's words, in any case
    /// (both sides lowercased, then compared byte for byte, as grep does).
    ///
    /// Incidents and decision records are first sifted with the derived search index (`TrigramFilter`), so
    /// only records that may hold every word are read; a query whose words are all shorter than three
    /// letters reads everything. The index only ever skips records that cannot match.
    public func search(_ query: String) -> [SearchHit] { search(query, useIndex: true) }

    /// `useIndex: false` reads every record, for tests that hold the index to what reading everything finds.
    func search(_ query: String, useIndex: Bool) -> [SearchHit] {
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return [] }
        let matcher = LineMatcher(words: words)
        let required = useIndex ? TrigramFilter.required(by: words) : []
        var hits: [SearchHit] = []

        let ids = incidentIDs()
        let candidates: [(id: String, title: String?)]
        if required.isEmpty {
            candidates = ids.map { ($0, nil) }
        } else {
            candidates = zip(ids, incidentSearchEntries(ids)).compactMap { id, entry in
                entry.filter.mayContain(required) ? (id, entry.title) : nil
            }
        }
        hits += candidates.concurrentMap { id, title in
            self.searchIncident(id, title: title, matcher: matcher)
        }.flatMap { $0 }

        // Decision records that read as records (as `loadDecisions` gives them), sifted by the index.
        let records = decisionSearchEntries().filter { required.isEmpty || $0.filter.mayContain(required) }
        hits += records.concurrentMap { record in
            Self.searchableLines(self.files, record.path).filter { matcher.matches($0.text) }.map { line, text in
                SearchHit(kind: "decision", id: String(record.number), title: record.title, path: record.path,
                          line: line, text: text.trimmingCharacters(in: .whitespaces))
            }
        }.flatMap { $0 }

        for checklist in loadChecklists().checklists where !checklist.builtIn {
            for (line, text) in Self.searchableLines(files, checklist.path) where matcher.matches(text) {
                hits.append(SearchHit(kind: "checklist", id: checklist.name, title: checklist.title, path: checklist.path,
                                      line: line, text: text.trimmingCharacters(in: .whitespaces)))
            }
        }
        for file in listDirectory(Self.checklistRunsDirectory) where file.hasSuffix(".jsonl") {
            let path = Self.checklistRunsDirectory + "/" + file
            for (line, raw, shown, event) in Self.searchableEvents(files, path) where matcher.matches(raw) && matcher.matches(shown) {
                hits.append(SearchHit(kind: "checklist-run", id: ActionItem.shortID(event.id),
                                      title: event["title"] ?? String(file.dropLast(6)), path: path, line: line, text: shown))
            }
        }
        for runbook in loadRunbooks().runbooks where !runbook.builtIn {
            for (line, text) in Self.searchableLines(files, runbook.path) where matcher.matches(text) {
                hits.append(SearchHit(kind: "runbook", id: runbook.name, title: runbook.title, path: runbook.path,
                                      line: line, text: text.trimmingCharacters(in: .whitespaces)))
            }
        }
        return hits
    }

    /// The hits in one incident's files, in file order: `incident.md`, the timeline, the post-mortem.
    private func searchIncident(_ id: String, title: String?, matcher: LineMatcher) -> [SearchHit] {
        let directory = Self.incidentsDirectory + "/" + id
        var title = title
        func incidentTitle() -> String {
            if let title { return title }
            let found = loadIncident(id).state.title
            title = found
            return found
        }
        var hits: [SearchHit] = []
        for (file, kind) in [("incident.md", "incident"), ("timeline.jsonl", "event"), ("postmortem.md", "postmortem")] {
            let path = directory + "/" + file
            if kind == "event" {
                // Only a line whose raw text holds the words can show them: the others are not read as events.
                for (line, _, shown, _) in Self.searchableEvents(files, path, where: matcher.matches) where matcher.matches(shown) {
                    hits.append(SearchHit(kind: kind, id: id, title: incidentTitle(), path: path, line: line, text: shown))
                }
            } else {
                for (line, text) in Self.searchableLines(files, path) where matcher.matches(text) {
                    hits.append(SearchHit(kind: kind, id: id, title: incidentTitle(), path: path, line: line,
                                          text: text.trimmingCharacters(in: .whitespaces)))
                }
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

    /// The lines of a text file as search reads them, numbered from 1 (split at each newline byte, a CR
    /// before it dropped).
    static func searchableLines(_ files: StoreFiles, _ path: String) -> [(line: Int, text: Substring)] {
        guard let contents = try? files.read(path, limit: 256 << 20) else { return [] }
        var text = String(decoding: contents.data, as: UTF8.self)
        // The newlines found by byte offset (memchr), each line then cut out of the text by its offsets.
        var ranges: [Range<Int>] = []
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var start = 0
            while let found = memchr(base + start, 10, bytes.count - start) {
                let newline = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                // A CRLF line ends before its CR (split by Character, "\r\n" was one character and never split).
                ranges.append(start..<(newline > start && bytes[newline - 1] == 13 ? newline - 1 : newline))
                start = newline + 1
            }
            ranges.append(start..<bytes.count)
        }
        if ranges.isEmpty { ranges = [0..<0] }
        let utf8 = text.utf8
        return ranges.enumerated().map { number, range in
            (number + 1, Substring(utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]))
        }
    }

    /// The events of a journal as search reads them: each line that is an event, with its raw text and the
    /// text shown for it (the event's own words, without its id and times).
    static func searchableEvents(_ files: StoreFiles, _ path: String, where wanted: (Substring) -> Bool = { _ in true })
        -> [(line: Int, raw: Substring, shown: String, event: Event)] {
        searchableLines(files, path).compactMap { line, raw in
            guard wanted(raw), let event = try? Event(jsonLine: raw) else { return nil }
            // The event's words in the order of their keys: a dictionary's own order differs between runs.
            let shown = event.kind == "checklist" ? runText(event)
                : event.fields.sorted { $0.key < $1.key }.compactMap(\.value.string).joined(separator: " ")
            return (line, raw, shown, event)
        }
    }
}

/// Whether a line holds every word of a query: the line lowercased as the words were, compared as bytes.
public struct LineMatcher: Sendable {
    let needles: [[UInt8]]

    /// `words` lowercased.
    public init(words: [String]) { needles = words.map { Array($0.utf8) } }

    public func matches<S: StringProtocol>(_ line: S) -> Bool {
        // An ASCII line lowercases byte by byte, so it is compared in place; any other is lowercased first
        // (a non-ASCII letter can lowercase to ASCII: the Kelvin sign to k).
        let ascii = line.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? needles.allSatisfy { Self.containsIgnoringASCIICase(bytes, $0) } : nil
        }
        if let ascii, let answer = ascii { return answer }
        var lowered = line.lowercased()
        return lowered.withUTF8 { haystack in needles.allSatisfy { Self.contains(haystack, $0) } }
    }

    /// `needle` (lowercased) in `haystack` (ASCII), with the haystack's capitals read as small letters.
    static func containsIgnoringASCIICase(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where lower(haystack[start]) == first {
            var index = 1
            while index < needle.count && lower(haystack[start + index]) == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        let last = haystack.count - needle.count
        var start = 0
        while start <= last {
            guard let found = haystack[start...last].firstIndex(of: first) else { return false }
            var index = 1
            while index < needle.count && haystack[found + index] == needle[index] { index += 1 }
            if index == needle.count { return true }
            start = found + 1
        }
        return false
    }
}
