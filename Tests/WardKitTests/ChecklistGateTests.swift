import Foundation
import Testing
@testable import WardKit

/// The gate: every outcome a checklist run can have, on the built-in definitions and on small ones.
@Suite struct ChecklistGateTests {
    /// One required item, one that allows n/a, one optional, one red flag.
    let items: [TaskItem] = [
        TaskItem(id: "backup", text: "A backup was restored", required: true, allowsNotApplicable: false, redFlag: false, hint: "", line: 1),
        TaskItem(id: "load", text: "Load tested", required: true, allowsNotApplicable: true, redFlag: false, hint: "", line: 2),
        TaskItem(id: "docs", text: "Docs updated", required: false, allowsNotApplicable: false, redFlag: false, hint: "", line: 3),
        TaskItem(id: "prod-access", text: "An agent can reach production", required: false, allowsNotApplicable: false, redFlag: true, hint: "", line: 4),
    ]

    func verdict(_ answers: [String: ChecklistAnswer]) -> ChecklistVerdict {
        ChecklistVerdict(items: items, answers: answers)
    }

    @Test func allGoodIsGo() {
        let result = verdict(["backup": .yes, "load": .yes, "docs": .yes, "prod-access": .no])
        #expect(result.result == .go && result.failed.isEmpty && result.redFlags.isEmpty && result.warnings.isEmpty)
    }

    @Test func oneRequiredNoIsNoGoNamingIt() {
        let result = verdict(["backup": .no, "load": .yes, "docs": .yes, "prod-access": .no])
        #expect(result.result == .noGo)
        #expect(result.failed.map(\.item.id) == ["backup"])
        #expect(result.failed[0].problem == "answered no (required)")
        #expect(result.summary == "NO-GO: 1 failed (backup)")
    }

    @Test func notApplicableCountsOnlyWhereAllowed() {
        let allowed = verdict(["backup": .yes, "load": .notApplicable, "docs": .yes, "prod-access": .no])
        #expect(allowed.result == .go)
        let refused = verdict(["backup": .notApplicable, "load": .yes, "docs": .yes, "prod-access": .no])
        #expect(refused.result == .noGo && refused.failed.map(\.item.id) == ["backup"])
        #expect(refused.failed[0].problem == "n/a is not allowed for this item")
    }

    @Test func aRaisedRedFlagIsNoGoEvenWhenNotRequired() {
        let result = verdict(["backup": .yes, "load": .yes, "docs": .yes, "prod-access": .yes])
        #expect(result.result == .noGo)
        #expect(result.redFlags.map(\.item.id) == ["prod-access"] && result.failed.map(\.item.id) == ["prod-access"])
        #expect(result.summary == "NO-GO: 1 red flag raised (prod-access)")
        // "No" is the good answer to a red flag.
        #expect(result.outcomes[3].goodAnswer == .no)
    }

    @Test func anOptionalNoIsAWarningNotAFailure() {
        let result = verdict(["backup": .yes, "load": .yes, "docs": .no, "prod-access": .no])
        #expect(result.result == .go)
        #expect(result.warnings.map(\.item.id) == ["docs"] && result.warnings[0].problem == "answered no (not required)")
    }

    @Test func aVerdictWaitsForEveryAnswerUnlessOneAlreadyDecidesIt() {
        let open = verdict(["backup": .yes])
        #expect(open.result == nil && open.missing.map(\.id) == ["load", "docs", "prod-access"])
        #expect(open.summary == "1 of 4 answered; no failure so far")
        let decided = verdict(["backup": .no])
        #expect(decided.result == .noGo && !decided.isComplete)
        #expect(decided.summary == "NO-GO: 1 failed (backup), 3 not answered yet")
    }

    @Test func answersAreReadAsPeopleTypeThem() {
        #expect(["y", "Yes", " YES "].map(ChecklistAnswer.parse) == [.yes, .yes, .yes])
        #expect(["n", "No"].map(ChecklistAnswer.parse) == [.no, .no])
        #expect(["a", "na", "N/A"].map(ChecklistAnswer.parse) == [.notApplicable, .notApplicable, .notApplicable])
        #expect(["", "maybe", "yess", "0"].map(ChecklistAnswer.parse) == [nil, nil, nil, nil])
    }

