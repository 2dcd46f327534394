import Foundation
import Testing
@testable import WardKit

/// Every form a team's records come in, read as they are and edited in their own form.
@Suite struct DecisionFormatTests {
    static let madr2 = """
    # Use Markdown Architectural Decision Records

    * Status: accepted
    * Deciders: ana, bo
    * Date: 2018-09-16

    Technical Story: ORDERS-12

    ## Context and Problem Statement

    We want to record decisions.

    """
    static let madr3 = """
    ---
    status: "superseded by [ADR-0005](0005-use-kafka.md)"
    date: 2022-03-01
    deciders: [ana]
    consulted: [emeka]
    ---
    # Use RabbitMQ

    ## Context and Problem Statement

    Queues.

    """
    static let madr4 = """
    ---
    status: accepted
    date: 2024-10-01
    decision-makers: [ana, bo]
    amends: [2]
    ---
    # Use Kafka

    ## Context and Problem Statement

    Events.

    """
    static let log4brains = """
    # Use Log4brains to manage the ADRs

    - Status: draft
    - Deciders: Thomas Vaillant
    - Date: 2020-06-02
    - Tags: doc, process

    ## Context and Problem Statement

    We need a knowledge base.

    """
    static let nygard = """
    # 2. Use PostgreSQL

    Date: 2026-01-02

    ## Status

    Accepted

    Amended by [5. Tune it](0005-tune-it.md)

    ## Context

    x

    """

    @Test func everyFormIsReadAsItIs() throws {
        let two = try Decision(data: Data(Self.madr2.utf8), path: "docs/decisions/0001-use-madr.md")
        #expect(two.format == .bullets && two.status == .accepted && two.decisionMakers == ["ana", "bo"] && two.date == "2018-09-16")
        #expect(two.title == "Use Markdown Architectural Decision Records")
        let three = try Decision(data: Data(Self.madr3.utf8), path: "docs/decisions/0003-use-rabbitmq.md")
        #expect(three.format == .madr && three.status == .superseded && three.supersededBy == [5] && three.decisionMakers == ["ana"])
        #expect(three.warnings.isEmpty)
        let four = try Decision(data: Data(Self.madr4.utf8), path: "docs/decisions/0005-use-kafka.md")
        #expect(four.links == [DecisionLink("amends", 2)] && four.decisionMakers == ["ana", "bo"])
        let log = try Decision(data: Data(Self.log4brains.utf8), path: "docs/adr/20200602-use-log4brains-to-manage-the-adrs.md")
        #expect(log.number == 20200602 && log.status == .proposed && log.statusText == "draft" && log.tags == ["doc", "process"])
        let tools = try Decision(data: Data(Self.nygard.utf8), path: "doc/adr/0002-use-postgresql.md")
        #expect(tools.format == .nygard && tools.links == [DecisionLink("amended by", 5)])
    }

    /// Applies `change` and checks that only the lines it must touch changed.
    func roundTrip(_ text: String, _ path: String, _ change: DecisionChange, changedLines: Int) throws -> Decision {
        let decision = try Decision(data: Data(text.utf8), path: path)
        let names = DecisionEditing.Names(record: { ($0 == 9 ? "Nine" : "Other", Decision.padded($0) + "-x.md") },
                                          incidentPath: { "../../incidents/\($0)/incident.md" })
        let edited = try #require(DecisionEditing.apply(change, to: text, of: decision, names: names), "\(path)")
        let reread = try Decision(data: Data(edited.utf8), path: path)
        #expect(reread.title == decision.title && reread.body.count >= decision.body.count - 40)
        let old = text.split(separator: "\n", omittingEmptySubsequences: false)
        let new = edited.split(separator: "\n", omittingEmptySubsequences: false)
        let difference = new.difference(from: old)
        #expect(difference.insertions.count <= changedLines, "\(path): \(edited)")
        return reread
    }

