import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// The keys, the mouse and the store changing underneath: `update` as a pure function.
@Suite struct UpdateTests {
    @Test func numberKeysEnterAndEscapeMoveBetweenScreens() {
        var state = demoState()
        press(&state, .character("2"))
        #expect(state.stack == [.dashboard, .incidents])
        press(&state, .character("a"), .character("G"), .enter)
        #expect(state.route == .incident(Rows.incidents(state).last!.id))
        press(&state, .escape)
        #expect(state.route == .incidents)
        press(&state, .escape, .escape)
        #expect(state.stack == [.dashboard])
        #expect(press(&state, .character("q")) == [.quit])
        #expect(press(&state, .control("c")) == [.quit])
    }

    @Test func vimKeysAndPagesMoveTheSelection() {
        var state = demoState()
        press(&state, .character("3"))
        press(&state, .character("j"), .character("j"), .down)
        #expect(state.cursor(.decisions).selected == 3)
        press(&state, .character("k"))
        #expect(state.cursor(.decisions).selected == 2)
        press(&state, .character("G"))
        #expect(state.cursor(.decisions).selected == demoSnapshot.decisions.count - 1)
        press(&state, .control("u"))
        #expect(state.cursor(.decisions).selected == demoSnapshot.decisions.count - 1 - 9)
        press(&state, .character("g"))
        #expect(state.cursor(.decisions).selected == 0)
        press(&state, .control("d"))
        #expect(state.cursor(.decisions).selected == 9)
    }

    @Test func filtersNarrowTheLists() {
        var state = demoState()
        press(&state, .character("2"))
        #expect(Rows.incidents(state).count == 1)
        press(&state, .character("a"))
        #expect(Rows.incidents(state).count == demoSnapshot.incidents.count)
        press(&state, .character("s"))
        #expect(Set(Rows.incidents(state).map(\.severity)) == ["SEV1"])
        press(&state, .character("x"), .character("3"), .character("s"))
        #expect(Rows.decisions(state).allSatisfy { $0.status == .proposed })
        press(&state, .character("x"), .character("f"))
        type(&state, "backup")
        press(&state, .enter)
        #expect(!Rows.decisions(state).isEmpty && Rows.decisions(state).allSatisfy { $0.title.lowercased().contains("backup") || $0.tags.contains { $0.contains("backup") } })
    }

    @Test func searchOpensTheRecordAtTheMatchingLine() throws {
        var state = demoState()
        press(&state, .character("/"))
        type(&state, "eleven hours old")
        let first = try #require(state.search.results.first)
        #expect(first.route == .decision(6))
        press(&state, .enter)
        #expect(state.route == .decision(6))
        #expect(state.input == nil)
        // The view scrolled to the line that matched.
        let area = Detail.textArea(state.route, width: 80, height: 24)
        let lines = Detail.lines(state.route, state, width: area.width)
        let offset = state.cursor(state.route).offset
        #expect(lines[offset..<min(lines.count, offset + area.height)].contains { $0.text.contains("eleven") })

        press(&state, .character("/"))
        type(&state, "OOM-killed at 06:31")
        press(&state, .enter)
        guard case let .incident(id) = state.route else { Issue.record("not an incident"); return }
        let event = state.snapshot.incident(id)!.events[state.cursor(state.route).selected]
        #expect(TimelineText.describe(event).contains("OOM-killed at 06:31"))
    }

    @Test func supersedeChainsWalkBothWays() {
        var state = demoState()
        state.stack = [.dashboard, .decisions, .decision(6)]
        press(&state, .character("]"))
        #expect(state.route == .decision(10))
        press(&state, .character("]"))
        #expect(state.route == .decision(10))
        #expect(state.message?.text.contains("not superseded") == true)
        press(&state, .character("["), .character("["))
        #expect(state.route == .decision(3))
        // The links pane opens the incident the decision came from.
        state.stack = [.dashboard, .decisions, .decision(6)]
        press(&state, .tab, .character("j"), .character("j"), .enter)
        #expect(state.route == .incident("2026-03-17-production-database-deleted-by-a-coding-agent-q7wz"))
    }

    @Test func theMouseScrollsSelectsAndOpens() {
        var state = demoState()
        press(&state, .character("3"))
        _ = App.update(&state, .mouse(Mouse(.wheelDown, x: 5, y: 10)))
        #expect(state.cursor(.decisions).selected == 3)
        _ = App.update(&state, .mouse(Mouse(.press, x: 5, y: 6)))
        #expect(state.cursor(.decisions).selected == 2)
        _ = App.update(&state, .mouse(Mouse(.press, x: 5, y: 6)))
        #expect(state.route == .decision(3))
        // A click below the list (on the status line) opens nothing.
        state.stack = [.dashboard, .decisions]
        _ = App.update(&state, .mouse(Mouse(.press, x: 5, y: 23)))
        #expect(state.route == .decisions)
    }

