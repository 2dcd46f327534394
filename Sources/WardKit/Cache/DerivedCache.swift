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
///
/// Looking an entry up allocates nothing: a shard is read as one buffer, its entries are found by binary
/// search on their key bytes, and the files are stat'ed through a path made on the stack. On a large store the
/// stats are most of the work, so they are spread over every core, and so is decoding what the entries hold.
///
/// What an entry holds is worked out by Ward's code, so only the build that wrote it may trust it: the folder
/// is named for a fingerprint of the sources (made at build time), and a new build starts a new folder (the
/// old ones are swept once unused for a while). An entry that does not decode is built again like a stale one.
final class DerivedCache: @unchecked Sendable {
    /// The shard format's version, in every shard's first line.
    static let version = 11
    static let shardCount = 32
    private static let magic: [UInt8] = Array("WARDIX\(version)\n".utf8)
    /// Part of every cache folder's name: the build's own.
    static let build = String(SourceFingerprint.value.prefix(12))

    let directory: String
    let root: String
    let writable: Bool
    /// Where the paths of entries' files start, below the store's root (fewer path components to walk per stat).
    let base: String
    /// The files each entry is built from: each suffix appended to the entry's key gives a path below `base`
    /// ("" when the key is itself a file's name).
    let files: [String]
    /// Told of every entry looked at, when a screen shows the progress of a long load.
    let progress: LoadProgress?
    /// Nanoseconds since 1970, to tell which files changed too recently to trust (replaceable in tests).
    let clock: @Sendable () -> Int64

    /// `root`: the store's directory; `name`: what is cached, which names its folder; `base`: the folder
    /// (relative to `root`) that `key + files[i]` are relative to.
    init(root: String, name: String, base: String = "", files: [String], writable: Bool, progress: LoadProgress? = nil,
         clock: @escaping @Sendable () -> Int64 = FileSignature.nowNanoseconds) {
        self.root = root
        self.clock = clock
        self.progress = progress
        self.base = base
        self.files = files
        directory = root + "/.ward/cache/" + name + "-" + Self.build
        self.writable = writable
    }

    /// An entry built anew, to be stored.
    struct Built {
        var key: String
        var signatures: [FileSignature]
        var recent: Bool
        var payload: [UInt8]
    }

    /// What looking up one key came to.
    private struct Outcome<Value> {
        var value: Value?
        /// The shard of the key.
        var shard: Int
        /// The entry of the key in its shard, valid or not (so that it is not taken for a key that is gone).
        var found: Int?
        var built: Built?
    }

    /// The payload for each key, from the cache where its files are unchanged, else from `build`.
    func payloads(for keys: [String], build: @Sendable (String) -> [UInt8]) -> [ArraySlice<UInt8>] {
        values(for: keys, build: build) { _, payload in payload }.map { $0! }
    }

    /// What `decode` makes of each key's payload: the cached one where the key's files are unchanged and it
    /// decodes, else one from `build`, which must read the files only after this has taken their signatures
    /// (so a change while it reads shows up as stale next time). Nil only where a payload `build` just made
    /// does not decode. Both closures run on several threads at once.
    func values<Value: Sendable>(for keys: [String], build: @Sendable (String) -> [UInt8],
                       decode: @Sendable (String, ArraySlice<UInt8>) -> Value?) -> [Value?] {
        let files = self.files
        return values(for: keys, signedBuild: { key, directory in
            let signatures = files.map { FileSignature.of(key, $0, in: directory) }
            return (build(key), signatures)
        }, decode: decode)
    }

