import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// The decisions screen's second view: `v` shows the decisions on a time line, a heading per month,
/// newest first, with the same filters as the list.
@Suite struct DecisionTimelineTests {
    /// The decisions screen in the time line, scrolled to its top.
    func timeline() -> AppState {
        var state = demoState()
        press(&state, .character("3"), .character("v"), .character("g"))
        return state
    }

    @Test func theListIsTheDefaultAndVShowsMonthsNewestFirst() {
        var state = demoState()
        press(&state, .character("3"))
        #expect(!state.decisionTimeline)
        #expect(screen(state).contains(" NUM   STATUS       DATE        TITLE"))
        #expect(!screen(state).contains("November 2026"))
        #expect(screen(state).contains("⏎ open · s t f x filter · v by month · ? help · q quit"), "the footer names the new key")
        state = timeline()
        let text = screen(state)
        #expect(fits(text), "\(text)")
        #expect(text.contains("[v] by month"))
        #expect(text.contains(" DATE        NUM   STATUS       TITLE"))
        #expect(lines(text, containing: "v list").count == 1, "the footer names the way back")
        // The newest month first, each decision with its date, number, status and title.
        #expect(appears(text, "\n November 2026  1 decision\n", before: "\n October 2026  1 decision\n"), "\(text)")
        #expect(appears(text, "\n October 2026  1 decision\n", before: "\n August 2026  2 decisions\n"))
        #expect(text.contains(" 2026-11-18  0019  proposed     Roll out every production deploy"))
        #expect(text.contains(" 2026-08-27  0017  accepted     A memory soak test gates realtime releases"))
        // The selection is on the newest decision, and Enter opens it.
        #expect(lines(text, containing: "0019").count == 1)
        press(&state, .enter)
        #expect(state.route == .decision(19))
    }

    @Test func theOldestMonthIsAtTheBottom() {
        var state = timeline()
        press(&state, .character("G"))
        let text = screen(state)
        #expect(fits(text))
        #expect(text.contains(" March 2026  6 decisions"))
        #expect(text.contains(" 2026-03-02  0001  accepted     Record architecture decisions"))
        #expect(appears(text, " March 2026", before: "0001  accepted"))
        press(&state, .enter)
        #expect(state.route == .decision(1))
    }

    @Test func filtersApplyToTheTimeLine() {
        var state = timeline()
        press(&state, .character("s"))
        var text = screen(state)
        #expect(text.contains("status: proposed"))
        #expect(text.contains(" November 2026  1 decision"))
        #expect(!text.contains("October 2026") && !text.contains("0018"))
        // Superseded: two records, both from March.
        while state.decisionFilter.status != .superseded { press(&state, .character("s")) }
        text = screen(state)
        #expect(text.contains("status: superseded"))
        #expect(text.contains(" March 2026  2 decisions"))
        #expect(text.contains("2026-03-26  0006  superseded   Archive WAL continuously"))
        #expect(text.contains("2026-03-09  0003  superseded   Rely on daily provider snapshots"))
        #expect(!text.contains("April 2026") && !text.contains("0010"))
        // The list shows the same records, by number.
        press(&state, .character("v"))
        #expect(Rows.decisions(state).map(\.number) == [3, 6])
        press(&state, .character("v"))
        #expect(Rows.decisions(state).map(\.number) == [6, 3])
        // Text and tags too; x clears the filters and keeps the time line.
        press(&state, .character("x"), .character("f"))
        type(&state, "backup")
        press(&state, .enter)
        text = screen(state)
        #expect(text.contains("text: backup"))
        #expect(text.contains(" May 2026  1 decision") && text.contains("0010"))
        #expect(!text.contains("0019"))
        press(&state, .character("x"))
        #expect(state.decisionTimeline)
        #expect(Rows.decisions(state).count == demoSnapshot.decisions.count)
        press(&state, .character("s"), .character("s"), .character("s"))
        #expect(screen(state).contains("No decisions match.") == Rows.decisions(state).isEmpty)
    }

    @Test func switchingViewsKeepsTheSelectedDecision() {
        var state = demoState()
        press(&state, .character("3"))
        for _ in 0..<5 { press(&state, .character("j")) }
        #expect(Rows.decisions(state)[state.cursor(.decisions).selected].number == 6)
        press(&state, .character("v"))
        #expect(Rows.decisions(state)[state.cursor(.decisions).selected].number == 6)
        let text = screen(state)
        #expect(text.contains("2026-03-26  0006  superseded"), "the selected decision is on the screen")
        press(&state, .character("j"))
        #expect(Rows.decisions(state)[state.cursor(.decisions).selected].number == 5)
        press(&state, .character("v"))
        #expect(Rows.decisions(state)[state.cursor(.decisions).selected].number == 5)
    }

    @Test func aClickOnAMonthHeadingSelectsNothingAndAClickOnADecisionOpensIt() {
        var state = timeline()
        // Row 4 is November's heading, row 5 its decision, row 6 October's heading, row 7 its decision.
        _ = App.update(&state, .mouse(Mouse(.press, x: 5, y: 6)))
        #expect(state.cursor(.decisions).selected == 0)
        #expect(state.route == .decisions)
        _ = App.update(&state, .mouse(Mouse(.press, x: 5, y: 7)))
        #expect(Rows.decisions(state)[state.cursor(.decisions).selected].number == 18)
        _ = App.update(&state, .mouse(Mouse(.press, x: 5, y: 7)))
        #expect(state.route == .decision(18))
    }

    @Test func scrollingKeepsTheSelectionOnScreen() {
        var state = timeline()
        for step in 0..<demoSnapshot.decisions.count {
            let number = Rows.decisions(state)[state.cursor(.decisions).selected].number
            let text = screen(state)
            #expect(fits(text))
            let selected = lines(text, containing: Decision.padded(number) + "  ")
            #expect(selected.count == 1, "step \(step): decision \(number) is not on the screen:\n\(text)")
            press(&state, .character("j"))
        }
        for _ in 0..<demoSnapshot.decisions.count { press(&state, .character("k")) }
        #expect(screen(state).contains(" November 2026  1 decision"), "back at the top, its heading shows")
    }

    @Test func helpAndThePaletteKnowTheTimeLine() {
        var state = demoState()
        press(&state, .character("?"))
        let help = screen(state)
        #expect(fits(help))
        #expect(help.contains("decisions: list or by month"))
        #expect(help.contains("incident: its decisions"))
        press(&state, .escape, .character(":"))
        type(&state, "by month")
        press(&state, .enter)
        #expect(state.route == .decisions && state.decisionTimeline)
    }

    @Test func recordsWithoutADateComeLastUnderNoDate() {
        var state = demoState { snapshot in
            snapshot.changeDecision(4) { $0.date = nil }
            snapshot.changeDecision(2) { $0.date = "sometime in spring" }
        }
        press(&state, .character("3"), .character("v"), .character("G"))
        let text = screen(state)
        #expect(text.contains(" No date  2 decisions"))
        #expect(appears(text, " March 2026  4 decisions", before: " No date"))
        #expect(Rows.decisions(state).suffix(2).map(\.number) == [4, 2])
    }
}
