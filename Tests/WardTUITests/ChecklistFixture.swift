import Foundation
@testable import WardKit
@testable import WardTUI

/// A writable store's snapshot with checklists and, when asked, recorded runs: what the checklist screens
/// are tested on, independent of what the demo store holds.
enum ChecklistFixture {
    static let incidentID = "2026-11-25-db-gone-abcd"

    /// Every kind of item: required, required with n/a allowed, neither (a warning only), a red flag.
    static let gate = try! Checklist(name: "gate", text: """
        ---
        title: Release gate
        summary: Before a release.
        ---

        - [ ] backup-verified: A backup was restored. {required}
          A backup that has never been restored is a hope.
        - [ ] staging-tested: It ran on staging. {required, na}
        - [ ] peer-reviewed: A second person read it.
        - [ ] agent-prod-access: An agent can reach production. {red-flag}
        - [ ] rollback-written: The rollback is written down. {required}
        """, path: "checklists/gate.md", builtIn: false)

    static let schemaChange = try! Checklist(name: "schema-change", text: Templates.builtIn("checklists/schema-change.md")!,
                                             path: "templates/checklists/schema-change.md", builtIn: true)
    static let redFlags = try! Checklist(name: "red-flags", text: Templates.builtIn("checklists/red-flags.md")!,
                                         path: "templates/checklists/red-flags.md", builtIn: true)

    /// A checklist too long for 80x24, to see the verdict stay while the list scrolls.
    static let long = try! Checklist(name: "long", text: "---\ntitle: Long\n---\n\n"
        + (1...30).map { "- [ ] item-\($0): Item number \($0). {required}\n" }.joined(), path: "checklists/long.md", builtIn: false)

    static var incident: Incident {
        let at = demoNow.addingTimeInterval(-1800)
        let events = [Event(at: at, recorded: at, by: "ana@b", kind: "declared",
                            fields: ["title": .string("DB gone"), "severity": .string("SEV1"), "services": .array([])])]
        return Incident(id: incidentID, record: nil, events: events, state: IncidentState.fold(events, record: nil), problems: [])
    }

    /// A recorded run of `checklist`, `minutes` before now.
    static func run(_ checklist: Checklist, _ answers: [String: ChecklistAnswer], notes: [String: String] = [:],
                    minutes: Double, by: String = "ana@laptop", incident: String? = nil, line: Int = 1) -> ChecklistRun {
        let verdict = ChecklistVerdict(items: checklist.items, answers: answers, notes: notes)
        let at = demoNow.addingTimeInterval(-minutes * 60)
        let event = Event(at: at, recorded: at, by: by, kind: "checklist", fields: ChecklistRun.fields(checklist, verdict))
        let path = incident.map { "incidents/\($0)/timeline.jsonl" } ?? "checklists/runs/\(checklist.name).jsonl"
        return try! ChecklistRun(event: event, incident: incident, path: path, line: line)
    }

    /// All five answers good for `gate`, with any changed.
    static func gateAnswers(_ changes: [String: ChecklistAnswer] = [:]) -> [String: ChecklistAnswer] {
        var answers: [String: ChecklistAnswer] = ["backup-verified": .yes, "staging-tested": .yes, "peer-reviewed": .yes,
                                                  "agent-prod-access": .no, "rollback-written": .yes]
        for (id, answer) in changes { answers[id] = answer }
        return answers
    }

    static func snapshot(runs: [ChecklistRun] = [], readOnly: Bool = false, extra: [Checklist] = []) -> Snapshot {
        var snapshot = Snapshot(storeName: "t", storePath: "/t", isDemo: readOnly, isReadOnly: readOnly, incidents: [incident],
                                checklists: [gate, redFlags, schemaChange] + extra)
        snapshot.checklistRuns = runs.sorted { ($0.at, $0.id) > ($1.at, $1.id) }
        return snapshot
    }

    static func state(runs: [ChecklistRun] = [], readOnly: Bool = false, width: Int = 80, height: Int = 24,
                      extra: [Checklist] = []) -> AppState {
        var state = AppState(snapshot: snapshot(runs: runs, readOnly: readOnly, extra: extra), width: width, height: height, now: demoNow)
        state.user = "ana"
        return state
    }

    /// The run screen of `name`, opened with r from the checklists library.
    static func running(_ name: String = "gate", runs: [ChecklistRun] = [], readOnly: Bool = false,
                        width: Int = 80, height: Int = 24, extra: [Checklist] = []) -> AppState {
        var state = self.state(runs: runs, readOnly: readOnly, width: width, height: height, extra: extra)
        press(&state, .character("5"))
        let row = Rows.definitions(state).firstIndex { $0.name == name }!
        for _ in 0..<row { press(&state, .character("j")) }
        press(&state, .character("r"))
        return state
    }
}
