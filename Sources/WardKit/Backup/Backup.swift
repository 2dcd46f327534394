import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a backup holds, written first in the archive as `WARD-BACKUP.json`: every file with its size, mode
/// and SHA-256, so a restore can prove it got back exactly what was archived.
public struct BackupManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int
        public var mode: UInt32
        public var sha256: String
    }

    public var format = 1
    public var store: String
    public var created: String
    public var by: String
    public var files: [File]
    public var directories: [String]
}

/// `ward backup` and `ward restore`: the store as one tar archive, checked by restoring it.
///
/// - A backup holds every file of the store except `.ward/` (locks and derived data), `.git/` (which has
///   its own copies) and temporary files of a writer that died. Symbolic links are never followed; they are
///   named as skipped. Files are read while no multi-file change is under way (its lock is held), so a
///   supersede or a renumbering is in the archive whole or not at all.
/// - The archive is written beside its final name, fsynced and linked into place, never over a file that
///   exists. Then it is read back from disk, restored into a temporary folder, and every file compared
///   with the manifest; only then is the backup reported as made.
/// - A restore goes into a new folder, never over one that exists: it is built beside it, every file
///   fsynced and checked against the manifest, then renamed into place.
public enum Backup {
    public static let manifestName = "WARD-BACKUP.json"

    public struct Report: Sendable {
        public var path: String
        public var manifest: BackupManifest
        public var bytes: Int
        /// Paths not archived, and why.
        public var skipped: [String]
    }

    // MARK: Making one