    @Test func theBuiltInChecklistsSayWhatTheSeedsSay() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let (checklists, problems) = store.loadChecklists()
        #expect(problems.isEmpty)
        let byName = Dictionary(uniqueKeysWithValues: checklists.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["pre-deploy", "production-readiness", "red-flags", "schema-change"])
        let schema = try #require(byName["schema-change"])
        #expect(schema.items.allSatisfy { $0.required } && schema.items.allSatisfy { !$0.allowsNotApplicable })
        #expect(["backup-verified", "staging-tested", "rollback-written", "peer-reviewed"].allSatisfy { id in schema.items.contains { $0.id == id } })
        let flags = try #require(byName["red-flags"])
        #expect(flags.items.allSatisfy { $0.redFlag })
        #expect(["agent-prod-access", "no-staging", "accept-unreviewed", "stacked-frameworks", "no-security-testing",
                 "push-when-done", "uncoordinated-agents"].allSatisfy { id in flags.items.contains { $0.id == id } })
        let deploy = try #require(byName["pre-deploy"])
        #expect(["constraints-stated", "domain-review", "coverage", "load-test", "security-review", "profiling", "rollback-plan", "monitoring"]
            .allSatisfy { id in deploy.items.contains { $0.id == id } })
        let readiness = try #require(byName["production-readiness"])
        #expect(["multiple-instances", "load-behaviour", "dependency-failure", "three-am"].allSatisfy { id in readiness.items.contains { $0.id == id } })
        #expect(checklists.flatMap(\.items).contains { !$0.hint.isEmpty })
    }

    @Test func aStoreOverridesABuiltInAndABrokenOverrideIsRefusedNotReplaced() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("checklists/schema-change.md", "---\ntitle: Our schema change\n---\n\n- [ ] dba-approved: The DBA approved it {required}\n")
        let ours = try store.checklist(named: "schema-change")
        #expect(ours.title == "Our schema change" && ours.items.map(\.id) == ["dba-approved"] && !ours.builtIn)
        dir.write("checklists/schema-change.md", "---\ntitle: Ours\n---\n\n- [ ] dba-approved: The DBA approved it {required, maybe}\n")
        let error = try #require(throws: WardError.self) { try store.checklist(named: "schema-change") }
        #expect(error.path == "checklists/schema-change.md" && error.line == 5 && error.message.contains("unknown attribute"))
        #expect(throws: WardError.self) { try store.checklist(named: "no-such-list") }
    }
}

/// Recording runs, reading them back, and what the dashboard and the post-mortem make of them.
@Suite struct ChecklistRunTests {
    let allYes: [String: ChecklistAnswer] = ["backup-verified": .yes, "staging-tested": .yes, "rollback-written": .yes,
                                              "peer-reviewed": .yes, "row-counts-checked": .yes]

