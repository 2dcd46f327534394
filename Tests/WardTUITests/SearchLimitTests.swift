import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// The search stops reading once its first `limit` results are certain; what it shows must be exactly the
/// first `limit` of reading everything, for any limit.
@Suite struct SearchLimitTests {
    /// Everything read, grouped and cut, as the search did before it learnt to stop early.
    static func everything(_ query: String, in snapshot: Snapshot) -> [SearchResult] {
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return [] }
        let matcher = LineMatcher(words: words)
        let possible = snapshot.incidentsPossiblyHolding(words)
        let readsBodies = possible != nil || snapshot.incidents.count <= snapshot.titlesOnlyAbove
        var results: [SearchResult] = []
        for summary in snapshot.incidents {
            let route = Route.incident(summary.id)
            if matcher.matches(summary.title) || matcher.matches(summary.id) {
                results.append(SearchResult(group: "Incidents", title: summary.title, text: summary.id, route: route))
            }
            guard readsBodies && (possible?.contains(summary.id) ?? true), let incident = snapshot.incident(summary.id) else { continue }
            for (offset, line) in SearchEngine.bodyLines(incident.record?.body ?? "") where matcher.matches(line) {
                results.append(SearchResult(group: "Incidents", title: incident.state.title, text: line, route: route,
                                            focus: .sourceLine(offset)))
            }
            for event in incident.events {
                let text = TimelineText.describe(event)
                if matcher.matches(text) || matcher.matches(event.by) {
                    results.append(SearchResult(group: "Timeline", title: incident.state.title, text: text, route: route,
                                                focus: .event(event.id)))
                }
            }
        }
        // The rest of the store, as the search itself reads it (its loops do not stop early).
        let rest = SearchEngine.search(query, in: snapshot, limit: .max).filter { $0.group != "Incidents" && $0.group != "Timeline" }
        let all = results + rest
        return SearchEngine.groups.flatMap { group in all.filter { $0.group == group } }
    }

    @Test func theFirstResultsAreTheSameWhereverTheSearchStops() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Store.create(at: root, name: "t")
        let store = try Store(root: root, author: "ana@bastion")
        // More incidents than the loader keeps (64), so the search reads records from disk, not from memory.
        for index in 0..<70 {
            let incident = try store.declare(title: index % 5 == 0 ? "Kafka lag \(index)" : "Checkout errors \(index)",
                                             severity: "SEV2", services: ["api"], commander: "ana")
            if index % 3 == 0 {
                let path = root.appending(path: "incidents/\(incident.id)/incident.md")
                let text = try String(contentsOf: path, encoding: .utf8)
                try (text + "\nKafka consumers stalled on shard \(index).\n\nNothing else.\nkafka again\n").write(to: path, atomically: true, encoding: .utf8)
            }
            for note in 0..<(index % 4) {
                try store.record("note", ["text": .string("kafka partition \(note) of incident \(index)")], in: incident.id)
            }
        }
        _ = try store.newDecision(title: "Keep Kafka topics per team")
        // An incident.md that no longer reads as a record: no body hits, its timeline still searched.
        let broken = store.incidentIDs()[3]
        try "no front matter, kafka in the text\n".write(to: root.appending(path: "incidents/\(broken)/incident.md"), atomically: true, encoding: .utf8)
        try store.record("note", ["text": .string("kafka on the broken one")], in: broken)
        for titlesOnlyAbove in [2_000, 10] {
            for query in ["kafka", "kafka shard", "checkout", "ana", "nothing", "zzz", "ka", "broken"] {
                var reference = Snapshot.load(store)
                reference.titlesOnlyAbove = titlesOnlyAbove
                let full = Self.everything(query, in: reference)
                for limit in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 300] {
                    // A snapshot of its own each time: nothing loaded by the reference or an earlier search.
                    var snapshot = Snapshot.load(store)
                    snapshot.titlesOnlyAbove = titlesOnlyAbove
                    #expect(SearchEngine.search(query, in: snapshot, limit: limit) == Array(full.prefix(limit)),
                            "\(query) limit \(limit) titles only above \(titlesOnlyAbove)")
                }
            }
        }
        let snapshot = Snapshot.load(store)
        #expect(Self.everything("kafka", in: snapshot).count > 100)
        #expect(Set(Self.everything("kafka", in: snapshot).map(\.group)) == ["Incidents", "Timeline", "Decisions"])
        #expect(Self.everything("broken", in: snapshot).contains { $0.group == "Timeline" && $0.route == .incident(broken) })
    }
}
