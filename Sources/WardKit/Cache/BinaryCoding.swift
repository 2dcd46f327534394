import Foundation

/// A compact byte encoding for derived data under `.ward/cache/`: varints, length-prefixed UTF-8 and raw
/// bytes. Only Ward reads it back, and a reader that meets anything unexpected throws, which makes the
/// whole cache file count as missing.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int) {
        var zigzag = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while zigzag >= 0x80 {
            bytes.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// A length-prefixed run of bytes, as `string` writes text (read back with `ByteReader.rawRange`).
    mutating func rawBytes(_ value: [UInt8]) {
        int(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Dates exactly, as the bits of their seconds since 1970.
    mutating func date(_ value: Date) { uint64(value.timeIntervalSince1970.bitPattern) }

    mutating func double(_ value: Double) { uint64(value.bitPattern) }

    mutating func optionalDate(_ value: Date?) {
        bool(value != nil)
        if let value { date(value) }
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    /// A case of a small enumeration, by its place among all the cases.
    mutating func enumCase<T: CaseIterable & Equatable>(_ value: T) {
        int(T.allCases.distance(from: T.allCases.startIndex, to: T.allCases.firstIndex(of: value)!))
    }
}

struct CacheFormatError: Error {}

struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        offset = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { offset >= end }

    mutating func byte() throws -> UInt8 {
        guard offset < end else { throw CacheFormatError() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int() throws -> Int {
        // Most numbers here (lengths, counts) fit in one byte.
        if offset < end, bytes[offset] < 0x80 {
            let value = Int(bytes[offset])
            offset += 1
            return (value >> 1) ^ -(value & 1)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try self.byte()
            guard shift < 64 else { throw CacheFormatError() }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        let value = Int64(bitPattern: result)
        return Int((value >> 1) ^ -(value & 1))
    }

    mutating func count() throws -> Int {
        let value = try int()
        guard value >= 0, value <= end - offset else { throw CacheFormatError() }
        return value
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw CacheFormatError()
        }
    }

    mutating func string() throws -> String {
        let length = try count()
        defer { offset += length }
        // Written from Swift strings and checked by the file's checksum: decoded without validating again
        // (anything invalid would become U+FFFD, never undefined behaviour).
        return String(utf8Bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]))
    }

    mutating func optionalString() throws -> String? { try bool() ? try string() : nil }

    /// Whether the string at the reader is `text` (read past either way), without making a String of it.
    mutating func matches(_ text: String) throws -> Bool {
        let range = try rawRange()
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == range.count && (range.isEmpty || memcmp(bytes.baseAddress! + range.lowerBound, utf8.baseAddress!, range.count) == 0)
        }
    }

    /// The range of a length-prefixed run of bytes, without copying it.
    mutating func rawRange() throws -> Range<Int> {
        let length = try count()
        defer { offset += length }
        return offset..<(offset + length)
    }

    mutating func uint64() throws -> UInt64 {
        guard end - offset >= 8 else { throw CacheFormatError() }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func date() throws -> Date { Date(timeIntervalSince1970: Double(bitPattern: try uint64())) }
    mutating func double() throws -> Double { Double(bitPattern: try uint64()) }
    mutating func optionalDate() throws -> Date? { try bool() ? try date() : nil }

    mutating func enumCase<T: CaseIterable>(_ type: T.Type) throws -> T {
        let index = try int()
        guard index >= 0, index < T.allCases.count else { throw CacheFormatError() }
        return T.allCases[T.allCases.index(T.allCases.startIndex, offsetBy: index)]
    }

    mutating func strings() throws -> [String] {
        let count = try self.count()
        var result: [String] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try string()) }
        return result
    }
}

/// A fast 64-bit checksum (four independent lanes of words, FNV-style mixing, folded at the end): enough to
/// tell a torn or damaged cache file from a whole one; it is no defence against anyone who can write `.ward/`
/// anyway. The lanes let the processor work on four words at once (a large store's cache is tens of megabytes).
func cacheChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count), 0x8422_2325_CBF2_9CE4,
                                                   0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9)
    func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
        return mixed ^ (mixed >> 29)
    }
    var index = 0
    while index + 32 <= bytes.count {
        lanes.0 = mix(lanes.0, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        lanes.1 = mix(lanes.1, bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
        lanes.2 = mix(lanes.2, bytes.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self))
        lanes.3 = mix(lanes.3, bytes.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self))
        index += 32
    }
    var hash = mix(mix(mix(lanes.0, lanes.1), lanes.2), lanes.3)
    while index + 8 <= bytes.count {
        hash = mix(hash, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        index += 8
    }
    while index < bytes.count {
        hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
        index += 1
    }
    return hash ^ (hash >> 32)
}
