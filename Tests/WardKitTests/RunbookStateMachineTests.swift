import Foundation
import Testing
@testable import WardKit

/// A three-phase runbook written by hand: A (a1 required, a2 may be not applicable), B (b1 required), C (c1).
private enum Tiny {
    static let text = """
    ---
    title: Tiny
    summary: Three phases for the state machine tests.
    ---

    ## A

    Guidance for A.

    - [ ] a1: First step of A {required}
    - [ ] a2: Second step of A {na}

    ## B

    - [ ] b1: The step of B {required}

    ## C

    - [ ] c1: The step of C
    """

    static let names = ["A", "B", "C"]
    /// The step each row acts on in a phase.
    static let firstStep = ["a1", "b1", "c1"]
    static let t0 = fixedNow

    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static func definition() throws -> Runbook {
        try Runbook(name: "tiny", text: text, path: "runbooks/tiny.md", builtIn: false)
    }

    static func startEvent(at date: Date = t0) throws -> Event {
        Event(at: date, recorded: date, by: "ana@b", kind: "runbook", fields: RunbookRun.startFields(try definition()))
    }

    static func step(_ id: String, _ state: String, at minutes: Double, by: String = "ana@b",
                     reason: String? = nil, note: String? = nil) -> Event {
        var fields: [String: JSONValue] = ["runbook": .string("tiny"), "step": .string(id), "state": .string(state)]
        if let reason { fields["reason"] = .string(reason) }
        if let note { fields["note"] = .string(note) }
        return Event(at: at(minutes), recorded: at(minutes), by: by, kind: "step", fields: fields)
    }

    static func phase(_ direction: String?, from: String?, at minutes: Double, by: String = "ana@b",
                      reason: String? = nil) -> Event {
        var fields: [String: JSONValue] = ["runbook": .string("tiny")]
        if let direction { fields["direction"] = .string(direction) }
        if let from { fields["from"] = .string(from) }
        if let reason { fields["reason"] = .string(reason) }
        return Event(at: at(minutes), recorded: at(minutes), by: by, kind: "phase", fields: fields)
    }

    /// A run standing in phase `index` (3: finished), reached by `next` events ten minutes apart, with the
    /// steps of the phases left behind settled in different ways.
    static func run(inPhase index: Int) throws -> RunbookRun {
        var run = try #require(RunbookRun(start: startEvent()))
        let settle: [[(String, String, String?)]] = [
            [("a1", "done", nil), ("a2", "na", "no automation here")],
            [("b1", "skipped", "done by hand")],
            [("c1", "done", nil)],
        ]
        for phase in 0..<index {
            for (id, state, reason) in settle[phase] {
                run.apply(step(id, state, at: Double(phase * 10 + 5), by: "bo@b", reason: reason))
            }
            run.apply(self.phase("next", from: names[phase], at: Double(phase * 10 + 10), by: "bo@b"))
        }
        return run
    }
}

@Suite struct RunbookStateMachineTests {
    // MARK: Every state with every event

    struct Row: Sendable, CustomTestStringConvertible {
        enum Action: Sendable {
            case step(id: String, state: String)
            case stepWithoutState(id: String)
            case phase(direction: String?, from: String?)
            case other(kind: String)
        }

        var name: String
        /// The phase the run stands in before the event (3: finished).
        var before: Int
        var action: Action
        /// The phase it must stand in after.
        var after: Int
        /// The step the event must change, and to what.
        var changes: (id: String, state: StepState)?

        var testDescription: String { name }
    }

    static let stateNames = ["in A (first)", "in B (middle)", "in C (last)", "finished"]

