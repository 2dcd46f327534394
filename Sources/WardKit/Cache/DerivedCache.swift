import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Derived data under `.ward/cache/NAME/`: one entry per record (an incident, a decision), built from the
/// record's files and kept with their signatures. It is never needed for correctness: an entry is used only
/// while every file it was built from has the signature it had, anything missing, stale, recent or damaged is
/// built again from the files, and deleting `.ward/` changes no output, only speed.
///
/// The entries live in shards by a hash of their key, so one changed record rewrites one small file. A shard
/// is written to a temporary file and renamed into place: two processes updating at once each leave a whole
/// shard, and either one is right entry by entry, because each entry carries its own signatures. Shards are
/// not synced to disk: a torn one fails its checksum and is built again.
final class DerivedCache: @unchecked Sendable {
    struct Entry: Sendable {
        var signatures: [FileSignature]
        var recent: Bool
        /// A slice of the shard file as read (no copy), or a payload just built.
        var payload: ArraySlice<UInt8>
    }

    /// Part of every cache folder's name: bump it whenever any payload's encoding changes, so that no
    /// Ward reads entries another version wrote (they would match their files and never be rebuilt).
    static let version = 8
    static let shardCount = 32
    private static let magic: [UInt8] = Array("WARDIX\(version)\n".utf8)

    let directory: String
    let root: String
    let writable: Bool

    /// Where the paths of `files` start, below the store's root (fewer path components to walk per stat).
    let base: String

    /// `root`: the store's directory; `name`: what is cached, which names its folder; `base`: the folder
    /// (relative to `root`) that the paths an entry depends on are relative to.
    /// Told of every entry looked at, when a screen shows the progress of a long load.
    let progress: LoadProgress?

    init(root: String, name: String, base: String = "", writable: Bool, progress: LoadProgress? = nil) {
        self.root = root
        self.progress = progress
        self.base = base
        directory = root + "/.ward/cache/" + name + "-v\(Self.version)"
        self.writable = writable
    }

    /// The payload for each key, from the cache where its files are unchanged, else from `build`. `files`
    /// names the paths (relative to `base`) an entry depends on; `build` must read them only after this
    /// has taken their signatures, so a change while it reads shows up as stale next time.
    func payloads(for keys: [String], files: @Sendable (String) -> [String],
                  build: @Sendable (String) -> [UInt8]) -> [ArraySlice<UInt8>] {
        let rootFD = open(base.isEmpty ? root : root + "/" + base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if rootFD >= 0 { close(rootFD) } }
        // Without the folder (out of file descriptors, say) no signature can be trusted: build everything.
        guard rootFD >= 0 else { return keys.concurrentMap { ArraySlice(build($0)) } }
        // A link anywhere on the way to the cache (planted in a clone, say) turns the cache off altogether.
        let usable = Self.noLinks(root, below: [".ward", "cache", (directory as NSString).lastPathComponent])
        let shards = usable ? loadShards() : Array(repeating: [:], count: Self.shardCount)
        let now = FileSignature.nowNanoseconds()
        // Each slot: the payload, and the entry to store when it had to be built.
        let slots = ConcurrentSlots<(ArraySlice<UInt8>, Entry?)>(count: keys.count)
        slots.fill { index in
            let key = keys[index]
            let found = files(key).map { FileSignature.of($0, in: rootFD) }
            // A file `stat` could say nothing about makes the entry one never to trust again.
            let unknown = found.contains { $0 == nil }
            let signatures = found.map { $0 ?? .absent }
            if !unknown, let cached = shards[Self.shard(of: key)][key], !cached.recent, cached.signatures == signatures {
                progress?.advance(read: false)
                return (cached.payload, nil)
            }
            let payload = ArraySlice(build(key))
            progress?.advance(read: true)
            return (payload, Entry(signatures: signatures, recent: unknown || signatures.contains { $0.isRecent(now: now) },
                                   payload: payload))
        }
        let results = (0..<keys.count).map { slots[$0]!.0 }
        let rebuilt = (0..<keys.count).map { slots[$0]!.1 }
        guard writable, usable else { return results }
        // Shards to write: those with a rebuilt entry, or holding keys that are gone.
        var updated = shards
        var dirty = Set<Int>()
        for (index, entry) in rebuilt.enumerated() {
            guard let entry else { continue }
            let shard = Self.shard(of: keys[index])
            updated[shard][keys[index]] = entry
            dirty.insert(shard)
        }
        let present = Set(keys)
        for shard in updated.indices {
            let gone = updated[shard].keys.filter { !present.contains($0) }
            guard !gone.isEmpty else { continue }
            for key in gone { updated[shard][key] = nil }
            dirty.insert(shard)
        }
        for shard in dirty.sorted() { write(updated[shard], shard: shard) }
        if !dirty.isEmpty { sweepAbandonedTemporaries() }
        return results
    }

