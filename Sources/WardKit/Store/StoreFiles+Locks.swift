import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store's locks: a journal's own flock, the work tree's lock every write shares and `ward sync` takes
/// alone, and the named locks in `.ward/locks/` that writers of one record (or one numbering) take.
extension StoreFiles {
    /// Runs `body` holding the journal's own flock, the one every append takes, so that a journal rewritten
    /// in `body` (through `replace`) cannot lose a line appended meanwhile: an appender waiting for the lock
    /// finds the journal replaced when it gets it, and appends to the new one. Nil when there is no journal.
    public func withJournalLock<T>(_ relative: String, _ body: () throws -> T) throws -> T? {
        try refuseIfReadOnly()
        for _ in 0..<10 {
            let fd = sys.open(path(relative), O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0)
            guard fd >= 0 else {
                if errno == ENOENT { return nil }
                if errno == ELOOP { throw StoreFiles.linkRefused(relative) }
                throw failure("open it", relative, errno)
            }
            defer { _ = sys.close(fd) }
            while sys.flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { throw failure("lock it", relative, errno) }
            }
            var held = stat(), current = stat()
            guard fstat(fd, &held) == 0, lstat(path(relative), &current) == 0,
                  held.st_dev == current.st_dev, held.st_ino == current.st_ino else { continue }
            return try body()
        }
        throw WardError("kept being replaced while Ward tried to lock it; nothing was changed", path: relative)
    }

    /// Every write of a record or a journal (anything outside `.ward/`) holds this lock shared; `ward sync`
    /// holds it exclusive while git reads and rewrites the work tree (commit, rebase, merge). Git replaces a
    /// file with a new one, so a lock on the file itself cannot keep a writer out; this one can: no line is
    /// appended to a journal git is about to replace, and git never takes a file half written.
    static let workTreeLock = ".ward/locks/work-tree.lock"

    /// Set in the environment of the git commands a sync runs (and so of their hooks).
    public static let syncHookVariable = "WARD_SYNC_RUNNING"

    public func withWorkTreeLock<T>(exclusive: Bool, _ body: () throws -> T) throws -> T {
        let fd = try openLockFile(Self.workTreeLock)
        defer { _ = sys.close(fd) }
        // A git hook that 'ward sync' runs (while it holds the lock) and that writes through Ward would wait for
        // the sync, which waits for the hook: it is refused at once instead.
        let insideSync = !exclusive && getenv(Self.syncHookVariable) != nil
        while sys.flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | (insideSync ? LOCK_NB : 0)) != 0 {
            if insideSync && errno == EWOULDBLOCK {
                throw WardError("a git hook run by 'ward sync' cannot write to the store while the sync holds it; write after the sync")
            }
            if errno != EINTR { throw failure("take it", Self.workTreeLock, errno) }
        }
        return try body()
    }

    /// `body` holding the work tree's lock shared, unless `relative` lies in `.ward/`, which git never sees.
    func sharingWorkTree<T>(_ relative: String, _ body: () throws -> T) throws -> T {
        relative.hasPrefix(".ward/") ? try body() : try withWorkTreeLock(exclusive: false, body)
    }

    /// Runs `body` holding an exclusive flock on `.ward/locks/<name>.lock`. The kernel drops a flock when its
    /// holder dies, so a lock left by a killed process never blocks the next writer.
    public func withLock<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let lockName = ".ward/locks/" + Self.lockFileName(for: name)
        let fd = try openLockFile(lockName)
        defer { _ = sys.close(fd) }
        while sys.flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw failure("take it", lockName, errno) }
        }
        return try body()
    }

    /// Opens a lock file in `.ward/locks/` (made first, and checked to be no symbolic link): read-write where
    /// allowed (flock over NFS needs it); read-only otherwise, which is enough for a local flock, so teammates
    /// sharing a store can lock a file another one created.
    private func openLockFile(_ lockName: String) throws -> Int32 {
        try makeDirectories(".ward/locks")
        var fd = sys.open(path(lockName), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o666)
        if fd < 0 {
            let first = errno
            if first == EACCES || first == EROFS { fd = sys.open(path(lockName), O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0) }
            guard fd >= 0 else { throw failure("open it", lockName, first) }
        }
        return fd
    }

    static func lockFileName(for name: String) -> String {
        let readable = name.map { $0 == "/" ? "!" : $0 }.prefix(80)
        return String(readable) + "." + ContentHash(Data(name.utf8)).description + ".lock"
    }
}
