import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// The decisions that came out of an incident, on its screen: those that name it and those its timeline
/// records; `o` opens them, and Enter on a decision in the timeline opens that one.
@Suite struct IncidentDecisionsTests {
    static let w3jc = "2026-08-18-websocket-fleet-crashed-out-of-memory-w3jc"
    static let y7fu = "2026-10-06-database-connections-exhausted-at-03-00-y7fu"
    static let b5kr = "2026-06-16-api-gateway-down-after-config-deploy-b5kr"

    func incident(_ id: String, _ state: AppState = demoState()) -> AppState {
        var state = state
        state.stack = [.dashboard, .incidents]
        App.push(&state, .incident(id))
        return state
    }

    @Test func oOpensTheIncidentsDecisionsAsAFilteredList() {
        var state = incident(Self.w3jc)
        let text = screen(state)
        #expect(fits(text))
        #expect(text.contains("decisions: 0016, 0017 (o opens)"))
        press(&state, .character("o"))
        #expect(state.route == .decisions)
        #expect(Rows.decisions(state).map(\.number) == [16, 17])
        let list = screen(state)
        #expect(fits(list))
        #expect(lines(list, containing: " NUM   STATUS").first?.contains("from Websocket fleet crashed out of mem…") == true, "\(list)")
        #expect(list.contains("0016  rejected") && list.contains("0017  accepted"))
        #expect(!list.contains("0018"))
        press(&state, .character("j"), .enter)
        #expect(state.route == .decision(17))
        press(&state, .escape, .escape)
        #expect(state.route == .incident(Self.w3jc))
        // The Decisions section shows every decision again.
        press(&state, .character("3"))
        #expect(state.decisionFilter.incident == nil)
        #expect(Rows.decisions(state).count == demoSnapshot.decisions.count)
    }

    @Test func oOpensTheOnlyDecisionDirectly() {
        var state = incident(Self.y7fu)
        #expect(screen(state).contains("decisions: 0018 (o opens)"))
        press(&state, .character("o"))
        #expect(state.route == .decision(18))
        #expect(state.stack.suffix(2) == [.incident(Self.y7fu), .decision(18)])
    }

    @Test func aDecisionOnlyTheTimelineRecordsIsListedAndOpens() {
        // 0013 no longer names the gateway incident; the incident's timeline still records it.
        var state = incident(Self.b5kr, demoState { snapshot in snapshot.changeDecision(13) { $0.incidents = [] } })
        #expect(state.snapshot.decisions.allSatisfy { !$0.incidents.contains(Self.b5kr) })
        #expect(Rows.decisions(from: Self.b5kr, in: state.snapshot).map(\.number) == [13])
        #expect(screen(state).contains("decisions: 0013 (o opens)"))
        press(&state, .character("o"))
        #expect(state.route == .decision(13))
    }

    @Test func enterOnADecisionInTheTimelineOpensIt() throws {
        var state = incident(Self.w3jc)
        let events = try #require(state.snapshot.incident(Self.w3jc)?.events)
        let index = try #require(events.firstIndex { $0.kind == "decision" })
        state.setCursor(state.route, Cursor(selected: index, offset: 0), pane: 0)
        press(&state, .enter)
        #expect(state.route == .decision(16))
        // On any other event, Enter still opens the post-mortem.
        state = incident(Self.w3jc)
        state.setCursor(state.route, Cursor(selected: 0, offset: 0), pane: 0)
        press(&state, .enter)
        #expect(state.route == .postmortem(Self.w3jc))
    }

    @Test func anIncidentWithoutDecisionsSaysSo() {
        let id = "2026-11-25-delayed-webhook-deliveries-for-some-merchants-r2qg"
        var state = incident(id)
        #expect(!screen(state).contains("(o opens)"))
        press(&state, .character("o"))
        #expect(state.route == .incident(id))
        #expect(state.message?.text == "No decision came from this incident yet.")
    }
}
