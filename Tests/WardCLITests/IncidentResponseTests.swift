import Foundation
import Testing
@testable import WardKit

/// An incident from declaration to the document phase, through the command line only, as a script or a
/// responder without the TUI would run it.
@Suite struct IncidentResponseTests {
    func journal(_ scratch: Scratch, _ id: String) -> String { scratch.read("incidents/\(id)/timeline.jsonl") ?? "" }

    @Test func anIncidentWalkedFromDeclarationToItsDocuments() throws {
        let scratch = Scratch()
        try ward(scratch, "init", scratch.url.path)
        let id = try ward(scratch, "incident", "declare", "Production database deleted", "--severity", "1", "--commander", "ana",
                          "--service", "api", "--started", "-20m").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.contains("production-database-deleted"))
        try ward(scratch, "log", "all tables in prod-main are gone")
        try ward(scratch, "log", "--key", "--at", "-10m", "agent ran DROP DATABASE")
        try ward(scratch, "log", "TODO: add a guard against DROP in production")
        try ward(scratch, "incident", "status", "identified")
        try ward(scratch, "incident", "severity", "2", "--reason", "replica intact")
        try ward(scratch, "incident", "severity", "1", "--reason", "replica followed the drop")
        #expect(try ward(scratch, "incident", "assign", "scribe", "chidi").stdout.contains("chidi is now scribe"))
        #expect(try ward(scratch, "incident", "assign", "commander", "bo").stdout.contains("commander: ana handed over to bo"))
        try ward(scratch, "incident", "time", "acknowledged", "--at", "-15m")

        // The runbook: a refused next, a skip with a reason, n/a, a back, every phase.
        try ward(scratch, "runbook", "start")
        let refused = try ward(scratch, "runbook", "next", expect: 2)
        #expect(refused.stderr.contains("Disconnect has required steps still open: stop-actor, revoke-credentials, stop-writes, keep-evidence"))
        try ward(scratch, "runbook", "done", "stop-actor", "--note", "killed the agent session")
        try ward(scratch, "runbook", "done", "revoke-credentials")
        #expect(try ward(scratch, "runbook", "skip", "stop-writes", expect: 64).stderr.contains("--reason"))
        try ward(scratch, "runbook", "skip", "stop-writes", "--reason", "the database is gone; nothing to write to")
        try ward(scratch, "runbook", "na", "pause-automation")
        #expect(try ward(scratch, "runbook", "na", "keep-evidence", expect: 2).stderr.contains("cannot be marked not applicable"))
        #expect(try ward(scratch, "runbook", "done", "scope-damage", expect: 2).stderr.contains("finish this phase first"))
        try ward(scratch, "runbook", "done", "keep-evidence")
        #expect(try ward(scratch, "runbook", "next").stdout.contains("Now phase 2 of 5: Assess"))
        for step in ["scope-damage", "damage-time", "check-backups"] { try ward(scratch, "runbook", "done", step) }
        try ward(scratch, "runbook", "next")
        #expect(try ward(scratch, "runbook", "back", "--reason", "backups older than we thought").stdout.contains("Back to phase 2 of 5: Assess"))
        try ward(scratch, "runbook", "next")
        for step in ["restore-new", "verify-restore", "switch-over", "reopen-writes"] { try ward(scratch, "runbook", "done", step) }
        try ward(scratch, "runbook", "next")
        try ward(scratch, "incident", "status", "mitigated")
        for step in ["remove-prod-access", "separate-environments", "backup-drill"] {
            try ward(scratch, "runbook", "done", step, "--note", "done: \(step)")
        }
        let document = try ward(scratch, "runbook", "next")
        #expect(document.stdout.contains("Now phase 5 of 5: Document"))
        #expect(document.stdout.contains("Post-mortem draft written: incidents/\(id)/postmortem.md"))
        #expect(document.stdout.contains("proposed decision written: decisions/0001-safeguards-after-production-database-deleted.md"))

