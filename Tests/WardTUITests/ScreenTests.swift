import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// Every screen, drawn as text at the sizes people use, including wide characters and an empty store.
@Suite struct ScreenTests {
    static let sizes = [(80, 24), (120, 40)]

    /// Opens each screen the way a person would and returns its text.
    func everyScreen(width: Int, height: Int) -> [(String, String)] {
        var result: [(String, String)] = []
        var state = demoState(width: width, height: height)
        result.append(("dashboard", screen(state)))
        press(&state, .character("2"), .character("a"))
        result.append(("incidents", screen(state)))
        press(&state, .enter)
        result.append(("incident", screen(state)))
        press(&state, .character("3"))
        result.append(("decisions", screen(state)))
        press(&state, .character("v"))
        result.append(("decisions by month", screen(state)))
        press(&state, .character("v"))
        press(&state, .character("j"), .character("j"), .enter)
        result.append(("decision", screen(state)))
        press(&state, .character("4"))
        result.append(("postmortems", screen(state)))
        press(&state, .enter)
        result.append(("postmortem", screen(state)))
        press(&state, .character("5"))
        result.append(("checklists", screen(state)))
        press(&state, .enter)
        result.append(("checklist", screen(state)))
        press(&state, .character("?"))
        result.append(("help", screen(state)))
        press(&state, .escape, .character("/"))
        type(&state, "backup")
        result.append(("search", screen(state)))
        press(&state, .escape, .character(":"))
        result.append(("palette", screen(state)))
        return result
    }