    @Test func editingIsAnEffectAndTheDemoRefusesIt() {
        var state = demoState()
        state.stack = [.dashboard, .decisions, .decision(6)]
        #expect(press(&state, .character("e")).isEmpty)
        #expect(state.message?.isError == true)
        state.snapshot.isReadOnly = false
        #expect(press(&state, .character("e")) == [.edit(path: "decisions/0006-archive-wal-continuously-for-point-in-time-recovery.md")])
        let effects = App.update(&state, .edited(path: "decisions/0006-x.md", problem: "decisions/0006-x.md:3: not valid YAML", changed: true))
        #expect(effects == [.reload])
        #expect(state.message?.isError == true && state.message?.text.contains("kept") == true)
        // The reason stays on the status line after the next key, and e opens that file again.
        press(&state, .character("j"))
        #expect(screen(state).contains("decisions/0006-x.md cannot be read (e edits it)"))
        state.stack = [.dashboard, .decisions]
        #expect(press(&state, .character("e")) == [.edit(path: "decisions/0006-x.md")])
        // From another record, e edits that record; once the broken file reads again, the warning goes.
        state.stack = [.dashboard, .decisions, .decision(3)]
        #expect(press(&state, .character("e")) == [.edit(path: "decisions/0003-rely-on-daily-provider-snapshots-for-database-backups.md")])
        _ = App.update(&state, .checked(path: "decisions/0006-x.md", problem: nil))
        #expect(state.brokenEdit == nil)
        _ = App.update(&state, .edited(path: "decisions/0003-x.md", problem: nil, changed: false))
        #expect(state.message?.text == "No changes to decisions/0003-x.md.")
    }

    @Test func theEndOfEveryDocumentCanBeReached() throws {
        for number in demoSnapshot.decisions.map(\.number) {
            var state = demoState()
            state.stack = [.dashboard, .decisions, .decision(number)]
            press(&state, .character("G"))
            let decision = try #require(demoSnapshot.decision(number))
            let lastLine = try #require(Detail.lines(state.route, state, width: Detail.decisionPanes(decision, state).width).last?.text)
            #expect(screen(state).contains(lastLine.trimmingCharacters(in: .whitespaces)), "decision \(number)")
        }
    }

    @Test func theIncidentPanesKeepTheirOwnPlaces() {
        var state = demoState()
        state.stack = [.dashboard, .incidents, .incident("2026-08-18-websocket-fleet-crashed-out-of-memory-w3jc")]
        press(&state, .character("j"), .character("j"), .character("j"))
        press(&state, .tab, .character("G"))
        #expect(state.cursor(state.route, pane: 0).selected == 3)
        press(&state, .tab)
        #expect(state.cursor(state.route).selected == 3)
        press(&state, .character("j"))
        #expect(state.cursor(state.route).selected == 4)
    }

    @Test func thePaletteMovesWithTheArrows() {
        var state = demoState()
        press(&state, .character(":"))
        press(&state, .down, .down)
        press(&state, .enter)
        #expect(state.route == .decisions)
    }

    @Test func aChainToAMissingRecordSaysSo() {
        var snapshot = demoSnapshot
        snapshot.decisions.removeAll { $0.number == 10 }
        var state = AppState(snapshot: snapshot, width: 80, height: 24, now: demoNow)
        state.stack = [.dashboard, .decisions, .decision(6)]
        press(&state, .character("]"))
        #expect(state.route == .decision(6))
        #expect(state.message?.isError == true)
    }

    @Test func helpShowsEveryKeyAt80x24() {
        var state = demoState()
        press(&state, .character("?"))
        let text = screen(state)
        for key in ["1-7", "esc", "^d ^u", "tab", "click", "s t v", "x", "e ", "[ ]", "d w o", "R P", "space", "n b"] {
            #expect(text.contains(key), "help lacks \(key)")
        }
        press(&state, .character("q"))
        #expect(!state.showHelp)
    }

    @Test func aRecordThatDisappearsTakesItsScreenWithIt() {
        var state = demoState()
        state.stack = [.dashboard, .decisions, .decision(6)]
        var smaller = demoSnapshot
        smaller.decisions.removeAll { $0.number == 6 }
        _ = App.update(&state, .loaded(smaller))
        #expect(state.stack == [.dashboard, .decisions])
    }

    @Test func resizingKeepsTheSelectionVisible() {
        var state = demoState(width: 120, height: 40)
        press(&state, .character("3"), .character("G"))
        _ = App.update(&state, .resize(width: 80, height: 24))
        let cursor = state.cursor(.decisions)
        #expect(cursor.selected >= cursor.offset && cursor.selected < cursor.offset + state.bodyHeight - 2)
    }

    @Test func thePaletteRunsCommandsByName() {
        var state = demoState()
        press(&state, .character(":"))
        type(&state, "proposed")
        press(&state, .enter)
        #expect(state.route == .decisions)
        #expect(state.decisionFilter.status == .proposed)
        press(&state, .character(":"))
        type(&state, "quit")
        #expect(press(&state, .enter) == [.quit])
    }
}
