import Foundation
import Testing
@testable import WardKit

@Suite struct DecisionLifecycleTests {
    /// A store holding one record in `status`, MADR or adr-tools, reached through the lifecycle itself.
    func record(in status: DecisionStatus, format: DecisionFormat) throws -> (TemporaryDirectory, Store, Int) {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let made = try store.newDecision(title: "Subject", format: format)
        switch status {
        case .proposed: break
        case .accepted, .rejected: try store.setDecisionStatus(made.number, to: status)
        case .deprecated:
            try store.setDecisionStatus(made.number, to: .accepted)
            try store.setDecisionStatus(made.number, to: .deprecated)
        case .superseded:
            try store.setDecisionStatus(made.number, to: .accepted)
            _ = try store.newDecision(title: "Successor", format: format, supersedes: [made.number])
        }
        #expect(try store.findDecision(made.number).status == status)
        return (dir, store, made.number)
    }

    @Test(arguments: [DecisionFormat.madr, .nygard])
    func everyTransitionIsAllowedOrRefusedNamingTheAllowedOnes(format: DecisionFormat) throws {
        let allowed: Set<String> = ["proposed>accepted", "proposed>rejected", "accepted>deprecated", "accepted>superseded"]
        for from in DecisionStatus.allCases {
            for to in DecisionStatus.allCases where to != from {
                let (dir, store, number) = try record(in: from, format: format)
                let path = try store.findDecision(number).path
                let before = dir.read(path)
                let change: () throws -> Void = to == .superseded
                    ? { _ = try store.newDecision(title: "Next", supersedes: [number]) }
                    : { try store.setDecisionStatus(number, to: to) }
                if allowed.contains("\(from)>\(to)") {
                    try change()
                    #expect(try store.findDecision(number).status == to, "\(from) → \(to)")
                    // Who and when: the decision journal has the change.
                    let history = store.decisionHistory(includeGit: false)[try store.findDecision(number).fileName] ?? []
                    #expect(history.last?.what.contains("→ \(to.rawValue)") == true && history.last?.by == "ana@bastion-1", "\(history)")
                } else {
                    #expect(throws: WardError.self, "\(from) → \(to)") { try change() }
                    do { try change() } catch let error as WardError {
                        let names = from.allowedNext.map(\.rawValue)
                        #expect(names.isEmpty ? (error.message.contains("final") || error.message.contains("only an accepted")) :
                                names.allSatisfy { error.message.contains($0) } || error.message.contains("only an accepted"),
                                "\(from) → \(to): \(error.message)")
                    }
                    #expect(dir.read(path) == before, "\(from) → \(to) changed the file")
                    #expect(store.loadDecisions().decisions.count == (from == .superseded ? 2 : 1))
                }
            }
        }
    }

    @Test func typedLinksAreKeptOnBothSidesAndIncidentsToo() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let incident = try store.declare(title: "Orders lost", severity: "SEV1", services: [], commander: nil)
        _ = try store.newDecision(title: "Base", format: .nygard)
        _ = try store.newDecision(title: "Amender", links: [DecisionLink("amends", 1)])
        #expect(try store.findDecision(1).links == [DecisionLink("amended by", 2)])
        _ = try store.linkDecisions("1", "clarifies", "2")
        #expect(Set(try store.findDecision(2).links) == [DecisionLink("amends", 1), DecisionLink("clarified by", 1)])
        #expect(throws: WardError.self) { try store.linkDecisions("1", "eats", "2") }
        let linked = try store.linkDecision("1", toIncident: incident.id)
        #expect(linked.incidents == [incident.id])
        #expect(store.loadIncident(incident.id).state.decisions == [1])
        #expect(dir.read(linked.path)?.contains("Incident [\(incident.id)](../incidents/\(incident.id)/incident.md)") == true)
        // Linking again changes nothing.
        let journal = dir.read("incidents/\(incident.id)/timeline.jsonl")
        _ = try store.linkDecision("1", toIncident: incident.id)
        #expect(dir.read("incidents/\(incident.id)/timeline.jsonl") == journal)
        #expect(Doctor(store: store).run().problems.isEmpty, "\(Doctor(store: store).run().problems)")
        // A link taken off one side is reported.
        dir.write("decisions/0002-amender.md", dir.read("decisions/0002-amender.md")!.replacingOccurrences(of: "amends: [1]", with: "amends: []"))
        #expect(Doctor(store: store).run().problems.contains { $0.message.contains("does not say 'amends 1'") })
    }

    @Test func renumberingAfterACollisionMovesOneRecordAndTheLinksThatMeantIt() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        // Two branches each wrote a record 3, each with a record that links to it.
        dir.write("decisions/0001-base.md", "---\nstatus: superseded\nsuperseded-by: [3]\n---\n# Base\n\nSee ADR-0003.\n")
        dir.write("decisions/0002-other.md", "---\nstatus: accepted\nrelates-to: [3]\n---\n# Other\n")
        dir.write("decisions/0003-ours.md", "---\nstatus: accepted\nsupersedes: [1]\n---\n# Ours\n\nThis is ADR-0003.\n")
        dir.write("decisions/0003-theirs.md", "---\nstatus: accepted\nrelates-to: [2]\n---\n# Theirs\n")
        #expect(Doctor(store: store).run().problems.contains { $0.message.contains("ward adr renumber") })
        #expect { try store.findDecision(3) } throws: { "\($0)".contains("0003-ours.md, 0003-theirs.md") }
        let result = try store.renumberDecision("0003-theirs.md")
        #expect(result.decision.path == "decisions/0004-theirs.md" && result.sharedNumberKeptBy == "decisions/0003-ours.md")
        #expect(dir.read("decisions/0002-other.md")?.contains("relates-to: [4]") == true)
        #expect(dir.read("decisions/0001-base.md")?.contains("superseded-by: [3]") == true)
        #expect(dir.read("decisions/0003-theirs.md") == nil)
        #expect(Doctor(store: store).run().problems.isEmpty, "\(Doctor(store: store).run().problems)")
        // Without a collision, every mention follows.
        let moved = try store.renumberDecision("3", to: 7)
        #expect(moved.decision.fileName == "0007-ours.md")
        #expect(dir.read("decisions/0001-base.md") == "---\nstatus: superseded\nsuperseded-by: [7]\n---\n# Base\n\nSee ADR-0007.\n")
        #expect(dir.read("decisions/0007-ours.md")?.contains("This is ADR-0007.") == true)
        #expect { try store.renumberDecision("7", to: 4) } throws: { "\($0)".contains("taken") }
    }

    @Test func whenThePartnerNumberIsSharedTooTheJournalSaysWhichRecordWasMeant() throws {
        // Both branches wrote records 2 and 3, each 3 superseding its own 2; the journal was merged line by line.
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let theirs = TemporaryDirectory()
        let other = try makeStore(theirs)
        for (side, who) in [(store, "ours"), (other, "theirs")] {
            _ = try side.newDecision(title: "\(who) one")
            _ = try side.newDecision(title: "\(who) two")
            _ = try side.setDecisionStatus(2, to: .accepted)
            _ = try side.newDecision(title: "\(who) three", supersedes: [2])
        }
        for name in ["0001-theirs-one.md", "0002-theirs-two.md", "0003-theirs-three.md"] {
            dir.write("decisions/" + name, theirs.read("decisions/" + name)!)
        }
        let journal = "decisions/" + Store.decisionJournalName
        let merged = dir.read(journal)!
        dir.write(journal, merged + theirs.read(journal)!)
        let moved = try store.renumberDecision("0002-theirs-two.md")
        #expect(moved.decision.fileName == "0004-theirs-two.md")
        #expect(moved.rewritten == ["decisions/0003-theirs-three.md"] && moved.leftAlone.isEmpty)
        #expect(dir.read("decisions/0003-ours-three.md")?.contains("supersedes: [2]") == true, "our record 3 still means our record 2")
        #expect(dir.read("decisions/0003-theirs-three.md")?.contains("supersedes: [4]") == true)
        let three = try store.renumberDecision("0003-theirs-three.md")
        #expect(three.decision.fileName == "0005-theirs-three.md")
        #expect(dir.read("decisions/0004-theirs-two.md")?.contains("superseded-by: [5]") == true)
        #expect(dir.read("decisions/0002-ours-two.md")?.contains("superseded-by: [3]") == true)

        // Without the journal's word (records merged from a tool that keeps none), neither partner is touched.
        let bare = TemporaryDirectory()
        let lone = try makeStore(bare)
        for name in ["0002-ours-two.md", "0003-ours-three.md"] { bare.write("decisions/" + name, dir.read("decisions/" + name)!) }
        bare.write("decisions/0002-theirs-two.md", dir.read("decisions/0004-theirs-two.md")!.replacingOccurrences(of: "superseded-by: [5]", with: "superseded-by: [3]"))
        bare.write("decisions/0003-theirs-three.md", dir.read("decisions/0005-theirs-three.md")!.replacingOccurrences(of: "supersedes: [4]", with: "supersedes: [2]"))
        let unsure = try lone.renumberDecision("0002-theirs-two.md")
        #expect(Set(unsure.leftAlone) == ["decisions/0003-ours-three.md", "decisions/0003-theirs-three.md"])
        #expect(bare.read("decisions/0003-ours-three.md")?.contains("supersedes: [2]") == true)
        #expect(bare.read("decisions/0003-theirs-three.md")?.contains("supersedes: [2]") == true)
    }

    @Test func theNextNumberCountsOtherBranches() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        func git(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=T", "-c", "user.email=t@x", "-c", "init.defaultBranch=main"] + arguments
            process.currentDirectoryURL = dir.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
        }
        try git("init", "-q")
        _ = try store.newDecision(title: "One")
        try git("add", "-A")
        try git("commit", "-qm", "one")
        try git("checkout", "-qb", "feature")
        _ = try store.newDecision(title: "Two")
        _ = try store.newDecision(title: "Three")
        try git("add", "-A")
        try git("commit", "-qm", "two and three")
        try git("checkout", "-q", "main")
        #expect(store.decisionNumbersInUse() == [1])
        #expect(try store.nextDecisionNumber() == 4)
        #expect(try store.newDecision(title: "Four").number == 4)
        // The history comes from one git log for the directory.
        try git("add", "-A")
        try git("commit", "-qm", "four")
        try store.setDecisionStatus(4, to: .accepted)
        try git("commit", "-qam", "Accept ADR 4")
        let history = store.decisionHistory()["0004-four.md"] ?? []
        #expect(history.contains { $0.fromGit && $0.what.contains("Accept ADR 4") && $0.what.contains("status accepted") })
        #expect(history.contains { !$0.fromGit && $0.what == "status proposed → accepted" })
    }

    @Test func theIndexGoesBetweenItsMarkersAndTheGraphNamesEveryLink() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        _ = try store.newDecision(title: "Pipes | and [brackets]")
        try store.setDecisionStatus(1, to: .accepted)
        _ = try store.newDecision(title: "Second \"quoted\"", supersedes: [1], links: [])
        dir.write("decisions/README.md", "# Our decisions\n\nIntro kept.\n\n<!-- ward:adr-index -->\nold\n<!-- /ward:adr-index -->\n\nOutro kept.\n")
        #expect(try store.writeDecisionIndex())
        let readme = try #require(dir.read("decisions/README.md"))
        #expect(readme.hasPrefix("# Our decisions\n\nIntro kept.\n\n<!-- ward:adr-index -->\n| # |") && readme.hasSuffix("<!-- /ward:adr-index -->\n\nOutro kept.\n"))
        #expect(readme.contains("| 1 | [Pipes \\| and \\[brackets\\]](0001-pipes-and-brackets.md) | superseded by [2](0002-second-quoted.md) |"))
        #expect(!readme.contains("old"))
        #expect(try store.writeDecisionIndex() == false)
        dir.write("decisions/README.md", "<!-- /ward:adr-index -->\n<!-- ward:adr-index -->\n")
        #expect(throws: WardError.self) { try store.writeDecisionIndex() }
        let dot = DecisionIndex.dot(store.loadDecisions().decisions)
        #expect(dot.contains("adr2 -> adr1 [label=\"supersedes\"];") && dot.contains("label=\"2. Second \\\"quoted\\\"\""))
        #expect(dot.components(separatedBy: "->").count == 2)
    }

    @Test func aHalfMadeChangeIsFinishedByTheNextCommandAndReportedBeforeThat() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        _ = try store.newDecision(title: "Old")
        try store.setDecisionStatus(1, to: .accepted)
        // Fail the rename of the second file: the first is undone, nothing is left half made.
        let failing = FaultInjectingSyscalls([.init(.rename, call: 3, errno: EIO)])
        let faulty = try Store(root: dir.url, sys: failing, author: "ana@bastion-1", now: { fixedNow })
        let before = dir.read("decisions/0001-old.md")
        #expect(throws: WardError.self) { try faulty.newDecision(title: "New", supersedes: [1]) }
        #expect(dir.read("decisions/0001-old.md") == before && dir.read("decisions/0002-new.md") == nil)
        #expect(faulty.pendingChanges().isEmpty)
        // A change whose intent survived a kill after its first file is reported, then finished.
        let first = Data("---\nstatus: proposed\n---\n# First\n".utf8)
        dir.write("decisions/0003-first.md", String(decoding: first, as: UTF8.self))
        let change = ChangeSet(summary: "write 0002-new.md", steps: [
            .write("decisions/0003-first.md", before: nil, after: first),
            .write("decisions/0002-new.md", before: nil, after: Data("---\nstatus: proposed\n---\n# New\n".utf8))])
        try store.files.makeDirectories(".ward/pending")
        try store.files.replace(change.intentPath, with: try JSONEncoder().encode(change), expecting: .absent)
        #expect(Doctor(store: store).run().problems.contains { $0.message.contains("interrupted") })
        #expect(try store.finishPendingChanges() == ["finished an interrupted change: write 0002-new.md"])
        #expect(dir.read("decisions/0002-new.md") != nil && store.pendingChanges().isEmpty)
        // One that had not begun (or whose files were put back since, by a git checkout) is dropped, not redone.
        let unbegun = ChangeSet(summary: "write 0009-later.md", steps: [.write("decisions/0009-later.md", before: nil, after: Data("x".utf8))])
        try store.files.replace(unbegun.intentPath, with: try JSONEncoder().encode(unbegun), expecting: .absent)
        #expect(try store.finishPendingChanges() == ["dropped an interrupted change that had not begun: write 0009-later.md"])
        #expect(dir.read("decisions/0009-later.md") == nil)
        // One whose file was changed by hand since is left, and said so.
        let stale = ChangeSet(summary: "edit", steps: [.write("decisions/0002-new.md", before: Data("something else".utf8), after: Data("x".utf8))])
        try store.files.replace(stale.intentPath, with: try JSONEncoder().encode(stale), expecting: .absent)
        #expect(try store.finishPendingChanges().isEmpty)
        #expect(store.pendingChanges().first?.conflict?.contains("changed by hand") == true)
        // While it stands, no new change starts.
        #expect { try store.newDecision(title: "Blocked") } throws: { "\($0)".contains("half made") }
        #expect(dir.read("decisions/0002-new.md")?.contains("# New") == true)
    }

    @Test func aStatusLineWithAPersonsWordsIsNotReplaced() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let text = "# 1. Use X\n\nDate: 2021-05-01\n\n## Status\n\nAccepted on 2021-05-01 by the board\n\n## Context\n\nx\n"
        dir.write("decisions/0001-use-x.md", text)
        #expect { try store.setDecisionStatus(1, to: .deprecated) } throws: { "\($0)".contains("by hand") }
        #expect(dir.read("decisions/0001-use-x.md") == text)
    }

    @Test func aRecordBothSupersededAndLinkedChangesOnce() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        _ = try store.newDecision(title: "Old", format: .nygard)
        try store.setDecisionStatus(1, to: .accepted)
        _ = try store.newDecision(title: "New", supersedes: [1], links: [DecisionLink("amends", 1)])
        let old = try store.findDecision(1)
        #expect(old.status == .superseded && old.supersededBy == [2] && old.links == [DecisionLink("amended by", 2)])
    }
}