    static func shard(of key: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(hash % UInt64(shardCount))
    }

    private func shardPath(_ shard: Int) -> String { directory + "/" + String(format: "%02d", shard) + ".bin" }

    private func loadShards() -> [[String: Entry]] {
        Array(0..<Self.shardCount).concurrentMap { shard in
            guard let bytes = Self.readFile(shardPath(shard)) else { return [:] }
            return (try? Self.decode(bytes)) ?? [:]
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> [String: Entry] {
        guard bytes.count >= magic.count + 8, Array(bytes.prefix(magic.count)) == magic else { throw CacheFormatError() }
        return try bytes.withUnsafeBytes { buffer in
            let body = UnsafeRawBufferPointer(rebasing: buffer[..<(buffer.count - 8)])
            let stored = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: buffer.count - 8, as: UInt64.self))
            guard cacheChecksum(body) == stored else { throw CacheFormatError() }
            var reader = ByteReader(body, from: magic.count)
            let count = try reader.count()
            var entries: [String: Entry] = [:]
            for _ in 0..<count {
                let key = try reader.string()
                let signatureCount = try reader.count()
                var signatures: [FileSignature] = []
                for _ in 0..<signatureCount { signatures.append(try FileSignature.read(from: &reader)) }
                let recent = try reader.bool()
                let range = try reader.rawRange()
                entries[key] = Entry(signatures: signatures, recent: recent, payload: bytes[range])
            }
            guard reader.isAtEnd else { throw CacheFormatError() }
            return entries
        }
    }

    static func encode(_ entries: [String: Entry]) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes = magic
        writer.int(entries.count)
        for key in entries.keys.sorted() {
            let entry = entries[key]!
            writer.string(key)
            writer.int(entry.signatures.count)
            for signature in entry.signatures { signature.write(to: &writer) }
            writer.bool(entry.recent)
            writer.int(entry.payload.count)
            writer.bytes.append(contentsOf: entry.payload)
        }
        let checksum = writer.bytes.withUnsafeBytes { cacheChecksum($0) }
        writer.uint64(checksum)
        return writer.bytes
    }

    /// Writes a shard beside its place and renames it there. Any failure leaves the cache as it was, or
    /// without that shard: both are safe, so failures are not reported.
    private func write(_ entries: [String: Entry], shard: Int) {
        guard Self.makeDirectories(directory, mode: Self.storeMode(root)) else { return }
        let bytes = Self.encode(entries)
        let temporary = shardPath(shard) + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        // As readable as the store itself (entries copy titles and action items out of its records): a private
        // store keeps a private cache, a team's shared one a shared cache.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Self.storeMode(root) & 0o666)
        guard fd >= 0 else { return }
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
        close(fd)
        if !complete || rename(temporary, shardPath(shard)) != 0 { unlink(temporary) }
    }

    /// Removes temporary shards a killed writer left (older than ten minutes: a live writer renames its own
    /// within moments).
    private func sweepAbandonedTemporaries() {
        let cutoff = Date().addingTimeInterval(-600).timeIntervalSince1970
        for entry in DirectoryListing.entries(directory) where entry.name.hasSuffix(".tmp") {
            var info = stat()
            let path = directory + "/" + entry.name
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Double(info.st_mtim.tv_sec) < cutoff { unlink(path) }
        }
    }

    /// Whether none of the folders `components` below `root` is a symbolic link (missing ones are fine).
    private static func noLinks(_ root: String, below components: [String]) -> Bool {
        var path = root
        for component in components {
            path += "/" + component
            var info = stat()
            if lstat(path, &info) != 0 { return true }
            if (info.st_mode & S_IFMT) != S_IFDIR { return false }
        }
        return true
    }

    /// `mkdir -p` below the store root, refusing to follow a symbolic link planted in `.ward/`.
    private static func makeDirectories(_ path: String, mode: mode_t) -> Bool {
        var info = stat()
        if lstat(path, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR }
        let parent = (path as NSString).deletingLastPathComponent
        guard parent != path, makeDirectories(parent, mode: mode) else { return false }
        return mkdir(path, mode) == 0 || errno == EEXIST
    }

    /// The store root's permission bits (0700 when they cannot be read).
    private static func storeMode(_ root: String) -> mode_t {
        var info = stat()
        return stat(root, &info) == 0 ? info.st_mode & 0o777 : 0o700
    }

    /// A whole regular file, or nil (missing, unreadable, a link, or over 1 GiB).
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size < 1 << 30 else { return nil }
        let size = Int(info.st_size)
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var offset = 0
            while offset < size {
                let count = read(fd, buffer.baseAddress! + offset, size - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                offset += count
            }
            ok = offset == size
            // Bytes not read are zeroed, though the result is dropped then.
            if offset < size { (buffer.baseAddress! + offset).initialize(repeating: 0, count: size - offset) }
            initialized = size
        }
        return ok ? bytes : nil
    }
}
