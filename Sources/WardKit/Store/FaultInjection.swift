import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// System calls that fail on purpose: the seam's test double. A rule makes the nth call of one operation
/// (or every call from the nth on) fail with an errno; every call is logged so a test can check, for
/// example, that an fsync that failed was never tried again.
public final class FaultInjectingSyscalls: Syscalls, @unchecked Sendable {
    public enum Operation: String, CaseIterable, Sendable {
        case open, close, read, write, fsync, rename, mkdir, fchmod, flock, ftruncate, unlink, rmdir
    }

    public struct Rule: Sendable {
        public var operation: Operation
        /// 1 for the first call of that operation.
        public var call: Int
        public var errno: Int32
        /// Fail every call from `call` on, not just that one.
        public var persistent: Bool
        /// For write: write this many bytes and report success (a short write), instead of failing.
        public var shortWrite: Int?

        public init(_ operation: Operation, call: Int, errno: Int32, persistent: Bool = false, shortWrite: Int? = nil) {
            self.operation = operation
            self.call = call
            self.errno = errno
            self.persistent = persistent
            self.shortWrite = shortWrite
        }
    }

    private let real = POSIXSyscalls()
    private let lock = NSLock()
    private var rules: [Rule]
    private var counts: [Operation: Int] = [:]
    /// Every call in order, with the fd or path it was about and whether it failed.
    public private(set) var log: [(operation: Operation, subject: String, failed: Bool)] = []

    public init(_ rules: [Rule] = []) {
        self.rules = rules
    }

    public func count(_ operation: Operation) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[operation, default: 0]
    }

    /// Decides whether this call fails; returns the rule that applies.
    private func check(_ operation: Operation, _ subject: String) -> Rule? {
        lock.lock()
        defer { lock.unlock() }
        let number = counts[operation, default: 0] + 1
        counts[operation] = number
        let rule = rules.first { $0.operation == operation && (number == $0.call || ($0.persistent && number > $0.call)) }
        log.append((operation, subject, rule != nil))
        return rule
    }

    private func fail<T: BinaryInteger>(_ rule: Rule) -> T {
        errno = rule.errno
        return -1
    }

    public func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        if let rule = check(.open, path) { return fail(rule) }
        return real.open(path, flags, mode)
    }
    public func close(_ fd: Int32) -> Int32 {
        if let rule = check(.close, "fd \(fd)") {
            _ = real.close(fd)  // the descriptor is gone either way, as with a real failing close
            return fail(rule)
        }
        return real.close(fd)
    }
    public func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        if let rule = check(.read, "fd \(fd)") { return fail(rule) }
        return real.read(fd, buffer, count)
    }
    public func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        if let rule = check(.write, "fd \(fd)") {
            if let short = rule.shortWrite { return real.write(fd, buffer, min(short, count)) }
            return fail(rule)
        }
        return real.write(fd, buffer, count)
    }
    public func fsync(_ fd: Int32) -> Int32 {
        if let rule = check(.fsync, "fd \(fd)") { return fail(rule) }
        return real.fsync(fd)
    }
    public func rename(_ from: String, _ to: String) -> Int32 {
        if let rule = check(.rename, to) { return fail(rule) }
        return real.rename(from, to)
    }
    public func mkdir(_ path: String, _ mode: mode_t) -> Int32 {
        if let rule = check(.mkdir, path) { return fail(rule) }
        return real.mkdir(path, mode)
    }
    public func fchmod(_ fd: Int32, _ mode: mode_t) -> Int32 {
        if let rule = check(.fchmod, "fd \(fd)") { return fail(rule) }
        return real.fchmod(fd, mode)
    }
    public func flock(_ fd: Int32, _ operation: Int32) -> Int32 {
        if let rule = check(.flock, "fd \(fd)") { return fail(rule) }
        return real.flock(fd, operation)
    }
    public func ftruncate(_ fd: Int32, _ length: off_t) -> Int32 {
        if let rule = check(.ftruncate, "fd \(fd)") { return fail(rule) }
        return real.ftruncate(fd, length)
    }
    public func unlink(_ path: String) -> Int32 {
        if let rule = check(.unlink, path) { return fail(rule) }
        return real.unlink(path)
    }
    public func rmdir(_ path: String) -> Int32 {
        if let rule = check(.rmdir, path) { return fail(rule) }
        return real.rmdir(path)
    }
}