    static let rows: [Row] = {
        var rows: [Row] = []
        for current in 0...3 {
            let here = stateNames[current]
            // A step of every phase, in every state it can be set to.
            for phase in 0..<3 {
                let position = phase < current ? "an earlier" : phase == current ? "the current" : "a later"
                for state in StepState.allCases {
                    let id = Tiny.firstStep[phase]
                    rows.append(Row(name: "\(here): \(state.rawValue) on \(id), \(position) phase",
                                    before: current, action: .step(id: id, state: state.rawValue), after: current,
                                    changes: (id, state)))
                }
            }
            rows.append(Row(name: "\(here): na on a2, the {na} step", before: current,
                            action: .step(id: "a2", state: "na"), after: current, changes: ("a2", .notApplicable)))
            rows.append(Row(name: "\(here): open on a2", before: current,
                            action: .step(id: "a2", state: "open"), after: current, changes: ("a2", .open)))
            rows.append(Row(name: "\(here): a step with an unknown id", before: current,
                            action: .step(id: "zz", state: "done"), after: current, changes: nil))
            rows.append(Row(name: "\(here): a step with an unknown state", before: current,
                            action: .step(id: "a1", state: "finished"), after: current, changes: nil))
            rows.append(Row(name: "\(here): a step with a state in capitals", before: current,
                            action: .step(id: "a1", state: "DONE"), after: current, changes: nil))
            rows.append(Row(name: "\(here): a step with no state", before: current,
                            action: .stepWithoutState(id: "a1"), after: current, changes: nil))
            // next
            if current < 3 {
                rows.append(Row(name: "\(here): next from the current phase", before: current,
                                action: .phase(direction: "next", from: Tiny.names[current]), after: current + 1, changes: nil))
            }
            for stale in Tiny.names where current == 3 || stale != Tiny.names[current] {
                rows.append(Row(name: "\(here): next from \(stale) (stale)", before: current,
                                action: .phase(direction: "next", from: stale), after: current, changes: nil))
            }
            rows.append(Row(name: "\(here): next with no from", before: current,
                            action: .phase(direction: "next", from: nil), after: current, changes: nil))
            // back
            if current < 3 {
                rows.append(Row(name: "\(here): back from the current phase", before: current,
                                action: .phase(direction: "back", from: Tiny.names[current]),
                                after: current == 0 ? 0 : current - 1, changes: nil))
            }
            for stale in Tiny.names where current == 3 || stale != Tiny.names[current] {
                rows.append(Row(name: "\(here): back from \(stale) (stale)", before: current,
                                action: .phase(direction: "back", from: stale), after: current, changes: nil))
            }
            rows.append(Row(name: "\(here): back with no from", before: current,
                            action: .phase(direction: "back", from: nil), after: current == 3 ? 2 : current, changes: nil))
            // other kinds, even with the fields of a step or a phase
            rows.append(Row(name: "\(here): a note carrying step fields", before: current,
                            action: .other(kind: "note"), after: current, changes: nil))
            rows.append(Row(name: "\(here): a second runbook event", before: current,
                            action: .other(kind: "runbook"), after: current, changes: nil))
            rows.append(Row(name: "\(here): an unknown kind", before: current,
                            action: .other(kind: "future-kind"), after: current, changes: nil))
        }
        return rows
    }()

    static let eventMinutes = 60.0

    static func event(for action: Row.Action) -> Event {
        let minutes = eventMinutes
        switch action {
        case let .step(id, state):
            return Tiny.step(id, state, at: minutes, by: "cy@c", reason: "because", note: "a note")
        case let .stepWithoutState(id):
            return Event(at: Tiny.at(minutes), recorded: Tiny.at(minutes), by: "cy@c", kind: "step",
                         fields: ["runbook": .string("tiny"), "step": .string(id)])
        case let .phase(direction, from):
            return Tiny.phase(direction, from: from, at: minutes, by: "cy@c", reason: "why")
        case let .other(kind):
            return Event(at: Tiny.at(minutes), recorded: Tiny.at(minutes), by: "cy@c", kind: kind,
                         fields: ["runbook": .string("tiny"), "step": .string("a1"), "state": .string("done"),
                                  "direction": .string("next"), "from": .string("A"), "text": .string("x")])
        }
    }

    @Test func theTableCoversEveryStateWithEveryKindOfEvent() {
        #expect(Set(Self.rows.map(\.before)) == [0, 1, 2, 3])
        #expect(Set(Self.rows.map(\.name)).count == Self.rows.count, "row names must be unique")
        #expect(Self.rows.count > 80)
    }

