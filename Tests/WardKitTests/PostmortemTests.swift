import Foundation
import Testing
@testable import WardKit

/// Post-mortems after the incident: the draft people write into, its review, and its action items.
@Suite struct PostmortemTests {
    let dir = TemporaryDirectory()
    let store: Store
    let id: String

    init() throws {
        store = try makeStore(dir, now: { fixedNow.addingTimeInterval(3600) })
        id = try store.declare(title: "Orders lost", severity: "SEV2", services: ["api"], commander: "ana").id
    }

    var incident: Incident { store.loadIncident(id) }
    var path: String { "incidents/\(id)/postmortem.md" }

    /// Draft, write by hand in three sections, draft again: every hand-written byte survives, and the
    /// generated timeline has the new events.
    @Test func handWrittenTextSurvivesARedraftByteForByte() throws {
        _ = try store.addNote(incident, text: "first note", at: fixedNow.addingTimeInterval(60))
        #expect(try store.draftPostmortem(incident).change == "written")
        var text = try #require(dir.read(path))
        let edits = [
            ("## Summary\n", "## Summary\n\nThe orders table was emptied by a job; restored in 40 minutes.  \nTrailing spaces kept.\n"),
            ("## Root causes\n", "## Root causes\n\n1. The job held a role with DELETE.\n2. No review of ad-hoc jobs.\n\n```sql\n<!-- ward:begin timeline -->\nDELETE FROM orders;\n```\n"),
            ("### Where we got lucky\n", "### Where we got lucky\n\nIt was 03:00, few customers.\n"),
        ]
        for (anchor, replacement) in edits {
            #expect(text.contains(anchor))
            text = text.replacingOccurrences(of: anchor, with: replacement)
        }
        dir.write(path, text)
        _ = try store.addNote(incident, text: "second note, after the draft", key: true)
        #expect(try store.draftPostmortem(incident).change == "refreshed")
        let after = try #require(dir.read(path))
        // Outside the generated blocks, the file is what the person left, byte for byte.
        #expect(Self.outsideBlocks(after) == Self.outsideBlocks(text))
        #expect(after.contains("**second note, after the draft**") && after.contains("first note"))
        #expect(try store.draftPostmortem(incident).change == "unchanged")
    }

    @Test func reviewThenPublishThenReopenWithAReason() throws {
        #expect { try store.publishPostmortem(incident) } throws: { ($0 as? WardError)?.message.contains("no post-mortem yet") == true }
        _ = try store.draftPostmortem(incident)
        #expect { try store.publishPostmortem(incident) } throws: { ($0 as? WardError)?.message.contains("send it for review first") == true }
        #expect { try store.reviewPostmortem(incident, reviewers: []) } throws: { ($0 as? WardError)?.message.contains("reviewer") == true }
        let body = try #require(dir.read(path)).split(separator: "---", maxSplits: 2).last
        _ = try store.reviewPostmortem(incident, reviewers: ["bo", "chidi"])
        var postmortem = try #require(store.loadPostmortems().postmortems.first)
        #expect(postmortem.status == "in-review" && postmortem.reviewers == ["bo", "chidi"])
        _ = try store.publishPostmortem(incident)
        postmortem = try #require(store.loadPostmortems().postmortems.first)
        #expect(postmortem.status == "published")
        #expect(dir.read(path)?.contains("published: 2026-11-23") == true)
        #expect(dir.read(path)?.split(separator: "---", maxSplits: 2).last == body, "the body is untouched by review")
        // Published: Ward changes nothing until it is reopened, with a reason.
        let published = dir.read(path)
        _ = try store.addNote(incident, text: "late finding")
        #expect(throws: WardError.self) { try store.draftPostmortem(incident) }
        #expect(dir.read(path) == published)
        #expect { try store.reopenPostmortem(incident, reason: "  ") } throws: { ($0 as? WardError)?.message.contains("needs a reason") == true }
        _ = try store.reopenPostmortem(incident, reason: "a second cause was found")
        #expect(try #require(store.loadPostmortems().postmortems.first).status == "draft")
        #expect(try store.draftPostmortem(incident).change == "refreshed")
        let events = incident.events.filter { $0.kind == "postmortem" }
        #expect(events.map { $0["status"] } == ["in-review", "published", "draft"])
        #expect(events.last?["reason"] == "a second cause was found")
    }

