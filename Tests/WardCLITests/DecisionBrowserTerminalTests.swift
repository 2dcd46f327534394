import Foundation
import Testing
@testable import WardKit

/// The decision browser of the real `ward` binary in tmux, on a copy of the demo store kept in git: the
/// status filter, the time line, the supersede chain both ways, the history git knows, and the way from a
/// decision to the incident it came from and back to that incident's decisions.
@Suite(.serialized) struct DecisionBrowserTerminalTests {
    var ward: String { buildDirectory.appending(path: "ward").path }

    static let demoData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "data")

    /// A copy of the demo store (`data/`), committed to a new git repository.
    func demoStoreInGit() throws -> Scratch {
        let store = Scratch()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.demoData.path) {
            try FileManager.default.copyItem(at: Self.demoData.appending(path: name), to: store.url.appending(path: name))
        }
        for arguments in [["init", "-q"], ["add", "-A"], ["commit", "-qm", "Import the demo store"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=Dana Git", "-c", "user.email=dana@example.com",
                                 "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"] + arguments
            process.currentDirectoryURL = store.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " "))")
        }
        return store
    }

    @Test func aSupersedeChainIsWalkedBothWaysAndLeadsToItsIncident() throws {
        let store = try demoStoreInGit()
        let tmux = try TmuxSession("sh -c 'trap \"\" INT; \(ward) --store \(store.url.path); sleep 20'", width: 100, height: 30)
        tmux.waitFor("Active incidents")

        // Decisions, filtered by status until "superseded" shows: records 3 and 6 are left.
        tmux.keys("3"); tmux.waitFor("NUM   STATUS       DATE        TITLE")
        for status in ["proposed", "accepted", "rejected", "deprecated", "superseded"] {
            tmux.keys("s"); tmux.waitFor("status: \(status)")
        }
        tmux.waitFor("0003  superseded   2026-03-09  Rely on daily provider snapshots")
        tmux.waitFor("0006  superseded   2026-03-26  Archive WAL continuously")
        #expect(!tmux.screen().contains("0010  accepted"))

        // The same two on the time line, by month; back to the list.
        tmux.keys("v"); tmux.waitFor("[v] by month")
        tmux.waitFor("March 2026  2 decisions")
        tmux.waitFor("2026-03-26  0006  superseded   Archive WAL continuously")
        tmux.waitFor("v list")
        tmux.keys("v"); tmux.waitFor("[v] list")

        // Open 3 and follow the chain forward to 6 and 10, then back.
        tmux.keys("Enter"); tmux.waitFor("0003  Rely on daily provider snapshots for database backups")
        tmux.waitFor("chain: 0003 → 0006 → 0010")
        tmux.waitFor("Superseded by 0006 Archive WAL continuously")
        // Its history: the commit that brought it, from one git log when the store was read.
        tmux.waitFor("History · newest first")
        tmux.waitFor("git   Dana Git")
        tmux.waitFor("Import the demo store")
        tmux.keys("]"); tmux.waitFor("0006  Archive WAL continuously for point-in-time recovery")
        tmux.keys("]"); tmux.waitFor("0010  Restore and verify a backup every week")
        tmux.waitFor("Supersedes    0006 Archive WAL continuously")
        tmux.keys("["); tmux.waitFor("0006  Archive WAL continuously for point-in-time recovery")
        tmux.keys("["); tmux.waitFor("0003  Rely on daily provider snapshots for database backups")
        tmux.keys("]"); tmux.waitFor("0006  Archive WAL continuously for point-in-time recovery")

        // The links pane: supersedes 3, superseded by 10, then the incident it came from.
        tmux.waitFor("Incident      2026-03-17 Production database deleted by a coding agent")
        tmux.keys("Tab"); tmux.waitFor("Links · ⏎ follows ◂")
        tmux.keys("j", "j", "Enter")
        tmux.waitFor("SEV1  Production database deleted by a coding agent")
        tmux.waitFor("── Timeline")
        tmux.waitFor("decisions: 0005, 0006, 0007, 0010 (o opens)")

        // And from the incident, its decisions.
        tmux.keys("o"); tmux.waitFor("from Production database deleted")
        tmux.waitFor("0005  accepted     2026-03-20  Coding agents never hold production credentials")
        tmux.waitFor("0010  accepted     2026-05-04  Restore and verify a backup every week")
        #expect(!tmux.screen().contains("0003  superseded"))
        tmux.keys("Escape"); tmux.waitFor("SEV1  Production database deleted by a coding agent")
        tmux.keys("q")
    }
}
