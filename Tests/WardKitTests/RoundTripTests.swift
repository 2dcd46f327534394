import Foundation
import PropertyBased
import Testing
@testable import WardKit

/// Text of every kind a person or a hostile file may hold: ASCII, controls, accents, CJK, emoji, bidi.
let textAlphabet: [Character] = Array("aZ09 -_/:#'\"\\{}[],.\n\t\u{1B}\u{7}\u{0}\u{9B}\u{202E}éß日本😀\u{2028}")
let anyCharacter: Generator<Character, Shrink.None<UInt32>> = Gen<UInt32>.value(in: 0...UInt32(textAlphabet.count - 1))
    .withoutShrink().map { textAlphabet[Int($0)] }
let anyText = anyCharacter.string(of: 0...24)

@Suite struct RoundTripTests {
    @Test func eventsSurviveRenderAndParse() async throws {
        let seconds = Gen<Int>.value(in: 0...2_000_000_000)
        await propertyCheck(count: 300, input: anyText, anyText, seconds, Gen<Bool>.bool) { (text: String, who: String, seconds: Int, key: Bool) throws in
            let at = Date(timeIntervalSince1970: TimeInterval(seconds))
            var fields: [String: JSONValue] = ["text": .string(text), "tags": .array([.string(who), .number(3)])]
            if key { fields["key"] = .bool(true) }
            let event = Event(at: at, recorded: at.addingTimeInterval(42), by: who.isEmpty ? "x@y" : who, kind: "note", fields: fields)
            let line = event.jsonLine
            #expect(!line.contains("\n"))
            #expect(!line.unicodeScalars.contains { TerminalSafe.isUnsafe($0) })
            #expect(try Event(jsonLine: Substring(line)) == event)
        }
    }

    @Test func incidentRecordsSurviveRenderAndParse() async throws {
        let serviceLists = anyText.array(of: 0...3)
        await propertyCheck(count: 200, input: anyText, serviceLists) { (title: String, services: [String]) throws in
            let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty, !title.contains("\0") else { return }
            let services = services.filter { !$0.contains("\0") && !$0.isEmpty }
            let record = IncidentRecord(title: title, severity: "SEV2", services: services, declared: fixedNow, declaredBy: "ana@b")
            let text = try record.rendered(templates: Templates(store: nil))
            let parsed = try IncidentRecord(data: Data(text.utf8), path: "incident.md")
            #expect(parsed == record)
        }
    }

    @Test func decisionStatusEditsSurviveParse() async throws {
        await propertyCheck(count: 100, input: Gen<DecisionStatus>.case, Gen<DecisionStatus>.case) { from, to in
            let madr = "---\nstatus: \(from.rawValue)\ndate: 2026-11-24\n---\n# T\n"
            let editedMADR = try #require(DecisionEditing.settingStatus(to, in: madr, format: .madr))
            #expect(try Decision(data: Data(editedMADR.utf8), path: "d/0001-t.md").status == to)
            let nygard = "# 1. T\n\nDate: 2026-11-24\n\n## Status\n\n\(from.rawValue.capitalized)\n\n## Context\n"
            let editedNygard = try #require(DecisionEditing.settingStatus(to, in: nygard, format: .nygard))
            #expect(try Decision(data: Data(editedNygard.utf8), path: "d/0001-t.md").status == to)
        }
    }
}
