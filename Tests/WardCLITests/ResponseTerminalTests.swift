import Foundation
import Testing
@testable import WardKit

/// An incident run from the TUI alone, in tmux: declared with a key, notes typed, the recovery runbook
/// walked with keys, the process killed mid-runbook and started again.
@Suite(.serialized) struct ResponseTerminalTests {
    var ward: String { buildDirectory.appending(path: "ward").path }

    func session(_ store: Scratch, home: Scratch, width: Int = 100, height: Int = 30) throws -> TmuxSession {
        try TmuxSession("sh -c 'trap \"\" INT; \(ward) --store \(store.url.path); sleep 20'", width: width, height: height, home: home)
    }

    func incidentID(_ store: Scratch) -> String? {
        (try? FileManager.default.contentsOfDirectory(atPath: store.path("incidents")))?.first { !$0.hasPrefix(".") }
    }

    func events(_ store: Scratch, _ id: String, kind: String) -> [String] {
        (store.read("incidents/\(id)/timeline.jsonl") ?? "").split(separator: "\n").map(String.init)
            .filter { $0.contains("\"kind\":\"\(kind)\"") }
    }

    /// Marks every step of the current phase done (space, then down), then moves on with n.
    func finishPhase(_ tmux: TmuxSession, steps: Int, next: String) {
        for _ in 0..<steps { tmux.keys("Space", "j") }
        tmux.waitFor("all required steps settled")
        tmux.keys("n")
        tmux.waitFor(next)
    }

    @Test func anIncidentRunFromTheKeyboardSurvivesAKill() throws {
        let store = Scratch(), home = Scratch()
        #expect(try run(["init", store.url.path]).status == 0)
        let tmux = try session(store, home: home)
        tmux.waitFor("no active incidents")

        // Declare with one key: title, Enter, severity 1, services, Enter.
        tmux.keys("D")
        tmux.waitFor("Declare an incident")
        tmux.waitFor("When unsure, pick the higher")
        tmux.type("Orders table dropped")
        tmux.keys("Enter")
        tmux.waitFor("Choose a severity")
        tmux.keys("1")
        tmux.type("api, postgres")
        tmux.keys("Enter")
        tmux.waitFor("Declared SEV1")
        tmux.waitFor("SEV1  Orders table dropped")
        let id = try #require(incidentID(store))
        #expect(events(store, id, kind: "declared").first?.contains("\"services\":[\"api\",\"postgres\"]") == true)
        #expect(events(store, id, kind: "declared").first?.contains("\"commander\":\"tester\"") == true)

        // Three notes: plain, back-dated and starred, and a TODO that becomes an action item.
        tmux.keys("i"); tmux.type("orders table is empty"); tmux.keys("Enter")
        tmux.waitFor("Saved to \(id)")
        tmux.keys("i"); tmux.type("-5m * migration job ran DROP TABLE")
        tmux.waitFor("(back-dated)")
        tmux.keys("Enter")
        tmux.waitFor("* ")
        tmux.keys("i"); tmux.type("TODO: guard DROP in migrations"); tmux.keys("Enter")
        tmux.waitFor("Action item saved")
        tmux.waitFor("TODO: guard DROP in migrations")
        #expect(events(store, id, kind: "note").count == 2)
        #expect(events(store, id, kind: "note").contains { $0.contains("\"key\":true") && $0.contains("migration job ran DROP TABLE") })
        #expect(events(store, id, kind: "action").count == 1)

        // A handover, from the keyboard too.
        tmux.keys("A"); tmux.type("scribe chidi"); tmux.keys("Enter")
        tmux.waitFor("chidi is now scribe")
        tmux.waitFor("roles: scribe chidi")

        // A teammate on the same host logs a note: it shows within two seconds.
        // Timed from before the other process starts, so its own run counts too: an upper bound.
        let start = Date()
        #expect(try run(["log", "--incident", id, "restore from 03:00 snapshot started"], in: store.url).status == 0)
        let seconds = tmux.timeUntil("restore from 03:00 snapshot started", timeout: 5).map { _ in Date().timeIntervalSince(start) }
        #expect(seconds != nil && seconds! < 2, "the teammate's note took \(seconds.map { String($0) } ?? "more than 5") s")
        print("a teammate's note appeared on the incident screen after \(seconds.map { String(format: "%.2f", $0) } ?? "-") s")

        // The recovery runbook: start it, a refused next, a skip with a reason, n/a, then the phase.
        tmux.keys("R")
        tmux.waitFor("start runbook: recovery")
        tmux.keys("Enter")
        tmux.waitFor("Recovery runbook · Disconnect 1/5")
        // A multi-line paste becomes one note line, written only on Enter: its "b" is text, not "back".
        _ = try tmux.tmux(["set-buffer", "-b", "p", "pasted first line\nb not a key\n"])
        _ = try tmux.tmux(["paste-buffer", "-p", "-b", "p", "-t", "w"])
        tmux.waitFor("note: pasted first line b not a key")
        tmux.keys("Enter")
        tmux.waitFor("Saved to \(id)")
        #expect(events(store, id, kind: "note").contains { $0.contains("pasted first line b not a key") })
        #expect(events(store, id, kind: "phase").isEmpty)
        tmux.keys("Space")                                     // stop-actor
        tmux.waitFor("[x] *stop-actor")
        tmux.keys("n")
        tmux.waitFor("Required and still open: revoke-credentials, stop-writes, keep-evidence")
        tmux.keys("j", "Space", "j", "s")                      // revoke-credentials done, skip stop-writes
        tmux.waitFor("skip stop-writes because:")
        tmux.type("nothing writes to it any more"); tmux.keys("Enter")
        tmux.waitFor("[-] *stop-writes")
        tmux.keys("j", "x", "j", "Space")                      // pause-automation n/a, keep-evidence done
        tmux.waitFor("all required steps settled")
        tmux.keys("n")
        tmux.waitFor("Recovery runbook · Assess 2/5")
        tmux.keys("Space", "j", "Space")                       // scope-damage, damage-time
        tmux.waitFor("[x] *damage-time")
        #expect(events(store, id, kind: "step").count == 7)

        // kill -9 in the middle of the phase, then ward again: the same place.
        // Exactly the ward process (-x: the whole command line), not the shell around it.
        #expect(shell("pkill -KILL -xf '\(ward) --store \(store.url.path)'") == 0, "ward was running and is killed")
        usleep(200_000)
        #expect(shell("pgrep -xf '\(ward) --store \(store.url.path)'") == 1, "ward is gone")
        let again = try session(store, home: Scratch())
        again.waitFor("Orders table dropped")
        again.waitFor("Recovery: Assess 2/5")                  // the dashboard says where the runbook is
        again.keys("Enter")
        again.waitFor("Recovery runbook · Assess 2/5")
        again.waitFor("[x] *scope-damage")
        again.waitFor("[x] *damage-time")
        again.waitFor("▸ Assess 2/5")

        // Back a phase with a reason, then on through every phase to Document and its documents.
        again.keys("b")
        again.waitFor("back a phase because:")
        again.type("keep-evidence was not really done"); again.keys("Enter")
        again.waitFor("Recovery runbook · Disconnect 1/5")
        again.keys("n")
        again.waitFor("Recovery runbook · Assess 2/5")
        again.keys("j", "Space")                               // from writes-since, the first open step, to check-backups
        again.waitFor("all required steps settled")
        again.keys("n")
        again.waitFor("Recovery runbook · Recover 3/5")
        finishPhase(again, steps: 6, next: "Recovery runbook · Prevent 4/5")
        finishPhase(again, steps: 5, next: "Recovery runbook · Document 5/5")
        again.waitFor("written")
        #expect(FileManager.default.fileExists(atPath: store.path("incidents/\(id)/postmortem.md")))
        let decisions = (try? FileManager.default.contentsOfDirectory(atPath: store.path("decisions"))) ?? []
        #expect(decisions.contains { $0.hasPrefix("0001-safeguards-after-orders-table-dropped") })
        finishPhase(again, steps: 4, next: "runbook is finished")
        #expect(events(store, id, kind: "phase").count == 7)   // 5 nexts to the end, a back and its next again
        again.keys("q")
    }

