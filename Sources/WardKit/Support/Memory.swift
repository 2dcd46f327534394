#if canImport(Glibc)
import Glibc
#endif

enum Memory {
    /// Asks the kernel to set up the pages of a large buffer about to be filled, all in one call, instead of
    /// taking a page fault for each 4 KB as it is written (costly in a virtual machine: a large store's cache
    /// is tens of megabytes). Only a hint: where the kernel cannot (before Linux 5.14), pages come as before.
    static func populate(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        guard buffer.count >= 1 << 16, let base = buffer.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + buffer.count) / page * page
        guard end > start else { return }
        // MADV_POPULATE_WRITE (23): fault the range in, writable, as if written.
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 23)
    }
}
