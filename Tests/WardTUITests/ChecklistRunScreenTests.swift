import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// Running a checklist on screen: answers with y n a, notes, the verdict always in sight, recording only when
/// every item is answered, and nothing dropped without asking.
@Suite struct ChecklistRunScreenTests {
    typealias F = ChecklistFixture
    static let gateRoute = Route.checklistRun(name: "gate", incident: nil)

    func answers(_ state: AppState, _ route: Route = gateRoute) -> [String: ChecklistAnswer] {
        state.checklistRuns[route]?.answers ?? [:]
    }

    /// The verdict row of the run screen.
    func verdictRow(_ state: AppState) -> String {
        String(screen(state).split(separator: "\n", omittingEmptySubsequences: false)[ChecklistRunLayout.verdictY])
    }

    @Test func rOnTheLibraryOpensTheRunScreenWithNothingAnswered() {
        let state = F.running()
        #expect(state.route == Self.gateRoute)
        #expect(state.cursor(Self.gateRoute).selected == 0)
        let text = screen(state)
        #expect(fits(text))
        #expect(verdictRow(state).contains("0 of 5 answered; no failure so far"))
        #expect(text.contains("Release gate · 0 of 5 answered · on its own"))
        #expect(text.contains("  ·   * backup-verified"))
        // The item under the cursor: its rule says what it takes, its hint shows below.
        #expect(text.contains("── backup-verified · required, n/a not allowed"))
        #expect(text.contains("A backup that has never been restored is a hope."))
        #expect(text.contains("y n a answer · N with a note · i note · ⏎ record · esc leave"))
    }

    @Test func rOnADefinitionRunsItAndOnARunbookSaysWhereRunbooksStart() {
        var state = F.state()
        press(&state, .character("5"), .enter)
        #expect(state.route == .definition(kind: "checklist", name: "gate"))
        #expect(screen(state).contains("r run · H history"))
        press(&state, .character("r"))
        #expect(state.route == Self.gateRoute)

        var runbook = AppState(snapshot: demoSnapshot, width: 80, height: 24, now: demoNow)
        press(&runbook, .character("5"))
        let row = Rows.definitions(runbook).firstIndex { $0.kind == "runbook" }!
        for _ in 0..<row { press(&runbook, .character("j")) }
        press(&runbook, .character("r"))
        #expect(runbook.route == .checklists)
        #expect(runbook.message?.text.contains("R on its screen") == true)
    }

    @Test func answersMoveToTheNextUnansweredItemGoingRound() {
        var state = F.running()
        press(&state, .character("y"))
        #expect(answers(state) == ["backup-verified": .yes])
        #expect(state.cursor(Self.gateRoute).selected == 1)
        // Down to the fourth, answer it: the cursor goes on to the fifth, then round to the second.
        press(&state, .character("j"), .character("j"), .character("n"))
        #expect(answers(state)["agent-prod-access"] == .no)
        #expect(state.cursor(Self.gateRoute).selected == 4)
        press(&state, .character("y"))
        #expect(state.cursor(Self.gateRoute).selected == 1)
        press(&state, .character("a"), .character("n"))
        #expect(answers(state) == F.gateAnswers(["staging-tested": .notApplicable, "peer-reviewed": .no]))
        #expect(state.message?.text.contains("Every item is answered: GO. ⏎ records the run.") == true)
        // Answering again changes the answer.
        press(&state, .character("k"), .character("k"), .character("k"), .character("n"))
        #expect(answers(state)["backup-verified"] == .no)
        #expect(verdictRow(state).contains("NO-GO: 1 failed (backup-verified)"))
    }

