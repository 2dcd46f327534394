import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// Recorded checklist runs: the history list and its filter, a run's own screen, the red flags on the
/// dashboard until a later run clears them, the last verdict in the library, and the global search.
@Suite struct ChecklistHistoryTests {
    typealias F = ChecklistFixture

    /// Four runs: schema-change NO-GO then GO, red flags raised inside an incident, and a gate run with a note.
    static let schemaNoGo = F.run(F.schemaChange, ["backup-verified": .yes, "staging-tested": .no, "rollback-written": .yes,
                                                   "peer-reviewed": .yes, "row-counts-checked": .yes],
                                  notes: ["staging-tested": "staging copy predates the accounts split"], minutes: 300, by: "emeka@laptop")
    static let schemaGo = F.run(F.schemaChange, Dictionary(uniqueKeysWithValues: F.schemaChange.items.map { ($0.id, .yes) }),
                                minutes: 240, by: "emeka@laptop", line: 2)
    static let flagsRaised = F.run(F.redFlags, Dictionary(uniqueKeysWithValues: F.redFlags.items.map {
        ($0.id, ["agent-prod-access", "no-staging"].contains($0.id) ? .yes : .no)
    }), minutes: 120, by: "ana@laptop", incident: F.incidentID, line: 7)
    static let gate = F.run(F.gate, F.gateAnswers(["peer-reviewed": .no]), notes: ["peer-reviewed": "bo is on leave; read by the author only"],
                            minutes: 30, by: "chidi@box")
    static let runs = [schemaNoGo, schemaGo, flagsRaised, gate]