    @Test(arguments: sizes)
    func everyScreenFitsAndShowsWhereYouAre(size: (Int, Int)) {
        for (name, text) in everyScreen(width: size.0, height: size.1) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == size.1, "\(name)")
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= size.0 }, "\(name) is wider than \(size.0)")
            #expect(lines[0].contains("Ward │ Checkout Platform │ demo store, read-only"), "\(name)")
            #expect(!lines[size.1 - 1].isEmpty, "\(name) has no status line")
        }
    }

    @Test func theDashboardShowsWhatIsOnFire() {
        let text = screen(demoState())
        #expect(text.contains("Active incidents"))
        #expect(text.contains("SEV3 monitoring"))
        #expect(text.contains("Delayed webhook deliveries for some merchants"))
        #expect(text.contains("1 awaiting a verdict"))
        #expect(text.contains("Roll out every production deploy as a progressive canary"))
        #expect(text.contains("Action items (6): 1 open of 2, 1 overdue · oldest: Give the migration runner a"))
        #expect(text.contains("checklist Schema change"))
        // The clock is live: the elapsed time follows `now`.
        var later = demoState()
        _ = App.update(&later, .tick(demoNow.addingTimeInterval(3600)))
        #expect(screen(later) != text)
    }

    @Test func theIncidentScreenHasHeaderTimelineAndProse() {
        var state = demoState(width: 120, height: 40)
        press(&state, .character("2"), .character("a"))
        let row = Rows.incidents(state).firstIndex { $0.id.contains("websocket") }!
        for _ in 0..<row { press(&state, .character("j")) }
        press(&state, .enter)
        let text = screen(state)
        #expect(text.contains("SEV2  Websocket fleet crashed out of memory"))
        #expect(text.contains("RESOLVED"))
        #expect(text.contains("commander ana"))
        #expect(text.contains("── Timeline ◂"))
        #expect(text.contains("── incident.md"))
        // It crosses midnight, so times carry their dates; back-dated events show when they were recorded.
        #expect(text.contains("08-18 06:31 (rec 06:39) emeka@bastion-2 [milestone] impact started"))
        #expect(text.contains("decisions: 0016, 0017"))
    }

    @Test func aDecisionShowsItsChainAndLinks() {
        var state = demoState()
        press(&state, .character("3"))
        for _ in 0..<5 { press(&state, .character("j")) }
        press(&state, .enter)
        #expect(state.route == .decision(6))
        let text = screen(state)
        #expect(text.contains("0006  Archive WAL continuously for point-in-time recovery"))
        #expect(text.contains("chain: 0003 → 0006 → 0010"))
        #expect(text.contains("Supersedes    0003 Rely on daily provider snapshots"))
        #expect(text.contains("Context and Problem Statement"))
    }

    @Test func searchResultsAreGroupedByKind() {
        var state = demoState()
        press(&state, .character("/"))
        type(&state, "backup")
        let text = screen(state)
        #expect(text.contains("/ backup"))
        #expect(text.contains("matches"))
        let groups = ["Timeline", "Decisions"].map { text.range(of: "\n " + $0 + "\n")?.lowerBound }
        #expect(groups.allSatisfy { $0 != nil })
    }

    @Test func inALargeStoreAShortQuerySearchesTitlesOnlyAndSaysSo() {
        var state = demoState()
        state.snapshot.titlesOnlyAbove = 1
        press(&state, .character("/"))
        type(&state, "db")
        var text = screen(state)
        #expect(text.contains("incident titles only: type 3 letters to search timelines"))
        #expect(!text.contains("\n Timeline\n"), "no timeline is read for two letters")
        type(&state, "-")
        type(&state, "2")
        state.snapshot.titlesOnlyAbove = 2_000
        press(&state, .backspace)
        type(&state, "2")
        text = screen(state)
        #expect(!text.contains("titles only"))
    }

    @Test func aTooSmallWindowSaysSoInsteadOfGarbage() {
        for (width, height) in [(40, 10), (79, 24), (80, 23), (10, 3)] {
            let text = screen(demoState(width: width, height: height))
            #expect(text.hasPrefix("Make the window") || text.hasPrefix("Make the"), "\(width)x\(height)")
            #expect(text.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= width })
        }
    }

    @Test func anEmptyStoreSaysSo() {
        var state = AppState(snapshot: Snapshot(storeName: "Empty", storePath: "/tmp/x"), width: 80, height: 24, now: demoNow)
        #expect(screen(state).contains("Nothing is on fire."))
        press(&state, .character("2"))
        #expect(screen(state).contains("No active incidents."))
        press(&state, .character("a"))
        #expect(screen(state).contains("No incidents match."))
        press(&state, .character("3"))
        #expect(screen(state).contains("No decisions match."))
        press(&state, .character("4"))
        #expect(screen(state).contains("No post-mortems yet."))
    }

    @Test func wideCharactersTakeTwoCellsAndHostileTextIsEscaped() throws {
        var snapshot = demoSnapshot
        let original = try #require(snapshot.incident(snapshot.incidents[0].id))
        var record = try #require(original.record)
        record.title = "数据库 😀 \u{1B}]0;pwned\u{7} \u{202E}gnp.exe"
        let events = original.events
        snapshot.replaceIncident(Incident(id: original.id, record: record, events: events,
                                          state: IncidentState.fold(events, record: record), problems: []))
        let state = AppState(snapshot: snapshot, width: 80, height: 24, now: demoNow)
        let rendered = Views.render(state)
        let text = rendered.text
        #expect(text.contains("数据库 😀 \\u{1B}]0;pwned\\u{7} \\u{202E}gnp.exe"))
        #expect(!text.unicodeScalars.contains { TerminalSafe.isUnsafe($0) })
        // Each wide character is one cell of text and one empty continuation cell.
        let row = try #require((0..<rendered.height).first { rendered.row(at: $0).contains("数据库") })
        let column = try #require((0..<rendered.width).first { rendered[$0, row].text == "数" })
        #expect(rendered[column + 1, row].text == "")
        #expect(rendered[column + 2, row].text == "据")
    }

    /// At 120 columns the incident list has an ID column: an id longer than it (the demo's are) is cut with
    /// an ellipsis and a space still parts it from the title, as in the header.
    @Test func longIncidentIdsAreCutAndKeptApartFromTheTitle() {
        var state = demoState(width: 120, height: 40)
        press(&state, .character("2"), .character("a"))
        let text = screen(state)
        let row = lines(text, containing: "Production database deleted")
        // 39 characters of the id, the ellipsis (the column is 40 wide), one space, the title.
        #expect(row.count == 1 && row[0].contains("2026-03-17-production-database-deleted-… Production database deleted"), "\(row)")
        #expect(fits(text, width: 120, height: 40))
    }
}
