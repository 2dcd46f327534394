import Foundation
import Testing
@testable import WardKit

@Suite struct TextTests {
    @Test(arguments: ["../../etc/passwd", "/", "\\", "a\0b", "\u{1B}[2J", "..", ".", "a／b", "CON", "", String(repeating: "é", count: 300),
                      "😀😀", "  Trailing  "])
    func slugsStayInsideTheirDirectory(title: String) {
        let slug = Slug.make(title)
        #expect(!slug.isEmpty && slug.utf8.count <= 48)
        #expect(slug.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" })
        #expect(!slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--"))
        let name = Decision.fileName(number: 12, title: title)
        #expect(name.utf8.count <= 255 && !name.contains("/") && !name.hasPrefix("."))
    }

    @Test func slugsReadWell() {
        #expect(Slug.make("Production DB deleted by agent!") == "production-db-deleted-by-agent")
        #expect(Slug.make("Café／Überweisung") == "cafe-uberweisung")
    }

    @Test func timesAsPeopleTypeThem() throws {
        let now = Timestamps.parseISO("2026-11-23T03:14:07Z")!
        let utc = TimeZone(identifier: "UTC")!
        #expect(try Timestamps.parseInput("-5m", now: now) == now.addingTimeInterval(-300))
        #expect(try Timestamps.parseInput("-1h30m", now: now) == now.addingTimeInterval(-5400))
        #expect(try Timestamps.parseInput("03:10", now: now, timeZone: utc) == Timestamps.parseISO("2026-11-23T03:10:00Z"))
        #expect(try Timestamps.parseInput("23:50", now: now, timeZone: utc) == Timestamps.parseISO("2026-11-22T23:50:00Z"))
        #expect(try Timestamps.parseInput("2026-11-23T01:00:00+02:00", now: now) == Timestamps.parseISO("2026-11-22T23:00:00Z"))
        #expect(try Timestamps.parseInput("2026-11-23T01:00:00.750Z", now: now) == Timestamps.parseISO("2026-11-23T01:00:00Z"))
        for bad in ["yesterday", "25:00", "-5x", "-", "03:1", "2026-02-31T00:00:00Z"] {
            #expect(throws: WardError.self, "\(bad)") { try Timestamps.parseInput(bad, now: now) }
        }
        #expect(Timestamps.format(now) == "2026-11-23T03:14:07Z")
    }

    @Test func ulidsAreValidAndGrowWithinAProcess() {
        // Far beyond any time other tests use, so this process's last id does not carry over.
        let future = Timestamps.parseISO("2040-01-02T03:04:05Z")!
        var last = ""
        for _ in 0..<1000 {
            let id = ULID.make(at: future)
            #expect(ULID.isValid(id))
            #expect(id > last)
            last = id
        }
        #expect(ULID.time(of: last) == future)
    }

    @Test func hostileTextIsEscapedForTheTerminal() {
        let hostile = "a\u{1B}]0;pwned\u{7}b\u{9B}31mc\u{202E}d\re\u{8}f\u{1B}P1;2|x\u{1B}\\"
        let clean = TerminalSafe.clean(hostile)
        #expect(!clean.unicodeScalars.contains { TerminalSafe.isUnsafe($0) })
        #expect(clean.contains("\\u{1B}]0;pwned"))
        #expect(TerminalSafe.clean("line\nnext", singleLine: true) == "line\\u{A}next")
        #expect(TerminalSafe.clean("日本語 ok\n") == "日本語 ok\n")
    }

    @Test func displayWidthCountsCells() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("😀") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }
}

