import Foundation
import Testing
@testable import WardKit

@Suite struct CommandLineTests {
    @Test func theWholeLoopWorksAndEveryJSONIsOneDocument() throws {
        let scratch = Scratch()
        #expect(try json(try run(["init", scratch.url.path, "--json"]).stdout) is [String: Any])
        let declared = try run(["incident", "declare", "Prod", "DB", "deleted", "--severity", "1", "--commander", "ana",
                                "--service", "api", "--started", "-20m", "--json"], in: scratch.url)
        let incident = try #require(try json(declared.stdout) as? [String: Any])
        let id = try #require(incident["id"] as? String)
        #expect(incident["severity"] as? String == "SEV1" && incident["commander"] as? String == "ana")
        #expect(declared.stderr.isEmpty)

        let logged = try #require(try json(try run(["log", "--key", "--at", "-5m", "first", "note", "--json"], in: scratch.url).stdout) as? [String: Any])
        #expect(logged["kind"] as? String == "note" && logged["text"] as? String == "first note" && logged["key"] as? Bool == true)
        #expect(try run(["incident", "status", "mitigated"], in: scratch.url).status == 0)
        #expect(try run(["incident", "severity", "2", "--reason", "contained"], in: scratch.url).status == 0)
        #expect(try run(["incident", "assign", "prod-db", "commander", "bo"], in: scratch.url).stdout.contains("ana handed over to bo"))
        #expect(try run(["incident", "assign", "scribe", "chidi"], in: scratch.url).status == 0)

        let shown = try #require(try json(try run(["incident", "show", "--json"], in: scratch.url).stdout) as? [String: Any])
        #expect(shown["status"] as? String == "mitigated" && shown["severity"] as? String == "SEV2")
        #expect(shown["roles"] as? [String: String] == ["commander": "bo", "scribe": "chidi"])
        let timeline = try #require(try json(try run(["timeline", id, "--json"], in: scratch.url).stdout) as? [[String: Any]])
        #expect(timeline.map { $0["kind"] as? String } == ["milestone", "note", "declared", "status", "severity", "role", "role"])
        for event in timeline {
            for key in ["id", "at", "recorded", "by", "kind"] { #expect(event[key] is String) }
        }
        let list = try #require(try json(try run(["incident", "list", "--all", "--json"], in: scratch.url).stdout) as? [[String: Any]])
        #expect(list.count == 1 && list[0]["id"] as? String == id)

        let resolved = try run(["incident", "status", "resolved"], in: scratch.url)
        #expect(resolved.status == 0)
        let reopen = try run(["incident", "status", id, "investigating"], in: scratch.url)
        #expect(reopen.status != 0 && reopen.stderr.contains("--reason"))
        #expect(try run(["incident", "status", id, "investigating", "--reason", "errors are back"], in: scratch.url).status == 0)

        let adr = try #require(try json(try run(["adr", "new", "Agents", "never", "touch", "prod", "--incident", "prod-db", "--json"], in: scratch.url).stdout) as? [String: Any])
        #expect(adr["number"] as? Int == 1 && (adr["path"] as? String)?.hasPrefix("decisions/0001-") == true)
        #expect(try run(["adr", "status", "1", "accepted"], in: scratch.url).status == 0)
        let second = try run(["adr", "new", "Better", "--supersedes", "1", "--format", "nygard"], in: scratch.url)
        #expect(second.stdout.hasPrefix("decisions/0002-better.md"))
        let adrs = try #require(try json(try run(["adr", "list", "--json"], in: scratch.url).stdout) as? [[String: Any]])
        #expect(adrs.map { $0["status"] as? String } == ["superseded", "proposed"])
        let one = try #require(try json(try run(["adr", "show", "1", "--json"], in: scratch.url).stdout) as? [String: Any])
        #expect(one["superseded_by"] as? [Int] == [2] && one["incidents"] as? [String] == [id])

        let hits = try #require(try json(try run(["search", "FIRST", "--json"], in: scratch.url).stdout) as? [[String: Any]])
        #expect(hits.count == 1 && hits[0]["kind"] as? String == "event" && hits[0]["line"] as? Int == 3)
        let doctor = try run(["doctor", "--json"], in: scratch.url)
        #expect(doctor.status == 0)
        #expect((try json(doctor.stdout) as? [String: Any])?["problems"] as? [Any] != nil)
    }

    @Test func errorsAreOneLineOnStderrWithAReason() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        for (arguments, words) in [
            (["incident", "declare", "x", "--severity", "9"], "unknown severity"),
            (["incident", "status", "fixed"], "unknown status"),
            (["log", "--at", "tomorrow", "x"], "--at"),
            (["log", "--incident", "nope", "x"], "no incident matches"),
            (["adr", "show", "42"], "no decision 42"),
            (["timeline", "--store", "/nonexistent"], "holds no ward.yaml"),
            (["log", "--at", "+1h", "x"], "cannot read the time"),
        ] {
            let result = try run(arguments, in: scratch.url)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func withoutAStoreTheDemoIsShownAndWritesAreRefused() throws {
        let scratch = Scratch()
        let overview = try run([], in: scratch.url)
        #expect(overview.status == 0)
        #expect(overview.stdout.contains("demo store, read-only"))
        #expect(overview.stdout.contains("Active incidents"))
        let list = try run(["incident", "list", "--all", "--json"], in: scratch.url)
        #expect(((try json(list.stdout)) as? [Any])?.count ?? 0 >= 6)
        let write = try run(["log", "--incident", "webhook", "hello"], in: scratch.url)
        #expect(write.status != 0 && write.stderr.contains("read-only"))
        #expect(scratch.allFiles().isEmpty)
    }

    @Test func aBadFileIsReportedByPathAndLineAndLeftAsItWas() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        let bad = "incidents/2026-01-01-broken-aaaa/incident.md"
        try FileManager.default.createDirectory(atPath: scratch.path("incidents/2026-01-01-broken-aaaa"), withIntermediateDirectories: true)
        let text = "---\ntitle: Broken\nseverity: [SEV1\ndeclared: 2026-01-01T00:00:00Z\n---\n"
        try Data(text.utf8).write(to: scratch.url.appending(path: bad))
        let list = try run(["incident", "list", "--all"], in: scratch.url)
        #expect(list.status == 0 && list.stdout.contains(id))
        #expect(list.stderr.contains("\(bad):"))
        let doctor = try run(["doctor"], in: scratch.url)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("\(bad):4:") || doctor.stdout.contains("\(bad):3:"), "\(doctor.stdout)")
        #expect(scratch.read(bad) == text)
    }

