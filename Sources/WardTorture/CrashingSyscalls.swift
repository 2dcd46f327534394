import Foundation
import WardKit

/// The real system calls, except that the process kills itself with SIGKILL just before its `crashAt`-th
/// call that changes the disk (an open that may create or write, a write, fsync, rename, unlink, mkdir,
/// ftruncate, fchmod). Walking `crashAt` from 1 up puts a kill -9 at every step of a change.
final class CrashingSyscalls: Syscalls, @unchecked Sendable {
    private let real = POSIXSyscalls()
    private let crashAt: Int
    private var count = 0
    private let lock = NSLock()

    init(crashAt: Int) {
        self.crashAt = crashAt
    }

    private func step() {
        lock.lock()
        count += 1
        let now = count
        lock.unlock()
        if now == crashAt { kill(getpid(), SIGKILL) }
    }

    func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        if flags & (O_CREAT | O_WRONLY | O_RDWR) != 0 { step() }
        return real.open(path, flags, mode)
    }
    func close(_ fd: Int32) -> Int32 { real.close(fd) }
    func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { real.read(fd, buffer, count) }
    func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { step(); return real.write(fd, buffer, count) }
    func fsync(_ fd: Int32) -> Int32 { step(); return real.fsync(fd) }
    func rename(_ from: String, _ to: String) -> Int32 { step(); return real.rename(from, to) }
    func mkdir(_ path: String, _ mode: mode_t) -> Int32 { step(); return real.mkdir(path, mode) }
    func fchmod(_ fd: Int32, _ mode: mode_t) -> Int32 { step(); return real.fchmod(fd, mode) }
    func flock(_ fd: Int32, _ operation: Int32) -> Int32 { real.flock(fd, operation) }
    func ftruncate(_ fd: Int32, _ length: off_t) -> Int32 { step(); return real.ftruncate(fd, length) }
    func unlink(_ path: String) -> Int32 { step(); return real.unlink(path) }
    func rmdir(_ path: String) -> Int32 { step(); return real.rmdir(path) }
}
