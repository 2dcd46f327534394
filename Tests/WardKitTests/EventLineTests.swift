import Foundation
import Testing
@testable import WardKit

/// EventLine reads journal lines as Ward writes them in one pass; whatever it reads must be the event the
/// general parser reads, to the bit, and whatever it cannot read it must leave to the general parser.
@Suite struct EventLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Checks one line; returns whether EventLine read it.
    @discardableResult
    static func check(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { buffer in
            guard let fast = EventLine.event(buffer) else { return false }
            guard let general = try? Event(parsingJSON: buffer) else {
                Issue.record("EventLine read what the parser refuses: \(String(decoding: line, as: UTF8.self))")
                return true
            }
            let same = fast == general && fast.at.timeIntervalSince1970.bitPattern == general.at.timeIntervalSince1970.bitPattern
                && fast.recorded.timeIntervalSince1970.bitPattern == general.recorded.timeIntervalSince1970.bitPattern
                && fast.fields.allSatisfy { key, value in
                    if case let .number(x) = value, case let .number(y)? = general.fields[key] { return x.bitPattern == y.bitPattern }
                    return true
                }
            #expect(same, "\(String(decoding: line, as: UTF8.self))\nEventLine: \(fast)\nparser: \(general)")
            return true
        }
    }

    static func corpus() throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        // The demo store's timelines, and what Ward writes for every kind of event.
        let demo = root.appending(path: "data/incidents")
        for id in try FileManager.default.contentsOfDirectory(atPath: demo.path) {
            let data = FileManager.default.contents(atPath: demo.appending(path: "\(id)/timeline.jsonl").path) ?? Data()
            lines += data.split(separator: 10).map(Array.init)
        }
        let directory = TemporaryDirectory()
        let store = try DerivedCacheTests.populated(directory, count: 4)
        let id = store.incidentIDs()[0]
        try store.record("note", ["text": .string("naïve café 日本 \"quoted\" back\\slash\ttab"), "key": .bool(true)], in: id)
        try store.record("decision", ["number": .number(42)], in: id)
        try store.record("action", ["title": .string("x"), "due": .null, "n": .number(-7)], in: id)
        _ = try store.startRunbook(store.findIncident(id))
        for id in store.incidentIDs() {
            lines += (directory.bytes("incidents/\(id)/timeline.jsonl") ?? Data()).split(separator: 10).map(Array.init)
        }
        let fuzz = root.appending(path: "Tests/Corpus/fuzz/journal")
        for name in try FileManager.default.contentsOfDirectory(atPath: fuzz.path) {
            lines += (FileManager.default.contents(atPath: fuzz.appending(path: name).path) ?? Data()).split(separator: 10).map(Array.init)
        }
        return lines
    }

    @Test func linesAsWardWritesThemAreReadAsTheParserReadsThem() throws {
        let lines = try Self.corpus()
        var read = 0
        for line in lines where Self.check(line) { read += 1 }
        #expect(read > 100, "read \(read) of \(lines.count)")
    }

    @Test func editedAndMutatedLinesNeverDisagree() throws {
        let cases = [
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","text":"x"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","text":"x",}"#,
            #"{"id":"A","id":"B","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07.5Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#,
            #"{"id":"A","at":"2026-02-30T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#,
            #"{"id":"","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","n":-0}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","n":0123}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","n":1e3}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","n":1234567890123456}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","k":truex}"#,
            #"{"id":1,"at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","x":[1]}"#,
            #"{"id":"A", "at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","":"x"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"note","ké":"x"}"#,
            #"{"id":"A","at":"2026-11-23T03:14:07Z","by":"a@b","kind":"note"}"#, "{}", "{", "}", "",
        ].map { Array($0.utf8) }
        var random = SeededGenerator(seed: 17)
        var read = 0
        for line in cases + (try Self.corpus()) {
            Self.check(line)
            for _ in 0..<20 where !line.isEmpty {
                var mutated = line
                let at = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: mutated.remove(at: at)
                case 1: mutated.insert([0x20, 0x22, 0x5C, 0x2C, 0x3A, 0x7D, 0x30, 0x2D, 0xC3, 0x80].randomElement(using: &random)!, at: at)
                case 2: mutated[at] = UInt8.random(in: 0x20...0x7E, using: &random)
                default: mutated[at] = UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random)
                }
                if Self.check(mutated) { read += 1 }
            }
        }
        #expect(read > 1000, "mutations read: \(read)")
    }

    /// Long tails are shared by a digest of a few samples of their bytes: two that differ only between the
    /// samples must still be read as what each holds.
    @Test func longTailsThatDifferOnlyBetweenTheSamplesAreReadApart() throws {
        let core = #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"runbook","#
        func line(_ middle: Character) -> [UInt8] {
            let text = String(repeating: "a", count: 300) + String(middle) + String(repeating: "b", count: 600)
            return Array((core + #""guidance":""# + text + #"","runbook":"recovery"}"#).utf8)
        }
        let first = line("x"), second = line("y")
        #expect(first.count == second.count && first != second)
        for bytes in [first, second, first] {
            Self.check(bytes)
            let event = try #require(bytes.withUnsafeBufferPointer { EventLine.event($0) })
            let expected = try Event(parsingJSON: bytes)
            #expect(event["guidance"] == expected["guidance"])
        }
        #expect(first.withUnsafeBufferPointer { EventLine.event($0) }?["guidance"]?.contains("x") == true)
        #expect(second.withUnsafeBufferPointer { EventLine.event($0) }?["guidance"]?.contains("y") == true)
    }

    /// A journal passes each line's `by` on to the next, which takes it as it is when its own is the same.
    /// Lines by several people in turn, lines EventLine leaves to the general parser, and names that differ
    /// only in length or in one byte must each keep their own.
    @Test func eachLineKeepsItsOwnByWhenAJournalPassesThePreviousOneOn() {
        let names = ["ana@bastion-1.example.net", "ana@bastion-1.example.net", "ana@bastion-2.example.net",
                     "ana@bastion-2.example.net.", "bo@laptop", "ana@bastion-1.example.net", "naïve@hôte-ü",
                     "naïve@hôte-ü", "ana@bastion-1.example.net", "ana@bastion-1.example.net"]
        var lines: [String] = []
        for (index, name) in names.enumerated() {
            let id = String(format: "01KAAAAAAAAAAAAAAAAAAAAA%02d", index)
            // The fourth is written with a space and the eighth with an escape: the general parser reads them.
            let space = index == 3 ? " " : ""
            let text = index == 7 ? #"a \"quoted\" word"# : "note \(index)"
            lines.append(#"{"id":"\#(id)",\#(space)"at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"\#(name)","kind":"note","text":"\#(text)"}"#)
        }
        let journal = Journal(data: Data((lines.joined(separator: "\n") + "\n").utf8), path: "timeline.jsonl")
        #expect(journal.problems.isEmpty, "\(journal.problems)")
        #expect(journal.events.map(\.by) == names)
        for (line, event) in zip(lines, journal.events) {
            #expect(event == (try? Event(parsingJSON: Array(line.utf8))))
        }
    }

    /// Words Ward writes are taken from a list rather than made from their bytes; a word one byte or one
    /// letter away from one of them, as a key, a kind or a value, must still be read as itself.
    @Test func wordsNextToTheListedOnesAreReadAsThemselves() {
        for word in ["note", "nots", "notes", "Note", "resolved", "resolvee", "text", "texT", "wont-do", "wont_do", "done\u{7F}"] {
            let line = #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"\#(word)","\#(word)":"\#(word)"}"#
            Self.check(Array(line.utf8))
            let event = Array(line.utf8).withUnsafeBufferPointer { EventLine.event($0) }
            #expect(event?.kind == word && event?[word] == word, "\(word)")
        }
    }

    /// Every word of EventLine's switch returns the String it spells, and a line holding it as a key, a
    /// kind and a value reads as the general parser reads it (the switch is written by hand: a typo in one
    /// of its literals would turn a word into another).
    @Test func everyWordOfTheSwitchIsTheStringItSpells() throws {
        let source = try String(contentsOf: Self.root.appending(path: "Sources/WardKit/Records/EventLine.swift"), encoding: .utf8)
        let pairs = source.matches(of: #/spells\("([^"]*)"\) \? "([^"]*)"/#).map { (String($0.output.1), String($0.output.2)) }
        #expect(pairs.count > 50, "words found: \(pairs.count)")
        for (spelt, returned) in pairs {
            #expect(spelt == returned)
            let line = #"{"id":"A","at":"2026-11-23T03:14:07Z","recorded":"2026-11-23T03:14:07Z","by":"a@b","kind":"\#(spelt)","\#(spelt)":"\#(spelt)"}"#
            #expect(Self.check(Array(line.utf8)), "\(spelt) was not read the quick way")
        }
    }

    /// `event[key]` and `field(key)` read the fields as the dictionary does, with few fields or many, for keys
    /// that are there, that are not, and that are only canonically equal (é written two ways).
    @Test func fieldsAreFoundAsTheDictionaryFindsThem() {
        let keys = ["text", "status", "caf\u{E9}", "key", "number", "owner", "due", "title"]
        let asked = keys + ["cafe\u{301}", "missing", "", "TEXT"]
        for count in 0...keys.count {
            var fields: [String: JSONValue] = [:]
            for (index, key) in keys.prefix(count).enumerated() { fields[key] = index % 2 == 0 ? .string("v\(index)") : .number(Double(index)) }
            let event = Event(id: "01JD3K7Q2X0M5V8R9T1W4Y6Z2A", at: fixedNow, recorded: fixedNow, by: "a@b", kind: "note", fields: fields)
            for key in asked {
                #expect(event.field(key) == fields[key], "\(count) fields, \(key)")
                #expect(event[key] == fields[key]?.string, "\(count) fields, \(key)")
            }
        }
    }
}
