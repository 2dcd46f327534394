/// A Bloom filter of the three-byte runs of words in a record's text, lowercased, which tells search which
/// records cannot hold a query: every word of the query has its own three-byte runs, and a record that lacks
/// one of them cannot contain the word. It may say yes wrongly (about one trigram in six), never no wrongly,
/// so search still reads every record it lets through.
///
/// Words are runs of ASCII letters and digits and of any non-ASCII bytes (so UTF-8 letters stay whole).
struct TrigramFilter: Sendable {
    /// The bits, eight to a byte, least significant first (the little-endian bytes of 64-bit words). Read
    /// from the cache, a slice of the shard file as read: a large store's index is not copied a second time.
    /// Empty: a filter that lets everything through.
    private(set) var bytes: ArraySlice<UInt8>

    /// Bits per trigram: 4 with two probes gives about 15% false positives per trigram, and about 0.3% for a
    /// five-letter word, which has three.
    private static let bitsPerTrigram = 4

    init(trigrams: Set<UInt32>) {
        var size = 64
        while size < trigrams.count * Self.bitsPerTrigram { size <<= 1 }
        var bytes = [UInt8](repeating: 0, count: size / 8)
        let mask = UInt64(size - 1)
        for trigram in trigrams {
            let (first, second) = Self.probes(trigram)
            for bit in [first & mask, second & mask] { bytes[Int(bit >> 3)] |= 1 << (bit & 7) }
        }
        self.bytes = bytes[...]
    }

    /// A filter that lets every record through (when the cache cannot say).
    static let passAll = TrigramFilter(bytes: [])

    private init(bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    func mayContain(_ trigrams: [UInt32]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let mask = UInt64(bytes.count * 8 - 1)
        let start = bytes.startIndex
        for trigram in trigrams {
            let (first, second) = Self.probes(trigram)
            for bit in [first & mask, second & mask] where bytes[start + Int(bit >> 3)] & (1 << (bit & 7)) == 0 {
                return false
            }
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
        writer.int(bytes.count / 8)
        writer.bytes.append(contentsOf: bytes)
    }

    /// The filter at `reader`'s place in `payload` (the bytes `reader` reads), as a slice of it.
    static func decode(_ payload: ArraySlice<UInt8>, _ reader: inout ByteReader) throws -> TrigramFilter {
        let words = try reader.int()
        guard words >= 0, words.nonzeroBitCount <= 1, words <= (reader.end - reader.offset) / 8 else { throw CacheFormatError() }
        let start = payload.startIndex + reader.offset
        reader.offset += words * 8
        return TrigramFilter(bytes: payload[start..<(start + words * 8)])
    }
}
