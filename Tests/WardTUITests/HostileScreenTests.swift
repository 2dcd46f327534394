import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// Escape sequences and bidi controls in every field of a store on disk, drawn on every screen and
/// every detail Ward has: not one unsafe character reaches a screen cell.
@Suite struct HostileScreenTests {
    static let payloads = ["\u{1B}[2J\u{1B}[31mred", "\u{1B}]0;owned\u{07}", "\u{1B}]52;c;aGFja2Vk\u{07}", "\u{1B}P1$qm\u{1B}\\",
                           "\u{9B}31m", "over\rwrite", "back\u{08}space", "bell\u{07}", "\u{202E}evil.md"]

    @Test func noScreenShowsARawControlCharacter() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try Store.create(at: root, name: Self.payloads[1])
        let store = try Store(root: root, author: "ana\u{1B}[2J@host")
        func hostile(_ index: Int) -> String { "x " + Self.payloads[index % Self.payloads.count] + " y" }
        let incident = try store.declare(title: hostile(0), severity: "SEV2", services: [hostile(2)], commander: hostile(1))
        for index in 0..<Self.payloads.count { _ = try store.addNote(store.loadIncident(incident.id), text: hostile(index)) }
        _ = try store.startRunbook(store.loadIncident(incident.id))
        _ = try store.setStep(store.loadIncident(incident.id), step: "pause-automation", to: .skipped, reason: hostile(6))
        let decision = try store.newDecision(title: hostile(3), incidents: [incident.id])
        let checklist = try store.checklist(named: "schema-change")
        _ = try store.recordChecklistRun(checklist, answers: Dictionary(uniqueKeysWithValues: checklist.items.map { ($0.id, .no) }),
                                         notes: Dictionary(uniqueKeysWithValues: checklist.items.enumerated().map { ($1.id, hostile($0)) }),
                                         incident: store.loadIncident(incident.id))
        _ = try store.draftPostmortem(store.loadIncident(incident.id))
        let snapshot = Snapshot.load(store)
        let run = try #require(snapshot.checklistRuns.first)
        var routes: [Route] = Route.sections + [.incident(incident.id), .decision(decision.number), .postmortem(incident.id),
                                                .checklistHistory(name: nil), .recordedRun(run.id),
                                                .checklistRun(name: "schema-change", incident: incident.id)]
        routes.append(.definition(kind: "checklist", name: "schema-change"))
        var offenders: [String] = []
        for (width, height) in [(80, 24), (120, 40)] {
            for route in routes {
                var state = AppState(snapshot: snapshot, width: width, height: height, now: Date())
                state.stack = route == .dashboard ? [.dashboard] : [.dashboard, route]
                for pane in 0..<3 {
                    state.pane[route] = pane
                    let text = screen(state)
                    let bad = text.unicodeScalars.filter { TerminalSafe.isUnsafe($0) }
                    if !bad.isEmpty { offenders.append("\(route) pane \(pane) at \(width)x\(height): \(Set(bad.map { $0.value }))") }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.prefix(5))")
        // And the words are there, escaped, not dropped.
        var state = AppState(snapshot: snapshot, width: 120, height: 40, now: Date())
        state.stack = [.dashboard, .incident(incident.id)]
        #expect(screen(state).contains("\\u{1B}[2J"))
    }
}
