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
        let summaries = step("incident summaries (\(ids.count))") { store.incidentSummaries() }
        _ = step("sort them") { summaries.sorted { ($0.declared, $0.id) > ($1.declared, $1.id) } }
        _ = step("decisions, with bodies") { store.loadDecisions() }
        _ = step("decisions, without bodies") { store.loadDecisions(withBodies: false) }
        _ = step("post-mortem listings") { store.loadPostmortems(withBodies: false) }
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
        // What reading one incident from its files costs, step by step, on one core (the cache's build).
        let sample = Array(ids.prefix(2000))
        let contents = sample.map { id -> (Data, Data) in
            let directory = directory + "/incidents/" + id
            return ((try? Data(contentsOf: URL(fileURLWithPath: directory + "/incident.md"))) ?? Data(),
                    (try? Data(contentsOf: URL(fileURLWithPath: directory + "/timeline.jsonl"))) ?? Data())
        }
        func perIncident(_ name: String, _ body: (Int) -> Void) {
            let start = Clock.now()
            for index in sample.indices { body(index) }
            print(String(format: "%8.1f µs  %@, per incident (%d on one core)", Clock.milliseconds(since: start) * 1000 / Double(sample.count), name, sample.count))
        }
        perIncident("read both files") { index in
            _ = try? store.files.read("incidents/" + sample[index] + "/incident.md")
            _ = try? store.files.read("incidents/" + sample[index] + "/timeline.jsonl")
        }
        perIncident("incident.md parsed") { _ = try? IncidentRecord(data: contents[$0].0, path: "incident.md") }
        perIncident("timeline.jsonl parsed") { _ = Journal(data: contents[$0].1, path: "timeline.jsonl") }
        let lines = contents.map { $0.1.split(separator: 10) }
        perIncident("timeline lines as JSON objects only") { index in
            for line in lines[index] { _ = try? JSONValue.parseObject(line) }
        }
        let journals = contents.map { Journal(data: $0.1, path: "timeline.jsonl").events }
        perIncident("folded") { _ = IncidentState.fold(journals[$0], record: nil) }
        let incidents = sample.map { store.loadIncident($0) }
        perIncident("loadIncident, all of it") { _ = store.loadIncident(sample[$0]) }
        perIncident("summary made") { _ = IncidentSummary(incidents[$0]) }
        let made = incidents.map(IncidentSummary.init)
        perIncident("summary's JSON text") { _ = made[$0].jsonText }
        // Leave without freeing what was built, as the real TUI does on quit.
        fflush(nil)
        exit(0)
    }
}