/// `String(utf8Bytes:)` makes what `String(decoding:as:)` makes, invalid bytes repaired the same way.
@Suite struct StringFromBytesTests {
    static let samples: [[UInt8]] = {
        var samples: [[UInt8]] = [[], [0x61], Array("commander".utf8), Array("chidi@chidi-laptop".utf8),
                                  Array("fifteen bytes!!".utf8), Array("sixteen bytes!!!".utf8), Array("Ünïcødé → 日本語 🚒".utf8),
                                  [0xFF], [0xC3], [0x61, 0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                  [0xC0, 0xAF], [0x00, 0x61, 0x00], Array(repeating: 0x80, count: 20)]
        var generator = SeededGenerator(seed: 7)
        for length in 0..<40 { samples.append((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        for length in 0..<40 { samples.append((0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }) }
        return samples
    }()

    @Test func theSameStringAsDecoding() {
        for bytes in Self.samples {
            let made = bytes.withUnsafeBufferPointer { String(utf8Bytes: $0) }
            let decoded = String(decoding: bytes, as: UTF8.self)
            #expect(made == decoded, "\(bytes)")
            #expect(Array(made.utf8) == Array(decoded.utf8), "\(bytes)")
            let raw = bytes.withUnsafeBytes { String(utf8Bytes: $0) }
            #expect(Array(raw.utf8) == Array(decoded.utf8), "\(bytes)")
        }
    }
}

/// The canonical time parser counts days itself; it must give what timegm gave, and refuse what it refused.
@Suite struct CanonicalTimeTests {
    static func viaTimegm(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date? {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Times are written as gmtime_r reads them, over the whole range Ward writes (1970 to 9999), at day,
    /// month, year and century edges and at random, and clamped outside it.
    @Test func writtenAsGmtimeReadsThem() {
        func viaGmtime(_ seconds: Int) -> String {
            var value = time_t(seconds)
            var parts = tm()
            gmtime_r(&value, &parts)
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                          parts.tm_hour, parts.tm_min, parts.tm_sec)
        }
        let latest = Int(Timestamps.latest.timeIntervalSince1970)
        var seconds = [0, 1, 59, 60, 86_399, 86_400, 951_782_399, 951_782_400, 951_868_800, 4_107_542_399, 4_107_542_400,
                       1_795_000_000, latest - 1, latest]
        var random = SeededGenerator(seed: 11)
        for _ in 0..<50_000 { seconds.append(Int.random(in: 0...latest, using: &random)) }
        // Every day's last and first second, for the first four hundred years (one whole Gregorian cycle).
        for day in stride(from: 0, to: 146_097, by: 1) { seconds += [day * 86_400, day * 86_400 + 86_399] }
        var wrong: [Int] = []
        for value in seconds where Timestamps.format(Date(timeIntervalSince1970: TimeInterval(value))) != viaGmtime(value) {
            wrong.append(value)
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(Timestamps.format(Date(timeIntervalSince1970: -5)) == "1970-01-01T00:00:00Z")
        #expect(Timestamps.format(Date(timeIntervalSince1970: 1e12)) == "9999-12-31T23:59:59Z")
        #expect(Timestamps.format(Date(timeIntervalSince1970: 1.9)) == "1970-01-01T00:00:01Z")
        #expect(Timestamps.format(Date(timeIntervalSince1970: .nan)) == "1970-01-01T00:00:00Z")
    }

    /// Every digit position refuses a byte that is not a digit, just below and above the digits too.
    @Test func canonicalTimesWithAnythingButDigitsAreRefused() {
        let good = Array("2026-11-23T03:14:07Z".utf8)
        #expect(good.withUnsafeBufferPointer { Timestamps.parseCanonical($0) } != nil)
        for position in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] {
            for byte: UInt8 in [0x2F, 0x3A, 0x20, 0x00, 0x41, 0xC3, 0xFF] {
                var bad = good
                bad[position] = byte
                #expect(bad.withUnsafeBufferPointer { Timestamps.parseCanonical($0) } == nil, "\(String(decoding: bad, as: UTF8.self))")
            }
        }
    }

    @Test func agreesWithTimegm() {
        var random = SeededGenerator(seed: 5)
        var cases: [(Int, Int, Int, Int, Int, Int)] = [
            (1970, 1, 1, 0, 0, 0), (1969, 12, 31, 23, 59, 59), (2000, 2, 29, 12, 0, 0), (1900, 2, 29, 0, 0, 0),
            (2100, 2, 29, 0, 0, 0), (2024, 2, 29, 23, 59, 60), (2024, 12, 31, 23, 59, 60), (2024, 6, 30, 12, 30, 60),
            (2026, 4, 31, 0, 0, 0), (2026, 11, 23, 3, 14, 7), (0, 1, 1, 0, 0, 0), (9999, 12, 31, 23, 59, 59), (1600, 3, 1, 0, 0, 0),
        ]
        for _ in 0..<20_000 {
            cases.append((Int.random(in: 0...9999, using: &random), Int.random(in: 1...12, using: &random), Int.random(in: 1...31, using: &random),
                          Int.random(in: 0...23, using: &random), Int.random(in: 0...59, using: &random), Int.random(in: 0...60, using: &random)))
        }
        for (year, month, day, hour, minute, second) in cases {
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let text = String(repeating: "0", count: 4 - String(year).count) + "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
            #expect(Timestamps.parseCanonical(text) == Self.viaTimegm(year, month, day, hour, minute, second), "\(text)")
        }
    }
}