    /// `values(for:build:decode:)` with a `build` that gives the signatures of the files it read, in the order
    /// of `files`, each taken before that file was read (`fstat` of the open file, say): a change while it
    /// reads then shows up as stale next time, and no file is looked at twice. `build` is given the open folder
    /// `base` that signatures are relative to. A nil signature (nothing could be said) makes the entry one never
    /// to trust again.
    func values<Value: Sendable>(for keys: [String],
                                 signedBuild build: @Sendable (String, Int32) -> (payload: [UInt8], signatures: [FileSignature?]),
                                 decode: @Sendable (String, ArraySlice<UInt8>) -> Value?) -> [Value?] {
        let rootFD = open(base.isEmpty ? root : root + "/" + base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if rootFD >= 0 { close(rootFD) } }
        // Without the folder (out of file descriptors, say) no signature can be trusted: build everything.
        guard rootFD >= 0 else { return keys.concurrentMap { decode($0, ArraySlice(build($0, rootFD).payload)) } }
        // A link anywhere on the way to the cache (planted in a clone, say) turns the cache off altogether.
        let usable = Self.noLinks(root, below: [".ward", "cache", (directory as NSString).lastPathComponent])
        let shards = usable ? loadShards() : Array(repeating: Shard.empty, count: Self.shardCount)
        let now = clock()
        let files = self.files
        let slots = ConcurrentSlots<Outcome<Value>>(count: keys.count)
        slots.fill { index in
            let key = keys[index]
            let number = Self.shard(of: key)
            let shard = shards[number]
            let found = shard.find(key)
            if let found, shard.isValid(found, key: key, files: files, in: rootFD),
               let value = decode(key, shard.payload(found)) {
                progress?.advance(read: false)
                return Outcome(value: value, shard: number, found: found, built: nil)
            }
            let (payload, taken) = build(key, rootFD)
            // A file `stat` could say nothing about makes the entry one never to trust again.
            let unknown = taken.count != files.count || taken.contains { $0 == nil }
            let signatures = taken.count == files.count ? taken.map { $0 ?? .absent } : files.map { _ in .absent }
            progress?.advance(read: true)
            let built = Built(key: key, signatures: signatures,
                              recent: unknown || signatures.contains { $0.isRecent(now: now) }, payload: payload)
            return Outcome(value: decode(key, ArraySlice(payload)), shard: number, found: found, built: built)
        }
        // The values are moved out, not copied (each may hold many references); each entry goes to the shard
        // the fill found for its key.
        var values: [Value?] = []
        values.reserveCapacity(keys.count)
        var built = Array(repeating: [Built](), count: Self.shardCount)
        var kept = shards.map { Array(repeating: false, count: $0.count) }
        var keptCount = Array(repeating: 0, count: Self.shardCount)
        for index in 0..<keys.count {
            let outcome = slots.take(index)!
            values.append(outcome.value)
            if let entry = outcome.built {
                built[outcome.shard].append(entry)
            } else if let entry = outcome.found, !kept[outcome.shard][entry] {
                kept[outcome.shard][entry] = true
                keptCount[outcome.shard] += 1
            }
        }
        if writable, usable {
            // Shards with a rebuilt entry, or holding entries of keys that are gone.
            let changed = (0..<Self.shardCount).filter { !built[$0].isEmpty || keptCount[$0] < shards[$0].count }
            update(changed, of: shards, kept: kept, built: built)
        }
        return values
    }

    /// Writes the `changed` shards: what they kept, with what was built; the rest stay as they are.
    private func update(_ changed: [Int], of shards: [Shard], kept: [[Bool]], built: [[Built]]) {
        guard !changed.isEmpty else { return }
        // Each shard is its own file: encoded and written side by side (after a clone, all of them are).
        _ = changed.concurrentMap { shard in
            self.write(Self.encode(shards[shard], keeping: kept[shard], adding: built[shard]), shard: shard)
        }
        sweepAbandonedTemporaries()
        sweepOtherBuilds()
    }