        // The post-mortem draft holds what was recorded.
        let postmortem = try #require(scratch.read("incidents/\(id)/postmortem.md"))
        #expect(postmortem.contains("skipped **stop-writes** by tester@ci at "))
        #expect(postmortem.contains(": the database is gone; nothing to write to"))
        #expect(postmortem.contains("done **stop-actor** by tester@ci at ") && postmortem.contains("(killed the agent session)"))
        #expect(postmortem.contains("Went back to Assess"))
        #expect(postmortem.contains("- [ ] add a guard against DROP in production"))
        #expect(postmortem.contains("**agent ran DROP DATABASE**"))
        #expect(postmortem.contains("- commander: bo") && postmortem.contains("- scribe: chidi"))
        #expect(postmortem.contains("| Time to detect | detected − impact started | "))
        #expect(postmortem.contains("Key events:"))
        // The proposed decision is linked to the incident and carries the prevent phase's work.
        let decision = try #require(scratch.read("decisions/0001-safeguards-after-production-database-deleted.md"))
        #expect(decision.contains("status: proposed"))
        #expect(decision.contains("incidents: [\(id)]"))
        #expect(decision.contains("(done by tester@ci: done: remove-prod-access)"))
        let listed = try json(try ward(scratch, "adr", "list", "--json").stdout) as? [[String: Any]]
        #expect(listed?.first?["status"] as? String == "proposed")

        // The run as a script sees it.
        let show = try #require(try json(try ward(scratch, "runbook", "show", "--json").stdout) as? [String: Any])
        #expect(show["runbook"] as? String == "recovery" && show["phase"] as? String == "Document")
        let phases = try #require(show["phases"] as? [[String: Any]])
        #expect(phases.map { $0["name"] as? String } == ["Disconnect", "Assess", "Recover", "Prevent", "Document"])
        #expect(phases.map { $0["state"] as? String } == ["done", "done", "done", "done", "current"])
        let disconnect = try #require(phases[0]["steps"] as? [[String: Any]])
        #expect(disconnect.map { $0["state"] as? String } == ["done", "done", "skipped", "na", "done"])
        #expect(disconnect[2]["reason"] as? String == "the database is gone; nothing to write to")
        #expect(disconnect[0]["required"] as? Bool == true && disconnect[0]["title"] != nil && disconnect[0]["id"] as? String == "stop-actor")

