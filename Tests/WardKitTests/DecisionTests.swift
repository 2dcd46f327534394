import Foundation
import Testing
@testable import WardKit

@Suite struct DecisionTests {
    @Test func adrToolsRecordsAreReadAsTheyAre() throws {
        let text = """
        # 2. Use PostgreSQL for orders

        Date: 2026-03-02

        ## Status

        Superceded by [7. Move orders to a managed cluster](0007-move-orders-to-a-managed-cluster.md)

        Supersedes [1. Keep orders in MongoDB](0001-keep-orders-in-mongodb.md)

        ## Context

        Text.
        """
        let decision = try Decision(data: Data(text.utf8), path: "doc/adr/0002-use-postgresql-for-orders.md")
        #expect(decision.number == 2)
        #expect(decision.title == "Use PostgreSQL for orders")
        #expect(decision.format == .nygard)
        #expect(decision.status == .superseded)
        #expect(decision.supersededBy == [7])
        #expect(decision.supersedes == [1])
        #expect(decision.date == "2026-03-02")
    }

    @Test func madrRecordsAreRead() throws {
        let text = "---\nstatus: \"superseded by ADR-0009\"\ndate: 2026-11-24\nsupersedes: [3, \"ADR-0004\"]\ntags: database\n---\n# Backups are restored weekly\n"
        let decision = try Decision(data: Data(text.utf8), path: "decisions/0008-backups.md")
        #expect(decision.status == .superseded)
        #expect(decision.supersedes == [3, 4])
        #expect(decision.tags == ["database"])
        #expect(decision.title == "Backups are restored weekly")
    }

    @Test func theLifecycleAllowsOnlyItsTransitions() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let first = try store.newDecision(title: "A")
        #expect(first.status == .proposed && first.number == 1)
        #expect { try store.setDecisionStatus(1, to: .deprecated) } throws: { "\($0)".contains("accepted or rejected") }
        try store.setDecisionStatus(1, to: .accepted)
        #expect(throws: WardError.self) { try store.setDecisionStatus(1, to: .proposed) }
        try store.setDecisionStatus(1, to: .deprecated)
        #expect { try store.setDecisionStatus(1, to: .accepted) } throws: { "\($0)".contains("final") }
    }

    @Test func supersedingMarksTheOldRecordInItsOwnFormat() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let old = try store.newDecision(title: "Old way", format: .nygard)
        try store.setDecisionStatus(old.number, to: .accepted)
        let oldMADR = try store.newDecision(title: "Older way")
        try store.setDecisionStatus(oldMADR.number, to: .accepted)
        let new = try store.newDecision(title: "New way & better | \"quoted\" / slashed", supersedes: [1, 2])
        #expect(new.supersedes == [1, 2])
        #expect(new.title == "New way & better | \"quoted\" / slashed")
        let reread1 = try store.findDecision(1)
        #expect(reread1.status == .superseded && reread1.supersededBy == [3])
        let reread2 = try store.findDecision(2)
        #expect(reread2.status == .superseded && reread2.supersededBy == [3])
        #expect(Doctor(store: store).run().problems.isEmpty)
    }

    @Test func aRecordThatCannotBeMarkedStopsTheSupersedeBeforeAnythingIsWritten() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("decisions/0001-no-status.md", "# 1. No status section\n\nDate: 2026-01-01\n\n## Context\n\nx\n")
        #expect { try store.newDecision(title: "Next", supersedes: [1]) } throws: { "\($0)".contains("0001-no-status.md") }
        #expect(dir.allFiles().filter { $0.hasPrefix("decisions/") } == ["decisions/0001-no-status.md"])
    }

    @Test func theNextNumberCountsFilesThatDoNotParse() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("decisions/0001-fine.md", "---\nstatus: accepted\n---\n# Fine\n")
        dir.write("decisions/0012-broken.md", "---\nstatus: [\n---\n# Broken\n")
        #expect(try store.newDecision(title: "Thirteen").number == 13)
        dir.write("decisions/0013-twin.md", "not even front matter")
        #expect(Doctor(store: store).run().problems.contains { $0.message.contains("also used") })
    }

    @Test func editsThatWouldCorruptTheFrontMatterAreRefused() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let tricky = "---\n\"status\": proposed\nrelates-to:\n  - 9\n# keep this\n  - 8\nnote: it's fine # a comment\n---\n# Tricky\n"
        dir.write("decisions/0001-tricky.md", tricky)
        dir.write("decisions/0008-eight.md", "---\nstatus: accepted\nrelates-to: [1]\n---\n# Eight\n")
        dir.write("decisions/0009-nine.md", "---\nstatus: accepted\nrelates-to: [1]\n---\n# Nine\n")
        let accepted = try store.setDecisionStatus(1, to: .accepted)
        #expect(accepted.status == .accepted)
        let text = try #require(dir.read("decisions/0001-tricky.md"))
        #expect(text == tricky.replacingOccurrences(of: "\"status\": proposed", with: "status: accepted"))
        let edited = try #require(FrontMatterEditor.set("note", to: "better", in: text))
        #expect(edited.contains("note: better  # a comment"))
        // The block list with a comment inside is replaced whole.
        let list = try #require(FrontMatterEditor.setVerified("relates-to", to: "[9, 8, 10]", in: text, path: "x", expected: ["9", "8", "10"]))
        #expect(list.contains("relates-to: [9, 8, 10]\nnote:"))
    }

    @Test func doctorFindsDuplicateNumbersAndBrokenLinks() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("decisions/0001-a.md", "---\nstatus: accepted\nsuperseded-by: [5]\n---\n# A\n")
        dir.write("decisions/0001-b.md", "---\nstatus: accepted\nrelates-to: [9]\n---\n# B\n")
        dir.write("decisions/0002-c.md", "---\nstatus: accepted\nsupersedes: [1]\n---\n# C\n")
        let messages = Doctor(store: store).run().problems.map(\.description)
        #expect(messages.contains { $0.contains("0001-b.md") && $0.contains("also used") })
        #expect(messages.contains { $0.contains("decision 5, which does not exist") })
        #expect(messages.contains { $0.contains("decision 9, which does not exist") })
    }

    /// A record's number read from its file name by bytes, held to the Character-based reading it replaced
    /// on names with combining marks, other digits, long and empty numbers.
    @Test func numbersInFileNamesAreReadAsTheCharacterBasedReadingReadThem() {
        func byCharacters(_ name: String) -> Int? {
            guard name.hasSuffix(".md") else { return nil }
            let digits = name.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 8, name.dropFirst(digits.count).first == "-" else { return nil }
            return Int(digits)
        }
        let names = [
            "0001-record-architecture-decisions.md", "42-x.md", "0042-.md", "00000001-a.md", "123456789-a.md", "12345678-a.md",
            "0042.md", "-0042-a.md", "x0042-a.md", "0042-a.txt", "0042-a.md.bak", "", ".md", "-.md", "0042_a.md",
            "0042-\u{301}a.md", "0042\u{301}-a.md", "1\u{301}-a.md", "12\u{FE0F}-a.md", "١٢-a.md", "１２-a.md",
            "0042-é.md", "0042--a.md", "0042 -a.md", "0042-a.m\u{301}d", "0042-a.md\u{301}", "99999999-a.md",
        ]
        for name in names {
            #expect(Decision.number(inFileName: name) == byCharacters(name), "\(name)")
        }
    }
}
