/// Bytes eight at a time, as one 64-bit word read in memory order (the first byte lowest, on any machine):
/// which bytes equal a value or lie below one. Each test sets the high bit of every byte it finds. It is
/// exact for the lowest such byte and for whether there is any at all (a borrow only ever marks a byte
/// above one that matched), which is what the scans of journals and records ask.
enum ByteWords {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `pointer`, which need not be aligned.
    @inline(__always) static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    /// The bytes equal to `byte`.
    @inline(__always) static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highs
    }

    /// The bytes below `limit`, which is at most 0x80.
    @inline(__always) static func below(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highs
    }

    /// The bytes beyond ASCII.
    @inline(__always) static func beyondASCII(_ word: UInt64) -> UInt64 { word & highs }
}
