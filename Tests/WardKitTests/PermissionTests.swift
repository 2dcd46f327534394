import Foundation
import Testing
@testable import WardKit

/// Modes and groups: a record keeps its mode through every rewrite, and new files follow the directory's
/// group and the umask, so a store shared by a group on a bastion keeps working.
@Suite struct PermissionTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test func aRenumberedRecordKeepsItsModeAndAnUndoneRemovalGetsItBack() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        _ = try store.newDecision(title: "First")
        dir.write("decisions/0001-twin.md", "---\nstatus: proposed\n---\n# Twin\n")
        chmod(dir.path("decisions/0001-twin.md"), 0o640)
        let moved = try store.renumberDecision("0001-twin.md")
        #expect(mode(dir.path(moved.decision.path)) == 0o640, "\(moved.decision.path)")

        // A move (create, remove) whose last step fails is undone: the removed file comes back with its mode.
        dir.write("notes/old.md", "old\n")
        dir.write("notes/other.md", "x\n")
        chmod(dir.path("notes/old.md"), 0o600)
        let change = ChangeSet(summary: "move old.md", steps: [
            .write("notes/new.md", before: nil, after: Data("old\n".utf8), mode: 0o600),
            .remove("notes/old.md", before: Data("old\n".utf8), mode: 0o600),
            .write("notes/other.md", before: Data("x\n".utf8), after: Data("y\n".utf8)),
        ])
        let faults = FaultInjectingSyscalls([.init(.rename, call: 3, errno: EIO)])
        let faulty = try Store(root: dir.url, sys: faults, author: "ana@bastion-1", now: { fixedNow })
        #expect(throws: WardError.self) { try faulty.apply(change) }
        #expect(dir.read("notes/old.md") == "old\n" && dir.read("notes/new.md") == nil && dir.read("notes/other.md") == "x\n")
        #expect(mode(dir.path("notes/old.md")) == 0o600)
        #expect(faulty.pendingChanges().isEmpty)
    }

    @Test func newFilesTakeTheGroupOfASetgidStoreDirectory() throws {
        guard getuid() == 0 else { return }  // Giving a directory another group needs root, or a second group.
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let group: gid_t = 1
        for folder in ["", "incidents"] {
            chown(dir.path(folder), 0, group)
            chmod(dir.path(folder), 0o2775)
        }
        let incident = try store.declare(title: "Shared host", severity: "SEV2", services: [], commander: nil)
        var info = stat()
        #expect(lstat(dir.path("incidents/\(incident.id)/timeline.jsonl"), &info) == 0 && info.st_gid == group)
        #expect(lstat(dir.path("incidents/\(incident.id)"), &info) == 0 && info.st_gid == group)
    }
}
