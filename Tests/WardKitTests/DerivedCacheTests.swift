import Foundation
import Testing
@testable import WardKit

/// The derived cache under `.ward/cache/` is rebuilt when missing, stale or damaged, updated one shard at a
/// time, safe with two writers, and never needed: every answer is the same with it, without it, and with
/// it wrong.
@Suite struct DerivedCacheTests {
    /// A store with `count` incidents, notes, an action item, a post-mortem and two decisions.
    static func populated(_ directory: TemporaryDirectory, count: Int = 12) throws -> Store {
        let store = try makeStore(directory)
        for index in 0..<count {
            let incident = try store.declare(title: "Checkout latency \(index)", severity: index % 2 == 0 ? "SEV2" : "SEV3",
                                             services: ["api", index % 3 == 0 ? "kafka-bridge" : "postgres"], commander: "ana")
            try store.record("note", ["text": .string("Queue depth rising on shard \(index); TODO: alert on lag")], in: incident.id)
            if index % 4 == 0 {
                try store.record("status", ["status": .string("resolved")], in: incident.id)
                directory.write("incidents/\(incident.id)/postmortem.md",
                                "---\ntitle: Post-mortem \(index)\nstatus: draft\n---\n\nThe consumer group stalled.\n")
            }
        }
        directory.write("decisions/0001-use-postgres.md", "---\nstatus: accepted\ndate: 2026-01-02\n---\n\n# Use PostgreSQL\n\nWe keep orders in PostgreSQL.\n")
        directory.write("decisions/0002-stream-with-kafka.md", "---\nstatus: proposed\ndate: 2026-02-03\n---\n\n# Stream with Kafka\n\nEvents go through a broker.\n")
        return store
    }

    /// Everything the cache feeds, as plain values to compare.
    static func answers(_ store: Store) -> [String] {
        let listings = store.incidentListings().map { "\($0.id) \($0.isActive) \($0.declared) " + String(decoding: $0.json, as: UTF8.self) }
        let summaries = store.incidentSummaries().map { "\($0.encoded())" }
        let decisions = store.loadDecisions()
        let searches = ["kafka", "queue depth", "stalled", "postgres", "zz", "CHECKOUT latency 1"].map { "\(store.search($0))" }
        let postmortems = ["\(store.loadPostmortems())", "\(store.loadPostmortems(withBodies: false))",
                           "\(store.loadDecisions(withBodies: false))"]
        return listings + summaries + ["\(decisions.decisions)", "\(decisions.problems)"] + postmortems + searches
    }

    static func reopen(_ directory: TemporaryDirectory) throws -> Store {
        try Store(root: directory.url, author: "ana@bastion-1", now: { fixedNow })
    }

    static func shardFiles(_ directory: TemporaryDirectory) -> [String: Data] {
        var result: [String: Data] = [:]
        for file in directory.allFiles() where file.hasPrefix(".ward/cache/") { result[file] = directory.bytes(file) }
        return result
    }

