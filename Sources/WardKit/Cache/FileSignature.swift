import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `stat` says of a file, compared to tell whether derived data built from it still holds: its inode
/// (Ward replaces records by renaming a new file over them), size (journals only grow) and both change
/// times in nanoseconds (an edit in place of the same size). A file that does not exist has a signature too.
struct FileSignature: Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var changed: Int64
    var type: UInt32

    static let absent = FileSignature(inode: 0, size: -1, modified: 0, changed: 0, type: 0)

    /// Whether the file changed so recently that a later change within the file system's clock tick could
    /// leave every field as it is ("racy" in git's words): such an entry is built again on the next read.
    func isRecent(now: Int64) -> Bool {
        self != .absent && (now &- max(modified, changed) < 2_000_000_000)
    }

    /// The signature of `path`, relative to the open directory `directory`; symbolic links are not followed.
    /// Nil when `stat` fails for another reason than the file not being there (then nothing can be said).
    static func of(_ path: String, in directory: Int32) -> FileSignature? {
        var info = stat()
        let result = path.withCString { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) }
        guard result == 0 else { return errno == ENOENT || errno == ENOTDIR ? .absent : nil }
        // Wrapping arithmetic: a time past 2262 (touch -d, an archive) must not trap; it only has to differ.
        return FileSignature(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_ctim.tv_nsec),
            type: UInt32(info.st_mode) & UInt32(S_IFMT))
    }

    static func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    func write(to writer: inout ByteWriter) {
        writer.uint64(inode)
        writer.int(Int(size))
        writer.int(Int(modified))
        writer.int(Int(changed))
        writer.int(Int(type))
    }

    static func read(from reader: inout ByteReader) throws -> FileSignature {
        FileSignature(inode: try reader.uint64(), size: Int64(try reader.int()), modified: Int64(try reader.int()),
                      changed: Int64(try reader.int()), type: UInt32(truncatingIfNeeded: try reader.int()))
    }
}