    @Test(arguments: rows)
    func applyingOneEvent(_ row: Row) throws {
        let before = try Tiny.run(inPhase: row.before)
        #expect(before.current == row.before)
        let event = Self.event(for: row.action)
        var after = before
        after.apply(event)

        #expect(after.current == row.after)
        #expect(after.isFinished == (row.after == 3))
        // The definition and the start never change.
        #expect(after.name == before.name && after.title == before.title && after.phases == before.phases)
        #expect(after.started == before.started && after.startedBy == before.startedBy)
        #expect(after.documentPhase == before.documentPhase)

        if case let (id, state)? = row.changes {
            #expect(after.state(of: id) == state)
            #expect(after.steps[id] == StepRecord(state: state, by: "cy@c", at: event.at, reason: "because", note: "a note"))
            var othersAfter = after.steps, othersBefore = before.steps
            othersAfter[id] = nil
            othersBefore[id] = nil
            #expect(othersAfter == othersBefore)
            #expect(after.moves == before.moves)
            #expect(after.timeSpent == before.timeSpent)
            #expect(after.enteredCurrent == before.enteredCurrent)
        } else if row.after != row.before {
            let back = row.after < row.before
            #expect(after.steps == before.steps)
            #expect(after.moves == before.moves + [PhaseMove(from: before.currentPhase?.name, to: after.currentPhase?.name,
                                                             back: back, by: "cy@c", at: event.at, reason: "why")])
            var spent = before.timeSpent
            if before.current < 3 { spent[before.current] += event.at.timeIntervalSince(before.enteredCurrent) }
            #expect(after.timeSpent == spent)
            #expect(after.enteredCurrent == event.at)
        } else {
            #expect(after == before, "the event must change nothing")
        }
    }

    // MARK: Through the incident fold

    /// About thirty events of one incident, in the order they were written.
    static func journal() throws -> [Event] {
        func e(_ minutes: Double, _ kind: String, _ fields: [String: JSONValue], by: String = "ana@b") -> Event {
            Event(at: Tiny.at(minutes), recorded: Tiny.at(max(minutes, 0)), by: by, kind: kind, fields: fields)
        }
        var events: [Event] = [
            e(0, "declared", ["title": .string("Orders lost"), "severity": .string("SEV2"),
                              "services": .array([.string("api")]), "commander": .string("ana")]),
            e(-20, "milestone", ["milestone": .string("impact_started")]),
            e(-3, "milestone", ["milestone": .string("acknowledged")]),
            e(1, "note", ["text": .string("paged by the error-rate alert")]),
            e(2, "note", ["text": .string("orders table empty"), "key": .bool(true)]),
            e(3, "role", ["role": .string("scribe"), "name": .string("bo")]),
            try Tiny.startEvent(at: Tiny.at(4)),
            Tiny.step("a1", "done", at: 5),
            Tiny.step("a2", "na", at: 5, by: "bo@b", reason: "nothing automated"),
            Tiny.phase("next", from: "A", at: 6),
            Tiny.phase("next", from: "A", at: 6, by: "bo@b"), // two responders pressed at once
        ]
        let todo = e(7, "action", ["title": .string("rotate the database password"), "state": .string("open")])
        events.append(todo)
        events += [
            e(8, "action", ["action": .string(todo.id), "owner": .string("bo"), "due": .string("2026-12-01")]),
            Tiny.step("b1", "skipped", at: 9, reason: "restored by hand"),
            Tiny.phase("next", from: "B", at: 10),
            Tiny.phase("back", from: "C", at: 11, by: "bo@b", reason: "restore incomplete"),
            Tiny.phase("next", from: "B", at: 12),
            e(13, "status", ["status": .string("identified")]),
            e(14, "severity", ["severity": .string("SEV1"), "reason": .string("data lost")]),
            e(15, "status", ["status": .string("mitigated")]),
            Tiny.step("c1", "done", at: 16, note: "checked"),
            Tiny.phase("next", from: "C", at: 17),
            e(18, "note", ["text": .string("row counts match")]),
        ]
        let second = e(18, "action", ["title": .string("write the post-mortem"), "state": .string("open")], by: "bo@b")
        events.append(second)
        events += [
            e(19, "action", ["action": .string(second.id), "state": .string("done")]),
            e(20, "status", ["status": .string("resolved")]),
            e(21, "status", ["status": .string("monitoring"), "reason": .string("errors back")]),
            e(25, "status", ["status": .string("resolved")]),
            e(26, "decision", ["number": .number(1), "path": .string("decisions/0001-x.md"), "title": .string("x")]),
            e(26, "role", ["role": .string("commander"), "name": .string("cy")]),
            e(27, "future-kind", ["x": .string("kept")]),
        ]
        return events
    }

    @Test func anyOrderOfARealisticJournalGivesTheSameIncident() throws {
        let events = try Self.journal()
        #expect(events.count >= 30)
        let expected = IncidentState.fold(events, record: nil)
        // The expected state is the right one, not just a stable one.
        #expect(expected.status == .resolved && expected.severity == "SEV1")
        #expect(expected.roles == ["commander": "cy", "scribe": "bo"])
        #expect(expected.noteCount == 3 && expected.keyEventCount == 1)
        #expect(expected.milestones[.impactStarted] == Tiny.at(-20))
        #expect(expected.milestones[.detected] == Tiny.at(-3))
        #expect(expected.milestones[.acknowledged] == Tiny.at(-3))
        #expect(expected.milestones[.mitigated] == Tiny.at(15))
        #expect(expected.milestones[.resolved] == Tiny.at(25))
        #expect(expected.decisions == [1])
        #expect(expected.actions.map(\.title) == ["rotate the database password", "write the post-mortem"])
        #expect(expected.actions.map(\.state) == [.open, .done])
        #expect(expected.actions[0].owner == "bo" && expected.actions[0].due == "2026-12-01")
        let run = try #require(expected.runs.first)
        #expect(expected.runs.count == 1)
        #expect(run.isFinished && run.current == 3)
        #expect(run.moves.map(\.back) == [false, false, true, false, false])
        #expect(run.state(of: "a1") == .done && run.state(of: "a2") == .notApplicable)
        #expect(run.state(of: "b1") == .skipped && run.state(of: "c1") == .done)

        var generator = SeededGenerator(seed: 0x5EED_1234)
        for round in 0..<200 {
            let shuffled = events.shuffled(using: &generator)
            let state = IncidentState.fold(shuffled, record: nil)
            #expect(state == expected, "shuffle \(round) gave another state")
            if state != expected { break }
        }
    }

    @Test func anEventPresentTwiceInTheJournalCountsOnce() throws {
        let events = try Self.journal()
        let expected = IncidentState.fold(events, record: nil)
        var lines = events.map { $0.jsonLine + "\n" }
        // A git union merge appends lines both sides already had: a note, an action, a step, a phase move.
        for kind in ["note", "action", "step", "phase", "status"] {
            lines.append(try #require(lines.first { $0.contains("\"kind\":\"\(kind)\"") }))
        }
        lines.insert(lines[3], at: 5)
        let journal = Journal(data: Data(lines.joined().utf8), path: "incidents/x/timeline.jsonl")
        #expect(journal.problems.isEmpty)
        #expect(!journal.tornTail)
        #expect(journal.events.count == events.count)
        #expect(Set(journal.events.map(\.id)) == Set(events.map(\.id)))
        let state = IncidentState.fold(journal.events, record: nil)
        #expect(state == expected)
        #expect(state.noteCount == 3 && state.actions.count == 2)
    }

    @Test func twoNextEventsFromOnePhaseMoveTheRunOnePhase() throws {
        let start = try Tiny.startEvent()
        let first = Tiny.phase("next", from: "A", at: 3, by: "ana@b")
        let second = Tiny.phase("next", from: "A", at: 3, by: "bo@b")
        let later = Tiny.phase("next", from: "A", at: 4, by: "cy@c")
        for events in [[start, first, second], [start, second, first], [start, first, second, later],
                       [later, second, start, first]] {
            let state = IncidentState.fold(events, record: nil)
            let run = try #require(state.runs.first)
            #expect(run.current == 1)
            #expect(run.currentPhase?.name == "B")
            #expect(run.moves.count == 1)
        }
    }

    @Test func timeInAPhaseCountsEveryStayInIt() throws {
        var run = try #require(RunbookRun(start: try Tiny.startEvent()))
        run.apply(Tiny.phase("next", from: "A", at: 5))
        run.apply(Tiny.phase("back", from: "B", at: 8, reason: "not yet"))
        run.apply(Tiny.phase("next", from: "A", at: 10))
        #expect(run.current == 1)
        #expect(run.time(inPhase: 0, now: Tiny.at(12)) == 7 * 60)
        #expect(run.time(inPhase: 0, now: Tiny.at(500)) == 7 * 60)
        #expect(run.time(inPhase: 1, now: Tiny.at(12)) == 3 * 60 + 2 * 60)
        #expect(run.time(inPhase: 2, now: Tiny.at(12)) == 0)
        #expect(run.time(inPhase: 7, now: Tiny.at(12)) == 0)
        // The same through the fold, in any order.
        let events = [try Tiny.startEvent(), Tiny.phase("next", from: "A", at: 5),
                      Tiny.phase("back", from: "B", at: 8, reason: "not yet"), Tiny.phase("next", from: "A", at: 10)]
        let folded = try #require(IncidentState.fold(events.reversed(), record: nil).runs.first)
        #expect(folded == run)
    }

    @Test func theDefinitionIsCopiedIntoTheJournal() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("runbooks/recovery.md", """
        ---
        title: Our recovery
        document-phase: Write
        ---

        ## Stop

        - [ ] halt: Halt the job {required}
        - [ ] tell: Tell support {na}

        ## Write

        - [ ] notes: Write it down {required}
        """)
        let incident = try store.declare(title: "Job ran wild", severity: "SEV2", services: [], commander: "ana")
        _ = try store.startRunbook(incident)
        let started = try #require(store.loadIncident(incident.id).state.runs.first)
        #expect(started.phases.map(\.name) == ["Stop", "Write"])
        #expect(started.documentPhase == "Write")

        // Someone rewrites the definition while the run is under way, then breaks it.
        dir.write("runbooks/recovery.md", """
        ---
        title: Rewritten
        ---

        ## First

        - [ ] other: Something else {required}

        ## Second

        - [ ] more: More {required}

        ## Third

        - [ ] last: Last
        """)
        #expect(try store.runbook(named: "recovery").phases.count == 3)
        #expect(store.loadIncident(incident.id).state.runs.first == started)
        _ = try store.setStep(store.loadIncident(incident.id), step: "halt", to: .done)
        #expect { try store.setStep(store.loadIncident(incident.id), step: "other", to: .done) } throws: {
            "\($0)".contains("no step 'other'")
        }
        dir.write("runbooks/recovery.md", "---\ntitle: Broken\n---\n\n## Only\n\n- [ ] no id here\n")
        #expect(throws: WardError.self) { try store.runbook(named: "recovery") }
        let run = try #require(store.loadIncident(incident.id).state.runs.first)
        #expect(run.phases == started.phases && run.title == "Our recovery")
        #expect(run.state(of: "halt") == .done)
        let (recorded, documents) = try store.nextPhase(store.loadIncident(incident.id))
        #expect(recorded.message.contains("Write"))
        #expect(documents?.postmortemPath == "incidents/\(incident.id)/postmortem.md")
    }
}