    func historyRows(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.contains("2026-11-25 ") }
    }

    @Test func theHistoryListsEveryRunNewestFirst() {
        var state = F.state(runs: Self.runs)
        press(&state, .character("5"), .character("H"))
        #expect(state.route == .checklistHistory(name: nil))
        let text = screen(state)
        #expect(fits(text))
        #expect(text.contains("[f] text: -  [x] clear   4 runs, 2 NO-GO"))
        #expect(text.contains(" WHEN              RESULT  CHECKLIST          BY         FAILED · INCIDENT"))
        let rows = historyRows(text)
        #expect(rows.count == 4)
        #expect(rows[0].contains("2026-11-25 09:00  GO      Release gate       chidi"))
        #expect(rows[1].contains("2026-11-25 07:30  NO-GO   Red flags          ana        ⚑ agent-prod-access, n"))
        #expect(rows[2].contains("2026-11-25 05:30  GO      Schema change      emeka"))
        #expect(rows[3].contains("2026-11-25 04:30  NO-GO   Schema change      emeka      staging-tested"))
        #expect(text.contains("⏎ open · f filter · x clear · esc back"))
        // Wider, who is shown with the host.
        var wide = F.state(runs: Self.runs, width: 120, height: 40)
        press(&wide, .character("5"), .character("H"))
        #expect(fits(screen(wide), width: 120, height: 40))
        #expect(screen(wide).contains("2026-11-25 09:00  GO      Release gate               chidi@box"))
        #expect(screen(wide).contains("emeka@laptop       staging-tested"))
        #expect(screen(wide).contains("⚑ agent-prod-access, no-staging · DB gone"))
    }

    @Test func aChecklistsDefinitionOpensItsOwnHistory() {
        var state = F.state(runs: Self.runs)
        press(&state, .character("5"))
        let row = Rows.definitions(state).firstIndex { $0.name == "schema-change" }!
        for _ in 0..<row { press(&state, .character("j")) }
        press(&state, .enter, .character("H"))
        #expect(state.route == .checklistHistory(name: "schema-change"))
        let text = screen(state)
        #expect(text.contains("2 runs, 1 NO-GO   of schema-change"))
        #expect(historyRows(text).count == 2)
        #expect(!text.contains("Release gate"))
    }

    @Test func theFilterNarrowsByWhatWentWrongWhoAndNotes() {
        var state = F.state(runs: Self.runs)
        press(&state, .character("5"), .character("H"), .character("f"))
        #expect(state.input?.purpose == .historyFilter)
        type(&state, "staging")
        // Live as typed: the NO-GO schema run (its failed item, its note) and the red flags run (no-staging raised);
        // the GO schema run, whose staging-tested was fine, is not.
        var rows = ChecklistHistory.rows(state, name: nil)
        #expect(rows.map(\.id) == [Self.flagsRaised.id, Self.schemaNoGo.id])
        #expect(screen(state).contains(" filter: staging"))
        press(&state, .enter)
        #expect(state.input == nil)
        #expect(screen(state).contains("[f] text: staging"))
        // A note's words; who; the incident's title; the result.
        for (query, expected) in [("leave", [Self.gate.id]), ("emeka", [Self.schemaGo.id, Self.schemaNoGo.id]),
                                  ("db gone", [Self.flagsRaised.id]), ("no-go schema", [Self.schemaNoGo.id])] {
            state.historyFilter = query
            rows = ChecklistHistory.rows(state, name: nil)
            #expect(rows.map(\.id) == expected, "\(query)")
        }
        state.historyFilter = "nothing matches this"
        #expect(screen(state).contains("No run matches. x clears the filter."))
        press(&state, .character("x"))
        #expect(state.historyFilter.isEmpty && ChecklistHistory.rows(state, name: nil).count == 4)
    }

    @Test func enterOpensARunWithEveryAnswerAndItsNote() {
        var state = F.state(runs: Self.runs)
        press(&state, .character("5"), .character("H"), .character("G"), .enter)
        #expect(state.route == .recordedRun(Self.schemaNoGo.id))
        let text = screen(state)
        #expect(fits(text))
        #expect(text.contains("Schema change  run \(Self.schemaNoGo.shortID)"))
        #expect(text.contains("NO-GO  ·  emeka@laptop  ·  2026-11-25 04:30 UTC (5h ago)"))
        #expect(text.contains("NO-GO: 1 failed (staging-tested)"))
        #expect(text.contains("Ran by    emeka@laptop  on 2026-11-25 04:30 UTC"))
        #expect(text.contains("Incident  none: run on its own"))
        #expect(text.contains("Recorded  checklists/runs/schema-change.jsonl:1"))
        #expect(text.contains("Answers (5)"))
        #expect(text.contains("  no   * staging-tested"))
        #expect(text.contains("answered no (required): NO-GO"))
        #expect(text.contains("note: staging copy predates the accounts split"))
        // A run made inside an incident names it, and Enter opens it.
        press(&state, .escape, .character("g"), .character("j"), .enter)
        #expect(state.route == .recordedRun(Self.flagsRaised.id))
        let inside = screen(state)
        #expect(inside.contains("Incident  DB gone  (⏎ opens it)"))
        #expect(inside.contains("Recorded  incidents/\(F.incidentID)/timeline.jsonl:7"))
        #expect(inside.contains("⚑ yes ⚑ agent-prod-access"))
        #expect(inside.contains("⏎ incident"))
        press(&state, .enter)
        #expect(state.route == .incident(F.incidentID))
    }

    @Test func aRunsTextScrolls() {
        var state = F.state(runs: Self.runs)
        state.stack = [.dashboard, .checklistHistory(name: nil)]
        App.push(&state, .recordedRun(Self.flagsRaised.id))
        let before = screen(state)
        press(&state, .character("G"))
        let after = screen(state)
        #expect(before != after)
        #expect(after.contains("unknown-libraries"))
        #expect(fits(after))
    }

    @Test func aRaisedRedFlagShowsOnTheDashboardUntilALaterRunClearsIt() {
        var state = F.state(runs: Self.runs)
        var text = screen(state)
        #expect(text.contains("── Checklists · ⚑ 2 red flags raised"))
        #expect(text.contains("⚑ Red flags: agent-prod-access, no-staging (Red flags, run 2h ago by ana)"))
        // First in its panel, so it shows however many checklists there are; Enter opens the run.
        #expect(appears(text, "⚑ Red flags: agent-prod-access", before: "checklist Release gate"))
        press(&state, .tab, .tab)
        #expect(state.pane[.dashboard] == 2 && state.cursor(.dashboard).selected == 0)
        press(&state, .enter)
        #expect(state.route == .recordedRun(Self.flagsRaised.id))

        // A later run of the same checklist with no flag clears it.
        let cleared = F.run(F.redFlags, Dictionary(uniqueKeysWithValues: F.redFlags.items.map { ($0.id, .no) }), minutes: 10)
        var later = F.state(runs: Self.runs + [cleared])
        text = screen(later)
        #expect(!text.contains("⚑ Red flags:"))
        #expect(!text.contains("red flags raised"))
        #expect(text.contains("checklist Red flags  9 items  · last GO 10m ago"))
        // A later run that raises only one flag shows that one.
        let oneFlag = F.run(F.redFlags, Dictionary(uniqueKeysWithValues: F.redFlags.items.map { ($0.id, $0.id == "no-staging" ? .yes : .no) }),
                            minutes: 5, by: "bo@x")
        _ = App.update(&later, .loaded(F.snapshot(runs: Self.runs + [cleared, oneFlag])))
        text = screen(later)
        #expect(text.contains("⚑ Red flags: no-staging (Red flags, run 5m ago by bo)"))
        #expect(text.contains("── Checklists · ⚑ 1 red flag raised"))
    }

    @Test func theLibraryShowsEachChecklistsLastVerdict() {
        var state = F.state(runs: Self.runs)
        press(&state, .character("5"))
        let text = screen(state)
        #expect(text.contains("checklist  gate                      Release gate  last GO 30m ago  (this stor"))
        #expect(text.contains("checklist  red-flags                 Red flags  last NO-GO 2h ago  (built in)"))
        #expect(text.contains("checklist  schema-change             Schema change  last GO 4h ago  (built in)"))
        #expect(text.contains("r run checklist · H run history"))
    }

    @Test func theGlobalSearchFindsARunsNote() throws {
        var state = F.state(runs: Self.runs)
        press(&state, .character("/"))
        type(&state, "accounts split")
        let result = try #require(state.search.results.first)
        #expect(result.group == "Checklist runs")
        #expect(result.route == .recordedRun(Self.schemaNoGo.id))
        #expect(result.text == "staging-tested: staging copy predates the accounts split")
        #expect(screen(state).contains("Checklist runs"))
        press(&state, .enter)
        #expect(state.route == .recordedRun(Self.schemaNoGo.id))
        // Opened at the answer that holds the note.
        let lines = Detail.lines(state.route, state, width: Detail.textArea(state.route, width: 80, height: 24).width)
        let focus = state.cursor(state.route).selected
        #expect(lines.indices.contains(focus) && lines[focus].text.contains("staging-tested"))
        // A run is found by its checklist and who ran it too.
        let byWho = SearchEngine.search("chidi gate", in: state.snapshot)
        #expect(byWho.contains { $0.route == .recordedRun(Self.gate.id) })
    }

    @Test func helpAndThePaletteKnowTheChecklistKeys() {
        var state = F.state(runs: Self.runs)
        press(&state, .character("?"))
        let help = screen(state)
        #expect(fits(help))
        for key in ["r H f", "run; its history; filter", "y n a", "yes, no, n/a; Y N A + note", "i ⏎ C", "note; record; from incident",
                    "1-7", "n b", "d w o", "click"] {
            #expect(help.contains(key), "help lacks \(key)")
        }
        var wide = F.state(runs: Self.runs, width: 120, height: 40)
        press(&wide, .character("?"))
        #expect(fits(screen(wide), width: 120, height: 40))
        #expect(screen(wide).contains("yes, no, n/a; Y N A + note"))
        press(&state, .escape, .character(":"))
        type(&state, "run history")
        press(&state, .enter)
        #expect(state.stack == [.dashboard, .checklists, .checklistHistory(name: nil)])
    }

    @Test func runsAndTheirProblemsAreReadOnceWithTheSnapshot() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-tui-runs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try Store.create(at: root, name: "t")
        let store = try Store(root: root)
        _ = try store.recordChecklistRun(F.schemaChange, answers: Dictionary(uniqueKeysWithValues: F.schemaChange.items.map { ($0.id, .yes) }))
        // A line that is not a whole run: reported with its path and line, not counted.
        let path = root.appending(path: "checklists/runs/schema-change.jsonl")
        let broken = #"{"id":"01KQEV9CF04MNPZX45HY43KWJR","at":"2026-04-30T09:25:00Z","recorded":"2026-04-30T09:25:00Z","by":"a@b","kind":"checklist","checklist":"schema-change"}"#
        let handle = try FileHandle(forWritingTo: path)
        handle.seekToEndOfFile()
        handle.write(Data((broken + "\n").utf8))
        try handle.close()
        let snapshot = Snapshot.load(store)
        #expect(snapshot.checklistRuns.count == 1)
        #expect(snapshot.latestRuns["schema-change"]?.result == .go)
        #expect(snapshot.problems.contains { $0.path == "checklists/runs/schema-change.jsonl" && $0.line == 2 })
    }
}
