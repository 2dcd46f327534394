import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// A decision's screen: every link whichever side wrote it, the supersede chain both ways, and its history.
@Suite struct DecisionDetailTests {
    static let q7wz = "2026-03-17-production-database-deleted-by-a-coding-agent-q7wz"
    static let file6 = "0006-archive-wal-continuously-for-point-in-time-recovery.md"

    func open(_ number: Int, _ state: AppState) -> AppState {
        var state = state
        state.stack = [.dashboard, .decisions, .decision(number)]
        return state
    }

    @Test func typedLinksShowWithTheirLabelsOnBothRecords() {
        // 0007 amends 0003 and clarifies 0004; neither 0003 nor 0004 says so back. 0009 "blocks" 0002.
        let state = open(7, demoState { snapshot in
            snapshot.changeDecision(7) { $0.links += [DecisionLink("amends", 3), DecisionLink("clarifies", 4)] }
            snapshot.changeDecision(9) { $0.links.append(DecisionLink("blocks", 2)) }
        })
        let labels = Rows.decisionLinks(state.snapshot.decision(7)!, in: state.snapshot).map { "\($0.label) \($0.route)" }
        #expect(labels == ["Relates to decision(5)", "Relates to decision(8)", "Amends decision(3)", "Clarifies decision(4)",
                           "Incident incident(\"\(Self.q7wz)\")"])
        var text = screen(state)
        #expect(fits(text))
        #expect(text.contains("── Links · ⏎ follows (tab)"))
        #expect(text.contains("Relates to    0005 Coding agents never hold production credentials"))
        #expect(text.contains("Amends        0003 Rely on daily provider snapshots for database backups"))
        #expect(text.contains("Clarifies     0004 Keep decision records in MADR 4"))
        // The other side, from what 0007 and 0009 say.
        text = screen(open(3, state))
        #expect(text.contains("Superseded by 0006 Archive WAL continuously for point-in-time recovery"))
        #expect(text.contains("Amended by    0007 Staging mirrors production, with masked production data"))
        #expect(screen(open(4, state)).contains("Clarified by  0007 Staging mirrors production"))
        #expect(screen(open(2, state)).contains("Blocks (from) 0009 Make schema changes by hand in the SQL console"))
        // Tab, down to the typed link, Enter follows it.
        var walk = state
        press(&walk, .tab, .character("j"), .character("j"), .enter)
        #expect(walk.route == .decision(3))
    }

    @Test func incidentsWhoseTimelineRecordsTheDecisionAreLinkedToo() {
        // 0005 no longer names the incident, but the incident's timeline still records it.
        var state = open(5, demoState { snapshot in snapshot.changeDecision(5) { $0.incidents = [] } })
        #expect(demoSnapshot.incident(Self.q7wz)!.state.decisions.contains(5))
        let text = screen(state)
        #expect(fits(text))
        #expect(text.contains("Recorded in   2026-03-17 Production database deleted by a coding agent"), "\(text)")
        #expect(!text.contains("Incident      2026-03-17"))
        press(&state, .tab, .character("G"), .enter)
        #expect(state.route == .incident(Self.q7wz))
        // When the record names it, it is listed once, as the incident it came from.
        let named = screen(open(5, demoState()))
        #expect(named.contains("Incident      2026-03-17 Production database deleted by a coding agent"))
        #expect(!named.contains("Recorded in"))
    }

    @Test func theChainWalksBothWaysEvenWhenOnlyOneSideSaysSo() {
        // 0010 forgets that it supersedes 0006, 0003 that 0006 superseded it: the other side still says so.
        var state = open(3, demoState { snapshot in
            snapshot.changeDecision(10) { $0.supersedes = [] }
            snapshot.changeDecision(3) { $0.supersededBy = [] }
        })
        #expect(screen(state).contains("chain: 0003 → 0006 → 0010"))
        press(&state, .character("]"))
        #expect(state.route == .decision(6))
        press(&state, .character("]"))
        #expect(state.route == .decision(10))
        #expect(screen(state).contains("Supersedes    0006 Archive WAL continuously"))
        press(&state, .character("["))
        #expect(state.route == .decision(6))
        press(&state, .character("["))
        #expect(state.route == .decision(3))
        press(&state, .character("["))
        #expect(state.route == .decision(3))
        #expect(state.message?.text == "Decision 3 supersedes nothing.")
        #expect(state.stack == [.dashboard, .decisions, .decision(3)], "the chain replaces the screen, it does not pile up")
    }

    func withHistory() -> AppState {
        let day = { (text: String) in Timestamps.parseISO(text)! }
        return open(6, demoState { snapshot in
            snapshot.decisionHistory[Self.file6] = [
                DecisionHistoryEntry(at: day("2026-03-26T15:00:00Z"), by: "bo@bastion", file: Self.file6, what: "created, proposed", fromGit: false),
                DecisionHistoryEntry(at: day("2026-03-27T09:12:00Z"), by: "Bo Chen", file: Self.file6,
                                     what: "commit 1a2b3c4: Accept ADR 6 (status accepted)", fromGit: true),
                DecisionHistoryEntry(at: day("2026-05-04T15:00:00Z"), by: "bo@bastion", file: Self.file6,
                                     what: "status accepted → superseded by 10", fromGit: false),
            ]
        })
    }

    @Test func theHistoryPaneListsChangesNewestFirstAndMarksGitOnes() {
        var state = withHistory()
        let text = screen(state)
        #expect(fits(text), "\(text)")
        #expect(text.contains("── History · newest first (tab)"))
        let newest = "2026-05-04 15:00  ward  bo@bastion  status accepted → superseded by 10"
        let git = "2026-03-27 09:12  git   Bo Chen     commit 1a2b3c4: Accept ADR 6"
        let oldest = "2026-03-26 15:00  ward  bo@bastion  created, proposed"
        #expect(appears(text, newest, before: git), "\(text)")
        #expect(appears(text, git, before: oldest))
        // Below the links, which keep their place; the record keeps the most room.
        #expect(appears(text, "── Links", before: "── History"))
        #expect(text.contains("Incident      2026-03-17 Production database deleted by a coding agent"))
        let panes = Detail.decisionPanes(state.snapshot.decision(6)!, state)
        #expect(panes.order == [.record, .links, .history])
        #expect(panes.textHeight >= 8)
        // Tab reaches it; Enter there opens nothing.
        press(&state, .tab, .tab)
        #expect(screen(state).contains("── History · newest first ◂"))
        press(&state, .character("j"), .enter)
        #expect(state.route == .decision(6))
        #expect(state.cursor(state.route).selected == 1)
        press(&state, .tab)
        #expect(screen(state).contains("── Record ◂"))
    }

    @Test func aRecordWithoutHistoryHasNoHistoryPane() {
        let state = open(6, demoState())
        #expect(!screen(state).contains("History"))
        #expect(Detail.decisionPanes(state.snapshot.decision(6)!, state).order == [.record, .links])
    }

    @Test func everyDecisionScreenFitsWithLinksAndHistory() {
        for number in demoSnapshot.decisions.map(\.number) {
            let state = open(number, withHistory())
            #expect(fits(screen(state)), "decision \(number)")
        }
    }

    /// The snapshot reads the decision journal and git's log when it loads, into one table by file name.
    @Test func theSnapshotLoadsTheHistoryFromTheJournalAndGit() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-tui-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Store.create(at: root, name: "History")
        let store = try Store(root: root, author: "ana@bastion-1")
        func git(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=Ana Git", "-c", "user.email=a@x", "-c", "init.defaultBranch=main"] + arguments
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
        }
        try git("init", "-q")
        let decision = try store.newDecision(title: "Use one database role per batch job")
        try git("add", "-A")
        try git("commit", "-qm", "Propose ADR 1")
        try store.setDecisionStatus(decision.number, to: .accepted)
        try git("commit", "-qam", "Accept ADR 1")

        let snapshot = Snapshot.load(store)
        let history = snapshot.decisionHistory[decision.fileName] ?? []
        #expect(history.filter { !$0.fromGit }.map(\.what) == ["created, proposed", "status proposed → accepted"])
        #expect(history.contains { $0.fromGit && $0.by == "Ana Git" && $0.what.contains("Accept ADR 1") })
        var state = AppState(snapshot: snapshot, width: 100, height: 40, now: Date())
        state.stack = [.dashboard, .decisions, .decision(decision.number)]
        let text = screen(state)
        #expect(fits(text, width: 100, height: 40))
        #expect(lines(text, containing: "git   Ana Git").count == 2, "\(text)")
        #expect(text.contains("ward  ana@bastion-1  status proposed → accepted"))
    }
}
