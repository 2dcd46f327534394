import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// The incident screen's writing keys, the note line and the declare form, as state and effects: the
/// effects are what the shell writes, so these say exactly what reaches the store.
@Suite struct ResponseKeysTests {
    static let id = "2026-11-25-db-gone-abcd"
    static let recovery = try! Runbook(name: "recovery", text: Templates.builtIn("runbooks/recovery.md")!,
                                       path: "templates/runbooks/recovery.md", builtIn: true)

    func event(_ minutes: Double, _ kind: String, _ fields: [String: JSONValue]) -> Event {
        let at = demoNow.addingTimeInterval(minutes * 60)
        return Event(at: at, recorded: at, by: "ana@b", kind: kind, fields: fields)
    }

    /// A writable store's snapshot with one active incident, with or without the recovery runbook started.
    func state(runbook: Bool, done: [String] = [], readOnly: Bool = false) -> AppState {
        var events = [event(-30, "declared", ["title": .string("DB gone"), "severity": .string("SEV1"), "services": .array([])])]
        if runbook { events.append(event(-20, "runbook", RunbookRun.startFields(Self.recovery))) }
        for (index, step) in done.enumerated() {
            events.append(event(-19 + Double(index) / 10, "step", ["runbook": .string("recovery"), "step": .string(step), "state": .string("done")]))
        }
        let incident = Incident(id: Self.id, record: nil, events: events, state: IncidentState.fold(events, record: nil), problems: [])
        var state = AppState(snapshot: Snapshot(storeName: "t", storePath: "/t", isReadOnly: readOnly, incidents: [incident],
                                                runbooks: [Self.recovery]), width: 100, height: 30, now: demoNow)
        state.user = "ana"
        App.push(&state, .incident(Self.id))
        return state
    }

    @Test func anIncidentWithARunbookUnderWayOpensOnTheRunbook() {
        #expect(state(runbook: true).pane[.incident(Self.id)] == 1)
        #expect(state(runbook: false).pane[.incident(Self.id)] == 0)
        let text = screen(state(runbook: true))
        #expect(text.contains("Recovery runbook · Disconnect 1/5"))
        #expect(text.contains("▸ Disconnect 0/5"))
        #expect(text.contains("stop-actor"))
    }

    @Test func spaceTogglesTheSelectedStep() {
        var s = state(runbook: true)
        #expect(press(&s, .character(" ")) == [.perform(.step(incident: Self.id, runbook: "recovery", step: "stop-actor", state: .done, reason: nil))])
        // The panel opens on the phase's first open step; k goes up to the one already done.
        var done = state(runbook: true, done: ["stop-actor"])
        #expect(press(&done, .character(" ")) == [.perform(.step(incident: Self.id, runbook: "recovery", step: "revoke-credentials", state: .done, reason: nil))])
        press(&done, .character("k"))
        #expect(press(&done, .character(" ")) == [.perform(.step(incident: Self.id, runbook: "recovery", step: "stop-actor", state: .open, reason: nil))])
    }

    @Test func nextIsRefusedOnScreenNamingTheOpenRequiredSteps() {
        var s = state(runbook: true, done: ["stop-actor"])
        #expect(press(&s, .character("n")).isEmpty)
        #expect(s.message?.isError == true)
        #expect(s.message?.text.contains("revoke-credentials, stop-writes, keep-evidence") == true)
        var ready = state(runbook: true, done: ["stop-actor", "revoke-credentials", "stop-writes", "keep-evidence"])
        #expect(press(&ready, .character("n")) == [.perform(.nextPhase(incident: Self.id, runbook: "recovery", from: "Disconnect"))])
    }

    @Test func skippingAsksForAReasonAndWritesItWithTheStep() {
        var s = state(runbook: true)
        press(&s, .character("j"), .character("j"), .character("s"))
        #expect(s.input?.purpose == .skipReason && s.input?.step == "stop-writes")
        #expect(press(&s, .enter).isEmpty, "an empty reason is not written")
        #expect(s.input != nil && s.message?.isError == true)
        type(&s, "writes stopped by the outage")
        #expect(press(&s, .enter) == [.perform(.step(incident: Self.id, runbook: "recovery", step: "stop-writes", state: .skipped, reason: "writes stopped by the outage"))])
    }

