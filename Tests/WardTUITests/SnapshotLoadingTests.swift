import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// A large store's first frame waits only for what the dashboard shows; what it does not need (post-mortems,
/// decision history, the search index) is read on first use or by `prefetch` just after, and changes nothing
/// once read.
@Suite struct SnapshotLoadingTests {
    static func newStore(at root: URL) throws -> Store {
        try Store.create(at: root, name: "t")
        return try Store(root: root, author: "ana@bastion-1")
    }

    @Test func postMortemsAndTheirProblemsArriveWhenRead() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "ward-snapshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try Self.newStore(at: root)
        let first = try store.declare(title: "Checkout down", severity: "SEV2", services: ["api"], commander: "ana")
        let second = try store.declare(title: "Queue stalled", severity: "SEV3", services: ["kafka"], commander: "bo")
        try Data("---\ntitle: Checkout post-mortem\nstatus: draft\n---\n\nBody.\n".utf8)
            .write(to: root.appending(path: "incidents/\(first.id)/postmortem.md"))
        try Data("---\ntitle: [unclosed\n---\n".utf8).write(to: root.appending(path: "incidents/\(second.id)/postmortem.md"))

        let snapshot = Snapshot.load(store)
        #expect(!snapshot.problems.contains { $0.path.hasSuffix("postmortem.md") }, "not read for the first frame")
        snapshot.prefetch()
        #expect(snapshot.problems.contains { $0.path == "incidents/\(second.id)/postmortem.md" }, "read by prefetch")
        #expect(snapshot.postmortems.map(\.title) == ["Checkout post-mortem"])

        // Read on first use too, without prefetch, and the same either way.
        let other = Snapshot.load(store)
        #expect(other.postmortems == snapshot.postmortems)
        #expect(other.problems == snapshot.problems)
        #expect(other.postmortem(first.id)?.body.contains("Body.") == true)
    }

    /// Decision records are listed for the first frame without their texts; a record's screen, a search and
    /// the prefetch read them, and each shows what the file says.
    @Test func decisionTextsArriveWhenRead() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "ward-snapshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try Self.newStore(at: root)
        let decision = try store.newDecision(title: "Use one database role per batch job")
        let path = root.appending(path: decision.path)
        let text = try String(contentsOf: path, encoding: .utf8) + "\nThe zebracorn clause: roles expire nightly.\n"
        try Data(text.utf8).write(to: path)

        let snapshot = Snapshot.load(store)
        let listed = try #require(snapshot.decisions.first)
        #expect(listed.body.isEmpty, "not read for the first frame")
        #expect(snapshot.body(of: listed).contains("The zebracorn clause"))
        let found = SearchEngine.search("zebracorn", in: Snapshot.load(store))
        #expect(found.contains { $0.group == "Decisions" && $0.text.contains("zebracorn") })
        var state = AppState(snapshot: Snapshot.load(store), width: 100, height: 40, now: Date())
        state.stack = [.dashboard, .decisions, .decision(listed.number)]
        #expect(screen(state).contains("The zebracorn clause"))
        let prefetched = Snapshot.load(store)
        prefetched.prefetch()
        #expect(prefetched.body(of: listed) == store.loadDecisions().decisions.first?.body)
    }

    /// The search index takes seconds to read after a clone; the prefetch reads it on another thread, and an
    /// incident opened meanwhile must not wait for it.
    @Test func anIncidentOpensWhileTheSearchIndexIsRead() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "ward-snapshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try Self.newStore(at: root)
        let incident = try store.declare(title: "Checkout down", severity: "SEV2", services: ["api"], commander: "ana")
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let loader = IncidentLoader(store: store, loaded: [], indexer: {
            started.signal()
            release.wait()
            return store.incidentSearchIndex()
        })
        let indexed = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = loader.searchIndex()
            indexed.signal()
        }
        started.wait()
        let opened = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = loader.incident(incident.id)
            _ = loader.record(incident.id)
            opened.signal()
        }
        let openedWhileIndexing = opened.wait(timeout: .now() + 10) == .success
        release.signal()
        #expect(openedWhileIndexing)
        #expect(indexed.wait(timeout: .now() + 10) == .success)
        // Read once: a second ask is answered from memory, without the indexer.
        #expect(loader.searchIndex() != nil)
    }
}
