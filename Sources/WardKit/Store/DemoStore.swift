import Foundation

/// The demo store compiled into the binary (the package's `data/`), opened read-only when no store is found.
public enum DemoStore {
    public static let readOnlyReason =
        "this is the bundled demo store, which is read-only: create your own store with 'ward init' and run the command there"

    /// Writes the demo store's files into a private folder (once per version of them) and returns it.
    public static func materialize() throws -> URL {
        let files = EmbeddedFiles.demoStore
        guard !files.isEmpty else { throw WardError("this build of Ward carries no demo store") }
        let fingerprint = ContentHash(Data(files.keys.sorted().map { $0 + "\0" + files[$0]! }.joined().utf8))
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
            .appending(path: "ward-demo-\(getuid())-\(fingerprint)")
        let marker = base.appending(path: ".ward-demo-complete")
        if FileManager.default.fileExists(atPath: marker.path) {
            // On a shared host another user could plant a folder at this name: use only our own.
            var info = stat()
            guard lstat(base.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
                throw WardError("\(base.path) exists but does not belong to you; remove it or set TMPDIR elsewhere")
            }
            return base
        }
        // Build in a fresh folder, then move it into place, so a half-written demo store is never opened.
        let building = base.deletingLastPathComponent().appending(path: ".\(base.lastPathComponent).\(getpid())")
        try? FileManager.default.removeItem(at: building)
        for (path, text) in files {
            let url = building.appending(path: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try Data().write(to: building.appending(path: ".ward-demo-complete"))
        do {
            try FileManager.default.moveItem(at: building, to: base)
        } catch {
            try? FileManager.default.removeItem(at: building)
            if !FileManager.default.fileExists(atPath: marker.path) { throw error }
        }
        return base
    }

    public static func open() throws -> Store {
        try Store(root: try materialize(), readOnlyReason: readOnlyReason, isDemo: true)
    }
}
