import Foundation
import Testing
@testable import WardKit

/// A checklist run from the TUI alone, in tmux, at 80x24: a NO-GO with the failed item named, then a GO, both
/// recorded, both in the run history, and two lines in the runs file.
@Suite(.serialized) struct ChecklistTerminalTests {
    var ward: String { buildDirectory.appending(path: "ward").path }

    @Test func aChecklistIsRunTwiceFromTheKeyboardAndBothRunsAreInItsHistory() throws {
        let store = Scratch(), home = Scratch()
        #expect(try run(["init", store.url.path]).status == 0)
        let tmux = try TmuxSession("sh -c 'trap \"\" INT; \(ward) --store \(store.url.path); sleep 20'", width: 80, height: 24, home: home)
        tmux.waitFor("no active incidents")

        // The library, down to the schema-change checklist, its definition, then r.
        tmux.keys("5"); tmux.waitFor("r runs a checklist")
        tmux.waitFor("schema-change             Schema change  (built in)")
        tmux.keys("j", "j", "j", "Enter")
        tmux.waitFor("checklist schema-change")
        tmux.waitFor("r run · H history")
        tmux.keys("r")
        tmux.waitFor("0 of 5 answered; no failure so far")
        tmux.waitFor("Schema change · 0 of 5 answered · on its own")

        // One item answered no, the others yes: NO-GO, naming it, before and after the last answer.
        tmux.keys("y", "n")
        tmux.waitFor("NO-GO: 1 failed (staging-tested), 3 not answered yet")
        tmux.keys("Enter")
        tmux.waitFor("Not recorded: 3 of 5 items have no answer: rollback-written, peer-reviewed")
        tmux.keys("y", "y", "y")
        tmux.waitFor("Every item is answered: NO-GO. ⏎ records the run.")
        tmux.waitFor("NO-GO: 1 failed (staging-tested)")
        tmux.keys("Enter")
        tmux.waitFor("Recorded NO-GO for Schema change")
        tmux.waitFor("Recorded  checklists/runs/schema-change.jsonl:1")
        tmux.waitFor("answered no (required): NO-GO")

        // Again, every answer yes: GO.
        tmux.keys("Escape"); tmux.waitFor("r run · H history")
        tmux.keys("r"); tmux.waitFor("0 of 5 answered; no failure so far")
        tmux.keys("y", "y", "y", "y", "y")
        tmux.waitFor("GO: every required item has a good answer and no red flag is raised")
        tmux.keys("Enter")
        tmux.waitFor("Recorded GO for Schema change")
        tmux.waitFor("Recorded  checklists/runs/schema-change.jsonl:2")

        // The history of the checklist: both runs, newest first.
        tmux.keys("Escape"); tmux.waitFor("r run · H history")
        tmux.keys("H")
        tmux.waitFor("2 runs, 1 NO-GO   of schema-change")
        tmux.waitFor("GO      Schema change      tester")
        tmux.waitFor("NO-GO   Schema change      tester     staging-tested")
        let rows = tmux.screen().split(separator: "\n").filter { $0.contains("Schema change      tester") }
        #expect(rows.count == 2)
        #expect(rows.first?.contains("  GO  ") == true, "the newest run, the GO, comes first")

        // The library shows the last verdict; the dashboard has no red flag to show.
        tmux.keys("5"); tmux.waitFor("schema-change             Schema change  last GO just now")
        let lines = (store.read("checklists/runs/schema-change.jsonl") ?? "").split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"result\":\"NO-GO\"") == true && lines.first?.contains("\"failed\":[\"staging-tested\"]") == true)
        #expect(lines.last?.contains("\"result\":\"GO\"") == true)
        tmux.keys("q")
    }

    @Test func answersGivenBeforeADroppedSessionComeBack() throws {
        let store = Scratch(), home = Scratch()
        #expect(try run(["init", store.url.path]).status == 0)
        let command = "sh -c '\(ward) --store \(store.url.path); \(ward) --store \(store.url.path); sleep 20'"
        let tmux = try TmuxSession(command, width: 80, height: 24, home: home)
        tmux.waitFor("no active incidents")
        tmux.keys("5"); tmux.waitFor("r runs a checklist")
        tmux.keys("j", "j", "j", "r")
        tmux.waitFor("0 of 5 answered; no failure so far")
        tmux.keys("y", "n")
        tmux.waitFor("NO-GO: 1 failed (staging-tested), 3 not answered yet")
        // The SSH link drops: the first ward gets SIGHUP; the shell starts the second one.
        let killer = Process()
        killer.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        killer.arguments = ["-HUP", "-f", "^\(ward) --store \(store.url.path)$"]
        try killer.run()
        killer.waitUntilExit()
        tmux.waitFor("Unrecorded answers kept: schema-change. r on it goes on.")
        tmux.keys("5"); tmux.waitFor("r runs a checklist")
        tmux.keys("j", "j", "j", "r")
        tmux.waitFor("NO-GO: 1 failed (staging-tested), 3 not answered yet")
        #expect(store.read("checklists/runs/schema-change.jsonl") == nil)
        tmux.keys("q"); tmux.waitFor("Quit and drop it?")
        tmux.keys("y")
    }
}
