import Foundation

/// How far a load has got, for a screen to show while the derived cache is built (the first open after a
/// clone): records looked at, and how many of them had to be read from their files. Updated from the
/// loading threads, read from the drawing one.
public final class LoadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var looked = 0
    private var read = 0

    public init() {}

    /// (records looked at, records read from their files because the cache lacked them).
    public var counts: (looked: Int, read: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (looked, read)
    }

    func advance(read wasRead: Bool) {
        lock.lock()
        looked += 1
        if wasRead { read += 1 }
        lock.unlock()
    }
}