    @Test func theVerdictLineForEachWayARunCanGo() {
        // Answers given in the items' order: backup, staging, peer review, agent access, rollback.
        func verdict(_ keys: String) -> (String, String) {
            var state = F.running()
            for key in keys { press(&state, .character(key)) }
            return (verdictRow(state), screen(state))
        }
        // All good.
        let (good, _) = verdict("yyyny")
        #expect(good.contains("GO: every required item has a good answer and no red flag is raised"))
        #expect(!good.contains("NO-GO"))
        // One required item answered no.
        let (failed, failedScreen) = verdict("nyyny")
        #expect(failed.contains("NO-GO: 1 failed (backup-verified)"))
        #expect(failedScreen.contains("  no   * backup-verified"))
        // n/a where the item allows it is good; where it does not, it fails.
        #expect(verdict("yayny").0.contains("GO: every required item"))
        #expect(verdict("ayyny").0.contains("NO-GO: 1 failed (backup-verified)"))
        // A red flag answered yes is raised, and shown as raised on its row.
        let (flag, flagScreen) = verdict("yyyyy")
        #expect(flag.contains("NO-GO: 1 red flag raised (agent-prod-access)"))
        #expect(flagScreen.contains("⚑ yes ⚑ agent-prod-access"))
        // An item neither required nor a red flag answered no is a warning, not a NO-GO.
        let (warning, warningScreen) = verdict("yynny")
        #expect(warning.contains("GO: every required item"))
        #expect(warningScreen.contains("1 warning: peer-reviewed"))
        // A failure decides it before everything is answered.
        #expect(verdict("n").0.contains("NO-GO: 1 failed (backup-verified), 4 not answered yet"))
        #expect(verdict("yy").0.contains("2 of 5 answered; no failure so far"))
    }

    @Test func nAOnAnItemThatDoesNotAllowItIsTakenAndSaidToFail() {
        var state = F.running()
        press(&state, .character("a"))
        #expect(answers(state)["backup-verified"] == .notApplicable)
        #expect(state.message?.isError == true)
        #expect(state.message?.text.contains("'backup-verified' does not allow n/a") == true)
        press(&state, .character("k"))
        #expect(screen(state).contains("n/a is not allowed for this item: this makes it a NO-GO"))
    }

    @Test func theVerdictStaysInSightWhenTheListScrollsAndWhenTheWindowIsSmall() {
        var state = F.running("long", extra: [F.long])
        press(&state, .character("n"), .character("G"))
        #expect(state.cursor(.checklistRun(name: "long", incident: nil)).selected == 29)
        let text = screen(state)
        #expect(fits(text))
        #expect(text.contains("item-30"))
        #expect(!text.contains("item-1 "), "the top of the list has scrolled away")
        #expect(verdictRow(state).contains("NO-GO: 1 failed (item-1), 29 not answered yet"))
        // Too small for the screen: the verdict still shows, above the request for a larger window.
        for (width, height) in [(60, 15), (79, 24), (40, 10)] {
            _ = App.update(&state, .resize(width: width, height: height))
            let small = screen(state)
            #expect(small.hasPrefix("NO-GO: 1 failed"), "\(width)x\(height)")
            #expect(small.contains("Make the window larger."), "\(width)x\(height)")
            #expect(fits(small, width: width, height: height))
        }
        _ = App.update(&state, .resize(width: 120, height: 40))
        #expect(verdictRow(state).contains("NO-GO: 1 failed (item-1)"))
        #expect(fits(screen(state), width: 120, height: 40))
    }