        // Finishing: the document phase's required steps, then the end.
        for step in ["postmortem-draft", "decision-record", "review-meeting"] { try ward(scratch, "runbook", "done", step) }
        #expect(try ward(scratch, "runbook", "next").stdout.contains("runbook is finished"))
        try ward(scratch, "incident", "status", "resolved")
        #expect(try ward(scratch, "incident", "status", id, "investigating", expect: 2).stderr.contains("needs a reason"))
        let shown = try #require(try json(try ward(scratch, "incident", "show", id, "--json").stdout) as? [String: Any])
        #expect(shown["status"] as? String == "resolved")
        #expect((shown["actions"] as? [[String: Any]])?.first?["title"] as? String == "add a guard against DROP in production")
        #expect(shown["decisions"] as? [Int] == [1])
        // A refresh keeps what people wrote and adds what happened since.
        var edited = postmortem.replacingOccurrences(of: "## Summary\n", with: "## Summary\n\nWritten by a person.\n")
        edited = edited.replacingOccurrences(of: "status: draft", with: "status: draft")
        try Data(edited.utf8).write(to: scratch.url.appending(path: "incidents/\(id)/postmortem.md"))
        #expect(try ward(scratch, "postmortem", "draft", id).stderr.contains("refreshed"))
        let refreshed = try #require(scratch.read("incidents/\(id)/postmortem.md"))
        #expect(refreshed.contains("Written by a person.") && refreshed.contains("status resolved"))
        #expect(try ward(scratch, "doctor").status == 0)
    }

    @Test func timesOutOfOrderAreRefusedAndNothingIsWritten() throws {
        let scratch = Scratch()
        try ward(scratch, "init", scratch.url.path)
        let id = try ward(scratch, "incident", "declare", "Slow checkout", "--severity", "3", "--started", "-30m")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let before = journal(scratch, id)
        let early = try ward(scratch, "incident", "time", "mitigated", "--at", "-45m", expect: 2)
        #expect(early.stderr.contains("mitigated (") && early.stderr.contains("cannot be before impact started ("))
        let resolved = try ward(scratch, "incident", "status", "resolved", "--at", "-40m", expect: 2)
        #expect(resolved.stderr.contains("resolved (") && resolved.stderr.contains("cannot be before"))
        #expect(try ward(scratch, "incident", "time", "sometime", expect: 2).stderr.contains("unknown time 'sometime'"))
        #expect(journal(scratch, id) == before)
        // Paged at -25m, acknowledged at -24m, declared now: fine, and detection moves to the page.
        try ward(scratch, "incident", "time", "acknowledged", "--at", "-24m")
        let shown = try #require(try json(try ward(scratch, "incident", "show", "--json").stdout) as? [String: Any])
        let times = try #require(shown["times"] as? [String: Any])
        #expect(times["detected"] as? String == times["acknowledged"] as? String)
    }

    @Test func secretsAreHiddenUnlessTheResponderInsists() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        let hidden = try ward(scratch, "log", "psql postgres://admin:hunter2pass@db-1:5432/prod")
        #expect(hidden.stderr.contains("hid 1 secret (url-password)"))
        #expect(!journal(scratch, id).contains("hunter2pass"))
        #expect(journal(scratch, id).contains("[REDACTED url-password]"))
        try ward(scratch, "log", "--keep-secrets", "token=abc123def456 is the staging one")
        #expect(journal(scratch, id).contains("token=abc123def456"))
        // Reasons and step notes are free text too.
        try ward(scratch, "runbook", "start")
        let step = try ward(scratch, "runbook", "done", "revoke-credentials", "--note", "rotated; old one was password=Winter2026!")
        #expect(step.stderr.contains("hid 1 secret (password)"))
        try ward(scratch, "runbook", "skip", "stop-writes", "--reason", "replica uses postgres://app:s3cretpw@db-2/prod, read-only")
        try ward(scratch, "incident", "status", "identified", "--reason", "leaked key AKIAIOSFODNN7EXAMPLE in the deploy log")
        let text = journal(scratch, id)
        for secret in ["Winter2026!", "s3cretpw", "AKIAIOSFODNN7EXAMPLE"] { #expect(!text.contains(secret), "\(secret) was written") }
        try ward(scratch, "runbook", "skip", "keep-evidence", "--reason", "staging password=letmein123 only", "--keep-secrets")
        #expect(journal(scratch, id).contains("letmein123"))
    }

    @Test func aBrokenRunbookDefinitionIsReportedByPathAndLine() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        try FileManager.default.createDirectory(at: scratch.url.appending(path: "runbooks"), withIntermediateDirectories: true)
        try Data("---\ntitle: Mine\n---\n\n## One\n\n- [ ] first: do it {required}\n- [ ] no id here\n".utf8)
            .write(to: scratch.url.appending(path: "runbooks/mine.md"))
        let started = try ward(scratch, "runbook", "start", "--runbook", "mine", expect: 2)
        #expect(started.stderr.contains("runbooks/mine.md:8: the item has no id"))
        #expect(try ward(scratch, "doctor", expect: 1).stdout.contains("runbooks/mine.md:8"))
        #expect(try ward(scratch, "runbook", "show", expect: 2).stderr.contains("no runbook has been started"))
    }

    @Test func twoRespondersCheckingStepsAtOnceLoseNothing() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        try ward(scratch, "runbook", "start")
        let steps = ["stop-actor", "revoke-credentials", "stop-writes", "keep-evidence"]
        final class Statuses: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int32] = []
            func add(_ value: Int32) { lock.lock(); values.append(value); lock.unlock() }
        }
        let statuses = Statuses()
        let directory = scratch.url
        // Each step twice, from eight processes at once: a note each time, so no write is a no-op.
        DispatchQueue.concurrentPerform(iterations: steps.count * 2) { index in
            let result = try? run(["runbook", "done", steps[index % steps.count], "--note", "pass \(index)"], in: directory)
            statuses.add(result?.status ?? -1)
        }
        #expect(statuses.values.count == steps.count * 2 && statuses.values.allSatisfy { $0 == 0 })
        let lines = journal(scratch, id).split(separator: "\n")
        #expect(lines.filter { $0.contains("\"kind\":\"step\"") }.count == steps.count * 2)
        let show = try #require(try json(try ward(scratch, "runbook", "show", "--json").stdout) as? [String: Any])
        let first = try #require((show["phases"] as? [[String: Any]])?.first?["steps"] as? [[String: Any]])
        for step in first where steps.contains(step["id"] as? String ?? "") { #expect(step["state"] as? String == "done") }
        #expect(try ward(scratch, "runbook", "next").stdout.contains("Assess"))
    }
}
