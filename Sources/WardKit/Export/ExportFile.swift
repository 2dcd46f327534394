import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an export (`ward export --out FILE`): atomically and durably, never over an existing file unless
/// asked to, and never among the store's records.
///
/// - Inside the store (beside `ward.yaml`, or in a folder of its own such as `exports/`) the write is the
///   store's own: `StoreFiles.replace`, with its lock and its check that nobody changed the file meanwhile.
///   The store's `incidents/`, decisions folder, `checklists/`, `runbooks/`, `templates/`, `.ward/` and
///   `.git/`, and `ward.yaml`, `.gitattributes` and `.gitignore` themselves, are refused.
/// - Elsewhere, the same protocol without the store's lock file (which would leave a `.ward/` folder in
///   whatever folder the export went to): a temporary file beside the target, written, fsynced, then
///   linked to the target's name (which fails if the name is taken: no overwrite, even by a race) or, with
///   `force`, renamed over it, keeping the old file's mode; then the folder is fsynced. An fsync error ends
///   the write and is never retried. Temporary files left by a killed export of the same name are removed.
public enum ExportFile {
    /// Writes `data` to `path` (relative to `workingDirectory`) and returns the absolute path written.
    @discardableResult
    public static func write(_ data: Data, to path: String, force: Bool, store: Store, sys: any Syscalls = POSIXSyscalls(),
                             workingDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        guard !path.isEmpty else { throw WardError("--out needs a file name") }
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL
        let name = url.lastPathComponent
        if path.hasSuffix("/") || name.isEmpty || name == "." || name == ".." || name == "/" {
            throw WardError("is a folder: name the file to write in it", path: path)
        }
        let directory = url.deletingLastPathComponent().path
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw WardError("there is no folder \(directory) to write it in; nothing was written", path: path)
        }
        guard let realDirectory = realPath(directory), let realRoot = realPath(store.root.path) else {
            throw WardError("cannot resolve the folder it is in: \(errnoDescription(errno))", path: path)
        }
        if realDirectory == realRoot || realDirectory.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") {
            let inside = realDirectory == realRoot ? "" : String(realDirectory.dropFirst(realRoot == "/" ? 1 : realRoot.count + 1))
            let relative = inside.isEmpty ? name : inside + "/" + name
            try refuseRecordPlaces(relative, store: store, shown: path)
            let current = try store.files.read(relative)
            if current != nil && !force {
                throw WardError("already exists; nothing was written (--force replaces it)", path: path)
            }
            try store.files.replace(relative, with: data, expecting: current.map { .content($0.hash) } ?? .absent)
            return store.files.path(relative)
        }
        let target = (directory == "/" ? "" : directory) + "/" + name
        try writeOutsideStore(data, directory: directory, name: name, target: target, shown: path, force: force, sys: sys)
        return target
    }

    /// Refuses a path among the store's records, where a file Ward did not expect would be read as a record
    /// (or trip `ward doctor`).
    static func refuseRecordPlaces(_ relative: String, store: Store, shown: String) throws {
        let decisions = store.decisionsDirectory.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        let places = [Store.incidentsDirectory, decisions, "checklists", "runbooks", "templates", ".ward", ".git"]
        for place in places where place.isEmpty || relative == place || relative.hasPrefix(place + "/") {
            throw WardError("is inside the store's \(place.isEmpty ? "decisions" : place)/ folder, where Ward keeps its records; "
                            + "write the export outside it (for example in ~/); nothing was written", path: shown)
        }
        if ["ward.yaml", ".gitattributes", ".gitignore"].contains(relative) {
            throw WardError("is one of the store's own files; nothing was written", path: shown)
        }
    }

    static func writeOutsideStore(_ data: Data, directory: String, name: String, target: String, shown: String, force: Bool,
                                  sys: any Syscalls) throws {
        func failure(_ action: String, _ code: Int32, after renamed: Bool = false) -> WardError {
            WardError("could not \(action): \(errnoDescription(code)); "
                      + (renamed ? "the file is in place but may not survive a crash or power loss" : "nothing was written"), path: shown)
        }
        var info = stat()
        var keptMode: mode_t?
        if lstat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: throw WardError("is a folder: name the file to write in it", path: shown)
            case S_IFLNK: throw WardError("is a symbolic link; Ward does not write through links: name the file itself", path: shown)
            case S_IFREG: break
            default: throw WardError("is not a regular file; nothing was written", path: shown)
            }
            guard force else { throw WardError("already exists; nothing was written (--force replaces it)", path: shown) }
            keptMode = info.st_mode & 0o7777
        }
        // What a killed export of this name left behind (this host's dead writers, anyone's after a day).
        let prefix = "." + String(name.prefix(100)) + "."
        for orphan in StoreFiles(root: URL(fileURLWithPath: directory)).orphanedTemporaries(in: "") where orphan.hasPrefix(prefix) {
            _ = sys.unlink(directory + "/" + orphan)
        }
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let temp = directory + "/" + prefix + "\(StoreFiles.hostTag).\(getpid()).\(random)\(StoreFiles.temporarySuffix)"
        let fd = sys.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure("create a temporary file beside it", errno) }
        var open = true
        do {
            if let keptMode, sys.fchmod(fd, keptMode) != 0 { throw failure("keep its mode", errno) }
            var offset = 0
            while offset < data.count {
                let wrote = data.withUnsafeBytes { sys.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if wrote < 0 && errno == EINTR { continue }
                if wrote <= 0 { throw failure("write it", wrote < 0 ? errno : ENOSPC) }
                offset += wrote
            }
            if sys.fsync(fd) != 0 { throw failure("flush it to disk", errno) }
            open = false
            if sys.close(fd) != 0 { throw failure("close its temporary file", errno) }
            if force {
                if sys.rename(temp, target) != 0 { throw failure("rename the temporary file over it", errno) }
            } else {
                try linkWithoutReplacing(temp, target, shown: shown, sys: sys, failure: failure)
            }
        } catch {
            if open { _ = sys.close(fd) }
            _ = sys.unlink(temp)
            throw error
        }
        let directoryFD = sys.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard directoryFD >= 0 else { throw failure("open the folder holding it", errno, after: true) }
        defer { _ = sys.close(directoryFD) }
        if sys.fsync(directoryFD) != 0 { throw failure("flush the folder holding it", errno, after: true) }
    }

    /// Gives the written temporary file the target's name only if that name is free: link(2) fails when it is
    /// taken, even if someone took it a moment ago. On a file system without hard links, checks, then renames.
    private static func linkWithoutReplacing(_ temp: String, _ target: String, shown: String, sys: any Syscalls,
                                             failure: (String, Int32, Bool) -> WardError) throws {
        if link(temp, target) == 0 {
            _ = sys.unlink(temp)
            return
        }
        let code = errno
        if code == EEXIST {
            throw WardError("already exists (it appeared while Ward was writing); nothing was written (--force replaces it)", path: shown)
        }
        guard [EPERM, ENOTSUP, EOPNOTSUPP, ENOSYS, EMLINK].contains(code) else { throw failure("give it its name", code, false) }
        var info = stat()
        if lstat(target, &info) == 0 {
            throw WardError("already exists (it appeared while Ward was writing); nothing was written (--force replaces it)", path: shown)
        }
        if sys.rename(temp, target) != 0 { throw failure("rename the temporary file to it", errno, false) }
    }

    /// The path with every link and `..` resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
