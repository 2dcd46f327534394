import Foundation
import Testing
@testable import WardKit
@testable import WardTUI

/// The git state on the status line, and U syncing.
struct SyncKeysTests {
    func writableState() -> AppState {
        var state = demoState(width: 100)
        state.snapshot.isDemo = false
        state.snapshot.isReadOnly = false
        return state
    }

    @Test func theStatusLineShowsAheadBehindUncommittedAndTheLastSync() {
        var state = writableState()
        var status = SyncStatus()
        status.branch = "main"
        status.upstream = "origin/main"
        status.ahead = 2
        status.behind = 1
        status.uncommitted = 3
        status.lastSync = state.now.addingTimeInterval(-300)
        _ = App.update(&state, .syncState(status))
        let last = screen(state).split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasSuffix(" git ↑2 ↓1 ✎3 · synced 5m ago"), "\(last)")
        status = SyncStatus()
        status.branch = "main"
        _ = App.update(&state, .syncState(status))
        #expect(screen(state).contains("git local · never synced"))
        // Outside a repository, nothing is shown.
        _ = App.update(&state, .syncState(nil))
        #expect(!screen(state).contains("git "))
    }

    @Test func narrowScreensKeepTheHintsAndDropTheGitState() {
        var state = writableState()
        _ = App.update(&state, .resize(width: 50, height: 24))
        var status = SyncStatus()
        status.branch = "main"
        status.upstream = "origin/main"
        _ = App.update(&state, .syncState(status))
        #expect(!screen(state).contains("git ✓"))
        _ = App.update(&state, .resize(width: 120, height: 24))
        #expect(screen(state).contains("git ✓ · never synced"))
    }

    @Test func uSyncsOnceAtATimeAndSaysHowItWent() {
        var state = writableState()
        // No repository: says how to make one.
        #expect(press(&state, .character("U")).isEmpty)
        #expect(state.message?.text.contains("ward init --git") == true)
        var status = SyncStatus()
        status.branch = "main"
        _ = App.update(&state, .syncState(status))
        #expect(press(&state, .character("U")) == [.sync])
        #expect(state.syncing && screen(state).contains("syncing..."))
        #expect(press(&state, .character("U")).isEmpty, "a second U while one runs starts nothing")
        _ = App.update(&state, .synced(text: "Synced with origin: pushed 1 commit", isError: false))
        #expect(!state.syncing && state.message?.text == "Synced with origin: pushed 1 commit")
        // The palette has it too.
        press(&state, .character(":"))
        type(&state, "sync")
        #expect(press(&state, .enter) == [.sync])
    }

    @Test func theDemoStoreDoesNotSync() {
        var state = demoState()
        #expect(press(&state, .character("U")).isEmpty)
        #expect(state.message?.text.contains("read-only") == true)
    }
}