    @Test func theCacheNeverChangesAnAnswer() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory)
        // What the files say, read with no cache at all (the summaries straight from the incidents).
        let direct = store.loadIncidents().map(IncidentSummary.init)
        try? FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        let cold = Self.answers(store)
        #expect(!Self.shardFiles(directory).isEmpty, "the first read builds the cache")
        let warm = Self.answers(try Self.reopen(directory))
        #expect(cold == warm)
        #expect(store.incidentSummaries() == direct)
        try FileManager.default.removeItem(atPath: directory.path(".ward"))
        #expect(Self.answers(try Self.reopen(directory)) == cold, "deleting .ward/ changes no output")
    }

    @Test func searchWithTheIndexFindsWhatReadingEverythingFinds() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 20)
        var random = SeededGenerator(seed: 9)
        let words = ["kafka", "queue", "shard 1", "latency", "alert on lag", "post-mortem", "stalled", "orders", "broker",
                     "bastion", "sev2", "resolved", "depth rising", "declared", "nothing-here", "ana"]
        for _ in 0..<40 {
            let query = (0..<Int.random(in: 1...2, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
            #expect(store.search(query) == store.search(query, useIndex: false), "\(query)")
        }
    }

    @Test func searchReadsCRLFLinesAndLowercasesLikeTheIndex() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 1)
        let id = store.incidentIDs()[0]
        // A Kelvin sign lowercases to an ASCII k: the line is not ASCII, so it is lowercased before comparing.
        directory.write("incidents/\(id)/postmortem.md",
                        "---\r\ntitle: PM\r\nstatus: draft\r\n---\r\n\r\nThe \u{212A}afka bridge stalled.\r\nSecond line.\r\n")
        let hits = store.search("kafka bridge")
        #expect(hits.contains { $0.kind == "postmortem" && $0.line == 6 && $0.text == "The \u{212A}afka bridge stalled." })
        #expect(hits == store.search("kafka bridge", useIndex: false))
        #expect(store.search("SECOND line").map(\.line) == [7])
    }

    @Test func aChangedIncidentIsSeenAtOnceAndRewritesOneShard() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 30)
        _ = Self.answers(store)
        // Entries built within two seconds of a change are not trusted yet; age every file past that.
        let old = Date().addingTimeInterval(-60)
        for file in directory.allFiles() where file.hasPrefix("incidents/") || file.hasPrefix("decisions/") {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: directory.path(file))
        }
        try FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        _ = store.incidentSummaries()
        let before = Self.shardFiles(directory)
        let id = store.incidentIDs()[7]
        try store.record("note", ["text": .string("a fresh clue")], in: id)
        let summary = try #require(store.incidentSummaries().first { $0.id == id })
        #expect(summary.noteCount == 2)
        let after = Self.shardFiles(directory)
        let changed = after.keys.filter { before[$0] != after[$0] }
        #expect(changed.count == 1, "only the changed incident's shard is written: \(changed)")
    }

    @Test func anEditInPlaceWithTheSameSizeAndTimeIsSeen() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 3)
        let id = store.incidentIDs()[1]
        let path = directory.path("incidents/\(id)/incident.md")
        let old = Date().addingTimeInterval(-60)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        #expect(store.incidentSummaries()[1].title == "Checkout latency 1")
        // Same length, written in place, then the old modification time put back: the change time still moves.
        let text = try #require(directory.read("incidents/\(id)/incident.md"))
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "Checkout latency 1", with: "Checkout LATENCY 1").utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        #expect(store.incidentSummaries()[1].title == "Checkout LATENCY 1")
    }

    @Test func aDamagedOrForeignCacheIsRebuiltAndNeverBelieved() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory)
        let expected = Self.answers(store)
        let shards = Self.shardFiles(directory).keys.sorted()
        #expect(shards.count > 4)
        var random = SeededGenerator(seed: 3)
        for (index, shard) in shards.enumerated() {
            var bytes = [UInt8](directory.bytes(shard)!)
            switch index % 4 {
            case 0: bytes = Array(bytes.prefix(bytes.count / 2))                       // torn
            case 1: bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 0x5A     // a flipped byte
            case 2: bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &random) } // garbage
            default: bytes = []                                                        // empty
            }
            directory.writeBytes(shard, bytes)
        }
        #expect(Self.answers(try Self.reopen(directory)) == expected)
        for shard in Self.shardFiles(directory) where shard.key.hasSuffix(".bin") {
            #expect(shard.value.starts(with: Array("WARDIX".utf8)), "\(shard.key) was rewritten whole")
        }
    }

    @Test func aLinkPlantedInDotWardTurnsTheCacheOff() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 4)
        let elsewhere = TemporaryDirectory()
        try? FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        try FileManager.default.createDirectory(atPath: directory.path(".ward"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path(".ward/cache"), withDestinationPath: elsewhere.url.path)
        let answers = Self.answers(store)
        #expect(elsewhere.allFiles().isEmpty, "nothing is written through the link")
        try FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        #expect(Self.answers(store) == answers)
    }

    @Test func twoWritersAtOnceLeaveAWholeCorrectCache() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 40)
        let ids = store.incidentIDs()
        let writers = (0..<4).map { _ in try! Self.reopen(directory) }
        DispatchQueue.concurrentPerform(iterations: 8) { round in
            let writer = writers[round % writers.count]
            for step in 0..<5 {
                if round % 2 == 0 {
                    _ = try? writer.record("note", ["text": .string("round \(round) step \(step)")], in: ids[(round + step) % ids.count])
                }
                _ = writer.incidentSummaries()
                _ = writer.search("round")
            }
        }
        let direct = store.loadIncidents().map(IncidentSummary.init)
        #expect(try Self.reopen(directory).incidentSummaries() == direct)
        for shard in Self.shardFiles(directory) where shard.key.hasSuffix(".bin") {
            #expect((try? DerivedCache.decode([UInt8](shard.value))) != nil, "\(shard.key) is whole")
        }
        #expect(Self.shardFiles(directory).keys.allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func aTemporaryShardAKilledWriterLeftIsSweptOnceOld() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 3)
        _ = store.incidentSummaries()
        let folder = try #require(Self.shardFiles(directory).keys.first { $0.contains("/incidents-") })
            .split(separator: "/").dropLast().joined(separator: "/")
        directory.write(folder + "/07.bin.999.1.tmp", "half a shard")
        directory.write(folder + "/08.bin.999.2.tmp", "a live writer's")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: directory.path(folder + "/07.bin.999.1.tmp"))
        try store.record("note", ["text": .string("a change, so a shard is written")], in: store.incidentIDs()[0])
        _ = store.incidentSummaries()
        #expect(directory.read(folder + "/07.bin.999.1.tmp") == nil)
        #expect(directory.read(folder + "/08.bin.999.2.tmp") != nil)
    }

    @Test func fileTimesFarInThePastOrFutureAreSignaturesLikeAnyOther() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 3)
        let ids = store.incidentIDs()
        // Past 2262 and before 1678, nanoseconds since 1970 no longer fit in 64 bits.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1e10)],
                                              ofItemAtPath: directory.path("incidents/\(ids[0])/incident.md"))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: -1e10)],
                                              ofItemAtPath: directory.path("incidents/\(ids[1])/timeline.jsonl"))
        #expect(store.incidentSummaries() == store.loadIncidents().map(IncidentSummary.init))
        #expect(try Self.reopen(directory).incidentSummaries().count == 3)
    }

    @Test func aReadOnlyStoreReadsWithoutWritingACache() throws {
        let directory = TemporaryDirectory()
        _ = try Self.populated(directory, count: 3)
        try? FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        let readOnly = try Store(root: directory.url, readOnlyReason: "the demo store", author: "ana@bastion-1", now: { fixedNow })
        #expect(readOnly.incidentSummaries().count == 3)
        #expect(Self.shardFiles(directory).isEmpty)
    }

    @Test func anEntryThatNoLongerDecodesIsBuiltAgainAndKept() throws {
        let directory = TemporaryDirectory()
        directory.write("records/a.md", "first")
        // A clock a minute ahead, so that the entry is trusted as soon as it is built.
        let cache = DerivedCache(root: directory.url.path, name: "test", base: "records", files: [""], writable: true,
                                 clock: { FileSignature.nowNanoseconds() + 60_000_000_000 })
        let builds = Counter()
        func read(accepting accepted: String, building built: String) -> String? {
            cache.values(for: ["a.md"], build: { _ in builds.add(); return Array(built.utf8) }, decode: { _, payload in
                let text = String(decoding: payload, as: UTF8.self)
                return text == accepted ? text : nil
            })[0]
        }
        #expect(read(accepting: "old", building: "old") == "old")
        #expect(read(accepting: "old", building: "old") == "old")
        #expect(builds.value == 1, "a valid entry is not built again")
        // A build whose code reads entries differently: the old entry does not decode, so it is built anew and
        // kept, not built again on every read.
        #expect(read(accepting: "new", building: "new") == "new")
        #expect(read(accepting: "new", building: "new") == "new")
        #expect(builds.value == 2)
    }

    @Test func foldersOfOtherBuildsAreSweptOnceUnusedForADay() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 3)
        let old = Date().addingTimeInterval(-2 * 86_400)
        let elsewhere = TemporaryDirectory()
        elsewhere.write("precious.txt", "not the cache's")
        for (folder, age) in [("incidents-0123456789ab", old), ("incidents-v8", old),
                              ("incidents-ba9876543210", Date()), ("decisions-0123456789ab", old)] {
            directory.write(".ward/cache/\(folder)/00.bin", "an older build's shard")
            try FileManager.default.setAttributes([.modificationDate: age], ofItemAtPath: directory.path(".ward/cache/\(folder)"))
        }
        try FileManager.default.createSymbolicLink(atPath: directory.path(".ward/cache/incidents-v7"),
                                                   withDestinationPath: elsewhere.url.path)
        try store.record("note", ["text": .string("a change, so a shard is written")], in: store.incidentIDs()[0])
        _ = store.incidentSummaries()
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path(".ward/cache")))
        #expect(!left.contains("incidents-0123456789ab") && !left.contains("incidents-v8"))
        #expect(left.contains("incidents-ba9876543210"), "another build's folder in use stays")
        #expect(left.contains("decisions-0123456789ab"), "only the folders of the cache that was written are swept")
        #expect(left.contains("incidents-\(DerivedCache.build)"))
        #expect(elsewhere.read("precious.txt") == "not the cache's", "nothing is followed out of .ward/cache")
    }

    @Test func theListOfIncidentsFollowsTheFolderAtOnce() throws {
        let directory = TemporaryDirectory()
        let store = try Self.populated(directory, count: 5)
        let ids = store.incidentIDs()
        #expect(ids == ids.sorted() && ids.count == 5)
        #expect(store.incidentIDs() == ids, "read again from the cache")
        try FileManager.default.createDirectory(atPath: directory.path("incidents/2020-01-01-made-by-hand-aaaa"), withIntermediateDirectories: false)
        directory.write("incidents/stray-file.md", "not an incident")
        try FileManager.default.createDirectory(atPath: directory.path("incidents/.hidden"), withIntermediateDirectories: false)
        try FileManager.default.moveItem(atPath: directory.path("incidents/\(ids[2])"), toPath: directory.path("outside"))
        #expect(store.incidentIDs() == (["2020-01-01-made-by-hand-aaaa"] + ids.filter { $0 != ids[2] }).sorted())
    }
}

/// A count several threads add to.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
