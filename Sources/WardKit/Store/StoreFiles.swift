import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file held when it was read: its bytes and the facts a rewrite must keep.
public struct FileContents: Sendable {
    public let data: Data
    public let mode: mode_t
    public let owner: uid_t
    public let group: gid_t
    /// What `fstat` said of the file before it was read, as the derived cache keeps it.
    let signature: FileSignature
    public var hash: ContentHash { ContentHash(data) }
}

/// The store's one safe-write path. Every byte Ward writes goes through `replace`, `append` or
/// `createDirectoryAtomically`, all of which reach the disk only through `Syscalls`.
///
/// - replace: lock, check nobody changed the file since it was read, write a temp file beside it with the
///   old mode, fsync it, rename it over the record, fsync the directory.
/// - append: O_APPEND, one write per line under flock, fsync; a partial write is cut back off.
/// An fsync error ends the write with an error: it is never retried, since the kernel may have dropped the
/// dirty pages and a second fsync would report success for data that is gone.
public struct StoreFiles: Sendable {
    public let root: URL
    public let sys: any Syscalls
    /// When set, every write is refused with this message (the bundled demo store).
    public let readOnlyReason: String?

    public init(root: URL, sys: any Syscalls = POSIXSyscalls(), readOnlyReason: String? = nil) {
        self.root = root.standardizedFileURL
        rootPath = self.root.path
        self.sys = sys
        self.readOnlyReason = readOnlyReason
    }

    /// `root.path`, made once (a URL makes it anew each time it is asked).
    private let rootPath: String

    public func path(_ relative: String) -> String {
        relative.isEmpty ? rootPath : rootPath + "/" + relative
    }

    // MARK: Reading

    /// The most `read` takes of a file unless told otherwise.
    public static let readLimit = 64 << 20

    /// Reads a file without following a symlink at its name. Returns nil when it does not exist.
    public func read(_ relative: String, limit: Int = readLimit) throws -> FileContents? {
        try ensureNoSymlinks(split(relative).directory)
        return try readChecked(relative, limit: limit)
    }

    /// `read` of several files of one directory, which is checked for links once: what each read gave,
    /// or the error it threw, in the order of `names`.
    public func read(_ names: [(name: String, limit: Int)], in directory: String) -> [Result<FileContents?, Error>] {
        do {
            try ensureNoSymlinks(directory)
        } catch {
            return names.map { _ in .failure(error) }
        }
        return names.map { file in Result { try readChecked(directory + "/" + file.name, limit: file.limit) } }
    }

