import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `readdir` with the entry types the file system gives for free, for directories of many records.
enum DirectoryListing {
    struct Entry: Sendable {
        var name: String
        /// Nil when the type must be found out (a link, or a file system that does not say).
        var isDirectory: Bool?
    }

    static func entries(_ path: String) -> [Entry] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var result: [Entry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(utf8Bytes: UnsafeRawBufferPointer(rebasing: raw[..<(raw.firstIndex(of: 0) ?? raw.count)]))
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            let isDirectory: Bool? = type == UInt8(DT_DIR) ? true
                : (type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN)) ? nil : false
            result.append(Entry(name: name, isDirectory: isDirectory))
        }
        return result
    }
}

extension Store {
    /// The entries of `directory` (below the store's root) that do not start with a dot, sorted by name,
    /// from the derived cache (`.ward/cache/listings-BUILD/`) while the directory is unchanged: a name comes or
    /// goes only with a change of the directory's own times, and reading a directory of twenty thousand
    /// incidents takes longer than reading the list.
    func cachedListing(_ directory: String) -> [DirectoryListing.Entry] {
        @Sendable func read() -> [DirectoryListing.Entry] {
            DirectoryListing.entries(files.path(directory)).filter { !$0.name.hasPrefix(".") }.sorted { $0.name < $1.name }
        }
        // The times of a link (or of anything but a directory) say nothing of what the directory holds.
        var info = stat()
        guard lstat(files.path(directory), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return read() }
        let cache = DerivedCache(root: root.path, name: "listings", files: [""], writable: !isReadOnly)
        return cache.values(for: [directory], build: { _ in
            let entries = read()
            var writer = ByteWriter()
            writer.int(entries.count)
            for entry in entries {
                writer.string(entry.name)
                writer.int(entry.isDirectory.map { $0 ? 1 : 0 } ?? 2)
            }
            return writer.bytes
        }, decode: { _, payload in
            payload.withUnsafeBytes { bytes -> [DirectoryListing.Entry]? in
                var reader = ByteReader(bytes)
                do {
                    let count = try reader.count()
                    var entries: [DirectoryListing.Entry] = []
                    entries.reserveCapacity(count)
                    for _ in 0..<count {
                        let name = try reader.string()
                        let type = try reader.int()
                        guard (0...2).contains(type) else { return nil }
                        entries.append(DirectoryListing.Entry(name: name, isDirectory: type == 2 ? nil : type == 1))
                    }
                    return reader.isAtEnd ? entries : nil
                } catch {
                    return nil
                }
            }
        })[0] ?? read()
    }
}

extension DirectoryListing {
    /// Whether `path` is a directory, following a link as `FileManager.fileExists` does.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Slots that several threads fill, each its own indices: the one place Ward shares memory across threads.
final class ConcurrentSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<T?>
    let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: Swift.max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    subscript(index: Int) -> T? {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// The value at `index`, moved out (the slot is left empty).
    func take(_ index: Int) -> T? {
        defer { storage[index] = nil }
        return storage[index].take()
    }

    /// Calls `body` for every index in 0..<count on one thread per core (at most eight), each taking the next
    /// of sixteen contiguous chunks per core as it finishes one, so a core the machine lends elsewhere for a
    /// while does not leave the others idle at the end.
    func fill(_ body: @Sendable (Int) -> T?) {
        let workers = Swift.min(coreCount, Swift.max(count, 1))
        let chunks = Swift.min(Swift.max(count, 1), workers == 1 ? 1 : workers * 16)
        let chunk = (count + chunks - 1) / chunks
        let next = ChunkCounter()
        // As many iterations as workers: libdispatch runs as many at once as the machine has processors,
        // whatever the cgroup allows, so the iterations themselves are what bounds the threads.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let number = next.take(below: chunks) {
                let start = number * chunk
                let end = Swift.min(start + chunk, count)
                guard start < end else { continue }
                for index in start..<end { self[index] = body(index) }
            }
        }
    }
}

/// The next chunk to take, shared by the workers of one fill.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// The cores to spread work over, at most eight, asked once (the answer reads cgroup files).
private let coreCount = Swift.min(Swift.max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)

extension Array where Element: Sendable {
    /// `map` on every core, in order; `transform` must be safe to call from several threads.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let slots = ConcurrentSlots<T>(count: count)
        slots.fill { transform(self[$0]) }
        return (0..<count).map { slots.take($0)! }
    }
}