    @Test func everyFormIsEditedInItsOwnForm() throws {
        let accepted = DecisionChange(status: .deprecated)
        #expect(try roundTrip(Self.madr2, "d/0001-a.md", accepted, changedLines: 1).status == .deprecated)
        #expect(try roundTrip(Self.madr4, "d/0005-a.md", accepted, changedLines: 1).status == .deprecated)
        #expect(try roundTrip(Self.nygard, "d/0002-a.md", accepted, changedLines: 1).status == .deprecated)
        let superseded = DecisionChange(status: .superseded, supersededBy: [9])
        let bullets = try roundTrip(Self.madr2, "d/0001-a.md", superseded, changedLines: 1)
        #expect(bullets.status == .superseded && bullets.supersededBy == [9])
        let madr = try roundTrip(Self.madr4, "d/0005-a.md", superseded, changedLines: 2)
        #expect(madr.supersededBy == [9])
        let tools = try roundTrip(Self.nygard, "d/0002-a.md", superseded, changedLines: 3)
        #expect(tools.supersededBy == [9] && tools.links == [DecisionLink("amended by", 5)])
        let linked = DecisionChange(links: [DecisionLink("clarifies", 9)], incidents: ["2026-01-01-db"])
        for (text, path) in [(Self.madr2, "d/0001-a.md"), (Self.madr4, "d/0005-a.md"), (Self.nygard, "d/0002-a.md"),
                             (Self.log4brains, "d/20200602-a.md")] {
            let reread = try roundTrip(text, path, linked, changedLines: 4)
            #expect(reread.links.contains(DecisionLink("clarifies", 9)) && reread.incidents == ["2026-01-01-db"], "\(path)")
        }
        // CRLF and a byte-order mark survive an edit.
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("decisions/0005-use-kafka.md", "\u{FEFF}" + Self.madr4.replacingOccurrences(of: "\n", with: "\r\n"))
        try store.setDecisionStatus(5, to: .deprecated)
        let edited = try #require(dir.read("decisions/0005-use-kafka.md"))
        #expect(edited.hasPrefix("\u{FEFF}---\r\nstatus: deprecated\r\n") && !edited.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func titlesThatBreakAdrToolsStayWhole() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        for title in ["A & B", "C | D", "E / F", "\"G\" 'H'", "I [v2] (beta)", "\\1 $HOME `x`"] {
            let made = try store.newDecision(title: title, format: .nygard)
            #expect(made.title == title)
            let reread = try store.findDecision(made.fileName)
            #expect(reread.title == title && reread.status == .proposed)
            try store.setDecisionStatus(made.number, to: .accepted)
            let next = try store.newDecision(title: "After " + title, format: .nygard, supersedes: [made.number])
            #expect(try store.findDecision(made.number).supersededBy == [next.number])
        }
        #expect(Doctor(store: store).run().problems.isEmpty)
    }

    @Test func existingDirectoriesAreFoundWhereTheToolsPutThem() throws {
        func found(_ files: [String: String]) throws -> DecisionDirectory.Found {
            let dir = TemporaryDirectory()
            for (path, text) in files { dir.write(path, text) }
            return DecisionDirectory.locate(StoreFiles(root: dir.url), configured: nil)
        }
        #expect(try found([".adr-dir": "architecture/decisions\n", "architecture/decisions/0001-a.md": "x"]).directory == "architecture/decisions")
        #expect(try found([".log4brains.yml": "project:\n  name: x\n  adrFolder: ./docs/architecture\n"]).directory == "docs/architecture")
        #expect(try found(["doc/adr/0001-a.md": "x"]) == .init(directory: "doc/adr", source: "doc/adr"))
        #expect(try found(["docs/decisions/0001-a.md": "x"]).directory == "docs/decisions")
        #expect(try found(["docs/adr/0001-a.md": "x"]).directory == "docs/adr")
        #expect(try found([:]) == .init(directory: "decisions", source: "default"))
        // A path that leaves the store is ignored.
        #expect(try found([".adr-dir": "../elsewhere\n"]).directory == "decisions")
        // ward.yaml decides over all of them.
        #expect(DecisionDirectory.locate(StoreFiles(root: URL(fileURLWithPath: "/nonexistent")), configured: "adr").source == "ward.yaml")
    }

    @Test func initKeepsAnExistingDirectoryAndItsForm() throws {
        let dir = TemporaryDirectory()
        dir.write("doc/adr/0001-record-architecture-decisions.md", "# 1. Record architecture decisions\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nx\n")
        let store = try makeStore(dir)
        #expect(store.decisionsDirectory == "doc/adr" && store.config.decisionsFormat == .nygard)
        #expect(!FileManager.default.fileExists(atPath: dir.url.appending(path: "decisions").path))
        let made = try store.newDecision(title: "Next")
        #expect(made.path == "doc/adr/0002-next.md" && made.format == .nygard)
    }

    @Test func log4brainsDirectoriesKeepTheirDatedNames() throws {
        let dir = TemporaryDirectory()
        dir.write(".log4brains.yml", "project:\n  adrFolder: ./docs/adr\n")
        dir.write("docs/adr/20200602-use-log4brains.md", Self.log4brains.replacingOccurrences(of: "draft", with: "accepted"))
        let store = try makeStore(dir)
        let made = try store.newDecision(title: "Keep it", supersedes: [20200602])
        #expect(made.fileName == "20261123-keep-it.md")
        let old = try store.findDecision("20200602-use-log4brains.md")
        #expect(old.status == .superseded && old.supersededBy == [20261123] && old.format == .bullets)
        #expect(dir.read("docs/adr/20200602-use-log4brains.md")?.contains("- Status: superseded by [ADR-20261123](20261123-keep-it.md)") == true)
    }
}
