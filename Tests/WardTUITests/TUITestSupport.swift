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
