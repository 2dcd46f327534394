import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `readdir` with the entry types the file system gives for free, for directories of many records.
enum DirectoryListing {
    struct Entry {
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
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
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

    /// Calls `body` for every index in 0..<count, spread over the machine's cores in contiguous chunks.
    func fill(_ body: @Sendable (Int) -> T?) {
        let workers = Swift.min(Swift.max(ProcessInfo.processInfo.activeProcessorCount, 1), 8, Swift.max(count, 1))
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            // With more workers than chunks, the last ones have nothing to do (their start is past the end).
            let start = worker * chunk
            let end = Swift.min(start + chunk, count)
            guard start < end else { return }
            for index in start..<end { self[index] = body(index) }
        }
    }
}

extension Array where Element: Sendable {
    /// `map` on every core, in order; `transform` must be safe to call from several threads.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let slots = ConcurrentSlots<T>(count: count)
        slots.fill { transform(self[$0]) }
        return (0..<count).map { slots[$0]! }
    }
}
