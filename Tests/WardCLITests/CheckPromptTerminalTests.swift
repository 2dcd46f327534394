import Foundation
import Testing

/// `ward check run` on a real terminal (tmux): it asks each item, takes a note after the answer, asks
/// again on a typo, and ends with the verdict and its exit status.
@Suite(.serialized) struct CheckPromptTerminalTests {
    var ward: String { buildDirectory.appending(path: "ward").path }

    func session(_ store: Scratch) throws -> TmuxSession {
        try TmuxSession("sh -c '\(ward) check run schema-change; echo EXIT=$?; sleep 30'", width: 110, height: 40, directory: store.url)
    }

    @Test func aPersonAnswersOnTheTerminalAndTheShellSeesTheVerdict() throws {
        let store = Scratch()
        #expect(try run(["init", store.url.path]).status == 0)

        let first = try session(store)
        first.waitFor("[1/5] backup-verified  (required)")
        first.waitFor("y/n?")
        first.type("y\n")
        first.waitFor("[2/5] staging-tested")
        first.type("perhaps\n")
        first.waitFor("Type y, n, then Enter.")
        first.type("a\n")
        first.waitFor("n/a is not allowed for this item; type y or n.")
        first.type("n staging copy is three weeks old\n")
        for (index, item) in ["rollback-written", "peer-reviewed", "row-counts-checked"].enumerated() {
            first.waitFor("[\(index + 3)/5] \(item)")
            first.type("yes\n")
        }
        first.waitFor("EXIT=1")
        let screen = first.screen()
        #expect(screen.contains("NO-GO  Schema change: 1 failed (staging-tested)"))
        #expect(screen.contains("note: staging copy is three weeks old"))

        let second = try session(store)
        for index in 1...5 {
            second.waitFor("[\(index)/5]")
            second.type("y\n")
        }
        second.waitFor("EXIT=0")
        #expect(second.screen().contains("GO  Schema change: every required item has a good answer"))

        let history = try run(["check", "history", "--json"], in: store.url)
        let runs = try #require(try json(history.stdout) as? [[String: Any]])
        #expect(runs.map { $0["result"] as? String } == ["GO", "NO-GO"])
        #expect(runs.allSatisfy { $0["by"] as? String == "tester@tmux" })
    }

    @Test func endOfInputMidwayRecordsNothing() throws {
        let store = Scratch()
        #expect(try run(["init", store.url.path]).status == 0)
        let tmux = try session(store)
        tmux.waitFor("[1/5] backup-verified")
        tmux.type("y\n")
        tmux.waitFor("[2/5] staging-tested")
        tmux.keys("C-d")
        tmux.waitFor("EXIT=2")
        #expect(tmux.screen().contains("the input ended before staging-tested was answered; nothing was recorded"))
        #expect(store.read("checklists/runs/schema-change.jsonl") == nil)
    }
}
