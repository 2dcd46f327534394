import ArgumentParser
import Foundation
import Testing
@testable import ward

/// `ward log` is read without ArgumentParser when its command line is plain (see `LogRequest(quickly:)`):
/// that reading must either give exactly what ArgumentParser gives, or step aside.
@Suite struct QuickLogTests {
    /// What ArgumentParser makes of the same command line, or nil where it refuses it.
    static func parsed(_ arguments: [String]) -> LogRequest? {
        guard let command = try? Ward.parseAsRoot(arguments), let log = command as? LogCommand else { return nil }
        return LogRequest(store: log.global.store, json: log.global.json, incident: log.incident, at: log.at, key: log.key,
                          keepSecrets: log.keepSecrets, text: log.text)
    }

    @Test func plainCommandLinesReadAsArgumentParserReadsThem() {
        let lines: [[String]] = [
            ["log", "replica lag 40 s"],
            ["log", "replica", "lag", "40", "s"],
            ["log", "--incident", "prod-db", "--at", "03:10", "--key", "agent ran DROP DATABASE"],
            ["log", "--at", "-5m", "paged by checkout-5xx alert"],
            ["log", "--at=-1h30m", "--incident=prod", "back-dated"],
            ["log", "first", "--key", "second", "--keep-secrets", "third"],
            ["log", "--json", "--store", "/srv/ward", "TODO: alert on lag"],
            ["log", "text", "--store=/tmp/x y", "--json"],
            ["log", "--", "--not-an-option", "-5m", "--key"],
            ["log", "a=b", "key=value", "--incident", "2026-11-23-prod-db-deleted-abcd", "✓ naïve 日本"],
            ["log", "--store", "", "empty store path"],
        ]
        for line in lines {
            let quick = LogRequest(quickly: line)
            #expect(quick != nil, "\(line) is plain and read quickly")
            #expect(quick == Self.parsed(line), "\(line)")
        }
    }

    @Test func anythingElseIsLeftToArgumentParser() {
        let lines: [[String]] = [
            ["log"], ["log", "--key"], ["log", "--help"], ["log", "-h"], ["log", "--incident"], ["log", "note", "--at"],
            ["log", "--incident", "-x", "note"], ["log", "--store", "--json", "note"], ["log", "-5m", "note"],
            ["log", "-", "note"], ["log", "--keys", "note"], ["log", "--key=yes", "note"], ["log", "--json", "--json", "note"],
            ["log", "--incident", "a", "--incident", "b", "note"], ["log", "--version"], ["timeline"], ["log-extra", "note"],
            ["incident", "log", "note"], [],
        ]
        for line in lines {
            #expect(LogRequest(quickly: line) == nil, "\(line) is ArgumentParser's to read")
        }
    }

    @Test func randomCommandLinesNeverDisagree() {
        var random = Xorshift(state: 0x5EED)
        let words = ["log", "--incident", "--at", "--key", "--keep-secrets", "--json", "--store", "--", "-5m", "03:10",
                     "note", "two words", "--at=-2h", "--incident=x", "--store=/s", "-", "a=b", "--bogus", "-h", "ünï"]
        for _ in 0..<3000 {
            let line = ["log"] + (0..<Int.random(in: 0...6, using: &random)).map { _ in words.randomElement(using: &random)! }
            if let quick = LogRequest(quickly: line) {
                #expect(quick == Self.parsed(line), "\(line)")
            }
        }
    }
}

/// The same random-looking command lines on every run.
private struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