    @Test func notApplicableOnlyForStepsThatAllowIt() {
        var s = state(runbook: true)
        #expect(press(&s, .character("x")).isEmpty)
        #expect(s.message?.isError == true)
        press(&s, .character("j"), .character("j"), .character("j"))
        #expect(press(&s, .character("x")) == [.perform(.step(incident: Self.id, runbook: "recovery", step: "pause-automation", state: .notApplicable, reason: nil))])
    }

    @Test func aNewPhaseStartsAtItsFirstOpenStep() {
        var s = state(runbook: true)
        press(&s, .character("j"), .character("j"), .character("j"))
        #expect(s.cursor(.incident(Self.id), pane: 1).selected == 3)
        // The run moves on (here, another responder's steps and next arrive with a reload).
        var events = s.snapshot.incident(Self.id)!.events
        for (index, step) in ["stop-actor", "revoke-credentials", "stop-writes", "keep-evidence", "scope-damage"].enumerated() {
            events.append(event(-10 + Double(index) / 10, "step", ["runbook": .string("recovery"), "step": .string(step), "state": .string("done")]))
        }
        events.append(event(-5, "phase", ["runbook": .string("recovery"), "direction": .string("next"), "from": .string("Disconnect")]))
        var snapshot = s.snapshot
        snapshot.replaceIncident(Incident(id: Self.id, record: nil, events: events, state: IncidentState.fold(events, record: nil), problems: []))
        _ = App.update(&s, .loaded(snapshot))
        #expect(s.cursor(.incident(Self.id), pane: 1).selected == 1, "damage-time, the first open step of Assess")
        #expect(screen(s).contains("Recovery runbook · Assess 2/5"))
    }

    @Test func backAsksForAReason() {
        var s = state(runbook: true)
        press(&s, .character("b"))
        type(&s, "restore incomplete")
        #expect(press(&s, .enter) == [.perform(.backPhase(incident: Self.id, runbook: "recovery", from: "Disconnect", reason: "restore incomplete"))])
    }

    @Test func theNoteLineBackDatesStarsAndSaysSoBeforeWriting() {
        var s = state(runbook: false)
        press(&s, .character("i"))
        type(&s, "-5m * replica lag 40 s")
        let text = screen(s)
        #expect(text.contains("note: -5m * replica lag 40 s"))
        #expect(text.contains("(back-dated)") && text.contains("★ key event"))
        let effects = press(&s, .enter)
        #expect(effects == [.perform(.note(incident: Self.id, text: "replica lag 40 s", at: demoNow.addingTimeInterval(-300), key: true, keepSecrets: false))])
        #expect(s.input == nil && s.pending?.text == "-5m * replica lag 40 s")
    }

    @Test func aFailedWriteGivesTheWordsBack() {
        var s = state(runbook: false)
        press(&s, .character("i"))
        type(&s, "disk full?")
        press(&s, .enter)
        _ = App.update(&s, .performed(text: "Not saved: No space left on device", isError: true, open: nil))
        #expect(s.input?.text == "disk full?" && s.input?.purpose == .note)
        #expect(screen(s).contains("Not saved") || s.message?.text.contains("Not saved") == true)
        press(&s, .enter)
        _ = App.update(&s, .performed(text: "Saved.", isError: false, open: nil))
        #expect(s.input == nil && s.pending == nil)
    }

    @Test func escapeKeepsAnUnsavedNoteForLater() {
        var s = state(runbook: false)
        press(&s, .character("i"))
        type(&s, "half a thought")
        press(&s, .escape)
        #expect(s.input == nil)
        press(&s, .character("i"))
        #expect(s.input?.text == "half a thought")
    }

