import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// Action items (6) and the post-mortem keys, as state, effects and text.
@Suite struct ActionScreenTests {
    @Test func theActionScreenListsOverdueFirstAndClosesItems() {
        var state = demoState()
        var s = state
        // The demo is read-only, so look, then use a writable copy of its snapshot.
        press(&state, .character("6"))
        let text = screen(state)
        #expect(text.contains("1 open · 1 overdue · 1 closed"))
        #expect(text.contains("overdue   2026-04-15  emeka"))
        #expect(text.contains("Give the migration runner a database"))
        #expect(press(&state, .character("d")).isEmpty && state.message?.text.contains("read-only") == true)
        s.snapshot.isReadOnly = false
        press(&s, .character("6"))
        let item = Rows.actions(s)[0]
        #expect(press(&s, .character("d")) == [.perform(.actionState(incident: item.incident, action: item.id, state: .done, reason: nil))])
        press(&s, .character("w"))
        #expect(s.input?.purpose == .wontDoReason)
        #expect(press(&s, .enter).isEmpty && s.message?.isError == true, "a reason is required")
        type(&s, "the runner is being replaced")
        #expect(press(&s, .enter) == [.perform(.actionState(incident: item.incident, action: item.id, state: .wontDo, reason: "the runner is being replaced"))])
        // a shows closed items too; Enter opens the item's incident.
        press(&s, .character("a"))
        #expect(Rows.actions(s).count == 2)
        press(&s, .enter)
        #expect(s.route == .incident(item.incident))
    }

    @Test func aPostmortemJumpsBetweenSectionsAndRefusesEditsOncePublished() {
        var state = demoState()
        press(&state, .character("4"))
        let index = Rows.count(.postmortems, state)
        #expect(index >= 1)
        press(&state, .enter)
        guard case let .postmortem(id) = state.route else {
            Issue.record("Enter did not open a post-mortem")
            return
        }
        #expect(state.cursor(state.route).offset == 0)
        press(&state, .character("]"))
        let first = state.cursor(state.route).offset
        press(&state, .character("]"))
        #expect(state.cursor(state.route).offset > first && first > 0)
        press(&state, .character("["))
        #expect(state.cursor(state.route).offset == first)
        if state.snapshot.postmortem(id)?.status == "published" {
            #expect(press(&state, .character("e")).isEmpty)
            #expect(state.message?.text.contains("published") == true)
        }
    }
}

extension ActionScreenTests {
    @Test func theMetricsScreenDrawsChartsAndFormulas() {
        var state = demoState()
        press(&state, .character("7"))
        #expect(state.route == .metrics)
        let text = screen(state)
        #expect(text.contains("targets: MTTD mean"))
        #expect(text.contains("Median TTR by severity  (TTR = resolved − impact started)"))
        #expect(text.contains("SEV2  ████"))
        #expect(text.contains("▂▂█▂·▂·▂·"), "the monthly sparkline of the demo store: ▁ only for zero")
        // The whole report scrolls; [ and ] jump between its sections.
        press(&state, .character("]"), .character("]"), .character("]"))
        #expect(screen(state).contains("Time to detect: TTD = detected − impact started"))
        press(&state, .character("G"))
        #expect(screen(state).contains("p90: nearest rank."))
        // Without colour it is the same characters.
        #expect(Views.render(state).text == screen(state))
    }
}