    @Test func actionItemsFromNotesFromThePostmortemAndAddedDirectly() throws {
        _ = try store.addNote(incident, text: "TODO: alert on empty orders table")
        _ = try store.addAction(incident, title: "Give the job its own role", owner: "bo", due: "+14d", type: .prevent)
        _ = try store.draftPostmortem(incident)
        var text = try #require(dir.read(path))
        text = text.replacingOccurrences(of: "## Action items\n", with: """
        ## Action items

        - [ ] Review every ad-hoc job (owner: chidi, due: 2026-12-01, type: process)
        - [x] Restore drill done (owner: ana)
        - [ ] Give the job its own role

        """)
        dir.write(path, text)
        _ = try store.draftPostmortem(incident)
        let items = incident.state.actions
        #expect(items.map(\.title) == ["alert on empty orders table", "Give the job its own role", "Review every ad-hoc job", "Restore drill done"])
        #expect(items.map(\.source) == ["note", "added", "postmortem", "postmortem"])
        let review = items[2]
        #expect(review.owner == "chidi" && review.due == "2026-12-01" && review.type == .process && review.state == .open)
        #expect(items[3].state == .done)
        #expect(items[1].due == "2026-12-07", "+14d from the store's clock")
        // Drafting again imports nothing twice; the generated block lists the timeline's own items only.
        _ = try store.draftPostmortem(incident)
        #expect(incident.state.actions.count == 4)
        let block = try #require(dir.read(path)).components(separatedBy: "<!-- ward:begin action_items -->")[1]
            .components(separatedBy: "<!-- ward:end action_items -->")[0]
        #expect(block.contains("alert on empty orders table") && block.contains("Give the job its own role (owner: bo, due: 2026-12-07, type: prevent)"))
        #expect(!block.contains("Review every ad-hoc job"))
    }

    @Test func closingAnItemWontDoNeedsAReasonAndOverdueIsByDate() throws {
        let added = try #require(try store.addAction(incident, title: "Alert on lag", due: "2026-11-20").event)
        let short = ActionItem.shortID(added.id)
        #expect(try store.findAction(short).id == added.id)
        #expect(store.allActions().first?.isOverdue(today: store.today) == true, "due 2026-11-20, today 2026-11-23")
        #expect { try store.updateAction(short, state: .wontDo) } throws: { ($0 as? WardError)?.message.contains("needs a reason") == true }
        _ = try store.updateAction(short, state: .wontDo, reason: "replaced by the SLO alert")
        var item = try store.findAction(short)
        #expect(item.state == .wontDo && item.reason == "replaced by the SLO alert" && !item.isOverdue(today: store.today))
        _ = try store.updateAction(short, state: .open)
        _ = try store.updateAction(short, owner: "bo", due: "+1w")
        item = try store.findAction(short)
        #expect(item.state == .open && item.reason == nil && item.owner == "bo" && item.due == "2026-11-30")
        #expect(try store.updateAction(short, owner: "bo").event == nil, "no change, nothing written")
        #expect { try store.addAction(incident, title: "x", due: "next week") } throws: { ($0 as? WardError)?.message.contains("due date") == true }
        // Sorted for work: open and overdue first.
        _ = try store.addAction(incident, title: "Later", due: "2027-01-01")
        _ = try store.addAction(incident, title: "Overdue", due: "2026-11-01")
        let sorted = Store.sortedForWork(store.allActions(), today: store.today).map(\.title)
        #expect(sorted.first == "Overdue")
    }

    @Test func postmortemTaskLinesAreReadOnlyFromTheirSection() {
        let text = """
        ## Summary
        - [ ] not an action: wrong section
        ## Action items
        - [ ] Real one (owner: ana, due: +3d)
        * [X] Done one
        - [ ] Keeps (parentheses that are not details)
        <!-- ward:begin action_items -->
        - [ ] generated, not read (owner: x) <!-- action abc -->
        <!-- ward:end action_items -->
        ```
        - [ ] in a fence
        ```
        ## Lessons learned
        - [ ] not an action either
        """
        let lines = PostmortemActions.lines(in: text)
        #expect(lines.map(\.title) == ["Real one", "Done one", "Keeps (parentheses that are not details)"])
        #expect(lines[0].owner == "ana" && lines[0].due == "+3d" && lines[1].done)
    }

    /// The file with every generated block's content removed.
    static func outsideBlocks(_ text: String) -> String {
        var out: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("<!-- ward:end ") { inside = false }
            if !inside { out.append(line) }
            if line.hasPrefix("<!-- ward:begin ") { inside = true }
        }
        return out.joined(separator: "\n")
    }
}