    @Test func aRunIsRecordedAsOneLineAndReadBackWithWhoWhenAndNotes() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let checklist = try store.checklist(named: "schema-change")
        var answers = allYes
        answers["backup-verified"] = .no
        let (run, redacted) = try store.recordChecklistRun(checklist, answers: answers, notes: ["backup-verified": "restore still running"])
        #expect(redacted.isEmpty)
        #expect(run.result == .noGo && run.failed == ["backup-verified"] && run.by == "ana@bastion-1" && run.at == fixedNow)
        #expect(run.path == "checklists/runs/schema-change.jsonl" && run.line == 1 && run.incident == nil)
        let text = try #require(dir.read("checklists/runs/schema-change.jsonl"))
        #expect(text.split(separator: "\n").count == 1 && text.hasSuffix("\n"))
        #expect(text.contains(#""result":"NO-GO""#) && text.contains(#""note":"restore still running""#))
        let (second, _) = try store.recordChecklistRun(checklist, answers: allYes)
        #expect(second.result == .go && second.line == 2)
        let (runs, problems) = store.loadChecklistRuns()
        #expect(problems.isEmpty)
        #expect(runs.map(\.id) == [second.id, run.id])
        #expect(runs[1] == run && runs[1].verdict.outcomes[0].note == "restore still running")
        #expect(try Store.findRun(run.shortID, in: runs).id == run.id)
        #expect(try Store.findRun(run.id, in: runs).id == run.id)
    }

    @Test func missingOrUnknownAnswersWriteNothingAndNameTheItems() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let checklist = try store.checklist(named: "schema-change")
        let missing = try #require(throws: WardError.self) {
            try store.recordChecklistRun(checklist, answers: ["backup-verified": .yes, "staging-tested": .yes])
        }
        #expect(missing.message.contains("rollback-written, peer-reviewed, row-counts-checked"))
        var extra = allYes
        extra["backup-verfied"] = .yes
        let unknown = try #require(throws: WardError.self) { try store.recordChecklistRun(checklist, answers: extra) }
        #expect(unknown.message.contains("'backup-verfied'"))
        #expect(dir.read("checklists/runs/schema-change.jsonl") == nil)
    }

    @Test func aFailedWriteLeavesTheHistoryAsItWas() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let checklist = try store.checklist(named: "schema-change")
        _ = try store.recordChecklistRun(checklist, answers: allYes)
        // The calls opening a store makes, so that the rule hits the run's own open.
        let probe = FaultInjectingSyscalls()
        _ = try Store(root: dir.url, sys: probe, author: "bo@bastion-2", now: { fixedNow })
        let opens = probe.count(.open)
        for rule in [FaultInjectingSyscalls.Rule(.write, call: 1, errno: ENOSPC), .init(.write, call: 1, errno: EIO, shortWrite: 40),
                     .init(.fsync, call: 1, errno: EIO), .init(.open, call: opens + 1, errno: EACCES, persistent: true)] {
            let before = dir.read("checklists/runs/schema-change.jsonl")
            let faulty = try Store(root: dir.url, sys: FaultInjectingSyscalls([rule]), author: "bo@bastion-2", now: { fixedNow })
            #expect(throws: WardError.self) { try faulty.recordChecklistRun(checklist, answers: allYes) }
            // A failed fsync leaves the line, whole or not at all, and says it may or may not have been kept.
            if rule.operation != .fsync {
                #expect(dir.read("checklists/runs/schema-change.jsonl") == before, "\(rule.operation)")
            }
        }
        #expect(store.loadChecklistRuns().problems.isEmpty)
    }

    @Test func aRunInsideAnIncidentGoesIntoItsTimelineAndItsPostmortem() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let incident = try store.declare(title: "Orders lost in migration", severity: "SEV2", services: ["orders"], commander: "ana")
        var answers = allYes
        answers["staging-tested"] = .no
        let (run, _) = try store.recordChecklistRun(try store.checklist(named: "schema-change"), answers: answers,
                                                    notes: ["staging-tested": "staging copy is 3 weeks old"], incident: incident)
        #expect(run.incident == incident.id && run.path == "incidents/\(incident.id)/timeline.jsonl" && run.line > 1)
        #expect(dir.read("checklists/runs/schema-change.jsonl") == nil)
        let reloaded = store.loadIncident(incident.id)
        #expect(reloaded.problems.isEmpty && reloaded.state.status == incident.state.status)
        let event = try #require(reloaded.events.first { $0.kind == "checklist" })
        #expect(TimelineText.describe(event) == "ran the Schema change checklist: NO-GO (failed: staging-tested)")
        let block = try #require(PostmortemDraft.blocks(reloaded)["checklists"])
        #expect(block.contains("**Schema change**: NO-GO, run by ana@bastion-1"))
        #expect(block.contains("staging-tested: answered no (required). staging copy is 3 weeks old"))
        #expect(store.loadChecklistRuns().runs.map(\.id) == [run.id])
        #expect(store.search("weeks old").contains { $0.path == run.path && $0.line == run.line })
    }

    @Test func aRedFlagStaysRaisedUntilALaterRunOfThatChecklistClearsIt() throws {
        let dir = TemporaryDirectory()
        final class Clock: @unchecked Sendable { var now = fixedNow }
        let clock = Clock()
        let store = try makeStore(dir, now: { clock.now })
        let flags = try store.checklist(named: "red-flags")
        var answers = Dictionary(uniqueKeysWithValues: flags.items.map { ($0.id, ChecklistAnswer.no) })
        answers["agent-prod-access"] = .yes
        let (raised, _) = try store.recordChecklistRun(flags, answers: answers, notes: ["agent-prod-access": "DATABASE_URL in the agent's .env"])
        #expect(raised.redFlags == ["agent-prod-access"] && raised.result == .noGo)
        #expect(Store.raisedRedFlags(store.loadChecklistRuns().runs).map(\.id) == [raised.id])
        // Another checklist's run does not clear it.
        clock.now += 60
        _ = try store.recordChecklistRun(try store.checklist(named: "schema-change"), answers: allYes)
        #expect(Store.raisedRedFlags(store.loadChecklistRuns().runs).map(\.id) == [raised.id])
        // A later run of the same checklist does.
        clock.now += 60
        answers["agent-prod-access"] = .no
        _ = try store.recordChecklistRun(flags, answers: answers)
        #expect(Store.raisedRedFlags(store.loadChecklistRuns().runs).isEmpty)
    }

    @Test func notesAreRedactedUnlessThePersonInsists() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let checklist = try store.checklist(named: "schema-change")
        let secret = "restored with postgres://admin:hunter2secret@db-1/prod"
        let (run, redacted) = try store.recordChecklistRun(checklist, answers: allYes, notes: ["backup-verified": secret])
        #expect(!redacted.isEmpty && !run.verdict.outcomes[0].note.contains("hunter2secret"))
        #expect(dir.read("checklists/runs/schema-change.jsonl")?.contains("hunter2secret") == false)
        let (kept, _) = try store.recordChecklistRun(checklist, answers: allYes, notes: ["backup-verified": secret], keepSecrets: true)
        #expect(kept.verdict.outcomes[0].note == secret)
    }

    @Test func aHandEditCannotTurnANoGoIntoAGoOrLowerARedFlag() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let flags = try store.checklist(named: "red-flags")
        var answers = Dictionary(uniqueKeysWithValues: flags.items.map { ($0.id, ChecklistAnswer.no) })
        answers["no-staging"] = .yes
        _ = try store.recordChecklistRun(flags, answers: answers)
        let original = try #require(dir.read("checklists/runs/red-flags.jsonl"))
        // A flag of the wrong type: the line is refused, not read as "no red flag".
        dir.write("checklists/runs/red-flags.jsonl", original.replacingOccurrences(of: #""red_flag":true"#, with: #""red_flag":"true""#))
        var (runs, problems) = store.loadChecklistRuns()
        #expect(runs.isEmpty && problems.contains { $0.level == .error && $0.message.contains("'red_flag' that is not true or false") })
        // An answer changed by hand while the line still says NO-GO: the worse verdict counts, and doctor says so.
        dir.write("checklists/runs/red-flags.jsonl", original.replacingOccurrences(of: #""answer":"yes""#, with: #""answer":"no""#))
        (runs, problems) = store.loadChecklistRuns()
        #expect(runs.first?.result == .noGo && runs.first?.redFlags == ["no-staging"])
        #expect(Store.raisedRedFlags(runs).count == 1)
        #expect(problems.contains { $0.level == .error && $0.message.contains("it counts as NO-GO") })
    }

    @Test func aNoteIsKeptOnOneLine() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let checklist = try store.checklist(named: "schema-change")
        let (run, _) = try store.recordChecklistRun(checklist, answers: allYes,
                                                    notes: ["backup-verified": "restored\nGO  Schema change: every required item\r\u{1B}[2J\tok"])
        #expect(run.verdict.outcomes[0].note == "restored GO Schema change: every required item [2J ok")
    }

    @Test func brokenAndHandEditedRunLinesAreReportedAndTheRestStillRead() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let checklist = try store.checklist(named: "schema-change")
        _ = try store.recordChecklistRun(checklist, answers: allYes)
        var text = try #require(dir.read("checklists/runs/schema-change.jsonl"))
        // A run whose verdict was edited by hand; a line that is not a run; a torn tail.
        let edited = text.replacingOccurrences(of: #""answer":"yes","item":"backup-verified""#, with: #""answer":"no","item":"backup-verified""#)
            .replacingOccurrences(of: "01", with: "02", options: [], range: text.range(of: "01"))
        text += edited
        text += #"{"id":"X1","at":"2026-11-23T03:00:00Z","recorded":"2026-11-23T03:00:00Z","by":"x@y","kind":"checklist","checklist":"schema-change","answers":[{"item":"a","answer":"maybe"}]}"# + "\n"
        text += #"{"id":"X2","at":"2026"#
        dir.write("checklists/runs/schema-change.jsonl", text)
        let (runs, problems) = store.loadChecklistRuns()
        #expect(runs.count == 2)
        #expect(runs.contains { $0.result == .noGo && $0.recordedResult == "GO" })
        let messages = problems.map { "\($0.path):\($0.line ?? 0): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("checklists/runs/schema-change.jsonl:2:") && $0.contains("says GO, but its answers give NO-GO") })
        #expect(messages.contains { $0.hasPrefix("checklists/runs/schema-change.jsonl:3:") && $0.contains("of yes, no or na") })
        #expect(messages.contains { $0.hasPrefix("checklists/runs/schema-change.jsonl:4:") && $0.contains("incomplete") })
        #expect(Doctor(store: store).run().problems.count >= 3)
    }
}

/// Answers given ahead, as a script gives them.
@Suite struct ChecklistAnswersTests {
    @Test func anAnswersFileTakesPlainAnswersAndAnswersWithNotes() throws {
        let answers = try ChecklistAnswers(yaml: "backup-verified: yes\nstaging-tested: no   # a comment\nrollback-written:\n  answer: na\n  note: additive column\npeer-reviewed: \"y\"\n", path: "a.yaml")
        #expect(answers.answers == ["backup-verified": .yes, "staging-tested": .no, "rollback-written": .notApplicable, "peer-reviewed": .yes])
        #expect(answers.notes == ["rollback-written": "additive column"])
    }

    @Test func aBadAnswersFileNamesTheFileAndLine() throws {
        for (yaml, line, words) in [("a: yes\nb: maybe\n", 2, "'maybe' is not an answer"), ("a: yes\nb:\n  note: x\n", 3, "has no 'answer'"),
                                    ("a: yes\na: no\n", 2, "appears twice"), ("- a\n", 1, "key: value"), ("a: [yes]\n", 1, "must be yes, no or na"),
                                    ("a:\n  answer: yes\n  colour: red\n", 3, "unknown key 'colour'")] {
            let error = try #require(throws: WardError.self) { try ChecklistAnswers(yaml: yaml, path: "answers.yaml") }
            #expect(error.description.contains("answers.yaml:\(line)") && error.description.contains(words), "\(yaml): \(error.description)")
        }
    }

    @Test func optionsAndFilesCombineButNeverDisagree() throws {
        var given = ChecklistAnswers()
        try given.add(option: "backup-verified=yes")
        try given.add(noteOption: "backup-verified=restored at 02:10 = fine")
        #expect(given.notes["backup-verified"] == "restored at 02:10 = fine")
        #expect(throws: WardError.self) { try given.add(option: "backup-verified") }
        #expect(throws: WardError.self) { try given.add(option: "backup-verified=no") }
        #expect(throws: WardError.self) { try given.add(option: "=yes") }
        var file = ChecklistAnswers()
        try file.add(option: "backup-verified=no")
        #expect(throws: WardError.self) { try given.merge(file) }
    }
}