    static func shard(of key: String) -> Int {
        var key = key
        return key.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return Int(hash % UInt64(shardCount))
        }
    }

    private func shardPath(_ shard: Int) -> String { directory + "/" + String(format: "%02d", shard) + ".bin" }

    private func loadShards() -> [Shard] {
        Array(0..<Self.shardCount).concurrentMap { shard in
            guard let bytes = Self.readFile(shardPath(shard)) else { return .empty }
            return (try? Self.decode(bytes)) ?? .empty
        }
    }

    // MARK: The shard format

    /// A shard as read: its bytes, and where each entry lies in them, in the order of their keys' bytes.
    ///
    /// The file: the magic line; for each entry, sorted by key bytes: the key (length-prefixed), the number of
    /// signatures and each in `FileSignature.size` bytes, whether it was recent, the payload (length-prefixed);
    /// then a checksum of everything before it.
    struct Shard: Sendable {
        struct Location: Sendable {
            var key: Range<Int>
            var signatures: Int
            var signatureCount: Int
            var recent: Bool
            var payload: Range<Int>
        }

        let bytes: [UInt8]
        let locations: [Location]
        var count: Int { locations.count }

        static let empty = Shard(bytes: [], locations: [])

        /// The entry whose key is `key`, by binary search.
        func find(_ key: String) -> Int? {
            guard !locations.isEmpty else { return nil }
            var key = key
            return key.withUTF8 { wanted in
                bytes.withUnsafeBufferPointer { buffer in
                    var low = 0, high = locations.count
                    while low < high {
                        let middle = (low + high) / 2
                        let order = Self.compare(UnsafeBufferPointer(rebasing: buffer[locations[middle].key]), wanted)
                        if order == 0 { return middle }
                        if order < 0 { low = middle + 1 } else { high = middle }
                    }
                    return nil
                }
            }
        }

        /// Byte order, a shorter key first where one is the start of the other.
        static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
            let common = Swift.min(left.count, right.count)
            if common > 0 {
                let order = memcmp(left.baseAddress!, right.baseAddress!, common)
                if order != 0 { return Int(order) }
            }
            return left.count - right.count
        }

        /// Whether entry `index` still holds: not built too recently, and every file as it was.
        func isValid(_ index: Int, key: String, files: [String], in directory: Int32) -> Bool {
            let location = locations[index]
            guard !location.recent, location.signatureCount == files.count else { return false }
            for (number, suffix) in files.enumerated() {
                guard let now = FileSignature.of(key, suffix, in: directory),
                      now == signature(index, number) else { return false }
            }
            return true
        }

        func signature(_ index: Int, _ number: Int) -> FileSignature {
            bytes.withUnsafeBytes { FileSignature(at: locations[index].signatures + number * FileSignature.size, in: $0) }
        }

        func payload(_ index: Int) -> ArraySlice<UInt8> { bytes[locations[index].payload] }
    }

    /// The shard in `bytes`, or an error if it is not whole, not this version's, or its keys are out of order.
    static func decode(_ bytes: [UInt8]) throws -> Shard {
        guard bytes.count >= magic.count + 8, Array(bytes.prefix(magic.count)) == magic else { throw CacheFormatError() }
        let locations = try bytes.withUnsafeBytes { buffer -> [Shard.Location] in
            let body = UnsafeRawBufferPointer(rebasing: buffer[..<(buffer.count - 8)])
            let stored = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: buffer.count - 8, as: UInt64.self))
            guard cacheChecksum(body) == stored else { throw CacheFormatError() }
            var reader = ByteReader(body, from: magic.count)
            let count = try reader.count()
            var locations: [Shard.Location] = []
            locations.reserveCapacity(count)
            for _ in 0..<count {
                let key = try reader.rawRange()
                let signatureCount = try reader.count()
                let signatures = reader.offset
                guard signatureCount <= (reader.end - reader.offset) / FileSignature.size else { throw CacheFormatError() }
                reader.offset += signatureCount * FileSignature.size
                let recent = try reader.bool()
                let payload = try reader.rawRange()
                if let previous = locations.last {
                    let order = buffer.withMemoryRebound(to: UInt8.self) {
                        Shard.compare(UnsafeBufferPointer(rebasing: $0[previous.key]), UnsafeBufferPointer(rebasing: $0[key]))
                    }
                    guard order < 0 else { throw CacheFormatError() }
                }
                locations.append(Shard.Location(key: key, signatures: signatures, signatureCount: signatureCount,
                                                recent: recent, payload: payload))
            }
            guard reader.isAtEnd else { throw CacheFormatError() }
            return locations
        }
        return Shard(bytes: bytes, locations: locations)
    }

    /// The entries of `old` marked in `keeping`, as they were, with `adding`, in key order.
    static func encode(_ old: Shard, keeping: [Bool], adding: [Built]) -> [UInt8] {
        enum Source { case old(Int), new(Int) }
        var sources: [(key: [UInt8], source: Source)] = []
        for index in old.locations.indices where keeping[index] {
            sources.append((Array(old.bytes[old.locations[index].key]), .old(index)))
        }
        for (index, entry) in adding.enumerated() { sources.append((Array(entry.key.utf8), .new(index))) }
        sources.sort { left, right in
            left.key.withUnsafeBufferPointer { l in right.key.withUnsafeBufferPointer { r in Shard.compare(l, r) < 0 } }
        }
        var writer = ByteWriter()
        writer.bytes = magic
        writer.int(sources.count)
        for (key, source) in sources {
            writer.int(key.count)
            writer.bytes.append(contentsOf: key)
            switch source {
            case let .old(index):
                let location = old.locations[index]
                writer.int(location.signatureCount)
                writer.bytes.append(contentsOf: old.bytes[location.signatures..<(location.signatures + location.signatureCount * FileSignature.size)])
                writer.bool(location.recent)
                writer.int(location.payload.count)
                writer.bytes.append(contentsOf: old.bytes[location.payload])
            case let .new(index):
                let entry = adding[index]
                writer.int(entry.signatures.count)
                for signature in entry.signatures { signature.write(to: &writer) }
                writer.bool(entry.recent)
                writer.int(entry.payload.count)
                writer.bytes.append(contentsOf: entry.payload)
            }
        }
        let checksum = writer.bytes.withUnsafeBytes { cacheChecksum($0) }
        writer.uint64(checksum)
        return writer.bytes
    }

    // MARK: Files

    /// Writes a shard beside its place and renames it there. Any failure leaves the cache as it was, or
    /// without that shard: both are safe, so failures are not reported.
    private func write(_ bytes: [UInt8], shard: Int) {
        guard Self.makeDirectories(directory, mode: Self.storeMode(root)) else { return }
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

    /// Removes the folders of this cache that other builds of Ward wrote, once none has written to them for a
    /// day (two builds used on one store in turn each keep theirs meanwhile). Only the regular files in them
    /// go, through the folder's descriptor: nothing is followed out of `.ward/cache/`.
    private func sweepOtherBuilds() {
        let cache = root + "/.ward/cache"
        let name = (directory as NSString).lastPathComponent
        let prefix = String(name.dropLast(Self.build.count))
        let cutoff = Date().addingTimeInterval(-86_400).timeIntervalSince1970
        let cacheFD = open(cache, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard cacheFD >= 0 else { return }
        defer { close(cacheFD) }
        for entry in DirectoryListing.entries(cache) where entry.name.hasPrefix(prefix) && entry.name != name {
            // Only this cache's own folders: its name, a dash, a build (or an older "vN").
            let rest = entry.name.dropFirst(prefix.count)
            guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "v") }) else { continue }
            var info = stat()
            guard fstatat(cacheFD, entry.name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                  Double(info.st_mtim.tv_sec) < cutoff else { continue }
            let folder = openat(cacheFD, entry.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard folder >= 0 else { continue }
            for file in DirectoryListing.entries(cache + "/" + entry.name) {
                var fileInfo = stat()
                if fstatat(folder, file.name, &fileInfo, AT_SYMLINK_NOFOLLOW) == 0, (fileInfo.st_mode & S_IFMT) == S_IFREG {
                    unlinkat(folder, file.name, 0)
                }
            }
            close(folder)
            unlinkat(cacheFD, entry.name, AT_REMOVEDIR)
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
            Memory.populate(buffer)
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