extension PostmortemTests {
    @Test func reviewKeepsLineEndsAndByteOrderMarkAndOddNames() throws {
        _ = try store.draftPostmortem(incident)
        let lf = try #require(dir.read(path))
        dir.write(path, "\u{FEFF}" + lf.replacingOccurrences(of: "\n", with: "\r\n"))
        _ = try store.reviewPostmortem(incident, reviewers: ["Zoë #1", "@ana", "o'neil, jr", "yes"])
        #expect(try #require(store.loadPostmortems().postmortems.first).reviewers == ["Zoë #1", "@ana", "o'neil, jr", "yes"])
        _ = try store.reviewPostmortem(incident, reviewers: ["bo"])
        _ = try store.publishPostmortem(incident)
        _ = try store.reopenPostmortem(incident, reason: "wrong cause")
        let bytes = try #require(dir.bytes(path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("reviewers: [bo]\r\n") && text.contains("status: draft\r\n") && text.contains("published:\r\n"))
    }

    @Test func aHalfDoneReviewStepIsCompletedOnTheNextTry() throws {
        _ = try store.draftPostmortem(incident)
        _ = try store.reviewPostmortem(incident, reviewers: ["bo"])
        // The file was published, but the timeline event never made it (a full disk, a kill).
        let text = try #require(dir.read(path)).replacingOccurrences(of: "status: in-review", with: "status: published")
        dir.write(path, text)
        let recorded = try store.publishPostmortem(incident)
        #expect(recorded.event?["status"] == "published")
        #expect(dir.read(path) == text)
        #expect(try store.publishPostmortem(incident).event == nil, "and only once")
    }

    @Test func aPublishedOrUnknownStatusIsRefusedBeforeAnythingIsWritten() throws {
        _ = try store.draftPostmortem(incident)
        for status in ["Published", "publishd"] {
            let text = try #require(dir.read(path)).replacingOccurrences(of: "status: draft", with: "status: \(status)")
            dir.write(path, text.replacingOccurrences(of: "## Action items\n", with: "## Action items\n\n- [ ] Would be imported\n"))
            let journal = dir.read("incidents/\(id)/timeline.jsonl")
            #expect(throws: WardError.self) { try store.draftPostmortem(incident) }
            #expect(dir.read("incidents/\(id)/timeline.jsonl") == journal, "\(status): nothing written, the timeline included")
            dir.write(path, text.replacingOccurrences(of: "status: \(status)", with: "status: draft"))
        }
        #expect(store.loadPostmortems().problems.isEmpty)
    }

    @Test func importingIsOnceByTitleAndKeepsTypedLinesInTheGeneratedList() throws {
        _ = try store.draftPostmortem(incident)
        var text = try #require(dir.read(path))
        text = text.replacingOccurrences(of: "## Action items\n", with: """
        ## Action items

        - [ ] Rotate logs
        - [ ] rotate   LOGS
        - [ ] Token ghp_16C7e42F292c6912E7710c838347Ae178B4a leaked (due: tomorrow, type: documents)

        """)
        text = text.replacingOccurrences(of: "<!-- ward:begin action_items -->\n", with: "<!-- ward:begin action_items -->\n- [ ] Typed into Ward's list (owner: cy)\n")
        dir.write(path, text)
        let (_, change) = try store.draftPostmortem(incident)
        #expect(change.contains("due 'tomorrow'"), "\(change)")
        var items = incident.state.actions
        #expect(items.map(\.title) == ["Rotate logs", "Token [REDACTED github-token] leaked", "Typed into Ward's list"])
        #expect(items[1].type == .process && items[1].due == nil)
        #expect(items[2].owner == "cy" && items[2].source == "added")
        let after = try #require(dir.read(path))
        #expect(after.contains("Typed into Ward's list (owner: cy, due: none) <!-- action \(items[2].shortID) -->"))
        // Renamed later: the original line is not imported again.
        _ = try store.updateAction(items[0].shortID, title: "Rotate and ship logs")
        _ = try store.draftPostmortem(incident)
        items = incident.state.actions
        #expect(items.count == 3 && items[0].title == "Rotate and ship logs")
    }

    @Test func anIdInTwoIncidentsIsNamedWithItsIncident() throws {
        _ = try store.addAction(incident, title: "Only one")
        // A copied incident directory: the same item ids in two incidents.
        let copy = id.replacingOccurrences(of: "orders-lost", with: "orders-lost-copy")
        try FileManager.default.copyItem(atPath: dir.path("incidents/\(id)"), toPath: dir.path("incidents/\(copy)"))
        let short = try #require(store.allActions().first?.shortID)
        #expect { try store.updateAction(short, state: .done) } throws: { ($0 as? WardError)?.message.contains("add --incident") == true }
        _ = try store.updateAction(short, incident: copy, state: .done)
        #expect(store.loadIncident(copy).state.actions.first?.state == .done)
        #expect(incident.state.actions.first?.state == .open)
    }
}
