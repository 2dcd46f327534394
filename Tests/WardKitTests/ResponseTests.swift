import Foundation
import Testing
@testable import WardKit

/// A clock the test moves; the store reads it on every write.
private final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date
    init(_ date: Date) { self.date = date }
    var now: Date { lock.withLock { date } }
    func set(_ date: Date) { lock.withLock { self.date = date } }
}

/// An incident declared at `fixedNow` by ana (commander), with the clock then an hour later so that events can
/// be placed anywhere in that hour.
private struct Fixture {
    let dir = TemporaryDirectory()
    let clock = TestClock(fixedNow)
    let store: Store
    let id: String

    init(runbooks: [String: String] = [:]) throws {
        let clock = self.clock
        store = try makeStore(dir, now: { clock.now })
        for (name, text) in runbooks { dir.write("runbooks/\(name).md", text) }
        id = try store.declare(title: "Orders lost", severity: "SEV2", services: ["api"], commander: "ana").id
        clock.set(fixedNow.addingTimeInterval(3600))
    }

    var incident: Incident { store.loadIncident(id) }
    var state: IncidentState { incident.state }
    var timelinePath: String { "incidents/\(id)/timeline.jsonl" }
    var timeline: Data { dir.bytes(timelinePath) ?? Data() }
}

private func at(_ minutes: Double) -> Date { fixedNow.addingTimeInterval(minutes * 60) }

/// The message of a WardError, or "" for anything else.
private func message(_ error: any Error) -> String { (error as? WardError)?.message ?? "" }

@Suite struct ResponseTests {
    // MARK: Milestones and status

