import Foundation

/// A fingerprint of a file's bytes, taken when it is read and checked again under the lock before it is
/// replaced, so a change made by someone else in between is refused rather than overwritten.
public struct ContentHash: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64
    public let count: Int

    public init(_ data: Data) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        value = hash
        count = data.count
    }

    public var description: String { String(value, radix: 16) }
}

/// What a replace expects to find on disk before it writes.
public enum Expectation: Sendable, Equatable {
    /// The file must not exist yet.
    case absent
    /// The file must still hold exactly what was read.
    case content(ContentHash)
}
