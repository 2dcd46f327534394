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

    /// Bytes in the cache's encoding: four 64-bit words and a 32-bit one, little-endian.
    static let size = 36

    /// Whether the file changed so recently that a later change within the file system's clock tick could
    /// leave every field as it is ("racy" in git's words): such an entry is built again on the next read.
    func isRecent(now: Int64) -> Bool {
        self != .absent && (now &- max(modified, changed) < 2_000_000_000)
    }

    /// The signature of `name + suffix`, relative to the open directory `directory`; symbolic links are not
    /// followed. Nil when `stat` fails for another reason than the file not being there (then nothing can be
    /// said). The path is put together on the stack: a large store's cache stats tens of thousands of files.
    static func of(_ name: String, _ suffix: String, in directory: Int32) -> FileSignature? {
        var name = name, suffix = suffix
        return name.withUTF8 { first in
            suffix.withUTF8 { second in
                withUnsafeTemporaryAllocation(of: CChar.self, capacity: first.count + second.count + 1) { path in
                    let base = UnsafeMutableRawPointer(path.baseAddress!)
                    if first.count > 0 { base.copyMemory(from: first.baseAddress!, byteCount: first.count) }
                    if second.count > 0 { (base + first.count).copyMemory(from: second.baseAddress!, byteCount: second.count) }
                    path[first.count + second.count] = 0
                    // A name holding a NUL would name another file: say nothing of it.
                    guard strlen(path.baseAddress!) == first.count + second.count else { return nil }
                    return of(path: path.baseAddress!, in: directory)
                }
            }
        }
    }

    private static func of(path: UnsafePointer<CChar>, in directory: Int32) -> FileSignature? {
        var info = stat()
        guard fstatat(directory, path, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .absent : nil
        }
        return FileSignature(info)
    }

    /// The signature of what `stat` (or `fstat` of an open file) said.
    init(_ info: stat) {
        // Wrapping arithmetic: a time past 2262 (touch -d, an archive) must not trap; it only has to differ.
        self.init(inode: UInt64(info.st_ino), size: Int64(info.st_size),
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
        writer.uint64(UInt64(bitPattern: size))
        writer.uint64(UInt64(bitPattern: modified))
        writer.uint64(UInt64(bitPattern: changed))
        withUnsafeBytes(of: type.littleEndian) { writer.bytes.append(contentsOf: $0) }
    }

    /// The signature `write(to:)` wrote at `offset` of `bytes` (which must hold `size` bytes there).
    init(at offset: Int, in bytes: UnsafeRawBufferPointer) {
        func word(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + at, as: UInt64.self)) }
        inode = word(0)
        size = Int64(bitPattern: word(8))
        modified = Int64(bitPattern: word(16))
        changed = Int64(bitPattern: word(24))
        type = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 32, as: UInt32.self))
    }

    init(inode: UInt64, size: Int64, modified: Int64, changed: Int64, type: UInt32) {
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
        self.type = type
    }
}
