import Foundation
import WardKit
#if canImport(Glibc)
import Glibc
#endif

/// Tells the TUI when another process changed the store (a teammate's `ward log`, an editor, git), through
/// inotify on the store's directories. Reads only; never blocks.
final class StoreWatcher {
    private let root: String
    private let decisions: String
    private var fd: Int32 = -1
    private var watched: Set<String> = []
    /// inotify watches are a per-user resource; beyond this many incident folders the oldest go unwatched.
    static let incidentWatchLimit = 4000

    init(root: URL, decisionsDirectory: String) {
        self.root = root.path
        decisions = decisionsDirectory
        #if canImport(Glibc)
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        #endif
        refresh()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Watches the store's folders, including incident folders that appeared since the last call.
    func refresh() {
        guard fd >= 0 else { return }
        // checklists/runs: a teammate's `ward check run` shows on the dashboard and in the run history.
        var folders = ["", "incidents", "checklists", Store.checklistRunsDirectory, "runbooks", "templates", decisions]
        let incidents = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/incidents")) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted().suffix(Self.incidentWatchLimit)
        folders += incidents.map { "incidents/" + $0 }
        for folder in folders where !watched.contains(folder) {
            let path = folder.isEmpty ? root : root + "/" + folder
            #if canImport(Glibc)
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_ATTRIB)
            if inotify_add_watch(fd, path, mask) >= 0 { watched.insert(folder) }
            #endif
        }
    }

    /// Whether anything that matters changed since the last call (Ward's own locks and temp files do not).
    func changed() -> Bool {
        guard fd >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var relevant = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + 16 <= count {
                let length = Int(buffer[offset + 12]) | Int(buffer[offset + 13]) << 8 | Int(buffer[offset + 14]) << 16 | Int(buffer[offset + 15]) << 24
                let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                if !name.hasSuffix(".ward-tmp") && name != ".ward" && !name.hasSuffix(".lock") { relevant = true }
                offset += 16 + length
            }
        }
        return relevant
    }
}
