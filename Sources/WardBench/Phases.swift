import Foundation
import WardKit
import WardTUI

/// `ward-bench phases DIR`: where the time before the TUI's first frame goes, step by step (wall time of
/// each store read `Snapshot.load` makes, then the whole load, the state and the first frame), for finding
/// what to make faster. Each step runs once, in the order given; later steps may find caches warm.
enum Phases {
    static func run(_ arguments: Arguments) throws {
        try arguments.refuseUnknown([])
        guard arguments.positional.count == 1 else { throw BenchError("phases needs the store's DIR") }
        let directory = arguments.positional[0]
        func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = Clock.now()
            let result = try body()
            print(String(format: "%8.1f ms  %@", Clock.milliseconds(since: start), name))
            return result
        }
        let store = try step("open the store") { try Store(root: URL(fileURLWithPath: directory)) }
        let ids = step("list incident ids") { store.incidentIDs() }
        let entries = step("incident summaries and post-mortems (\(ids.count))") { store.incidentEntries() }
        let summaries = entries.map(\.summary)
        _ = step("sort them") { summaries.sorted { ($0.declared, $0.id) > ($1.declared, $1.id) } }
        _ = step("decisions") { store.loadDecisions() }
        _ = step("checklists") { store.loadChecklists() }
        _ = step("runbooks") { store.loadRunbooks() }
        _ = step("decision history") { store.decisionHistory() }
        _ = step("checklist runs") { store.loadChecklistRuns(summaries: summaries) }
        let snapshot = step("Snapshot.load, all of the above") { Snapshot.load(store) }
        let state = step("AppState") { AppState(snapshot: snapshot, width: TUIProbe.width, height: TUIProbe.height, now: Date()) }
        _ = step("first frame (dashboard)") { Views.render(state) }
        _ = step("second frame") { Views.render(state) }
        var list = state
        _ = step("open the incidents list (2, a)") {
            _ = App.update(&list, .key(.character("2")))
            _ = App.update(&list, .key(.character("a")))
            return Views.render(list)
        }
        _ = step("one key down") {
            _ = App.update(&list, .key(.character("j")))
            return Views.render(list)
        }
        // Leave without freeing what was built, as the real TUI does on quit.
        fflush(nil)
        exit(0)
    }
}
