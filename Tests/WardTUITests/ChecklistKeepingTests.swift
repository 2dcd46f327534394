import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// Unrecorded answers and selections survive what happens around them: a reload that changes the list,
/// a teammate's new run, a quit from the palette, Ward stopping without asking.
@Suite struct ChecklistKeepingTests {
    typealias F = ChecklistFixture
    static let gateRoute = Route.checklistRun(name: "gate", incident: nil)

    @Test func anItemAddedAboveTheCursorDoesNotMoveTheNextAnswerToAnotherItem() throws {
        var state = F.running()
        press(&state, .character("j"))
        #expect(state.cursor(Self.gateRoute).selected == 1)
        // The definition gains an item at the top while the screen is open.
        let text = """
            ---
            title: Release gate
            ---

            - [ ] new-first: Added by a teammate. {required}
            - [ ] backup-verified: A backup was restored. {required}
            - [ ] staging-tested: It ran on staging. {required, na}
            - [ ] peer-reviewed: A second person read it.
            - [ ] agent-prod-access: An agent can reach production. {red-flag}
            - [ ] rollback-written: The rollback is written down. {required}
            """
        var snapshot = state.snapshot
        snapshot.checklists[0] = try Checklist(name: "gate", text: text, path: "checklists/gate.md", builtIn: false)
        _ = App.update(&state, .loaded(snapshot))
        press(&state, .character("n"))
        #expect(state.checklistRuns[Self.gateRoute]?.answers == ["staging-tested": .no])
    }

    @Test func aTeammatesNewRunDoesNotMoveTheHistorySelection() {
        let older = F.run(F.gate, F.gateAnswers(), minutes: 60)
        let old = F.run(F.gate, F.gateAnswers(["backup-verified": .no]), minutes: 30)
        var state = F.state(runs: [older, old])
        press(&state, .character("5"), .character("H"), .character("j"))
        let route = state.route
        #expect(ChecklistHistory.rows(state, name: nil)[state.cursor(route).selected].id == older.id)
        var snapshot = state.snapshot
        snapshot.checklistRuns = [F.run(F.gate, F.gateAnswers(), minutes: 1, by: "bo@x")] + snapshot.checklistRuns
        _ = App.update(&state, .loaded(snapshot))
        press(&state, .enter)
        #expect(state.route == .recordedRun(older.id))
    }

    @Test func quittingFromThePaletteAsksFirstAndADroppedRunIsNotKept() {
        var state = F.running()
        press(&state, .character("y"), .character(":"))
        type(&state, "quit")
        #expect(press(&state, .enter).isEmpty)
        #expect(state.confirm == .quit)
        #expect(press(&state, .character("y")) == [.quit])
        #expect(KeptChecklistRun.encode(state) == nil)
    }

    @Test func unrecordedAnswersAreKeptWhenWardStopsAndComeBack() throws {
        var state = F.running()
        press(&state, .character("y"), .character("N"))
        type(&state, "stale copy")
        press(&state, .enter)
        let kept = try #require(KeptChecklistRun.encode(state))
        var fresh = F.state()
        #expect(KeptChecklistRun.restore(kept, into: &fresh) == 1)
        press(&fresh, .character("5"), .character("r"))
        #expect(fresh.route == Self.gateRoute)
        #expect(fresh.checklistRuns[Self.gateRoute]?.answers == ["backup-verified": .yes, "staging-tested": .no])
        #expect(fresh.checklistRuns[Self.gateRoute]?.notes == ["staging-tested": "stale copy"])
        // A checklist that no longer exists is not brought back.
        var other = AppState(snapshot: Snapshot(storeName: "t", storePath: "/t"), width: 80, height: 24, now: demoNow)
        #expect(KeptChecklistRun.restore(kept, into: &other) == 0)
    }

    @Test func aBrokenStoreOverrideCannotBeRunFromTheTUI() {
        var state = F.state()
        state.snapshot.problems = [Problem(path: "checklists/gate.md", line: 7, "unknown attribute '{maybe}'")]
        press(&state, .character("5"), .character("r"))
        #expect(state.route == .checklists)
        #expect(state.message?.text.contains("checklists/gate.md:7: unknown attribute") == true)
    }
}