    @Test func aSecretInANoteIsQuestionedFirst() {
        var s = state(runbook: false)
        press(&s, .character("i"))
        type(&s, "key AKIAIOSFODNN7EXAMPLE leaked")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.input?.secrets == ["aws-access-key"])
        #expect(screen(s).contains("Looks like 1 secret (aws-access-key)"))
        press(&s, .escape)
        #expect(s.input?.secrets == nil && s.input?.text == "key AKIAIOSFODNN7EXAMPLE leaked", "esc goes back to editing")
        press(&s, .enter)
        #expect(press(&s, .enter) == [.perform(.note(incident: Self.id, text: "key AKIAIOSFODNN7EXAMPLE leaked", at: nil, key: false, keepSecrets: false))])
        var insist = state(runbook: false)
        press(&insist, .character("i"))
        type(&insist, "key AKIAIOSFODNN7EXAMPLE leaked")
        press(&insist, .enter)
        #expect(press(&insist, .control("k")) == [.perform(.note(incident: Self.id, text: "key AKIAIOSFODNN7EXAMPLE leaked", at: nil, key: false, keepSecrets: true))])
    }

    @Test func declareFromAnywhereNeedsATitleAndAChosenSeverity() {
        var s = state(runbook: false)
        press(&s, .escape, .character("2"))
        press(&s, .character("D"))
        #expect(s.declare?.commander == "ana")
        #expect(screen(s).contains("Declare an incident"))
        #expect(press(&s, .enter).isEmpty && s.message?.isError == true)
        type(&s, "Checkout 500s")
        press(&s, .left)
        #expect(s.declare?.severity == nil, "the left arrow in the title field chooses no severity")
        #expect(press(&s, .enter).isEmpty, "no severity chosen yet")
        #expect(s.declare?.field == .severity)
        #expect(screen(s).contains("When unsure, pick the higher"))
        type(&s, "2")
        type(&s, "api, payments")
        let effects = press(&s, .enter)
        #expect(effects == [.perform(.declare(title: "Checkout 500s", severity: "SEV2", services: ["api", "payments"], commander: "ana"))])
        #expect(s.declare != nil, "the form stays until the store says it is declared")
        _ = App.update(&s, .performed(text: "Declared", isError: false, open: .incident(Self.id)))
        #expect(s.declare == nil && s.route == .incident(Self.id))
    }

    @Test func theDemoStoreRefusesWritesWithAReason() {
        var s = state(runbook: true, readOnly: true)
        for key in [Key.character("i"), .character("D"), .character("n"), .character(" "), .character("R")] {
            #expect(press(&s, key).isEmpty)
            #expect(s.input == nil && s.declare == nil)
            #expect(s.message?.text.contains("read-only") == true)
        }
    }

    @Test func statusLineTakesAStatusAndAReason() {
        var s = state(runbook: false)
        press(&s, .character("S"))
        type(&s, "mitigated failover to db-2")
        #expect(press(&s, .enter) == [.perform(.status(incident: Self.id, status: .mitigated, reason: "failover to db-2"))])
        press(&s, .character("S"))
        type(&s, "fixed")
        #expect(press(&s, .enter).isEmpty && s.message?.isError == true)
    }

    @Test func theRunbookPanelFitsAt80x24() {
        var s = state(runbook: true, done: ["stop-actor"])
        _ = App.update(&s, .resize(width: 80, height: 24))
        let text = screen(s)
        for step in ["stop-actor", "revoke-credentials", "stop-writes", "pause-automation", "keep-evidence"] {
            #expect(text.contains(step), "\(step) is on screen")
        }
        #expect(text.contains("[x] *stop-actor"))
        #expect(text.contains("3 required open"))
    }

    @Test func severityRolesAndTimesFromTheKeyboard() {
        var s = state(runbook: false)
        press(&s, .character("V"))
        type(&s, "1 replica followed the drop")
        #expect(press(&s, .enter) == [.perform(.severity(incident: Self.id, severity: "SEV1", reason: "replica followed the drop"))])
        press(&s, .character("V"))
        type(&s, "sev2")
        #expect(press(&s, .enter) == [.perform(.severity(incident: Self.id, severity: "SEV2", reason: nil))])
        press(&s, .character("A"))
        type(&s, "scribe chidi")
        #expect(press(&s, .enter) == [.perform(.assign(incident: Self.id, role: "scribe", name: "chidi"))])
        press(&s, .character("A"))
        type(&s, "scribe -")
        #expect(press(&s, .enter) == [.perform(.assign(incident: Self.id, role: "scribe", name: ""))])
        press(&s, .character("A"))
        type(&s, "nobody")
        #expect(press(&s, .enter).isEmpty && s.message?.isError == true)
        press(&s, .escape, .character("T"))
        type(&s, "acknowledged -10m")
        #expect(press(&s, .enter) == [.perform(.milestone(incident: Self.id, milestone: .acknowledged, at: demoNow.addingTimeInterval(-600)))])
        press(&s, .character("T"))
        type(&s, "impact started")
        #expect(press(&s, .enter).isEmpty, "'started' is not a time")
        press(&s, .escape, .character("T"))
        type(&s, "mitigated")
        #expect(press(&s, .enter) == [.perform(.milestone(incident: Self.id, milestone: .mitigated, at: nil))])
    }

    @Test func anActiveIncidentsTimelineOpensAtItsNewestEventAndFollowsNewOnes() {
        var s = state(runbook: false)
        var events = s.snapshot.incident(Self.id)!.events
        for index in 0..<40 { events.append(event(-20 + Double(index) / 10, "note", ["text": .string("note \(index)")])) }
        var snapshot = s.snapshot
        snapshot.replaceIncident(Incident(id: Self.id, record: nil, events: events, state: IncidentState.fold(events, record: nil), problems: []))
        s = AppState(snapshot: snapshot, width: 80, height: 24, now: demoNow)
        App.push(&s, .incident(Self.id))
        #expect(s.cursor(.incident(Self.id), pane: 0).selected == 40)
        #expect(screen(s).contains("note 39"))
        // A teammate's note arrives: the selection moves to it, and it is on screen.
        events.append(event(-1, "note", ["text": .string("from a teammate")]))
        snapshot.replaceIncident(Incident(id: Self.id, record: nil, events: events, state: IncidentState.fold(events, record: nil), problems: []))
        _ = App.update(&s, .loaded(snapshot))
        #expect(s.cursor(.incident(Self.id), pane: 0).selected == 41)
        #expect(screen(s).contains("from a teammate"))
        // Scrolled back to read: a new event does not pull the view away.
        press(&s, .character("g"))
        events.append(event(-0.5, "note", ["text": .string("another")]))
        snapshot.replaceIncident(Incident(id: Self.id, record: nil, events: events, state: IncidentState.fold(events, record: nil), problems: []))
        _ = App.update(&s, .loaded(snapshot))
        #expect(s.cursor(.incident(Self.id), pane: 0).selected == 0)
    }

    @Test func pastedTextIsNeverReadAsKeys() {
        var s = state(runbook: true)
        // Pasted on the incident: a note line with it, line breaks as spaces, nothing written yet.
        #expect(press(&s, .paste("restarted api\nbad deploy\n\nb rolled back\n")).isEmpty)
        #expect(s.input?.purpose == .note && s.input?.text == "restarted api bad deploy b rolled back")
        // Pasted into an open line: appended the same way.
        type(&s, " ")
        press(&s, .paste("and\tmore\n"))
        #expect(s.input?.text == "restarted api bad deploy b rolled back and more")
        // In the declare form, into the field.
        var d = state(runbook: false)
        press(&d, .character("D"), .paste("DB\ngone"))
        #expect(d.declare?.title == "DB gone")
        // Anywhere else: refused with a hint.
        var elsewhere = state(runbook: false)
        press(&elsewhere, .escape)
        #expect(press(&elsewhere, .paste("q")).isEmpty && elsewhere.input == nil && elsewhere.message?.isError == true)
    }

    @Test func aNotePutAsideKeepsTheMomentItMeant() {
        var s = state(runbook: false)
        press(&s, .character("i"))
        type(&s, "-5m * replica lag")
        press(&s, .escape)
        // Reopened an hour later, it still means five minutes before it was typed.
        s.now = demoNow.addingTimeInterval(3600)
        press(&s, .character("i"))
        #expect(s.input?.text == Timestamps.format(demoNow.addingTimeInterval(-300)) + " * replica lag")
        #expect(press(&s, .enter) == [.perform(.note(incident: Self.id, text: "replica lag", at: demoNow.addingTimeInterval(-300), key: true, keepSecrets: false))])
    }
}