    @Test func hostileTextNeverReachesTheTerminalRaw() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        let hostile = "boom \u{1B}]0;pwned\u{7} \u{1B}]52;c;Y2xpcA==\u{7} \u{9B}31m \u{202E}evil\u{202C} \u{1B}P1$q\u{1B}\\ cr\rbs\u{8}"
        #expect(try run(["log", hostile], in: scratch.url).status == 0)
        // A title must be one line, so the decision gets the same text without its carriage return.
        #expect(try run(["adr", "new", hostile.replacingOccurrences(of: "\r", with: " ")], in: scratch.url).status == 0)
        for arguments in [["timeline"], ["incident", "list"], ["incident", "show"], ["adr", "list"], ["adr", "show", "1"],
                          ["search", "boom"], ["timeline", "--json"], ["search", "boom", "--json"], ["adr", "list", "--json"]] {
            let result = try run(arguments, in: scratch.url)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let raw = (result.stdout + result.stderr).unicodeScalars.filter { TerminalSafe.isUnsafe($0) || $0 == "\r" || $0 == "\u{8}" }
            #expect(raw.isEmpty, "\(arguments) printed \(raw.map { String($0.value, radix: 16) })")
        }
        // The file keeps what was written: escaping is for display only.
        #expect(scratch.read("incidents/\(id)/timeline.jsonl")?.contains("\\u001b]0;pwned") == true)
    }

    @Test func optionsEveryCommandTakesMayComeFirst() throws {
        let scratch = Scratch()
        let elsewhere = Scratch()
        let id = try storeWithIncident(scratch)
        let result = try run(["--store", scratch.url.path, "--json", "log", "--", "-5 errors a second"], in: elsewhere.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try json(result.stdout) as? [String: Any])?["text"] as? String == "-5 errors a second")
        #expect(try run(["--store=\(scratch.url.path)", "timeline", id], in: elsewhere.url).stdout.contains("-5 errors a second"))
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        for command in [["incident", "declare"], ["incident", "list"], ["incident", "status"], ["log"], ["timeline"],
                        ["adr", "new"], ["adr", "status"], ["search"], ["doctor"], ["init"]] {
            let help = try run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(command)")
        }
        #expect(try run(["--generate-completion-script", "bash"]).stdout.contains("ward"))
    }
}