    @Test func aNoteGoesWithTheItemUnderTheCursorAndIsRecordedWithTheRun() {
        var state = F.running()
        press(&state, .character("j"), .character("i"))
        #expect(state.input?.purpose == .checklistNote && state.input?.step == "staging-tested")
        #expect(screen(state).contains(" note on staging-tested:"))
        type(&state, "staging copy is 3 weeks old")
        press(&state, .enter)
        #expect(state.input == nil)
        #expect(state.checklistRuns[Self.gateRoute]?.notes == ["staging-tested": "staging copy is 3 weeks old"])
        let text = screen(state)
        #expect(text.contains("note: staging copy is 3 weeks old"))
        #expect(text.contains("✎ It ran on staging."))
        // i again opens it with the note in the line; an empty one removes it.
        press(&state, .character("i"))
        #expect(state.input?.text == "staging copy is 3 weeks old")
        press(&state, .control("u"), .enter)
        #expect(state.checklistRuns[Self.gateRoute]?.notes.isEmpty == true)
        // Esc on the note line keeps the answers and the old note as they were.
        press(&state, .character("i"))
        type(&state, "kept")
        press(&state, .enter, .character("i"), .control("u"))
        type(&state, "not kept")
        press(&state, .escape)
        #expect(state.checklistRuns[Self.gateRoute]?.notes == ["staging-tested": "kept"])
        #expect(state.route == Self.gateRoute)
        // Recorded with the answers.
        press(&state, .character("g"))
        for key in "yyyny" { press(&state, .character(key)) }
        let effects = press(&state, .enter)
        #expect(effects == [.perform(.recordChecklist(name: "gate", incident: nil, answers: F.gateAnswers(),
                                                      notes: ["staging-tested": "kept"]))])
    }

    @Test func anUpperCaseAnswerAsksForItsNoteOnThatItemNotTheNext() {
        var state = F.running()
        press(&state, .character("y"), .character("N"))
        #expect(answers(state) == ["backup-verified": .yes, "staging-tested": .no])
        #expect(state.input?.purpose == .checklistNote && state.input?.step == "staging-tested")
        type(&state, "staging copy is 3 weeks old")
        press(&state, .enter)
        #expect(state.checklistRuns[Self.gateRoute]?.notes == ["staging-tested": "staging copy is 3 weeks old"])
        // The cursor went on to the next item meanwhile, so answering goes on where it would have.
        #expect(state.cursor(Self.gateRoute).selected == 2)
        #expect(verdictRow(state).contains("NO-GO: 1 failed (staging-tested)"))
    }

    @Test func recordingIsRefusedNamingTheUnansweredItems() {
        var state = F.running()
        press(&state, .character("y"), .character("j"), .character("j"), .character("n"), .character("y"))
        #expect(press(&state, .enter).isEmpty)
        #expect(state.message?.isError == true)
        #expect(state.message?.text == "Not recorded: 2 of 5 items have no answer: staging-tested, peer-reviewed. y n a answer them.")
        // The cursor goes to the first of them.
        #expect(state.cursor(Self.gateRoute).selected == 1)
        #expect(state.route == Self.gateRoute)
        #expect(screen(state).contains("Not recorded: 2 of 5 items have no answer"))
    }

    @Test func recordingHandsTheRunToTheShellAndThenShowsIt() {
        var state = F.running()
        for key in "nyyny" { press(&state, .character(key)) }
        let effects = press(&state, .enter)
        #expect(effects == [.perform(.recordChecklist(name: "gate", incident: nil, answers: F.gateAnswers(["backup-verified": .no]), notes: [:]))])
        #expect(state.recording == Self.gateRoute)
        // The shell writes it, reads the store again, and says so.
        let run = F.run(F.gate, F.gateAnswers(["backup-verified": .no]), minutes: 0)
        _ = App.update(&state, .loaded(F.snapshot(runs: [run])))
        _ = App.update(&state, .performed(text: "Recorded NO-GO for Release gate (run \(run.shortID)).", isError: false,
                                          open: .recordedRun(run.id)))
        #expect(state.stack == [.dashboard, .checklists, .recordedRun(run.id)])
        #expect(state.checklistRuns[Self.gateRoute] == nil)
        #expect(state.recording == nil)
        let text = screen(state)
        #expect(text.contains("NO-GO: 1 failed (backup-verified)"))
        #expect(text.contains("Recorded NO-GO for Release gate"))
        // r again starts afresh.
        press(&state, .escape, .character("r"))
        #expect(state.route == Self.gateRoute && answers(state).isEmpty)
    }

    @Test func aFailedWriteKeepsTheAnswers() {
        var state = F.running()
        for key in "yyyny" { press(&state, .character(key)) }
        press(&state, .enter)
        _ = App.update(&state, .performed(text: "Not saved: No space left on device", isError: true, open: nil))
        #expect(state.route == Self.gateRoute)
        #expect(answers(state) == F.gateAnswers())
        #expect(state.message?.isError == true)
    }

    @Test func aReadOnlyStoreSaysTheRunCannotBeRecordedThere() {
        var state = F.running(readOnly: true)
        #expect(screen(state).contains("Release gate · 0 of 5 answered · read-only: cannot be recorded"))
        for key in "yyyny" { press(&state, .character(key)) }
        #expect(press(&state, .enter).isEmpty)
        #expect(state.message?.isError == true)
        #expect(state.message?.text.contains("Cannot be recorded: the demo store is read-only") == true)
        #expect(state.route == Self.gateRoute && answers(state).count == 5)
    }

    @Test func leavingWithUnrecordedAnswersAsksFirst() {
        // Nothing answered: esc just leaves.
        var empty = F.running()
        press(&empty, .escape)
        #expect(empty.route == .checklists && empty.confirm == nil)

        var state = F.running()
        press(&state, .character("y"), .character("n"), .escape)
        #expect(state.confirm == .discardRun(Self.gateRoute))
        #expect(state.route == Self.gateRoute)
        #expect(screen(state).contains("Drop 2 unrecorded answers to gate? y drops · other keys keep"))
        // Any other key keeps them, and does nothing else.
        press(&state, .character("n"))
        #expect(state.confirm == nil && state.route == Self.gateRoute && answers(state).count == 2)
        // h and ← are back too, and ask the same.
        press(&state, .character("h"))
        #expect(state.confirm == .discardRun(Self.gateRoute))
        press(&state, .character("y"))
        #expect(state.route == .checklists)
        #expect(state.checklistRuns[Self.gateRoute] == nil)
        #expect(state.message?.text.contains("dropped, not recorded") == true)
    }

    @Test func answersLeftByAnotherWayComeBackAndQuitAsksFirst() {
        var state = F.running()
        press(&state, .character("y"), .character("y"), .character("1"))
        #expect(state.stack == [.dashboard])
        press(&state, .character("5"))
        #expect(screen(state).contains("Release gate  2/5 answered, not recorded"))
        press(&state, .character("r"))
        #expect(state.route == Self.gateRoute && answers(state).count == 2)
        #expect(state.cursor(Self.gateRoute).selected == 2)
        #expect(state.message?.text.contains("Your answers from before") == true)
        // q asks before dropping them.
        #expect(press(&state, .character("q")).isEmpty)
        #expect(state.confirm == .quit)
        #expect(screen(state).contains("1 checklist run not recorded. Quit and drop it? y quits"))
        #expect(press(&state, .escape).isEmpty && state.confirm == nil)
        press(&state, .character("q"))
        #expect(press(&state, .character("y")) == [.quit])
    }

    @Test func cOnAnIncidentPicksAChecklistAndRecordsIntoItsTimeline() {
        var state = F.state()
        App.push(&state, .incident(F.incidentID))
        #expect(screen(state).contains("C checklist"))
        press(&state, .character("C"))
        #expect(state.input?.purpose == .runChecklist)
        let text = screen(state)
        #expect(text.contains("1 gate  2 red-flags  3 schema-change"))
        #expect(text.contains(" run checklist:"))
        type(&state, "nothing-like-it")
        press(&state, .enter)
        #expect(state.input != nil && state.message?.isError == true)
        press(&state, .control("u"))
        type(&state, "3")
        press(&state, .enter)
        let route = Route.checklistRun(name: "schema-change", incident: F.incidentID)
        #expect(state.route == route)
        #expect(screen(state).contains("into DB gone"))
        for _ in 0..<5 { press(&state, .character("y")) }
        #expect(press(&state, .enter) == [.perform(.recordChecklist(
            name: "schema-change", incident: F.incidentID,
            answers: Dictionary(uniqueKeysWithValues: F.schemaChange.items.map { ($0.id, .yes) }), notes: [:]))])
        // A name or the start of one picks it too.
        var byName = F.state()
        App.push(&byName, .incident(F.incidentID))
        press(&byName, .character("C"))
        type(&byName, "red")
        press(&byName, .enter)
        #expect(byName.route == .checklistRun(name: "red-flags", incident: F.incidentID))
    }

    @Test func theRunScreenFitsAtEverySize() {
        for (width, height) in [(80, 24), (100, 30), (120, 40)] {
            var state = F.running("red-flags", width: width, height: height)
            for key in "yynnnnnna" { press(&state, .character(key)) }
            let text = screen(state)
            #expect(fits(text, width: width, height: height), "\(width)x\(height)")
            #expect(verdictRow(state).contains("NO-GO: 2 red flags raised (agent-prod-access, no-staging)"), "\(width)x\(height)")
            #expect(text.contains("unknown-libraries"), "\(width)x\(height): every item is on screen")
        }
    }
}