    public static func create(_ store: Store, in directory: String, now: Date, sys: any Syscalls = POSIXSyscalls(),
                              workingDirectory: String = FileManager.default.currentDirectoryPath) throws -> Report {
        let (entries, manifest, skipped) = try collect(store, now: now)
        let name = "ward-backup-\(Slug.make(manifest.store).prefix(40))-\(stamp(now)).tar"
        let folder = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL
        guard let realFolder = ExportFile.realPath(folder.path) else { throw WardError("there is no folder to write the backup in", path: directory) }
        if let realRoot = ExportFile.realPath(store.root.path), realFolder == realRoot || realFolder.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") {
            throw WardError("is inside the store: a backup kept with what it backs up is lost with it; write it elsewhere (for example ~/backups); nothing was written",
                            path: directory)
        }
        let root = String(name.dropLast(4))
        let archive = TarArchive.write(wrapped(entries, manifest: manifest, root: root), mtime: Int(now.timeIntervalSince1970))
        let target = (realFolder == "/" ? "" : realFolder) + "/" + name
        try ExportFile.writeOutsideStore(archive, directory: realFolder, name: name, target: target, shown: target, force: false, sys: sys)
        // Read back what is on disk, not what was meant to be written. An archive that does not check out is
        // removed: a file under a backup's name must be one that restores.
        do {
            guard let written = FileManager.default.contents(atPath: target) else {
                throw WardError("was written but cannot be read back to check it", path: target)
            }
            _ = try verify(written, source: target)
            return Report(path: target, manifest: manifest, bytes: written.count, skipped: skipped)
        } catch {
            _ = sys.unlink(target)
            throw WardError("did not restore as it was archived, so it was removed: \(error)", path: target)
        }
    }

    /// `20261125T031407Z`
    static func stamp(_ date: Date) -> String {
        Timestamps.format(date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    /// The store's files, read once each, with the manifest that describes them.
    static func collect(_ store: Store, now: Date) throws -> ([TarArchive.Entry], BackupManifest, [String]) {
        var entries: [TarArchive.Entry] = []
        var skipped: [String] = []
        func walk(_ relative: String) throws {
            let full = relative.isEmpty ? store.root.path : store.files.path(relative)
            let names = try FileManager.default.contentsOfDirectory(atPath: full).sorted()
            for name in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                if relative.isEmpty && (name == ".ward" || name == ".git") { continue }
                if name.hasPrefix(".") && name.hasSuffix(StoreFiles.temporarySuffix) { continue }
                // A name a restore would refuse is not archived, and said so, rather than stopping the backup.
                if name.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) {
                    skipped.append("\(TerminalSafe.clean(path, singleLine: true)): its name holds a control character, which a restore refuses")
                    continue
                }
                var info = stat()
                guard lstat(store.files.path(path), &info) == 0 else {
                    skipped.append("\(TerminalSafe.clean(path, singleLine: true)): cannot be read by its name (\(errnoDescription(errno)))")
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    entries.append(TarArchive.Entry(path: path, mode: UInt32(info.st_mode & 0o7777), isDirectory: true))
                    try walk(path)
                case S_IFREG:
                    guard let contents = try store.files.read(path, limit: 1 << 30) else {
                        skipped.append("\(TerminalSafe.clean(path, singleLine: true)): disappeared while the backup was read")
                        continue
                    }
                    entries.append(TarArchive.Entry(path: path, data: contents.data, mode: UInt32(info.st_mode & 0o7777)))
                default:
                    skipped.append("\(path): a symbolic link or special file, not followed")
                }
            }
        }
        if store.isReadOnly {
            try walk("")
        } else {
            try store.files.makeDirectories(ChangeSet.directory)
            try store.files.withLock(ChangeSet.directory) { try walk("") }
        }
        let manifest = BackupManifest(
            store: store.config.name ?? store.root.lastPathComponent, created: Timestamps.format(now), by: store.author,
            files: entries.filter { !$0.isDirectory }.map {
                BackupManifest.File(path: $0.path, size: $0.data.count, mode: $0.mode, sha256: SHA256.hex($0.data))
            },
            directories: entries.filter(\.isDirectory).map(\.path))
        return (entries, manifest, skipped)
    }

    /// The entries under one top folder, the manifest first, so `tar -xf` makes one folder too.
    static func wrapped(_ entries: [TarArchive.Entry], manifest: BackupManifest, root: String) -> [TarArchive.Entry] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let manifestData = (try? encoder.encode(manifest)) ?? Data()
        return [TarArchive.Entry(path: root, mode: 0o755, isDirectory: true),
                TarArchive.Entry(path: root + "/" + manifestName, data: manifestData, mode: 0o644)]
            + entries.map { TarArchive.Entry(path: root + "/" + $0.path, data: $0.data, mode: $0.mode, isDirectory: $0.isDirectory) }
    }

    // MARK: Checking one

    /// Reads an archive, checks it against its manifest, restores it into a temporary folder and compares
    /// every file there with the manifest. Returns the manifest; throws, naming what differs, otherwise.
    @discardableResult
    public static func verify(_ data: Data, source: String) throws -> BackupManifest {
        let (manifest, files, directories) = try unpack(data, source: source)
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try write(files, directories: directories, into: scratch.path, source: source, sys: POSIXSyscalls())
        try compare(manifest, restoredAt: scratch.path, source: source)
        return manifest
    }

    /// The manifest and the store's entries, with every entry checked against the manifest.
    static func unpack(_ data: Data, source: String) throws -> (BackupManifest, [TarArchive.Entry], [TarArchive.Entry]) {
        let entries = try TarArchive.read(data, source: source)
        guard let first = entries.first, first.isDirectory, entries.count >= 2, entries[1].path == first.path + "/" + manifestName else {
            throw WardError("is not a Ward backup: it does not start with a folder holding \(manifestName)", path: source)
        }
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: entries[1].data)
        } catch {
            throw WardError("its \(manifestName) cannot be read: \(error)", path: source)
        }
        guard manifest.format == 1 else { throw WardError("is a backup in format \(manifest.format), which this Ward does not know", path: source) }
        let prefix = first.path + "/"
        var files: [TarArchive.Entry] = []
        var directories: [TarArchive.Entry] = []
        for entry in entries.dropFirst(2) {
            guard entry.path.hasPrefix(prefix) else {
                throw WardError("holds '\(TerminalSafe.clean(entry.path, singleLine: true))' outside its folder \(first.path)", path: source)
            }
            let inner = String(entry.path.dropFirst(prefix.count))
            if entry.isDirectory {
                directories.append(TarArchive.Entry(path: inner, mode: entry.mode, isDirectory: true))
            } else {
                files.append(TarArchive.Entry(path: inner, data: entry.data, mode: entry.mode))
            }
        }
        let listed = Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        guard listed.count == manifest.files.count else { throw WardError("its manifest names a file twice", path: source) }
        for file in files {
            guard let expected = listed[file.path] else {
                throw WardError("holds \(TerminalSafe.clean(file.path, singleLine: true)), which its manifest does not list", path: source)
            }
            guard expected.size == file.data.count, expected.sha256 == SHA256.hex(file.data) else {
                throw WardError("\(TerminalSafe.clean(file.path, singleLine: true)) in the archive differs from what was backed up: the archive is damaged", path: source)
            }
        }
        if files.count != manifest.files.count {
            let present = Set(files.map(\.path))
            let missing = manifest.files.map(\.path).filter { !present.contains($0) }
            throw WardError("lacks \(missing.count) file(s) its manifest lists, such as \(TerminalSafe.clean(missing.first ?? "", singleLine: true))", path: source)
        }
        return (manifest, files, directories)
    }

    /// Every restored file, read back from disk, against the manifest; nothing else may be there.
    static func compare(_ manifest: BackupManifest, restoredAt root: String, source: String) throws {
        var found = 0
        for file in manifest.files {
            guard let data = FileManager.default.contents(atPath: root + "/" + file.path),
                  data.count == file.size, SHA256.hex(data) == file.sha256 else {
                throw WardError("\(file.path) did not come back as it was archived", path: source)
            }
            found += 1
        }
        let walker = FileManager.default.enumerator(atPath: root)
        var count = 0
        while let name = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue { count += 1 }
        }
        guard count == found else { throw WardError("restoring it made \(count) files where its manifest lists \(found)", path: source) }
        for file in manifest.files {
            var info = stat()
            guard lstat(root + "/" + file.path, &info) == 0, UInt32(info.st_mode & 0o777) == file.mode & 0o777 else {
                throw WardError("\(file.path) did not come back with its mode", path: source)
            }
        }
    }

    // MARK: Restoring one

    /// Restores an archive into `target`, a folder that must not exist yet. Returns the manifest.
    public static func restore(archive: String, into target: String, sys: any Syscalls = POSIXSyscalls()) throws -> BackupManifest {
        var info = stat()
        guard lstat(archive, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw WardError("is not a file that can be read", path: archive)
        }
        guard let data = FileManager.default.contents(atPath: archive) else { throw WardError("cannot be read", path: archive) }
        let (manifest, files, directories) = try unpack(data, source: archive)
        let destination = URL(fileURLWithPath: target).standardizedFileURL
        if lstat(destination.path, &info) == 0 {
            throw WardError("already exists: a restore goes into a new folder, never over one (a live store could be lost); name a folder that does not exist yet",
                            path: target)
        }
        let parent = destination.deletingLastPathComponent().path
        guard lstat(parent, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw WardError("there is no folder \(parent) to restore into", path: target)
        }
        let building = parent + "/." + destination.lastPathComponent + ".ward-restore-\(getpid())"
        try? FileManager.default.removeItem(atPath: building)
        do {
            try write(files, directories: directories, into: building, source: archive, sys: sys)
            try compare(manifest, restoredAt: building, source: archive)
            if lstat(destination.path, &info) == 0 { throw WardError("appeared while the restore was under way; nothing was restored", path: target) }
            guard sys.rename(building, destination.path) == 0 else {
                throw WardError("could not move the restored store into place: \(errnoDescription(errno)); nothing was restored", path: target)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: building)
            throw error
        }
        try syncDirectory(parent, shown: target, sys: sys)
        return manifest
    }

    /// Writes restored files with their modes, each created new (never through a link) and fsynced, then
    /// every folder fsynced.
    static func write(_ files: [TarArchive.Entry], directories: [TarArchive.Entry], into root: String, source: String, sys: any Syscalls) throws {
        func failure(_ what: String, _ path: String, _ code: Int32) -> WardError {
            WardError("could not \(what) \(path) while restoring: \(errnoDescription(code)); nothing was restored", path: source)
        }
        guard sys.mkdir(root, 0o755) == 0 else { throw failure("create", root, errno) }
        var folders = Set([""])
        for directory in directories.map(\.path).sorted() {
            var built = ""
            for part in directory.split(separator: "/") {
                built += (built.isEmpty ? "" : "/") + part
                if folders.insert(built).inserted, sys.mkdir(root + "/" + built, 0o755) != 0, errno != EEXIST {
                    throw failure("create the folder", built, errno)
                }
            }
        }
        for file in files {
            let parentPath = file.path.split(separator: "/").dropLast().joined(separator: "/")
            guard folders.contains(parentPath) else { throw failure("find the folder of", file.path, ENOENT) }
            let full = root + "/" + file.path
            let fd = sys.open(full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw failure("create", file.path, errno) }
            defer { _ = sys.close(fd) }
            var offset = 0
            while offset < file.data.count {
                let wrote = file.data.withUnsafeBytes { sys.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if wrote < 0 && errno == EINTR { continue }
                guard wrote > 0 else { throw failure("write", file.path, wrote < 0 ? errno : ENOSPC) }
                offset += wrote
            }
            guard sys.fchmod(fd, mode_t(file.mode & 0o777)) == 0 else { throw failure("set the mode of", file.path, errno) }
            guard sys.fsync(fd) == 0 else { throw failure("flush", file.path, errno) }
        }
        // Folders get their archived modes last, deepest first, so a private folder is not left open and a
        // read-only one does not stop the files going in.
        for directory in directories.sorted(by: { $0.path > $1.path }) {
            guard chmod(root + "/" + directory.path, mode_t(directory.mode & 0o7777)) == 0 else {
                throw failure("set the mode of", directory.path, errno)
            }
        }
        for folder in folders.sorted(by: >) {
            try syncDirectory(folder.isEmpty ? root : root + "/" + folder, shown: source, sys: sys)
        }
    }

    static func syncDirectory(_ path: String, shown: String, sys: any Syscalls) throws {
        let fd = sys.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard fd >= 0 else { throw WardError("could not open \(path) to flush it: \(errnoDescription(errno))", path: shown) }
        defer { _ = sys.close(fd) }
        guard sys.fsync(fd) == 0 else { throw WardError("could not flush \(path): \(errnoDescription(errno))", path: shown) }
    }
}
