import Foundation
import Testing
@testable import WardKit

/// The hand-written text routines that stand in for Foundation's on the paths read for every incident give
/// exactly what the slower ones give.
@Suite struct FastPathTextTests {
    @Test(arguments: ["", " ", "\t", " \t ", "\u{A0}", "\u{3000}\u{2009}", "\n", " x ", "x", "\u{200B}", "\r", "\u{85}",
                      "é", "  \u{1680}", "a\u{2028}", "\u{2028}", "\u{202F}\u{205F}", "\u{0B}", "\u{0C}", "\u{1C}\u{1F}", " \u{200B}x"])
    func blankAsFoundationTrimsIt(text: String) {
        #expect(FrontMatterDocument.Fields.isBlank(text) == text.trimmingCharacters(in: .whitespaces).isEmpty)
    }

    @Test func shortIDsStayTheSame() {
        // Pinned: post-mortems and people's scripts name action items by these.
        #expect(ActionItem.shortID("01EQNAD55RB00J490ZQ0255GTQ") == "bkbjgchk")
        #expect(ActionItem.shortID("").utf8.count == 8)
    }

    @Test func timesAndNumbersAsBytes() {
        for seconds in [0.0, 1, 59, 3600 * 24 * 365.25 * 30 + 7, 253_402_300_799, -5, 1e300, .nan] {
            let date = Date(timeIntervalSince1970: seconds)
            var bytes: [UInt8] = []
            Timestamps.write(date, to: &bytes)
            let formatter = ISO8601DateFormatter()
            let clamped = Date(timeIntervalSince1970: seconds.isFinite ? min(max(seconds, 0), 253_402_300_799).rounded(.down) : 0)
            #expect(String(decoding: bytes, as: UTF8.self) == formatter.string(from: clamped), "\(seconds)")
        }
        for number in [0, 7, -7, 10, 1_000_000, Int.max, Int.min, -1] {
            var out = JSONBytes(capacity: 0)
            out.int(number)
            #expect(out.text == String(number))
        }
        var out = JSONBytes(capacity: 0)
        out.string("tab\there \"q\" \u{1B}[2J naïve")
        var expected = ""
        JSONValue.writeString("tab\there \"q\" \u{1B}[2J naïve", to: &expected)
        #expect(out.text == expected)
    }
}

extension FastPathTextTests {
    /// Numbers in the decision journal are read as whole numbers an Int holds, or not at all: a hand-written
    /// 1e300 in `by_record` or `target` used to stop the program when the history was shown.
    @Test func journalNumbersOutOfRangeAreShownAsUnknown() {
        func event(_ kind: String, _ fields: [String: JSONValue]) -> Event {
            Event(at: Date(timeIntervalSince1970: 0), recorded: Date(timeIntervalSince1970: 0), by: "x@y", kind: kind, fields: fields)
        }
        #expect(Store.describe(event("status", ["from": .string("proposed"), "to": .string("superseded"),
                                                          "by_record": .number(1e300)])) == "status proposed → superseded")
        #expect(Store.describe(event("status", ["from": .string("a"), "to": .string("b"), "by_record": .number(7)])) == "status a → b by 7")
        #expect(Store.describe(event("linked", ["link": .string("amends"), "target": .number(-1e19)])) == "linked: amends ?")
        #expect(JSONValue.number(2.5).int == nil && JSONValue.number(.nan).int == nil && JSONValue.number(-4).int == -4)
        #expect(JSONValue.number(.infinity).int == nil && JSONValue.string("3").int == nil)
    }
}