    /// A writable copy of the bundled demo store.
    func demoCopy() throws -> Scratch {
        let scratch = Scratch()
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "data")
        for name in try FileManager.default.contentsOfDirectory(atPath: data.path) {
            try FileManager.default.copyItem(at: data.appending(path: name), to: scratch.url.appending(path: name))
        }
        return scratch
    }

    @Test func afterTheIncidentAPostmortemAnActionAndTheMetrics() throws {
        let store = try demoCopy(), home = Scratch()
        let id = "2026-06-16-api-gateway-down-after-config-deploy-b5kr"
        #expect(!FileManager.default.fileExists(atPath: store.path("incidents/\(id)/postmortem.md")))
        let tmux = try session(store, home: home)
        tmux.waitFor("Active incidents")
        // A resolved incident, found by search, drafted with one key.
        tmux.keys("/"); tmux.type("gateway down after config"); tmux.waitFor("matches")
        tmux.keys("Enter"); tmux.waitFor("API gateway down after config deploy")
        tmux.keys("P")
        tmux.waitFor("Post-mortem draft written")
        tmux.waitFor("post-mortem draft")
        let text = try #require(store.read("incidents/\(id)/postmortem.md"))
        #expect(text.contains("| Time to resolve | resolved − impact started |"))
        #expect(text.contains("<!-- ward:begin timeline -->"))
        tmux.keys("]"); tmux.waitFor("Summary")
        tmux.keys("]", "]"); tmux.waitFor("Root causes")
        // The overdue action item from the March incident, closed from the action items screen.
        tmux.keys("Escape", "6")
        tmux.waitFor("1 open · 1 overdue")
        tmux.waitFor("overdue   2026-04-15  emeka")
        tmux.keys("d")
        tmux.waitFor("is done")
        tmux.waitFor("0 open")
        let journal = store.read("incidents/2026-03-17-production-database-deleted-by-a-coding-agent-q7wz/timeline.jsonl") ?? ""
        #expect(journal.split(separator: "\n").last?.contains("\"state\":\"done\"") == true)
        // The metrics screen.
        tmux.keys("7")
        tmux.waitFor("Median TTR by severity")
        tmux.waitFor("█")
        tmux.waitFor("targets: MTTD mean")
        tmux.keys("q")
    }
}
