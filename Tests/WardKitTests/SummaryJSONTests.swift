import Foundation
import Testing
@testable import WardKit

/// `IncidentSummary.jsonText` writes `incident list --json`'s objects straight out; it must be the text the
/// JSON values give, character for character.
@Suite struct SummaryJSONTests {
    @Test func writtenStraightOutIsTheSameText() throws {
        let directory = TemporaryDirectory()
        let store = try DerivedCacheTests.populated(directory, count: 6)
        let hostile = try store.declare(title: "Quotes \" and \\ back\u{7}slash\u{1B}[31m, naïve 日本 \u{202E}rtl", severity: "SEV1",
                                        services: ["api \"x\"", "ünï"], commander: "ana\tb")
        try store.record("role", ["role": .string("scribe"), "name": .string("bo\n")], in: hostile.id)
        try store.record("note", ["text": .string("TODO: fix \"it\""), "key": .bool(true)], in: hostile.id)
        try store.record("action", ["title": .string("Alert on lag \u{2028}"), "owner": .string("bo"), "due": .string("2026-12-01"),
                                    "type": .string("detect"), "state": .string("wont-do"), "reason": .string("duplicate")], in: hostile.id)
        try store.record("decision", ["number": .number(42)], in: hostile.id)
        try store.record("milestone", ["milestone": .string("mitigated")], in: hostile.id)
        _ = try store.startRunbook(store.findIncident(hostile.id))
        let summaries = store.loadIncidents().map(IncidentSummary.init)
        #expect(summaries.count == 7)
        for summary in summaries {
            #expect(summary.jsonText == summary.json.jsonText, "\(summary.id)")
        }
        #expect(summaries.contains { !$0.actions.isEmpty && $0.run != nil && !$0.decisions.isEmpty })
    }

    /// Whether a string needs escaping, found eight bytes at a time: the same answer as byte by byte, for
    /// every byte value at every place of strings up to 24 bytes long.
    @Test func plainTextIsFoundAsByteByByte() {
        func plain(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        var checked = 0
        for length in 0...24 {
            for place in 0..<max(length, 1) {
                for value in UInt8.min...UInt8.max {
                    var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { bytes[place] = value }
                    let found = bytes.withUnsafeBufferPointer { JSONBytes.isPlain($0) }
                    if found != plain(bytes) { Issue.record("\(bytes)") }
                    checked += 1
                }
            }
        }
        #expect(checked > 70_000)
    }

    /// A decision number anyone can write into a timeline: only whole numbers in range count, and none stops
    /// the program (`Int(1e19)` would) or makes the written text differ from the JSON values' (1e15 and up).
    @Test func handWrittenDecisionNumbersOutOfRangeAreLeftOut() throws {
        let directory = TemporaryDirectory()
        let store = try DerivedCacheTests.populated(directory, count: 1)
        let id = store.incidentIDs()[0]
        var lines = ""
        for (index, number) in ["1e19", "-1e300", "2.5", "-3", "0", "1e15", "123456789012345", "42", "1e300"].enumerated() {
            lines += #"{"id":"01KHOSTILE\#(index)","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"x@y","kind":"decision","number":\#(number)}"# + "\n"
        }
        let path = directory.path("incidents/\(id)/timeline.jsonl")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(lines.utf8))
        try handle.close()
        let summary = IncidentSummary(store.loadIncident(id))
        #expect(summary.decisions == [42])
        #expect(summary.jsonText == summary.json.jsonText)
        #expect(store.incidentListings().count == 1)
    }
}
