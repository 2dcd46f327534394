import Foundation
import Testing
@testable import WardKit

/// Every kind of bad file: reported with its path and line, the rest of the store usable, the file untouched.
@Suite struct BadInputTests {
    static let goodIncident = "---\ntitle: Fine\nseverity: SEV2\ndeclared: 2026-11-23T03:14:07Z\n---\nbody\n"
    static let cases: [(name: String, bytes: [UInt8], line: Int?, words: String)] = [
        ("malformed YAML", Array("---\ntitle: [unclosed\nseverity: SEV1\ndeclared: 2026-11-23T03:14:07Z\n---\n".utf8), 3, "YAML"),
        ("no closing ---", Array("---\ntitle: T\nseverity: SEV1\n\nbody\n".utf8), 1, "never closed"),
        ("invalid UTF-8", Array("---\ntitle: T\n".utf8) + [0xC3, 0x28] + Array("\nseverity: SEV1\n---\n".utf8), 3, "UTF-8"),
        ("empty", [], 1, "empty"),
        ("binary", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00, 0x00, 0x01], 1, "binary"),
        ("missing title", Array("---\nseverity: SEV1\ndeclared: 2026-11-23T03:14:07Z\n---\n".utf8), 1, "'title'"),
        ("wrong type", Array("---\ntitle: T\nseverity: SEV1\ndeclared: 2026-11-23T03:14:07Z\nservices: {a: b}\n---\n".utf8), 5, "list"),
        ("bad date", Array("---\ntitle: T\nseverity: SEV1\ndeclared: yesterday\n---\n".utf8), 4, "date"),
        ("no front matter", Array("# Just a heading\n".utf8), 1, "front matter"),
        ("front matter a list", Array("---\n- a\n- b\n---\n".utf8), 2, "key: value"),
        ("duplicate key", Array("---\ntitle: A\ntitle: B\nseverity: SEV1\ndeclared: 2026-11-23T03:14:07Z\n---\n".utf8), 3, "twice"),
    ]

    @Test(arguments: 0..<cases.count)
    func badIncidentFilesAreReportedAndLeftAlone(index: Int) throws {
        let example = Self.cases[index]
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("incidents/2026-11-20-good-aaaa/incident.md", Self.goodIncident)
        dir.write("incidents/2026-11-20-good-aaaa/timeline.jsonl", "")
        dir.writeBytes("incidents/2026-11-21-bad-bbbb/incident.md", example.bytes)
        dir.write("incidents/2026-11-21-bad-bbbb/timeline.jsonl", "")
        let before = dir.bytes("incidents/2026-11-21-bad-bbbb/incident.md")

        let incidents = store.loadIncidents()
        #expect(incidents.count == 2)
        #expect(incidents.first { $0.id == "2026-11-20-good-aaaa" }?.record?.title == "Fine")
        let bad = try #require(incidents.first { $0.id == "2026-11-21-bad-bbbb" })
        let problem = try #require(bad.problems.first { $0.level == .error }, "\(example.name) was not reported")
        #expect(problem.path == "incidents/2026-11-21-bad-bbbb/incident.md")
        #expect(problem.line == example.line, "\(example.name): \(problem.description)")
        #expect(problem.message.contains(example.words), "\(example.name): \(problem.description)")

        let report = Doctor(store: store).run(fix: true)
        #expect(report.problems.contains(problem))
        #expect(dir.bytes("incidents/2026-11-21-bad-bbbb/incident.md") == before)
    }

    @Test func aHugeFileIsRefusedWithoutReadingItAll() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("incidents/2026-11-21-huge-cccc/incident.md", "---\ntitle: T\n---\n" + String(repeating: "x", count: 10 << 20))
        let incident = store.loadIncident("2026-11-21-huge-cccc")
        #expect(incident.problems.contains { $0.message.contains("too large") && $0.line == 1 })
        #expect(try Data(contentsOf: dir.url.appending(path: "incidents/2026-11-21-huge-cccc/incident.md")).count > 10 << 20)
    }

    @Test func bomAndCRLFAreReadAndReportedAsWarnings() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("incidents/2026-11-21-win-dddd/incident.md", "\u{FEFF}" + Self.goodIncident.replacingOccurrences(of: "\n", with: "\r\n"))
        dir.write("incidents/2026-11-21-win-dddd/timeline.jsonl", "")
        let incident = store.loadIncident("2026-11-21-win-dddd")
        #expect(incident.record?.title == "Fine")
        #expect(incident.problems.filter { $0.level == .warning }.count == 2)
        #expect(incident.problems.allSatisfy { $0.level == .warning })
    }

    @Test func unknownKeysAreKeptAndMentioned() throws {
        let record = try IncidentRecord(data: Data((Self.goodIncident.replacingOccurrences(of: "---\nbody", with: "jira: OPS-12\n---\nbody")).utf8), path: "i.md")
        #expect(record.warnings.map(\.message) == ["unknown key 'jira' (kept as it is)"])
        #expect(record.warnings.first?.line == 5)
    }

    @Test func badJournalLinesAreSkippedAndReportedByLine() {
        let good = Event(at: fixedNow, recorded: fixedNow, by: "a@b", kind: "note", fields: ["text": .string("ok")]).jsonLine
        let lines = [good, "not json", "{\"id\":\"x\"}", "", String(decoding: [0x7B, 0xFF, 0x7D], as: UTF8.self), good, "{\"id\":\"tor"]
        var bytes = Data(lines.joined(separator: "\n").utf8)
        bytes[bytes.firstIndex(of: 0xEF)!] = 0xFF  // put a real invalid byte back on line 5
        let journal = Journal(data: bytes, path: "t.jsonl")
        #expect(journal.events.count == 1)  // the same event twice counts once
        #expect(journal.tornTail)
        #expect(journal.problems.map(\.line) == [7, 2, 3, 5])
        #expect(journal.problems[0].message.contains("incomplete"))
    }

    @Test func twoDifferentEventsWithOneIdAreReported() {
        let a = Event(id: "01JD3K7Q2X0M5V8R9T1W4Y6Z2A", at: fixedNow, recorded: fixedNow, by: "a@b", kind: "note", fields: ["text": .string("one")])
        var b = a
        b.fields["text"] = .string("two")
        let journal = Journal(data: Data((a.jsonLine + "\n" + b.jsonLine + "\n").utf8), path: "t.jsonl")
        #expect(journal.events.count == 2)
        #expect(journal.problems.count == 1)
    }

    /// Ids in increasing order need no index of them; the first that does not come after the one before
    /// (a merge, a hand edit) brings the index in, and repeats are then found among every line read so far.
    @Test func repeatedIdsAreFoundAfterALongRunOfIncreasingOnes() {
        func event(_ id: String, _ text: String) -> Event {
            Event(id: id, at: fixedNow, recorded: fixedNow, by: "a@b", kind: "note", fields: ["text": .string(text)])
        }
        let increasing = (0..<30).map { event(String(format: "01JD3K7Q2X0M5V8R9T1W4Y6Z%02d", $0), "line \($0)") }
        let lines = increasing + [
            increasing[3],                                              // the same event again: counted once
            event(increasing[7].id, "changed"),                         // another event with a taken id: kept, reported
            increasing[29],                                             // the last one again, right after
            event("01JD3K7Q2X0M5V8R9T1W4Y6Z99", "after"),               // increasing again
            event("01JD3K7Q2X0M5V8R9T1W4Y6Z99", "after, changed"),      // equal to the one before, different
        ]
        let journal = Journal(data: Data(lines.map { $0.jsonLine + "\n" }.joined().utf8), path: "t.jsonl")
        #expect(journal.events.count == 33)
        #expect(journal.lines == Array(1...30) + [32, 34, 35])
        #expect(journal.problems.map(\.line) == [32, 35])
        #expect(journal.problems.allSatisfy { $0.message.contains("a different event with the id") })
        // In order from the start, nothing is reported and nothing dropped.
        let ordered = Journal(data: Data(increasing.map { $0.jsonLine + "\n" }.joined().utf8), path: "t.jsonl")
        #expect(ordered.events == increasing && ordered.problems.isEmpty)
        // A repeat right after the first line, before any index exists.
        let again = Journal(data: Data([increasing[0], increasing[0], increasing[1]].map { $0.jsonLine + "\n" }.joined().utf8), path: "t.jsonl")
        #expect(again.events == [increasing[0], increasing[1]] && again.lines == [1, 3] && again.problems.isEmpty)
        let other = Journal(data: Data([increasing[0], event(increasing[0].id, "x"), increasing[1]].map { $0.jsonLine + "\n" }.joined().utf8), path: "t.jsonl")
        #expect(other.events.count == 3 && other.problems.map(\.line) == [2])
        #expect(Journal.precedes("a", "b") && Journal.precedes("a", "ab") && !Journal.precedes("b", "a") && !Journal.precedes("a", "a"))
        #expect(Journal.precedes("Z", "a"), "byte order, not the locale's")
        #expect(!Journal.precedes("z", "é") && !Journal.precedes("é", "z"), "beyond ASCII the index decides")
        // One id written two ways (é as one character, and as e with an accent) is one id, as it always was:
        // the same event counts once, a different one is reported.
        let composed = event("01JD3K7Q2X0M5V8R9T1W4Y6Z-caf\u{E9}", "same")
        let decomposed = event("01JD3K7Q2X0M5V8R9T1W4Y6Z-cafe\u{301}", "same")
        let twoWays = Journal(data: Data([decomposed, composed].map { $0.jsonLine + "\n" }.joined().utf8), path: "t.jsonl")
        #expect(twoWays.events.count == 1 && twoWays.problems.isEmpty)
        let changed = event(composed.id, "changed")
        let clash = Journal(data: Data([decomposed, changed].map { $0.jsonLine + "\n" }.joined().utf8), path: "t.jsonl")
        #expect(clash.events.count == 2 && clash.problems.map(\.line) == [2])
    }

    /// Found by libFuzzer: nested `? ` complex keys kept Yams comparing keys for minutes. Ward's files never
    /// use them, so they are refused with their line before Yams sees them; a `?` in a value is text.
    @Test func complexKeysAreRefusedAndQuestionMarksInValuesAreNot() throws {
        let hostile = "title: T\n" + String(repeating: "? ? ? - ? ? ?  ? - ? ? ? ? ? - ? ? ? ? - ? ? -\n", count: 20)
        let error = try #require(throws: WardError.self) { try FrontMatterDocument.fields(yaml: hostile, path: "a.md", firstLine: 2) }
        #expect(error.line == 3 && error.message.contains("complex keys"))
        for fine in ["title: Why ? because\n", "title: \"? quoted\"\n", "tags: [a?, b]\n", "title: T # is it? yes\n", "url: http://x/?a=b\n"] {
            #expect(throws: Never.self) { _ = try FrontMatterDocument.fields(yaml: fine, path: "a.md", firstLine: 2) }
        }
        // Found in review: a lone \r also ends a YAML line, and a quote or # earlier on a line hides nothing.
        for refused in ["? a\n: b\n", "- ? a\n", "x: [? a]\n", "x: {? a: b}\n", "'x': 1\r? ? ? - ? a\n", "x#: 1\r? a\n", "x: \"q\" ? b\r? c\n"] {
            #expect(throws: WardError.self) { _ = try FrontMatterDocument.fields(yaml: refused, path: "a.md", firstLine: 2) }
        }
    }

    @Test func aBadWardYamlNamesItsLine() throws {
        let dir = TemporaryDirectory()
        dir.write("ward.yaml", "format: 1\nname: x\nseverities: [\n")
        #expect { try Store(root: dir.url) } throws: { ($0 as? WardError)?.path == "ward.yaml" && ($0 as? WardError)?.line != nil }
        dir.write("ward.yaml", "format: 2\n")
        #expect { try Store(root: dir.url) } throws: { ($0 as? WardError)?.line == 1 && "\($0)".contains("format 2") }
        dir.write("ward.yaml", "format: 1\ndecisions: docs/adr\n")
        #expect { try Store(root: dir.url) } throws: { "\($0)".contains("mapping") && ($0 as? WardError)?.line == 2 }
        dir.write("ward.yaml", "name: x\n")
        #expect { try Store(root: dir.url) } throws: { "\($0)".contains("format") }
    }
}