    @Test func aMilestoneOutOfOrderIsRefusedNamingBothTimes() throws {
        let f = try Fixture()
        _ = try f.store.setMilestone(f.incident, .impactStarted, at: at(-30))
        let before = f.timeline
        #expect {
            try f.store.setMilestone(f.incident, .mitigated, at: at(-40))
        } throws: {
            message($0).contains("mitigated (2026-11-23T02:34:07Z) cannot be before impact started (2026-11-23T02:44:07Z)")
                && message($0).contains("nothing was recorded")
        }
        #expect(f.timeline == before)
        #expect(f.state.milestones[.mitigated] == nil)
        // Between impact and detection is still before detection.
        #expect {
            try f.store.setMilestone(f.incident, .mitigated, at: at(-10))
        } throws: {
            message($0).contains("mitigated (2026-11-23T03:04:07Z) cannot be before detected (2026-11-23T03:14:07Z)")
        }
        #expect(f.timeline == before)
        let recorded = try f.store.setMilestone(f.incident, .mitigated, at: at(10))
        #expect(recorded.event?.at == at(10))
        #expect(f.state.milestones[.mitigated] == at(10))
    }

    @Test func anAcknowledgementBeforeTheDeclarationMovesTheImplicitDetection() throws {
        let f = try Fixture()
        #expect(f.state.milestones[.detected] == fixedNow)
        _ = try f.store.setMilestone(f.incident, .acknowledged, at: at(-8))
        #expect(f.state.milestones[.acknowledged] == at(-8))
        #expect(f.state.milestones[.detected] == at(-8))
        // An explicit detection after the acknowledgement is out of order.
        let before = f.timeline
        #expect {
            try f.store.setMilestone(f.incident, .detected, at: at(-2))
        } throws: {
            message($0).contains("acknowledged (2026-11-23T03:06:07Z) cannot be before detected (2026-11-23T03:12:07Z)")
        }
        #expect(f.timeline == before)
        #expect(f.state.milestones[.detected] == at(-8))
        // Before it is fine, and wins over the implicit time.
        _ = try f.store.setMilestone(f.incident, .detected, at: at(-9))
        #expect(f.state.milestones[.detected] == at(-9))
    }

    @Test func resolvingBeforeAnExplicitMitigationTimeIsRefused() throws {
        let f = try Fixture()
        _ = try f.store.setMilestone(f.incident, .mitigated, at: at(20))
        let before = f.timeline
        #expect {
            try f.store.setStatus(f.incident, to: .resolved, at: at(10))
        } throws: {
            message($0).contains("resolved (2026-11-23T03:24:07Z) cannot be before mitigated (2026-11-23T03:34:07Z)")
        }
        #expect(f.timeline == before)
        #expect(f.state.status == .investigating)
        // A time in the future (over a minute past the clock) is refused as well.
        #expect { try f.store.setStatus(f.incident, to: .resolved, at: at(62)) } throws: {
            message($0).contains("in the future")
        }
        #expect(f.timeline == before)
        _ = try f.store.setStatus(f.incident, to: .resolved, at: at(30))
        #expect(f.state.status == .resolved && f.state.milestones[.resolved] == at(30))
    }

    @Test func aStatusDatedBeforeTheLastStatusChangeIsRefused() throws {
        let f = try Fixture()
        _ = try f.store.setStatus(f.incident, to: .mitigated, at: at(20))
        #expect(f.state.milestones[.mitigated] == at(20))
        let before = f.timeline
        // Resolved before it was mitigated: read as history, it would make the later "mitigated" a reopening.
        #expect { try f.store.setStatus(f.incident, to: .resolved, at: at(10)) } throws: {
            message($0).contains("the status last changed at 2026-11-23T03:34:07Z (to mitigated); a change cannot be dated before it")
        }
        #expect(f.timeline == before)
        #expect(f.state.status == .mitigated && f.state.milestones[.resolved] == nil)
        // The same second as the last change, or later, is fine.
        _ = try f.store.setStatus(f.incident, to: .resolved, at: at(20))
        #expect(f.state.status == .resolved && f.state.milestones[.resolved] == at(20))
    }

    @Test func reopeningAResolvedIncidentNeedsAReasonAndClearsTheResolution() throws {
        let f = try Fixture()
        _ = try f.store.setStatus(f.incident, to: .mitigated, at: at(20))
        _ = try f.store.setStatus(f.incident, to: .resolved, at: at(30))
        #expect(f.state.milestones[.resolved] == at(30))
        let before = f.timeline
        for reason in [nil, "", "  \n "] {
            #expect {
                try f.store.setStatus(f.incident, to: .investigating, reason: reason)
            } throws: {
                message($0).contains("is resolved; reopening it needs a reason")
            }
        }
        #expect(f.timeline == before)
        #expect(f.state.status == .resolved)

        let recorded = try f.store.setStatus(f.incident, to: .monitoring, reason: " errors are back ")
        #expect(recorded.event?["reason"] == "errors are back")
        #expect(recorded.message == "\(f.id) is reopened: monitoring.")
        #expect(f.state.status == .monitoring)
        #expect(f.state.milestones[.resolved] == nil)
        #expect(f.state.milestones[.mitigated] == at(20))
        #expect(f.state.isActive)
    }

    @Test func aBackDatedStatusCannotSlipUnderAResolution() throws {
        let f = try Fixture()
        _ = try f.store.setStatus(f.incident, to: .mitigated, at: at(20))
        _ = try f.store.setStatus(f.incident, to: .resolved, at: at(30))
        let before = f.timeline
        // Monitoring at 25 minutes would sit under the resolution: refused, with the way to record a time.
        #expect { try f.store.setStatus(f.incident, to: .monitoring, at: at(25)) } throws: {
            message($0).contains("'ward incident time mitigated --at")
        }
        #expect(f.timeline == before)
        #expect(f.state.status == .resolved && f.state.milestones[.resolved] == at(30))
        // The time itself is recorded as a milestone instead, and the incident stays resolved.
        _ = try f.store.setMilestone(f.incident, .mitigated, at: at(24))
        #expect(f.state.status == .resolved)
        #expect(f.state.milestones[.resolved] == at(30) && f.state.milestones[.mitigated] == at(24))
    }

    // MARK: Roles

    @Test func assigningRolesHandsOverFreesAndRefusesBadNames() throws {
        let f = try Fixture()
        #expect(f.state.commander == "ana")
        let handover = try f.store.assign(f.incident, role: "commander", to: "bo")
        #expect(handover.message == "commander: ana handed over to bo.")
        #expect(handover.event?["role"] == "commander" && handover.event?["name"] == "bo")
        #expect(f.state.commander == "bo")

        let scribe = try f.store.assign(f.incident, role: " Scribe ", to: " chidi ")
        #expect(scribe.message == "chidi is now scribe.")
        #expect(f.state.roles["scribe"] == "chidi")

        let freed = try f.store.assign(f.incident, role: "scribe", to: "")
        #expect(freed.message == "chidi is no longer scribe.")
        #expect(freed.event?["name"] == "")
        #expect(f.state.roles == ["commander": "bo"])

        let before = f.timeline
        let again = try f.store.assign(f.incident, role: "scribe", to: "  ")
        #expect(again.event == nil && again.message == "Nobody is scribe; nothing recorded.")
        let same = try f.store.assign(f.incident, role: "commander", to: "bo")
        #expect(same.event == nil && same.message.contains("already commander"))

        for role in ["", "   ", "on call", "ops/lead", "x\ny", "<b>", "a.b", String(repeating: "r", count: 41)] {
            #expect(throws: WardError.self, "role \(role.debugDescription)") {
                try f.store.assign(f.incident, role: role, to: "dee")
            }
        }
        #expect { try f.store.assign(f.incident, role: "comms", to: "dee\nevil") } throws: {
            message($0).contains("one line")
        }
        #expect(f.timeline == before)
        _ = try f.store.assign(f.incident, role: String(repeating: "r", count: 40), to: "dee")
        _ = try f.store.assign(f.incident, role: "on-call_2", to: "eve")
        #expect(f.state.roles["on-call_2"] == "eve")
    }

    // MARK: Notes

    @Test func notesHideSecretsUnlessAskedToKeepThem() throws {
        let f = try Fixture()
        let text = "connect with postgres://admin:s3cretPass9@db.internal:5432/app then password=hunter2hunter2"
        let recorded = try f.store.addNote(f.incident, text: text)
        let stored = try #require(recorded.event?["text"])
        #expect(stored.contains("[REDACTED"))
        #expect(!stored.contains("s3cretPass9") && !stored.contains("hunter2hunter2"))
        #expect(stored.contains("postgres://admin:") && stored.contains("connect with"))
        #expect(recorded.redacted.count == 2)
        #expect(recorded.message.contains("Hid 2 secrets"))
        let onDisk = String(decoding: f.timeline, as: UTF8.self)
        #expect(!onDisk.contains("s3cretPass9") && !onDisk.contains("hunter2hunter2"))

        let kept = try f.store.addNote(f.incident, text: text, keepSecrets: true)
        #expect(kept.event?["text"] == text)
        #expect(kept.redacted.isEmpty && !kept.message.contains("Hid"))
        #expect(String(decoding: f.timeline, as: UTF8.self).contains("s3cretPass9"))
        #expect(f.state.noteCount == 2)
    }

    @Test func aTodoNoteBecomesAnActionItem() throws {
        let f = try Fixture()
        let recorded = try f.store.addNote(f.incident, text: "  TODO: rotate the key password=hunter2hunter2  ", key: true)
        let event = try #require(recorded.event)
        #expect(event.kind == "action")
        #expect(event["state"] == "open" && event["text"] == nil)
        #expect(event["title"] == "rotate the key password=[REDACTED password]")
        #expect(recorded.message.hasPrefix("Action item saved to \(f.id)"))
        let state = f.state
        #expect(state.noteCount == 0)
        #expect(state.actions.count == 1)
        let item = try #require(state.actions.first)
        #expect(item.id == event.id && item.title == "rotate the key password=[REDACTED password]")
        #expect(item.state == .open && item.owner == nil && item.createdBy == "ana@bastion-1")

        // A key note, back-dated; and "TODO:" with nothing after it is a plain note.
        let note = try f.store.addNote(f.incident, text: "TODO:", at: at(-5), key: true)
        #expect(note.event?.kind == "note" && note.event?.at == at(-5))
        #expect(f.state.noteCount == 1 && f.state.keyEventCount == 1 && f.state.actions.count == 1)
    }

    @Test func emptyAndOversizedNotesAreRefused() throws {
        let f = try Fixture()
        let before = f.timeline
        for text in ["", "   ", "\n\t \n"] {
            #expect { try f.store.addNote(f.incident, text: text) } throws: { message($0) == "the note is empty" }
        }
        #expect { try f.store.addNote(f.incident, text: String(repeating: "a", count: 64 * 1024 + 1)) } throws: {
            message($0).contains("keep notes under 64 KB")
        }
        #expect { try f.store.addNote(f.incident, text: String(repeating: "é", count: 40 * 1024)) } throws: {
            message($0).contains("64 KB")
        }
        #expect(f.timeline == before)
        let largest = try f.store.addNote(f.incident, text: String(repeating: "a", count: 64 * 1024))
        #expect(largest.event?["text"]?.utf8.count == 64 * 1024)
        #expect(f.state.noteCount == 1)
    }

    // MARK: Runbooks in the store

    @Test func aRunbookStartsOnce() throws {
        let f = try Fixture()
        let started = try f.store.startRunbook(f.incident)
        #expect(started.message.contains("phase 1 of 5, Disconnect"))
        let before = f.timeline
        #expect { try f.store.startRunbook(f.incident) } throws: { message($0).contains("already running") }
        #expect(f.timeline == before)
        #expect(f.state.runs.count == 1)
        #expect { try f.store.startRunbook(f.incident, name: "no-such") } throws: { message($0).contains("no runbook is named 'no-such'") }
    }

    @Test func nextIsRefusedWhileRequiredStepsAreOpenNamingExactlyThem() throws {
        let f = try Fixture()
        _ = try f.store.startRunbook(f.incident)
        _ = try f.store.setStep(f.incident, step: "stop-actor", to: .done)
        _ = try f.store.setStep(f.incident, step: "stop-writes", to: .skipped, reason: "already read-only")
        let before = f.timeline
        #expect {
            try f.store.nextPhase(f.incident)
        } throws: {
            message($0).contains("Disconnect has required steps still open: revoke-credentials, keep-evidence.")
        }
        #expect(f.timeline == before)
        #expect(f.state.currentRun?.current == 0)
        _ = try f.store.setStep(f.incident, step: "revoke-credentials", to: .done)
        _ = try f.store.setStep(f.incident, step: "keep-evidence", to: .done)
        let (moved, documents) = try f.store.nextPhase(f.incident)
        #expect(documents == nil)
        #expect(moved.message == "Disconnect done. Now phase 2 of 5: Assess.")
        #expect(f.state.currentRun?.currentPhase?.name == "Assess")
    }

    @Test func stepChangesAreChecked() throws {
        let f = try Fixture()
        _ = try f.store.startRunbook(f.incident)
        let before = f.timeline
        for reason in [nil, "", "   "] {
            #expect { try f.store.setStep(f.incident, step: "stop-actor", to: .skipped, reason: reason) } throws: {
                message($0).contains("skipping 'stop-actor' needs a reason")
            }
        }
        #expect { try f.store.setStep(f.incident, step: "stop-actor", to: .notApplicable) } throws: {
            message($0).contains("'stop-actor' cannot be marked not applicable")
        }
        #expect { try f.store.setStep(f.incident, step: "scope-damage", to: .done) } throws: {
            message($0).contains("'scope-damage' belongs to Assess") && message($0).contains("phase 1 of 5, Disconnect")
        }
        #expect { try f.store.setStep(f.incident, step: "no-such-step", to: .done) } throws: {
            message($0).contains("no step 'no-such-step'") && message($0).contains("stop-actor, revoke-credentials")
        }
        #expect(f.timeline == before)
        #expect(f.state.currentRun?.steps.isEmpty == true)

        let na = try f.store.setStep(f.incident, step: "pause-automation", to: .notApplicable, reason: "no scheduler")
        #expect(na.event?["state"] == "na" && na.event?["reason"] == "no scheduler")
        let skipped = try f.store.setStep(f.incident, step: "stop-actor", to: .skipped, reason: "it crashed")
        #expect(skipped.message == "stop-actor: skipped (it crashed).")
        #expect(f.state.currentRun?.state(of: "pause-automation") == .notApplicable)
        #expect(f.state.currentRun?.steps["stop-actor"]?.reason == "it crashed")
        // Setting a step to where it already is writes nothing.
        let same = try f.store.setStep(f.incident, step: "pause-automation", to: .notApplicable)
        #expect(same.event == nil)
    }

    @Test func goingBackIsChecked() throws {
        let f = try Fixture()
        _ = try f.store.startRunbook(f.incident)
        let before = f.timeline
        #expect { try f.store.backPhase(f.incident, reason: "why not") } throws: {
            message($0).contains("is in its first phase, Disconnect")
        }
        #expect(f.timeline == before)
        for step in ["stop-actor", "revoke-credentials", "stop-writes", "keep-evidence"] {
            _ = try f.store.setStep(f.incident, step: step, to: .done)
        }
        _ = try f.store.nextPhase(f.incident)
        let moved = f.timeline
        for reason in ["", "  \n"] {
            #expect { try f.store.backPhase(f.incident, reason: reason) } throws: { message($0).contains("needs a reason") }
        }
        #expect(f.timeline == moved)
        let back = try f.store.backPhase(f.incident, reason: "the actor came back")
        #expect(back.message == "Back to phase 1 of 5: Disconnect (the actor came back).")
        let run = try #require(f.state.currentRun)
        #expect(run.current == 0)
        #expect(run.moves.last?.back == true && run.moves.last?.reason == "the actor came back")
        // Steps already settled stay settled.
        #expect(run.openRequired(inPhase: 0).isEmpty)
    }

    @Test func walkingTheRecoveryRunbookWritesThePostmortemAndOneDecision() throws {
        let f = try Fixture()
        let recovery = try f.store.runbook(named: "recovery")
        #expect(recovery.phases.map(\.name) == ["Disconnect", "Assess", "Recover", "Prevent", "Document"])
        #expect(recovery.documentPhase == "Document")
        _ = try f.store.startRunbook(f.incident)
        var written: Documents?
        for (index, phase) in recovery.phases.enumerated() {
            for step in phase.steps where step.required {
                if step.id.count % 2 == 0 {
                    _ = try f.store.setStep(f.incident, step: step.id, to: .done, note: "checked")
                } else {
                    _ = try f.store.setStep(f.incident, step: step.id, to: .skipped, reason: "covered elsewhere")
                }
            }
            let (recorded, documents) = try f.store.nextPhase(f.incident)
            if index == 3 {
                written = documents
                #expect(documents != nil)
                #expect(recorded.message.contains("Now phase 5 of 5: Document."))
                #expect(f.state.currentRun?.currentPhase?.name == "Document")
            } else {
                #expect(documents == nil, "phase \(phase.name)")
            }
            if index == 4 { #expect(recorded.message.contains("runbook is finished")) }
        }
        #expect(f.state.currentRun?.isFinished == true)

        let documents = try #require(written)
        #expect(documents.postmortemPath == "incidents/\(f.id)/postmortem.md")
        #expect(documents.postmortemChange == "written")
        let postmortem = try #require(f.dir.read("incidents/\(f.id)/postmortem.md"))
        #expect(postmortem.contains("incident: \(f.id)"))
        #expect(postmortem.contains("<!-- ward:begin timeline -->"))
        let decision = try #require(documents.decision)
        #expect(documents.decisionCreated)
        #expect(decision.incidents == [f.id])
        #expect(decision.status == .proposed)
        #expect(f.store.loadDecisions().decisions.map(\.number) == [decision.number])
        #expect(f.state.decisions == [decision.number])

        let again = try f.store.writeDocuments(f.incident)
        #expect(!again.decisionCreated)
        #expect(again.decision?.number == decision.number)
        #expect(["unchanged", "refreshed"].contains(again.postmortemChange))
        #expect(f.store.loadDecisions().decisions.count == 1)
        #expect(f.state.decisions == [decision.number])
        let third = try f.store.writeDocuments(f.incident)
        #expect(third.postmortemChange == "unchanged")
        #expect(!third.decisionCreated && f.store.loadDecisions().decisions.count == 1)

        // Going back to Prevent and entering Document again refreshes the draft and keeps the one decision.
        _ = try f.store.backPhase(f.incident, reason: "the review is not done")
        _ = try f.store.backPhase(f.incident, reason: "one more safeguard")
        #expect(f.state.currentRun?.currentPhase?.name == "Prevent")
        let (_, reentered) = try f.store.nextPhase(f.incident)
        let documentsAgain = try #require(reentered)
        #expect(documentsAgain.postmortemChange == "refreshed")
        #expect(!documentsAgain.decisionCreated && documentsAgain.decision?.number == decision.number)
        #expect(f.store.loadDecisions().decisions.count == 1)
        #expect(f.dir.allFiles().filter { $0.hasPrefix("incidents/") && $0.hasSuffix("postmortem.md") }.count == 1)
    }

    struct BrokenRunbook: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var says: String
        var testDescription: String { name }
    }

    static let brokenRunbooks = [
        BrokenRunbook(name: "a step without an id", text: """
        ---
        title: Broken
        ---

        ## Disconnect

        - [ ] ok: Fine {required}
        - [ ] no id on this line
        """, line: 8, says: "has no id"),
        BrokenRunbook(name: "a phase twice", text: """
        ---
        title: Broken
        ---

        ## One

        - [ ] a: A

        ## one

        - [ ] b: B
        """, line: 9, says: "appears twice"),
        BrokenRunbook(name: "document-phase naming a missing phase", text: """
        ---
        title: Broken
        summary: s
        document-phase: Write
        ---

        ## One

        - [ ] a: A
        """, line: 4, says: "'document-phase' names 'Write'"),
        BrokenRunbook(name: "a step id used twice", text: """
        ---
        title: Broken
        ---

        ## One

        - [ ] a: A

        ## Two

        - [ ] a: Again
        """, line: 11, says: "used twice"),
    ]

    @Test(arguments: brokenRunbooks)
    func aBrokenStoreRunbookIsRefusedWithItsPathAndLine(_ broken: BrokenRunbook) throws {
        let f = try Fixture(runbooks: ["recovery": broken.text])
        let before = f.timeline
        let error = try #require(throws: WardError.self) { try f.store.startRunbook(f.incident) }
        #expect(error.path == "runbooks/recovery.md")
        #expect(error.line == broken.line)
        #expect(error.message.contains(broken.says))
        #expect(f.timeline == before)
        #expect(f.state.runs.isEmpty)
    }

    @Test func eightRespondersMarkingStepsAtOnceAreAllKept() throws {
        let steps = (1...8).map { "- [ ] w\($0): Step \($0) {required}" }.joined(separator: "\n")
        let f = try Fixture(runbooks: ["wide": "---\ntitle: Wide\n---\n\n## Everyone\n\n\(steps)\n\n## After\n\n- [ ] wrap: Wrap up\n"])
        _ = try f.store.startRunbook(f.incident, name: "wide")
        let root = f.dir.url, id = f.id
        let errors = Errors()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let store = try Store(root: root, author: "r\(index)@host", now: { fixedNow.addingTimeInterval(3600) })
                _ = try store.setStep(store.loadIncident(id), run: "wide", step: "w\(index + 1)", to: .done)
            } catch {
                errors.add("\(index): \(error)")
            }
        }
        #expect(errors.all.isEmpty)
        let run = try #require(f.state.run(named: "wide"))
        for step in 1...8 { #expect(run.state(of: "w\(step)") == .done, "w\(step)") }
        #expect(Set(run.steps.values.map(\.by)) == Set((0..<8).map { "r\($0)@host" }))

        let data = f.timeline
        #expect(data.last == UInt8(ascii: "\n"))
        let journal = Journal(data: data, path: f.timelinePath)
        #expect(journal.problems.isEmpty && !journal.tornTail)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == journal.events.count)
        for line in lines { #expect(throws: Never.self) { try Event(jsonLine: line) } }
        #expect(journal.events.filter { $0.kind == "step" }.count == 8)
        let (moved, _) = try f.store.nextPhase(f.incident, run: "wide")
        #expect(moved.message.contains("Now phase 2 of 2: After"))
    }

    // MARK: Post-mortem drafts

    static let handWritten = """
    ---
    incident: x
    title: T
    ---

    Intro, written by a person.

    <!-- ward:begin durations -->
    old durations
    <!-- ward:end durations -->

    Between the blocks, by a person.
    <!-- ward:begin action_items -->
    - [ ] old item
    <!-- ward:end action_items -->
    ## Timeline

    <!-- ward:begin timeline -->
    - 03:14 old line
    - 03:15 another old line
    <!-- ward:end timeline -->

    After everything, by a person.

    """

    static let newBlocks = Dictionary(uniqueKeysWithValues: PostmortemDraft.blockNames.map { ($0, "NEW \($0)\nsecond line of \($0)") })

    @Test func refreshingReplacesOnlyTheBlocksStillThere() throws {
        let refreshed = try PostmortemDraft.refresh(Self.handWritten, blocks: Self.newBlocks)
        let expected = """
        ---
        incident: x
        title: T
        ---

        Intro, written by a person.

        <!-- ward:begin durations -->
        NEW durations
        second line of durations
        <!-- ward:end durations -->

        Between the blocks, by a person.
        <!-- ward:begin action_items -->
        NEW action_items
        second line of action_items
        <!-- ward:end action_items -->
        ## Timeline

        <!-- ward:begin timeline -->
        NEW timeline
        second line of timeline
        <!-- ward:end timeline -->

        After everything, by a person.

        """
        #expect(refreshed == expected)
        // Blocks whose markers people deleted stay deleted.
        for name in ["runbook", "checklists", "responders"] {
            #expect(!refreshed.contains("ward:begin \(name)") && !refreshed.contains("NEW \(name)"))
        }
        #expect(try PostmortemDraft.refresh(refreshed, blocks: Self.newBlocks) == refreshed)
        // A block with only its begin marker left is refused, with its line: nothing is guessed.
        let halfDeleted = Self.handWritten.replacingOccurrences(of: "<!-- ward:end durations -->\n", with: "")
        #expect { try PostmortemDraft.refresh(halfDeleted, blocks: Self.newBlocks, path: "pm.md") } throws: { error in
            let error = error as? WardError
            return error?.path == "pm.md" && error?.line != nil && error?.message.contains("without its pair") == true
        }
    }

    @Test func markersQuotedInProseOrCodeAreText() throws {
        let text = """
        ## Summary

        Ward rewrites what follows `<!-- ward:begin timeline -->` on its own line.

        ```
        <!-- ward:begin timeline -->
        an example, not a block
        <!-- ward:end timeline -->
        ```

        ~~~~markdown
        <!-- ward:end timeline -->
        ~~~~

        ## Timeline

        <!-- ward:begin timeline -->
        old
        <!-- ward:end timeline -->

        The end, by a person.
        """
        let refreshed = try PostmortemDraft.refresh(text, blocks: ["timeline": "NEW"])
        #expect(refreshed == text.replacingOccurrences(of: "<!-- ward:begin timeline -->\nold\n", with: "<!-- ward:begin timeline -->\nNEW\n"))
        #expect(refreshed.contains("an example, not a block"))
    }

    @Test(arguments: [
        ("<!-- ward:begin timeline -->\na\n<!-- ward:end timeline -->\n<!-- ward:begin timeline -->\nb\n<!-- ward:end timeline -->\n", 4, "more than once"),
        ("<!-- ward:end timeline -->\na\n<!-- ward:begin timeline -->\n", 1, "ends before it begins"),
        ("<!-- ward:begin a -->\n<!-- ward:begin b -->\n<!-- ward:end a -->\n<!-- ward:end b -->\n", 2, "overlap"),
    ])
    func markersThatCannotBeTrustedAreRefused(text: String, line: Int, says: String) {
        #expect { try PostmortemDraft.refresh(text, blocks: ["timeline": "X", "a": "X", "b": "X"]) } throws: { error in
            let error = error as? WardError
            return error?.line == line && error?.message.contains(says) == true
        }
    }

    @Test func aRefreshKeepsTheFilesLineEndsAndByteOrderMark() throws {
        let f = try Fixture()
        let (path, _) = try f.store.draftPostmortem(f.incident)
        let lf = try #require(f.dir.read(path))
        let crlf = "\u{FEFF}" + lf.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "## Summary\r\n", with: "## Summary\r\n\r\nBy a person.\r\n")
        f.dir.write(path, crlf)
        _ = try f.store.addNote(f.incident, text: "a new event")
        #expect(try f.store.draftPostmortem(f.incident).change == "refreshed")
        let bytes = try #require(f.dir.bytes(path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line still ends in CRLF")
        #expect(text.contains("By a person.\r\n") && text.contains("a new event"))
    }

    @Test func aPublishedPostmortemIsLeftAsItIs() throws {
        let f = try Fixture()
        let (path, _) = try f.store.draftPostmortem(f.incident)
        let published = try #require(f.dir.read(path)).replacingOccurrences(of: "status: draft", with: "status: published")
        f.dir.write(path, published)
        _ = try f.store.addNote(f.incident, text: "after publication")
        #expect { try f.store.draftPostmortem(f.incident) } throws: { ($0 as? WardError)?.message.contains("is published") == true }
        #expect(f.dir.read(path) == published)
    }

    /// The text between a block's markers.
    static func block(_ name: String, in text: String) -> Substring? {
        guard let begin = text.range(of: "<!-- ward:begin \(name) -->"),
              let end = text.range(of: "<!-- ward:end \(name) -->", range: begin.upperBound..<text.endIndex) else { return nil }
        return text[begin.upperBound..<end.lowerBound]
    }

    /// The lines outside the generated blocks.
    static func humanLines(_ text: String) -> [String] {
        var inside = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("<!-- ward:begin ") { inside = true; continue }
            if line.hasPrefix("<!-- ward:end ") { inside = false; continue }
            if !inside { lines.append(String(line)) }
        }
        return lines
    }

    @Test func aNoteCannotBreakOutOfTheTimelineBlock() throws {
        let f = try Fixture()
        _ = try f.store.addNote(f.incident, text: "first line\n<!-- ward:end timeline -->\n## Injected\n<!-- ward:begin timeline -->\nlast -->", at: at(1))
        let (path, change) = try f.store.draftPostmortem(f.incident)
        #expect(change == "written")
        var text = try #require(f.dir.read(path))
        #expect(text.components(separatedBy: "<!-- ward:end timeline -->").count == 2)
        #expect(text.components(separatedBy: "<!-- ward:begin timeline -->").count == 2)
        #expect(!text.contains("\n## Injected"))
        #expect(text.contains("first line"))
        // Inside the block, recorded text forms no comment marker at all.
        let block = try #require(Self.block("timeline", in: text))
        #expect(!block.contains("<!--") && !block.contains("-->"))
        #expect(block.split(separator: "\n").count == 2, "one line per event: the declaration and the note")

        // People write around the blocks, and more happens.
        text = text.replacingOccurrences(of: "## Summary\n", with: "## Summary\n\nThe orders table was emptied.\n")
        text += "\nA closing remark, by a person.\n"
        f.dir.write(path, text)
        let human = Self.humanLines(text)
        _ = try f.store.addNote(f.incident, text: "second <!-- ward:end timeline -->\n-->\n<!--", at: at(2))
        #expect(try f.store.draftPostmortem(f.incident).change == "refreshed")
        let refreshed = try #require(f.dir.read(path))
        #expect(Self.humanLines(refreshed) == human)
        #expect(refreshed.contains("second"))
        #expect(refreshed.components(separatedBy: "<!-- ward:end timeline -->").count == 2)
        #expect(try f.store.draftPostmortem(f.incident).change == "unchanged")
        #expect(f.dir.read(path) == refreshed)
    }

    @Test
    func anActionItemsDueCannotBreakOutOfItsBlock() throws {
        let f = try Fixture()
        let item = try #require(try f.store.addNote(f.incident, text: "TODO: restore drill").event)
        // The journal is a public format: another tool (or a merge) may write any string as `due`.
        try f.store.record("action", ["action": .string(item.id), "due": .string("soon <!-- ward:end action_items --> -->")], in: f.id)
        #expect(f.state.actions.first?.due == "soon <!-- ward:end action_items --> -->")
        let (path, first) = try f.store.draftPostmortem(f.incident)
        #expect(first == "written")
        let written = try #require(f.dir.read(path))
        #expect(written.components(separatedBy: "<!-- ward:end action_items -->").count == 2)
        let second = try f.store.draftPostmortem(f.incident)
        #expect(second.change == "unchanged")
    }

    // MARK: The note line

    @Test func theNoteLineReadsTimeStarAndText() throws {
        let utc = TimeZone(identifier: "UTC")!
        func parse(_ line: String) throws -> NoteLine { try NoteLine.parse(line, now: fixedNow, timeZone: utc) }
        let clock = Timestamps.parseISO("2026-11-23T03:10:00Z")!

        #expect(try parse("-5m text") == NoteLine(at: at(-5), key: false, text: "text"))
        #expect(try parse("-1h30m text") == NoteLine(at: at(-90), key: false, text: "text"))
        #expect(try parse("03:10 text") == NoteLine(at: clock, key: false, text: "text"))
        #expect(try parse("03:10:07 text") == NoteLine(at: clock.addingTimeInterval(7), key: false, text: "text"))
        #expect(try parse("* text") == NoteLine(at: nil, key: true, text: "text"))
        #expect(try parse("*text") == NoteLine(at: nil, key: false, text: "*text"), "a star needs a space: *nix is text")
        #expect(try parse("-5m * text") == NoteLine(at: at(-5), key: true, text: "text"))
        #expect(try parse("* 03:10 text") == NoteLine(at: clock, key: true, text: "text"))
        #expect(try parse("  plain words  ") == NoteLine(at: nil, key: false, text: "plain words"))
        // A clock time later than now is yesterday's.
        #expect(try parse("23:50 late").at == Timestamps.parseISO("2026-11-22T23:50:00Z"))

        let todo = try parse("TODO: x")
        #expect(todo.todo == "x" && todo.at == nil && !todo.key && todo.text == "TODO: x")
        #expect(try parse("* -5m todo: call the vendor").todo == "call the vendor")
        #expect(try parse("TODO:").todo == nil)
        #expect(try parse("TODOs are fine").todo == nil)

        #expect(throws: WardError.self) { try parse("25:99 text") }
        #expect(throws: WardError.self) { try parse("* 24:00 text") }
        #expect(try parse("-5 minutes ago") == NoteLine(at: nil, key: false, text: "-5 minutes ago"))
        #expect(try parse("12:30pm lunch") == NoteLine(at: nil, key: false, text: "12:30pm lunch"))
        #expect(try parse("3:10 text") == NoteLine(at: nil, key: false, text: "3:10 text"))
        #expect(try parse("-m text") == NoteLine(at: nil, key: false, text: "-m text"))
        // Only the first time counts; a second one is text.
        #expect(try parse("-5m -3m text") == NoteLine(at: at(-5), key: false, text: "-3m text"))
    }
}

private final class Errors: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ error: String) { lock.withLock { list.append(error) } }
    var all: [String] { lock.withLock { list } }
}

extension ResponseTests {
    @Test func doctorNamesRunbookEventsWardHasToIgnore() throws {
        let f = try Fixture()
        let phases: JSONValue = .array([.object(["name": .string("A"), "steps": .array([.object(["id": .string("x<!--"), "text": .string("t")])])])])
        let start = try f.store.record("runbook", ["runbook": .string("odd"), "title": .string("Odd"), "phases": phases], in: f.id)
        let stray = try f.store.record("step", ["runbook": .string("never"), "step": .string("a"), "state": .string("done")], in: f.id)
        let report = Doctor(store: f.store).run()
        let messages = report.problems.filter { $0.path == f.timelinePath }.map(\.message)
        #expect(messages.contains { $0.contains("event \(start.id) starts a runbook whose definition cannot be read") })
        #expect(messages.contains { $0.contains("event \(stray.id) (step) belongs to a runbook 'never' that was never started") })
        #expect(report.errorCount == 0, "ignored events are warnings, not errors")
    }
}
