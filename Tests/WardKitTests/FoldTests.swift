import Foundation
import PropertyBased
import Testing
@testable import WardKit

@Suite struct FoldTests {
    func event(_ minutes: Double, _ kind: String, _ fields: [String: JSONValue]) -> Event {
        let at = fixedNow.addingTimeInterval(minutes * 60)
        return Event(at: at, recorded: at, by: "ana@b", kind: kind, fields: fields)
    }

    var events: [Event] {
        [
            event(0, "declared", ["title": .string("T"), "severity": .string("SEV2"), "services": .array([]), "commander": .string("ana")]),
            event(-10, "milestone", ["milestone": .string("impact_started")]),
            event(1, "note", ["text": .string("one")]),
            event(2, "note", ["text": .string("two"), "key": .bool(true)]),
            event(3, "severity", ["severity": .string("SEV1")]),
            event(4, "role", ["role": .string("commander"), "name": .string("bo")]),
            event(4, "role", ["role": .string("scribe"), "name": .string("chidi")]),
            event(5, "status", ["status": .string("mitigated")]),
            event(9, "status", ["status": .string("resolved")]),
            event(12, "status", ["status": .string("monitoring"), "reason": .string("errors back")]),
            event(20, "status", ["status": .string("resolved")]),
            event(21, "future-kind", ["x": .string("kept")]),
        ]
    }

    @Test func theFoldGivesTheIncidentAsItStands() {
        let state = IncidentState.fold(events, record: nil)
        #expect(state.title == "T")
        #expect(state.severity == "SEV1")
        #expect(state.status == .resolved)
        #expect(state.roles == ["commander": "bo", "scribe": "chidi"])
        #expect(state.noteCount == 2 && state.keyEventCount == 1)
        #expect(state.milestones[.impactStarted] == fixedNow.addingTimeInterval(-600))
        #expect(state.milestones[.detected] == fixedNow)
        #expect(state.milestones[.mitigated] == fixedNow.addingTimeInterval(300))
        #expect(state.milestones[.resolved] == fixedNow.addingTimeInterval(1200))
    }

    @Test func anyOrderOfTheSameEventsGivesTheSameState() async {
        let events = self.events
        let expected = IncidentState.fold(events, record: nil)
        await propertyCheck(count: 200, input: Gen<[Event]>.shuffled(events)) { shuffled in
            #expect(IncidentState.fold(shuffled, record: nil) == expected)
        }
    }

    @Test func eventsInOneSecondKeepTheOrderTheyWereWrittenIn() {
        // One second, many events: ids made in a row grow, so the fold sees them in that order.
        var events: [Event] = []
        for name in ["a", "b", "c", "d", "e", "f"] {
            events.append(Event(at: fixedNow, recorded: fixedNow, by: "x@y", kind: "role",
                                fields: ["role": .string("commander"), "name": .string(name)]))
        }
        #expect(IncidentState.fold(events.reversed(), record: nil).commander == "f")
    }
}
