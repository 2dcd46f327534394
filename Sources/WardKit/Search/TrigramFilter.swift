/// A Bloom filter of the three-byte runs of words in a record's text, lowercased, which tells search which
/// records cannot hold a query: every word of the query has its own three-byte runs, and a record that lacks
/// one of them cannot contain the word. It may say yes wrongly (about one trigram in six), never no wrongly,
/// so search still reads every record it lets through.
///
/// Words are runs of ASCII letters and digits and of any non-ASCII bytes (so UTF-8 letters stay whole).
struct TrigramFilter: Sendable {
    private(set) var bits: [UInt64]

    /// Bits per trigram: 4 with two probes gives about 15% false positives per trigram, and about 0.3% for a
    /// five-letter word, which has three.
    private static let bitsPerTrigram = 4

    init(trigrams: Set<UInt32>) {
        var size = 64
        while size < trigrams.count * Self.bitsPerTrigram { size <<= 1 }
        bits = [UInt64](repeating: 0, count: size / 64)
        let mask = UInt64(size - 1)
        for trigram in trigrams {
            let (first, second) = Self.probes(trigram)
            bits[Int((first & mask) >> 6)] |= 1 << (first & 63)
            bits[Int((second & mask) >> 6)] |= 1 << (second & 63)
        }
    }

    init(bits: [UInt64]) { self.bits = bits }

    func mayContain(_ trigrams: [UInt32]) -> Bool {
        guard !bits.isEmpty else { return true }
        let mask = UInt64(bits.count * 64 - 1)
        for trigram in trigrams {
            let (first, second) = Self.probes(trigram)
            guard bits[Int((first & mask) >> 6)] & (1 << (first & 63)) != 0,
                  bits[Int((second & mask) >> 6)] & (1 << (second & 63)) != 0 else { return false }
        }
        return true
    }

    private static func probes(_ trigram: UInt32) -> (UInt64, UInt64) {
        var hash = UInt64(trigram) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 31
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 29
        return (hash, hash >> 32 | hash << 32)
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90)
    }

    /// Adds the trigrams of the words in `bytes` (already lowercased) to `set`.
    static func collect<Bytes: Collection>(_ bytes: Bytes, into set: inout Set<UInt32>) where Bytes.Element == UInt8 {
        var window: UInt32 = 0
        var run = 0
        for byte in bytes {
            guard isWordByte(byte) else {
                run = 0
                continue
            }
            window = (window << 8 | UInt32(byte)) & 0xFF_FFFF
            run += 1
            if run >= 3 { set.insert(window) }
        }
    }

    /// The trigrams a line must have to contain every one of `words` (lowercased).
    static func required(by words: [String]) -> [UInt32] {
        var set = Set<UInt32>()
        for word in words { collect(word.utf8, into: &set) }
        return set.sorted()
    }

    func encode(to writer: inout ByteWriter) {
        writer.int(bits.count)
        for word in bits { writer.uint64(word) }
    }

    init(from reader: inout ByteReader) throws {
        let count = try reader.count()
        guard count.nonzeroBitCount <= 1 else { throw CacheFormatError() }
        var bits: [UInt64] = []
        bits.reserveCapacity(count)
        for _ in 0..<count { bits.append(try reader.uint64()) }
        self.bits = bits
    }
}
