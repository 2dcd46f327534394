import Foundation
@testable import WardKit
@testable import WardTUI

let demoNow = Timestamps.parseISO("2026-11-25T09:30:00Z")!

/// The demo store's snapshot, loaded once.
let demoSnapshot: Snapshot = Snapshot.load(try! DemoStore.open())

func demoState(width: Int = 80, height: Int = 24) -> AppState {
    AppState(snapshot: demoSnapshot, width: width, height: height, now: demoNow)
}

/// Sends keys to the app, one message each, and returns every effect asked for.
@discardableResult
func press(_ state: inout AppState, _ keys: Key...) -> [Effect] {
    keys.flatMap { App.update(&state, .key($0)) }
}

func type(_ state: inout AppState, _ text: String) {
    for character in text { _ = App.update(&state, .key(.character(character))) }
}

func screen(_ state: AppState) -> String { Views.render(state).text }

/// The demo at 80x24 with its snapshot changed first.
func demoState(changing change: (inout Snapshot) -> Void) -> AppState {
    var snapshot = demoSnapshot
    change(&snapshot)
    return AppState(snapshot: snapshot, width: 80, height: 24, now: demoNow)
}

extension Snapshot {
    /// Changes the decision numbered `number` in place.
    mutating func changeDecision(_ number: Int, _ change: (inout Decision) -> Void) {
        change(&decisions[decisions.firstIndex { $0.number == number }!])
    }
}

/// Whether a screen's text is `width` by `height` cells at most, line for line.
func fits(_ text: String, width: Int = 80, height: Int = 24) -> Bool {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return lines.count == height && lines.allSatisfy { DisplayWidth.of(String($0)) <= width }
}

/// The screen's lines that contain `text`.
func lines(_ screenText: String, containing text: String) -> [String] {
    screenText.split(separator: "\n").map(String.init).filter { $0.contains(text) }
}

/// Whether `first` and `second` are both on the screen, `first` above or left of `second`.
func appears(_ screenText: String, _ first: String, before second: String) -> Bool {
    guard let a = screenText.range(of: first), let b = screenText.range(of: second) else { return false }
    return a.lowerBound < b.lowerBound
}
