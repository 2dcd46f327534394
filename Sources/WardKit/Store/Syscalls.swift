#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls every write in Ward goes through: the one seam where tests make any of them fail.
/// Each returns what the C call returns and leaves `errno` set on failure.
public protocol Syscalls: Sendable {
    func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    func close(_ fd: Int32) -> Int32
    func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int
    func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int
    func fsync(_ fd: Int32) -> Int32
    func rename(_ from: String, _ to: String) -> Int32
    func mkdir(_ path: String, _ mode: mode_t) -> Int32
    func fchmod(_ fd: Int32, _ mode: mode_t) -> Int32
    func flock(_ fd: Int32, _ operation: Int32) -> Int32
    func ftruncate(_ fd: Int32, _ length: off_t) -> Int32
    func unlink(_ path: String) -> Int32
    func rmdir(_ path: String) -> Int32
}

/// The real system calls.
public struct POSIXSyscalls: Syscalls {
    public init() {}
    public func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        #if canImport(Glibc)
        return Glibc.open(path, flags, mode)
        #else
        return Darwin.open(path, flags, mode)
        #endif
    }
    public func close(_ fd: Int32) -> Int32 { systemClose(fd) }
    public func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { systemRead(fd, buffer, count) }
    public func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { systemWrite(fd, buffer, count) }
    public func fsync(_ fd: Int32) -> Int32 { systemFsync(fd) }
    public func rename(_ from: String, _ to: String) -> Int32 { systemRename(from, to) }
    public func mkdir(_ path: String, _ mode: mode_t) -> Int32 { systemMkdir(path, mode) }
    public func fchmod(_ fd: Int32, _ mode: mode_t) -> Int32 { systemFchmod(fd, mode) }
    public func flock(_ fd: Int32, _ operation: Int32) -> Int32 { systemFlock(fd, operation) }
    public func ftruncate(_ fd: Int32, _ length: off_t) -> Int32 { systemFtruncate(fd, length) }
    public func unlink(_ path: String) -> Int32 { systemUnlink(path) }
    public func rmdir(_ path: String) -> Int32 { systemRmdir(path) }
}

// Free functions so the struct's method names do not shadow the C functions.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemFsync(_ fd: Int32) -> Int32 { fsync(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func systemMkdir(_ path: String, _ mode: mode_t) -> Int32 { mkdir(path, mode) }
private func systemFchmod(_ fd: Int32, _ mode: mode_t) -> Int32 { fchmod(fd, mode) }
private func systemFlock(_ fd: Int32, _ operation: Int32) -> Int32 { flock(fd, operation) }
private func systemFtruncate(_ fd: Int32, _ length: off_t) -> Int32 { ftruncate(fd, length) }
private func systemUnlink(_ path: String) -> Int32 { unlink(path) }
private func systemRmdir(_ path: String) -> Int32 { rmdir(path) }
