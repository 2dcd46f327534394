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
}