    /// `read` once the directories on the way are known not to be links.
    private func readChecked(_ relative: String, limit: Int) throws -> FileContents? {
        // O_NONBLOCK: a FIFO planted at a record's name must not hang Ward (it is refused below).
        let fd = sys.open(path(relative), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw StoreFiles.linkRefused(relative) }
            throw WardError("cannot open: \(errnoDescription(code))", path: relative)
        }
        return try readOpen(fd, relative, limit: limit)
    }

    /// The rest of a read, once `fd` is open (it is closed here): a regular file of at most `limit` bytes.
    func readOpen(_ fd: Int32, _ relative: String, limit: Int) throws -> FileContents {
        defer { _ = sys.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw WardError("cannot stat: \(errnoDescription(errno))", path: relative) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw WardError("is not a regular file", path: relative) }
        let size = Int(info.st_size)
        if size > limit {
            throw WardError("is too large (\(size) bytes; the limit is \(limit) bytes)", path: relative, line: 1)
        }
        // One byte more than the size, so the read that finds the end needs no larger buffer. Not zeroed first:
        // the read fills what is kept, and a listing after a clone reads forty thousand files.
        var capacity = max(size, 0) + 1
        guard var buffer = malloc(capacity) else { throw WardError("cannot read: out of memory", path: relative) }
        var filled = 0
        do {
            while true {
                if filled == capacity {
                    let larger = capacity + max(4096, capacity / 2)
                    guard let grown = realloc(buffer, larger) else { throw WardError("cannot read: out of memory", path: relative) }
                    buffer = grown
                    capacity = larger
                }
                let got = sys.read(fd, buffer + filled, capacity - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw WardError("cannot read: \(errnoDescription(errno))", path: relative)
                }
                if got == 0 { break }
                let asked = capacity - filled
                filled += got
                if filled > limit { throw WardError("is too large (over \(limit) bytes)", path: relative) }
                // Short of what was asked, at exactly the size fstat gave: the whole file as it was then (a regular
                // file reads short only at its end), without one more read to find the end. A file that grew
                // since fstat reads on, as before.
                if got < asked, filled == size { break }
            }
        } catch {
            free(buffer)
            throw error
        }
        let data: Data
        if filled == 0 {
            free(buffer)
            data = Data()
        } else {
            data = Data(bytesNoCopy: buffer, count: filled, deallocator: .free)
        }
        return FileContents(data: data, mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid,
                            signature: FileSignature(info))
    }

    // MARK: Replacing a file

    /// Replaces (or creates) a file atomically and durably, after checking `expecting` under the file's lock.
    /// `mode`, when given, is the permission bits of a file this creates; a file replaced keeps its own.
    public func replace(_ relative: String, with data: Data, expecting: Expectation, mode: mode_t? = nil) throws {
        try refuseIfReadOnly()
        let (directory, name) = split(relative)
        try ensureNoSymlinks(directory)
        try sharingWorkTree(relative) { try withLock(relative) {
            sweepTemporaryFiles(in: directory)
            let current = try read(relative)
            switch (expecting, current) {
            case (.absent, nil): break
            case (.absent, .some):
                throw WardError("already exists; nothing was written", path: relative)
            case (.content, nil):
                throw WardError("was removed by someone else since Ward read it; nothing was written", path: relative)
            case let (.content(hash), current?):
                if current.hash != hash {
                    throw WardError("was changed by someone else since Ward read it; nothing was written. Run the command again to apply it to the new version", path: relative)
                }
            }
            let temp = temporaryName(for: name, in: directory)
            let fd = sys.open(path(temp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw failure("create a temporary file for it", relative, errno) }
            var open = true
            do {
                if let current {
                    if sys.fchmod(fd, current.mode) != 0 { throw failure("keep its mode", relative, errno) }
                    keepOwnership(fd, of: current)
                } else if let mode, sys.fchmod(fd, mode & 0o7777) != 0 {
                    throw failure("give it its mode", relative, errno)
                }
                try writeAll(fd, data, relative)
                if sys.fsync(fd) != 0 { throw failure("flush it to disk", relative, errno) }
                open = false
                if sys.close(fd) != 0 { throw failure("close its temporary file", relative, errno) }
                if sys.rename(path(temp), path(relative)) != 0 { throw failure("rename the temporary file over it", relative, errno) }
            } catch {
                if open { _ = sys.close(fd) }
                _ = sys.unlink(path(temp))
                throw error
            }
            try syncDirectory(directory, holding: relative, renamed: true)
        } }
    }

    /// Removes a file after checking under its lock that it still holds what was read; then fsyncs its
    /// directory. A file that is already gone is not an error when `missingIsFine`.
    public func remove(_ relative: String, expecting hash: ContentHash?, missingIsFine: Bool = false) throws {
        try refuseIfReadOnly()
        let (directory, _) = split(relative)
        try ensureNoSymlinks(directory)
        try sharingWorkTree(relative) { try withLock(relative) {
            guard let current = try read(relative) else {
                if missingIsFine { return }
                throw WardError("was removed by someone else since Ward read it", path: relative)
            }
            if let hash, current.hash != hash {
                throw WardError("was changed by someone else since Ward read it; it was not removed", path: relative)
            }
            if sys.unlink(path(relative)) != 0 { throw failure("remove it", relative, errno) }
            try syncDirectory(directory, holding: relative, renamed: true)
        } }
    }

    // MARK: Appending to a journal

    /// Appends one line (which must end in "\n") with a single write under flock, then fsyncs.
    /// A torn last line left by a writer that died is closed off first so the new line stays whole.
    /// `check`, when given, reads the journal as it stands under the lock, just before the line is added, and
    /// throws to refuse the line: a decision made on what is really there, not on what was read earlier.
    public func append(_ relative: String, line: Data, check: ((Data) throws -> Void)? = nil) throws {
        try refuseIfReadOnly()
        precondition(line.last == UInt8(ascii: "\n"), "a journal line ends in a newline")
        let (directory, _) = split(relative)
        try ensureNoSymlinks(directory)
        try sharingWorkTree(relative) { try appendHoldingWorkTree(relative, directory: directory, line: line, check: check) }
    }

    /// `append` for the holder of the work tree's lock (a sync putting back lines its recovery kept).
    func appendHoldingWorkTree(_ relative: String, line: Data) throws {
        try refuseIfReadOnly()
        let (directory, _) = split(relative)
        try ensureNoSymlinks(directory)
        try appendHoldingWorkTree(relative, directory: directory, line: line, check: nil)
    }

    private func appendHoldingWorkTree(_ relative: String, directory: String, line: Data, check: ((Data) throws -> Void)?) throws {
        // Each try waits for the lock, so this does not spin; it only gives up when the journal is replaced
        // again and again while it waits (a repair loop, a checkout), and then says so.
        for _ in 0..<50 {
            var before = stat()
            let existed = lstat(path(relative), &before) == 0
            // Read and write: the last byte is read to see whether a dead writer left a torn line.
            let fd = sys.open(path(relative), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o666)
            guard fd >= 0 else {
                if errno == ELOOP { throw StoreFiles.linkRefused(relative) }
                throw failure("open it", relative, errno)
            }
            defer { _ = sys.close(fd) }
            while sys.flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { throw failure("lock it", relative, errno) }
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw failure("stat it", relative, errno) }
            // While we waited for the lock, the journal may have been replaced (git checkout, an editor saving):
            // then this descriptor names a file nobody will read. Open the new one.
            var current = stat()
            guard lstat(path(relative), &current) == 0, current.st_dev == info.st_dev, current.st_ino == info.st_ino,
                  info.st_nlink > 0 else { continue }
            let size = info.st_size
            if let check {
                try check(try readAll(fd, size: Int(size), relative))
            }
            if !existed { try syncDirectory(directory, holding: relative, renamed: false) }
            var bytes = line
            if size > 0 {
                var last: UInt8 = 0
                guard pread(fd, &last, 1, size - 1) == 1 else { throw failure("read the end of it", relative, errno) }
                if last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
            }
            let written = bytes.withUnsafeBytes { sys.write(fd, $0.baseAddress!, $0.count) }
            if written != bytes.count {
                let code = written < 0 ? errno : ENOSPC
                // Cut a partial line back off so the journal never keeps half an event.
                if written > 0, sys.ftruncate(fd, size) != 0 {
                    throw WardError("could not append to it: \(errnoDescription(code)), and could not remove the partial line (\(errnoDescription(errno))); 'ward doctor' reports it", path: relative)
                }
                throw failure("append to it", relative, code)
            }
            if sys.fsync(fd) != 0 {
                throw WardError("could not flush it to disk: \(errnoDescription(errno)); the event may or may not have been kept: check 'ward timeline' before adding it again", path: relative)
            }
            return
        }
        throw WardError("kept being replaced while Ward tried to append to it; nothing was written", path: relative)
    }

    /// The first `size` bytes of an open file.
    private func readAll(_ fd: Int32, size: Int, _ relative: String) throws -> Data {
        var data = Data(count: size)
        var done = 0
        while done < size {
            let count = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw failure("read it", relative, count < 0 ? errno : EIO) }
            done += count
        }
        return data
    }

    // MARK: Directories

    /// Creates `relative` with the given files in it, all at once: the files are written into a temporary
    /// directory beside it, synced, and the directory renamed into place. Returns false when the name is taken.
    public func createDirectoryAtomically(_ relative: String, files: [(name: String, data: Data)]) throws -> Bool {
        try refuseIfReadOnly()
        let (parent, name) = split(relative)
        try makeDirectories(parent)
        _ = try withLock(parent.isEmpty ? "." : parent) {
            sweepTemporaryFiles(in: parent)
        }
        let temp = temporaryName(for: name, in: parent)
        guard sys.mkdir(path(temp), 0o777) == 0 else { throw failure("create a temporary directory for it", relative, errno) }
        do {
            for file in files {
                let fd = sys.open(path(temp + "/" + file.name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
                guard fd >= 0 else { throw failure("create it", relative + "/" + file.name, errno) }
                do {
                    try writeAll(fd, file.data, relative + "/" + file.name)
                    if sys.fsync(fd) != 0 { throw failure("flush it to disk", relative + "/" + file.name, errno) }
                } catch {
                    _ = sys.close(fd)
                    throw error
                }
                if sys.close(fd) != 0 { throw failure("close it", relative + "/" + file.name, errno) }
            }
            try syncDirectory(temp, holding: relative, renamed: false)
            if sys.rename(path(temp), path(relative)) != 0 {
                let code = errno
                if code == EEXIST || code == ENOTEMPTY {
                    removeTemporary(temp)
                    return false
                }
                throw failure("rename the temporary directory to it", relative, code)
            }
        } catch {
            removeTemporary(temp)
            throw error
        }
        try syncDirectory(parent, holding: relative, renamed: true)
        return true
    }

    /// Creates a directory and its missing parents (mkdir -p), syncing each parent that gained an entry.
    public func makeDirectories(_ relative: String) throws {
        try refuseIfReadOnly()
        guard !relative.isEmpty else { return }
        var built = ""
        for component in relative.split(separator: "/") {
            let next = built.isEmpty ? String(component) : built + "/" + component
            var info = stat()
            if lstat(path(next), &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFLNK {
                    throw StoreFiles.linkRefused(next)
                }
                guard (info.st_mode & S_IFMT) == S_IFDIR else { throw WardError("is not a directory", path: next) }
            } else {
                if sys.mkdir(path(next), 0o777) != 0 && errno != EEXIST { throw failure("create it", next, errno) }
                try syncDirectory(built, holding: next, renamed: true)
            }
            built = next
        }
    }

    // MARK: Temporary files

    static let temporarySuffix = ".ward-tmp"

    private func temporaryName(for name: String, in directory: String) -> String {
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let short = String(name.prefix(100))
        let temp = ".\(short).\(Self.hostTag).\(getpid()).\(random)\(Self.temporarySuffix)"
        return directory.isEmpty ? temp : directory + "/" + temp
    }

    /// This host's name as it appears in temporary file names (no dots).
    static let hostTag: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        let tag = String(host.map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(40))
        return tag.isEmpty ? "host" : tag
    }()

    /// The temporary files and directories in `directory` left behind by writers that are no longer running:
    /// this host's whose process is gone, and any host's older than a day (a store shared over a network).
    public func orphanedTemporaries(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path(directory)) else { return [] }
        return names.filter { name in
            guard name.hasPrefix("."), name.hasSuffix(Self.temporarySuffix) else { return false }
            let parts = name.dropLast(Self.temporarySuffix.count).split(separator: ".")
            var info = stat()
            let age = lstat(path(directory.isEmpty ? name : directory + "/" + name), &info) == 0
                ? Date().timeIntervalSince1970 - TimeInterval(info.st_mtim.tv_sec) : 0
            guard parts.count >= 4, let pid = Int32(parts[parts.count - 2]), String(parts[parts.count - 3]) == Self.hostTag else {
                return age > 86400
            }
            if pid == getpid() { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }.map { directory.isEmpty ? $0 : directory + "/" + $0 }.sorted()
    }

    /// Removes orphaned temporary files and directories in `directory`. They hold only unacknowledged
    /// writes: the record they were meant to become was never renamed into place.
    @discardableResult
    public func sweepTemporaryFiles(in directory: String) -> [String] {
        let orphans = orphanedTemporaries(in: directory)
        for orphan in orphans { removeTemporary(orphan) }
        return orphans
    }

    private func removeTemporary(_ relative: String) {
        var info = stat()
        guard lstat(path(relative), &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? [] {
                _ = sys.unlink(path(relative + "/" + name))
            }
            _ = sys.rmdir(path(relative))
        } else {
            _ = sys.unlink(path(relative))
        }
    }

    // MARK: Helpers

    func refuseIfReadOnly() throws {
        if let readOnlyReason { throw WardError(readOnlyReason) }
    }

    private func split(_ relative: String) -> (directory: String, name: String) {
        guard let slash = relative.lastIndex(of: "/") else { return ("", relative) }
        return (String(relative[..<slash]), String(relative[relative.index(after: slash)...]))
    }

    /// The error for a symbolic link met at `relative`, wherever Ward meets one inside the store.
    static func linkRefused(_ relative: String) -> WardError {
        WardError("is a symbolic link; Ward does not follow links inside the store", path: relative)
    }

    /// Refuses to write below a directory reached through a symlink planted inside the store.
    func ensureNoSymlinks(_ directory: String) throws {
        var built = ""
        for component in directory.split(separator: "/") {
            built = built.isEmpty ? String(component) : built + "/" + component
            var info = stat()
            if lstat(path(built), &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                throw StoreFiles.linkRefused(built)
            }
        }
    }

    private func writeAll(_ fd: Int32, _ data: Data, _ relative: String) throws {
        var offset = 0
        while offset < data.count {
            let wrote = data.withUnsafeBytes { sys.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw failure("write it", relative, errno)
            }
            if wrote == 0 { throw failure("write it", relative, ENOSPC) }
            offset += wrote
        }
    }

    private func syncDirectory(_ directory: String, holding relative: String, renamed: Bool) throws {
        let fd = sys.open(path(directory), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard fd >= 0 else { throw failure("open the directory holding it", relative, errno, after: renamed) }
        defer { _ = sys.close(fd) }
        if sys.fsync(fd) != 0 { throw failure("flush the directory holding it", relative, errno, after: renamed) }
    }

    /// Rewrites keep the record's owner and group where the system allows it (root, or a group the user is
    /// in); where it does not, the file keeps the writer's, which is what the system would do for a new file.
    private func keepOwnership(_ fd: Int32, of current: FileContents) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_uid != current.owner || info.st_gid != current.group else { return }
        if fchown(fd, current.owner, current.group) != 0 {
            _ = fchown(fd, uid_t.max, current.group)
        }
    }

    /// `afterRename`: the new content is already in place, only its durability is unconfirmed.
    func failure(_ action: String, _ relative: String, _ code: Int32, after afterRename: Bool = false) -> WardError {
        let outcome = afterRename
            ? "the new content is in place but may not survive a crash or power loss"
            : "nothing was changed"
        return WardError("could not \(action): \(errnoDescription(code)); \(outcome)", path: relative)
    }
}
