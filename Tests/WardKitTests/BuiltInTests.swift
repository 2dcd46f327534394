import Foundation
import Testing
@testable import WardKit

@Suite struct BuiltInTests {
    @Test func everyBuiltInDefinitionParses() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let (checklists, checklistProblems) = store.loadChecklists()
        let (runbooks, runbookProblems) = store.loadRunbooks()
        #expect(checklistProblems.isEmpty, "\(checklistProblems)")
        #expect(runbookProblems.isEmpty, "\(runbookProblems)")
        #expect(Set(checklists.map(\.name)).isSuperset(of: ["red-flags", "pre-deploy", "schema-change", "production-readiness"]))
        let recovery = try #require(runbooks.first { $0.name == "recovery" })
        #expect(recovery.phases.map { $0.name.lowercased() } == ["disconnect", "assess", "recover", "prevent", "document"])
        #expect(recovery.phases.allSatisfy { $0.steps.count >= 2 })
        #expect(recovery.phases.contains { $0.steps.contains(where: \.required) })
        #expect(runbooks.contains { $0.name == "data-loss" })
        let redFlags = try #require(checklists.first { $0.name == "red-flags" })
        #expect(redFlags.items.allSatisfy { $0.redFlag })
        let schema = try #require(checklists.first { $0.name == "schema-change" })
        #expect(schema.items.allSatisfy { $0.required })
    }

    @Test func aStoreOverridesABuiltInDefinitionAndTemplate() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("checklists/schema-change.md", "---\ntitle: Ours\n---\n- [ ] only: Only item {required}\n")
        dir.write("templates/incident.md.mustache", "---\ntitle: {{{title}}}\nseverity: {{{severity}}}\ndeclared: {{{declared}}}\n---\nOURS\n")
        #expect(store.loadChecklists().checklists.first { $0.name == "schema-change" }?.title == "Ours")
        let incident = try store.declare(title: "x", severity: "3", services: [], commander: nil)
        #expect(dir.read("incidents/\(incident.id)/incident.md")?.hasSuffix("OURS\n") == true)
    }

    @Test func aBrokenDefinitionIsReportedByPathAndLine() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        dir.write("runbooks/mine.md", "---\ntitle: Mine\n---\n## One\n- [ ] a: A\n- [ ] a: again\n")
        dir.write("checklists/mine.md", "---\ntitle: Mine\n---\n- [ ] Missing id\n")
        let runbookProblem = try #require(store.loadRunbooks().problems.first)
        #expect(runbookProblem.path == "runbooks/mine.md" && runbookProblem.line == 6)
        let checklistProblem = try #require(store.loadChecklists().problems.first)
        #expect(checklistProblem.path == "checklists/mine.md" && checklistProblem.line == 4)
    }

    /// The demo store a new user meets first: real, complete, and clean.
    @Test func theDemoStoreIsRealisticAndClean() throws {
        let store = try DemoStore.open()
        #expect(store.isReadOnly)
        let report = Doctor(store: store).run()
        #expect(report.errorCount == 0, "\(report.problems.map(\.description))")
        #expect(report.problems.isEmpty, "\(report.problems.map(\.description))")
        let incidents = store.loadIncidents()
        #expect(incidents.count >= 6)
        for incident in incidents {
            #expect(incident.events.count >= 30, "\(incident.id) has \(incident.events.count) events")
            let span = (incident.events.last?.at ?? .distantPast).timeIntervalSince(incident.events.first?.at ?? .distantPast)
            #expect(span >= 3600, "\(incident.id) spans only \(span) s")
            #expect(Set(incident.events.map(\.kind)).isSuperset(of: ["declared", "note", "status", "role"]))
        }
        #expect(incidents.contains { $0.state.isActive })
        #expect(incidents.contains { $0.events.contains { $0.kind == "severity" } })
        let decisions = store.loadDecisions().decisions
        #expect(decisions.count >= 12)
        #expect(Set(decisions.compactMap(\.status)) == Set(DecisionStatus.allCases))
        #expect(decisions.contains { $0.format == .nygard } && decisions.contains { $0.format == .madr })
        // A supersede chain of three: A superseded by B superseded by C.
        let chain = decisions.contains { c in
            c.supersedes.contains { b in decisions.first { $0.number == b }?.supersedes.isEmpty == false }
        }
        #expect(chain)
        #expect(!store.loadChecklists().checklists.filter { !$0.builtIn }.isEmpty)
        #expect(!store.loadRunbooks().runbooks.filter { !$0.builtIn }.isEmpty)
        #expect(throws: WardError.self) { try store.declare(title: "x", severity: "1", services: [], commander: nil) }
    }
}