extension RunbookStateMachineTests {
    /// The journal can be written by anyone: a start whose step ids are not ids starts nothing, so they
    /// never reach a screen or a post-mortem block.
    @Test(arguments: ["bad id", "x<!--", "UPPER", "", String(repeating: "a", count: 65)])
    func aStartWithAHostileStepIdStartsNothing(id: String) {
        let phases: JSONValue = .array([.object(["name": .string("A"), "steps": .array([.object(["id": .string(id), "text": .string("t")])])])])
        let start = Event(at: fixedNow, recorded: fixedNow, by: "ana@b", kind: "runbook",
                          fields: ["runbook": .string("r"), "title": .string("R"), "phases": phases])
        #expect(RunbookRun(start: start) == nil)
        #expect(IncidentState.fold([start], record: nil).runs.isEmpty)
    }
}

extension RunbookStateMachineTests {
    /// Definitions are read once per list of phases a start shares with others; starts that share one, and
    /// starts with definitions of their own, each get their own definition's phases, in any order.
    @Test func sharedAndOwnDefinitionsEachGiveTheirOwnPhases() throws {
        func phases(_ names: [String]) -> JSONValue {
            // Step ids are unique across the whole runbook.
            .array(names.map { .object(["name": .string($0), "steps": .array([.object(["id": .string("s-\($0)"), "text": .string("t")])])]) })
        }
        func start(_ phases: JSONValue) -> Event {
            Event(at: fixedNow, recorded: fixedNow, by: "ana@b", kind: "runbook",
                  fields: ["runbook": .string("r"), "title": .string("R"), "phases": phases])
        }
        let shared = phases(["assess", "recover"])
        for round in 0..<40 {
            let own = phases(["p\(round)", "q\(round)"])
            #expect(try #require(RunbookRun(start: start(shared))).phases.map(\.name) == ["assess", "recover"])
            #expect(try #require(RunbookRun(start: start(own))).phases.map(\.name) == ["p\(round)", "q\(round)"])
            // The same names in a new list of its own: read from that list.
            #expect(try #require(RunbookRun(start: start(phases(["assess", "recover", "x\(round)"])))).phases.count == 3)
        }
    }
}
