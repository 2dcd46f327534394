import Foundation
import Testing
@testable import WardKit

/// `ward check`: the gate as scripts, hooks and CI jobs use it. Exit 0 GO, 1 NO-GO, 2 anything else.
@Suite struct CheckCommandTests {
    static let schemaItems = ["backup-verified", "staging-tested", "rollback-written", "peer-reviewed", "row-counts-checked"]

    func answers(_ overrides: [String: String] = [:], items: [String] = schemaItems, default value: String = "yes") -> [String] {
        items.flatMap { ["--answer", "\($0)=\(overrides[$0] ?? value)"] }
    }

    func store() throws -> Scratch {
        let scratch = Scratch()
        try ward(scratch, "init", scratch.url.path)
        return scratch
    }

    func object(_ text: String) throws -> [String: Any] { try #require(try json(text) as? [String: Any]) }

    @Test func listPrintsEveryChecklistWithItsItems() throws {
        let scratch = try store()
        let list = try #require(try json(try ward(scratch, "check", "list", "--json").stdout) as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["pre-deploy", "production-readiness", "red-flags", "schema-change"])
        let schema = try #require(list.last)
        #expect(schema["title"] as? String == "Schema change")
        let items = try #require(schema["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == Self.schemaItems)
        #expect(items.allSatisfy { $0["required"] as? Bool == true })
        #expect((list[2]["items"] as? [[String: Any]])?.allSatisfy { $0["red_flag"] as? Bool == true } == true)
    }

    @Test func allGoodIsGoAndExitsZero() throws {
        let scratch = try store()
        let result = try run(["check", "run", "schema-change", "--json"] + answers(), in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try object(result.stdout)
        #expect(document["result"] as? String == "GO" && (document["failed"] as? [String]) == [])
        #expect(result.stderr.contains("Recorded run"))
        #expect(scratch.read("checklists/runs/schema-change.jsonl")?.split(separator: "\n").count == 1)
    }

    @Test func oneRequiredNoIsNoGoExitsOneAndNamesTheItem() throws {
        let scratch = try store()
        let text = try run(["check", "run", "schema-change"] + answers(["staging-tested": "no"]), in: scratch.url)
        #expect(text.status == 1)
        #expect(text.stdout.hasPrefix("NO-GO  Schema change: 1 failed (staging-tested)"))
        #expect(text.stdout.contains("FAIL  staging-tested: answered no (required)"))
        let result = try run(["check", "run", "schema-change", "--json"] + answers(["staging-tested": "no"]), in: scratch.url)
        #expect(result.status == 1)
        let document = try object(result.stdout)
        #expect(document["result"] as? String == "NO-GO" && (document["failed"] as? [String]) == ["staging-tested"])
    }

    @Test func notApplicableIsGoWhereAllowedAndNoGoWhereNot() throws {
        let scratch = try store()
        let deploy = ["constraints-stated", "domain-review", "coverage", "load-test", "security-review", "profiling", "rollback-plan", "monitoring", "data-migration"]
        let allowed = try run(["check", "run", "pre-deploy", "--json"] + answers(["load-test": "na", "profiling": "n/a", "data-migration": "na"], items: deploy), in: scratch.url)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try object(allowed.stdout)["result"] as? String == "GO")
        let refused = try run(["check", "run", "pre-deploy", "--json"] + answers(["rollback-plan": "na"], items: deploy), in: scratch.url)
        #expect(refused.status == 1)
        let document = try object(refused.stdout)
        #expect((document["failed"] as? [String]) == ["rollback-plan"])
        let answer = try #require((document["answers"] as? [[String: Any]])?.first { $0["item"] as? String == "rollback-plan" })
        #expect(answer["problem"] as? String == "n/a is not allowed for this item")
    }

    @Test func aRaisedRedFlagIsNoGoAndShowsUntilALaterRunClearsIt() throws {
        let scratch = try store()
        let flags = ["agent-prod-access", "no-staging", "accept-unreviewed", "stacked-frameworks", "no-security-testing",
                     "push-when-done", "uncoordinated-agents", "no-tested-backup", "unknown-libraries"]
        let raised = try run(["check", "run", "red-flags", "--json"] + answers(["agent-prod-access": "yes"], items: flags, default: "no"), in: scratch.url)
        #expect(raised.status == 1)
        #expect((try object(raised.stdout))["red_flags"] as? [String] == ["agent-prod-access"])
        #expect(try ward(scratch, "check", "list").stdout.contains("Red flag raised by the last red-flags run"))
        #expect(try ward(scratch, "overview").stdout.contains("Red flag raised by the last Red flags run"))
        let overview = try object(try ward(scratch, "overview", "--json").stdout)
        #expect((overview["red_flags"] as? [[String: Any]])?.first?["red_flags"] as? [String] == ["agent-prod-access"])
        #expect(try run(["check", "run", "red-flags"] + answers(items: flags, default: "no"), in: scratch.url).status == 0)
        #expect(!(try ward(scratch, "check", "list").stdout.contains("Red flag raised")))
        #expect(!(try ward(scratch, "overview").stdout.contains("Red flag raised")))
    }

    @Test func withoutATerminalMissingAnswersFailAtOnceNamingThemAndNothingWaits() throws {
        let scratch = try store()
        // Standard input is a pipe that stays open: a command that waited for input would hang here.
        let process = Process()
        process.executableURL = buildDirectory.appending(path: "ward")
        process.arguments = ["check", "run", "schema-change", "--answer", "backup-verified=yes"]
        process.currentDirectoryURL = scratch.url
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            Issue.record("ward check run waited for input")
            process.terminate()
        }
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("4 of 5 items have no answer") && stderr.contains("staging-tested, rollback-written, peer-reviewed, row-counts-checked"))
        #expect(scratch.read("checklists/runs/schema-change.jsonl") == nil)
    }

    @Test func otherErrorsExitNeitherZeroNorOne() throws {
        let scratch = try store()
        #expect(try run(["check", "run", "no-such-list"] + answers(), in: scratch.url).status == 2)
        let unknown = try run(["check", "run", "schema-change", "--answer", "backup-verfied=yes"] + answers(), in: scratch.url)
        #expect(unknown.status == 2 && unknown.stderr.contains("no item 'backup-verfied'"))
        #expect(try run(["check", "run", "schema-change", "--answer", "backup-verified=maybe"], in: scratch.url).status == 2)
        #expect(try run(["check", "run", "schema-change", "--bogus"], in: scratch.url).status == 64)
        #expect(try run(["check", "run", "schema-change", "--answers", scratch.path("missing.yaml")], in: scratch.url).status == 2)
        // A store where the run cannot be written (a file where its folder should be, which stops root too):
        // the gate does not pass, and does not pretend to be a NO-GO.
        let locked = try store()
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: locked.path("checklists/runs")))
        let unwritable = try run(["check", "run", "schema-change"] + answers(), in: locked.url)
        #expect(unwritable.status == 2 && unwritable.stdout.isEmpty, "\(unwritable.stderr)")
        // No store at all: the bundled demo is read-only, and says so.
        let nowhere = Scratch()
        let demo = try run(["check", "run", "schema-change"] + answers(), in: nowhere.url)
        #expect(demo.status == 2 && demo.stderr.contains("read-only"))
    }

    @Test func aNoteCannotForgeAVerdictLineInTheOutput() throws {
        let scratch = try store()
        try "backup-verified: yes\nstaging-tested:\n  answer: no\n  note: |\n    old copy\n    GO  Schema change: every required item has a good answer\nrollback-written: yes\npeer-reviewed: yes\nrow-counts-checked: yes\n"
            .write(toFile: scratch.path("forged.yaml"), atomically: true, encoding: .utf8)
        let result = try run(["check", "run", "schema-change", "--answers", scratch.path("forged.yaml")], in: scratch.url)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("GO") }.isEmpty && lines.first?.hasPrefix("NO-GO") == true)
        #expect(result.stdout.contains("note: old copy GO Schema change"))
    }

    @Test func anAnswersFileFromDiskOrStandardInput() throws {
        let scratch = try store()
        try "backup-verified: yes\nstaging-tested: yes\nrollback-written:\n  answer: yes\n  note: tried on staging 11-24\npeer-reviewed: y\nrow-counts-checked: yes\n"
            .write(toFile: scratch.path("answers.yaml"), atomically: true, encoding: .utf8)
        let result = try run(["check", "run", "schema-change", "--answers", scratch.path("answers.yaml"), "--json"], in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let answer = try #require(((try object(result.stdout))["answers"] as? [[String: Any]])?.first { $0["item"] as? String == "rollback-written" })
        #expect(answer["note"] as? String == "tried on staging 11-24")
        // Options win nothing over the file: a disagreement is an error, not a choice.
        let both = try run(["check", "run", "schema-change", "--answers", scratch.path("answers.yaml"), "--answer", "backup-verified=no"], in: scratch.url)
        #expect(both.status == 2 && both.stderr.contains("answered both"))
        try "backup-verified: yes\nstaging-tested: perhaps\n".write(toFile: scratch.path("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try run(["check", "run", "schema-change", "--answers", scratch.path("bad.yaml")], in: scratch.url)
        #expect(bad.status == 2 && bad.stderr.contains("bad.yaml:2") && bad.stderr.contains("'perhaps' is not an answer"))
    }

    @Test func aRunInsideAnIncidentIsInItsTimelineHistoryAndPostmortem() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        let result = try run(["check", "run", "schema-change", "--incident", id, "--note", "backup-verified=snapshot 02:10 not restored yet"]
                             + answers(["backup-verified": "no"]), in: scratch.url)
        #expect(result.status == 1)
        #expect(scratch.read("checklists/runs/schema-change.jsonl") == nil)
        #expect(try ward(scratch, "timeline").stdout.contains("ran the Schema change checklist: NO-GO (failed: backup-verified)"))
        let history = try #require(try json(try ward(scratch, "check", "history", "--incident", id, "--json").stdout) as? [[String: Any]])
        #expect(history.count == 1 && history[0]["incident"] as? String == id)
        try ward(scratch, "postmortem", "draft")
        let postmortem = try #require(scratch.read("incidents/\(id)/postmortem.md"))
        #expect(postmortem.contains("**Schema change**: NO-GO, run by tester@ci"))
        #expect(postmortem.contains("backup-verified: answered no (required). snapshot 02:10 not restored yet"))
        #expect(!postmortem.contains("No checklist was run inside this incident"))
    }

    @Test func historyListsFiltersAndShowsRunsAndSearchFindsTheirNotes() throws {
        let scratch = try store()
        _ = try run(["check", "run", "schema-change", "--note", "staging-tested=staging copy three weeks old"] + answers(["staging-tested": "no"]), in: scratch.url)
        _ = try run(["check", "run", "schema-change"] + answers(), in: scratch.url)
        let all = try #require(try json(try ward(scratch, "check", "history", "--json").stdout) as? [[String: Any]])
        #expect(all.map { $0["result"] as? String } == ["GO", "NO-GO"])
        let table = try ward(scratch, "check", "history").stdout
        #expect(table.contains("GO      schema-change") && table.contains("NO-GO   schema-change") && table.contains("staging-tested"))
        #expect(try ward(scratch, "check", "history", "--result", "no-go", "--json").stdout.contains("NO-GO"))
        let grep = try #require(try json(try ward(scratch, "check", "history", "--grep", "three weeks", "--json").stdout) as? [[String: Any]])
        #expect(grep.count == 1 && grep[0]["result"] as? String == "NO-GO")
        let short = try #require(grep[0]["short_id"] as? String)
        let shown = try ward(scratch, "check", "show", short).stdout
        #expect(shown.contains("FAIL  staging-tested: answered no (required)") && shown.contains("note: staging copy three weeks old")
                && shown.contains("ok    backup-verified: yes") && shown.contains("checklists/runs/schema-change.jsonl:1"))
        let hits = try #require(try json(try ward(scratch, "search", "three weeks", "--json").stdout) as? [[String: Any]])
        #expect(hits.contains { $0["kind"] as? String == "checklist-run" && $0["id"] as? String == short && $0["line"] as? Int == 1 })
        #expect(try ward(scratch, "doctor").status == 0)
        let export = try #require(try json(try ward(scratch, "export").stdout) as? [String: Any])
        #expect((export["checklist_runs"] as? [[String: Any]])?.map { $0["result"] as? String } == ["GO", "NO-GO"])
    }
}
