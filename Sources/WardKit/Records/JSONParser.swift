import Foundation

/// The parser for journal lines: one JSON object, read straight from its UTF-8 bytes into `JSONValue`s.
///
/// It accepts and rejects exactly what `JSONDecoder().decode([String: JSONValue].self, from:)` did, which
/// journals were read with before, and gives the same values; the differential tests in JSONParserTests hold
/// it to that. Where that decoder differs from RFC 8259, this parser does the same:
///
/// - A trailing comma before `}` or `]` is accepted (`{"a":1,}`).
/// - A key seen twice keeps its first value, and the later values are only checked the way the decoder's
///   first pass checks them: their structure, but not whether their numbers fit a Double, their escapes are
///   known, their `\u` escapes pair up, or their strings are UTF-8 without raw control characters.
/// - A UTF-8 byte order mark before the text is skipped, and a text whose first bytes look like UTF-16 or
///   UTF-32 (a NUL in byte 0 or 1, or those byte order marks) is converted to UTF-8 first.
/// - Some zeros with an exponent are errors (`0e8`, `0.00e5`, not `0e0` or `0e22`): see `decoderSeesZero`.
///
/// In one thing it does not follow the decoder: the decoder traps (a precondition, so `ward` crashes) when the
/// 513th nested `[` is the last byte of the text; this parser rejects that text like any other too deep.
///
/// And where it follows RFC 8259 (so does the decoder): numbers are `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
/// and become the nearest Double, but a number too large for a Double or a nonzero one that rounds to zero is
/// an error; strings are valid UTF-8 without raw U+0000...U+001F; `\u` escapes must pair surrogates (`\u0000`
/// is fine); whitespace is space, tab, CR and LF only; nothing may follow the object but whitespace. Objects
/// and arrays may nest 512 deep (the decoder's limit), which also keeps the recursion off the end of the stack.
struct JSONParser {
    struct Failure: Error, CustomStringConvertible {
        /// Byte offset in the text (after any conversion from UTF-16 or UTF-32).
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    static let maximumDepth = 512

    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private var index: Int
    private var depth = 0
    /// Where an escaped string is put together.
    private var scratch: [UInt8] = []
    /// The members of the objects being parsed, innermost last.
    private var members: Members = []

    private init(_ bytes: UnsafePointer<UInt8>, count: Int, index: Int) {
        self.bytes = bytes
        self.count = count
        self.index = index
    }

    /// The object that `buffer` holds, or why it is not one.
    static func parseObject(_ buffer: UnsafeBufferPointer<UInt8>) throws -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: try parseMembers(buffer))
    }

    /// The members of the object that `buffer` holds, in order, without the later ones of a key given twice
    /// (so no two keys are equal Strings).
    static func parseMembers(_ buffer: UnsafeBufferPointer<UInt8>) throws -> Members {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { throw Failure(offset: 0, reason: "empty") }
        // The decoder guesses the encoding from the first four bytes (RFC 4627, section 3) and skips a BOM.
        let count = buffer.count
        let b0: UInt8? = base[0]
        let b1: UInt8? = count > 1 ? base[1] : nil
        let b2: UInt8? = count > 2 ? base[2] : nil
        let b3: UInt8? = count > 3 ? base[3] : nil
        let encoding: String.Encoding
        let bom: Int
        switch (b0, b1, b2, b3) {
        case (0, 0, 0xFE, 0xFF): (encoding, bom) = (.utf32BigEndian, 4)
        case (0xFE, 0xFF, 0, 0): (encoding, bom) = (.utf32LittleEndian, 4)
        case (0xFE, 0xFF, _, _): (encoding, bom) = (.utf16BigEndian, 2)
        case (0xFF, 0xFE, _, _): (encoding, bom) = (.utf16LittleEndian, 2)
        case (0xEF, 0xBB, 0xBF, _): (encoding, bom) = (.utf8, 3)
        case let (0, 0, 0, .some(nz)) where nz != 0: (encoding, bom) = (.utf32BigEndian, 0)
        case let (0, .some(nz1), 0, .some(nz2)) where nz1 != 0 && nz2 != 0: (encoding, bom) = (.utf16BigEndian, 0)
        case let (.some(nz), 0, 0, 0) where nz != 0: (encoding, bom) = (.utf32LittleEndian, 0)
        case let (.some(nz1), 0, .some(nz2), 0) where nz1 != 0 && nz2 != 0: (encoding, bom) = (.utf16LittleEndian, 0)
        case let (0, .some(nz), nil, nil) where nz != 0: (encoding, bom) = (.utf16BigEndian, 0)
        case let (.some(nz), 0, nil, nil) where nz != 0: (encoding, bom) = (.utf16LittleEndian, 0)
        default: (encoding, bom) = (.utf8, 0)
        }
        if encoding == .utf8 {
            var parser = JSONParser(base, count: count, index: bom)
            return try parser.document()
        }
        guard var text = String(bytes: UnsafeBufferPointer(rebasing: buffer[bom...]), encoding: encoding) else {
            throw Failure(offset: 0, reason: "not valid \(encoding)")
        }
        return try text.withUTF8 { utf8 in
            // String never hands over an empty buffer without a base address, but an empty text can be empty.
            guard let base = utf8.baseAddress, !utf8.isEmpty else { throw Failure(offset: 0, reason: "empty") }
            var parser = JSONParser(base, count: utf8.count, index: 0)
            return try parser.document()
        }
    }

    // MARK: Structure

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")

    private func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    /// The members of the top-level object.
    private mutating func document() throws -> Members {
        guard try nextNonWhitespace() == Self.openBrace else { throw failure("the top level is not an object") }
        members.reserveCapacity(16)
        try objectMembers(keep: true)
        while index < count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: throw failure("something follows the object")
            }
        }
        return members
    }

    /// The byte at the next non-whitespace position, which becomes `index`; an error at the end of the text.
    @inline(__always)
    private mutating func nextNonWhitespace() throws -> UInt8 {
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return byte
            }
        }
        throw failure("the text ends early")
    }

    private mutating func enterContainer() throws {
        guard depth < Self.maximumDepth else { throw failure("nested more than \(Self.maximumDepth) deep") }
        depth += 1
        index += 1
    }

    /// A value starting at `index` (not whitespace). With `keep` false it is only checked, as the decoder
    /// checks a value it never reads (the later value of a key given twice), and `.null` comes back.
    private mutating func value(keep: Bool) throws -> JSONValue {
        switch bytes[index] {
        case Self.quote:
            if keep { return .string(try string()) }
            try skipString()
            return .null
        case Self.openBrace:
            let object = try object(keep: keep)
            return keep ? .object(object) : .null
        case Self.openBracket:
            let array = try array(keep: keep)
            return keep ? .array(array) : .null
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if keep { return .number(try number()) }
            skipNumber()
            return .null
        default:
            throw failure("not a JSON value")
        }
    }

    /// `true`, `false` or `null` at `index`.
    private mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard count - index >= length else { throw failure("the text ends early") }
        guard memcmp(bytes + index, word.utf8Start, length) == 0 else { throw failure("not a JSON value") }
        index += length
    }

    /// An object's members, in order, without the later ones of a key given twice.
    typealias Members = [(String, JSONValue)]

    /// The object at `index`. Its members go on `members` (above those of the objects it is inside), and
    /// come off again into a dictionary of just the right size.
    private mutating func object(keep: Bool) throws -> [String: JSONValue] {
        let start = members.count
        try objectMembers(keep: keep)
        guard keep else { return [:] }
        defer { members.removeSubrange(start...) }
        return Dictionary(uniqueKeysWithValues: members[start...])
    }

    /// Parses the object at `index` and, if `keep`, leaves its members on top of `members`. The first of a
    /// key given twice wins, as in the decoder, and the later values are only checked, never read. A key is
    /// the same as another when they are equal Strings (canonically equivalent), as in a Dictionary.
    private mutating func objectMembers(keep: Bool) throws {
        try enterContainer()
        defer { depth -= 1 }
        let start = members.count
        /// The keys so far, once there are too many to look through one by one.
        var keys: Set<String>?
        var byte = try nextNonWhitespace()
        if byte == Self.closeBrace {
            index += 1
            return
        }
        while true {
            guard byte == Self.quote else { throw failure("a key is not a string") }
            if keep {
                let key = try string()
                guard try nextNonWhitespace() == Self.colon else { throw failure("no ':' after a key") }
                index += 1
                _ = try nextNonWhitespace()
                let isNew: Bool
                if keys != nil {
                    isNew = keys!.insert(key).inserted
                } else {
                    isNew = !members[start...].contains { $0.0 == key }
                    if isNew && members.count - start >= 16 { keys = Set(members[start...].lazy.map(\.0) + [key]) }
                }
                if isNew {
                    let value = try value(keep: true)
                    members.append((key, value))
                } else {
                    _ = try value(keep: false)
                }
            } else {
                try skipString()
                guard try nextNonWhitespace() == Self.colon else { throw failure("no ':' after a key") }
                index += 1
                _ = try nextNonWhitespace()
                _ = try value(keep: false)
            }
            byte = try nextNonWhitespace()
            if byte == Self.comma {
                index += 1
                byte = try nextNonWhitespace()
                if byte == Self.closeBrace { // a trailing comma, as the decoder allows
                    index += 1
                    return
                }
            } else if byte == Self.closeBrace {
                index += 1
                return
            } else {
                throw failure("no ',' or '}' after a value in an object")
            }
        }
    }

    private mutating func array(keep: Bool) throws -> [JSONValue] {
        try enterContainer()
        defer { depth -= 1 }
        var array: [JSONValue] = []
        var byte = try nextNonWhitespace()
        if byte == Self.closeBracket {
            index += 1
            return array
        }
        while true {
            let element = try value(keep: keep)
            if keep { array.append(element) }
            byte = try nextNonWhitespace()
            if byte == Self.comma {
                index += 1
                if try nextNonWhitespace() == Self.closeBracket { // a trailing comma, as the decoder allows
                    index += 1
                    return array
                }
            } else if byte == Self.closeBracket {
                index += 1
                return array
            } else {
                throw failure("no ',' or ']' after a value in an array")
            }
        }
    }

    // MARK: Strings

    /// The string whose opening quote is at `index`.
    private mutating func string() throws -> String {
        index += 1
        let start = index
        // The fast path: no escapes and no control characters. Eight bytes at a time while none of them is a
        // quote, a backslash or a control character (each test is exact when nothing before it matched).
        var high: UInt8 = 0
        var words: UInt64 = 0
        while count - index >= 8 {
            let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
            let quotes = word ^ 0x2222_2222_2222_2222, backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
            let special = (quotes &- 0x0101_0101_0101_0101) & ~quotes | (backslashes &- 0x0101_0101_0101_0101) & ~backslashes
                | (word &- 0x2020_2020_2020_2020) & ~word
            if special & 0x8080_8080_8080_8080 != 0 { break }
            words |= word
            index += 8
        }
        if words & 0x8080_8080_8080_8080 != 0 { high = 0x80 }
        while index < count {
            let byte = bytes[index]
            if byte == Self.quote {
                let utf8 = UnsafeBufferPointer(start: bytes + start, count: index - start)
                let text = high < 0x80 ? String(utf8Bytes: utf8) : try makeString(utf8, at: start)
                index += 1
                return text
            }
            if byte == Self.backslash || byte < 0x20 { return try escapedString(from: start) }
            high |= byte
            index += 1
        }
        throw failure("a string is not closed")
    }

    /// The text of `utf8`, which must be valid UTF-8. (`String(validating:as:)` would do, but it is generic
    /// and not specialized, and looking up its metadata costs more than parsing the line.)
    private func makeString(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> String {
        // Decoding replaces what is not UTF-8 with U+FFFD, so only valid UTF-8 comes back as the same bytes.
        var text = String(decoding: utf8, as: UTF8.self)
        let same = text.withUTF8 { decoded in
            decoded.count == utf8.count && (utf8.isEmpty || memcmp(decoded.baseAddress!, utf8.baseAddress!, utf8.count) == 0)
        }
        guard same else { throw Failure(offset: offset, reason: "a string is not valid UTF-8") }
        return text
    }

    /// The rest of a string from its first escape or control character, `start` being just after its quote.
    private mutating func escapedString(from start: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        var run = start
        while index < count {
            let byte = bytes[index]
            if byte == Self.quote {
                scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: index - run))
                index += 1
                // The escapes add whole characters, so one check of the lot says what checking each raw run would.
                return try scratch.withUnsafeBufferPointer { try makeString($0, at: start) }
            }
            if byte < 0x20 { throw failure("a control character is not escaped in a string") }
            guard byte == Self.backslash else {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: index - run))
            index += 1
            guard index < count else { throw failure("a string is not closed") }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case Self.quote, Self.backslash, UInt8(ascii: "/"): scratch.append(escaped)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"): appendUTF8(try unicodeEscape())
            default: throw Failure(offset: index - 1, reason: "an unknown escape in a string")
            }
            run = index
        }
        throw failure("a string is not closed")
    }

    /// The scalar of a `\u` escape whose four hex digits start at `index`; a high surrogate must be followed
    /// by a `\u` escape of a low one.
    private mutating func unicodeEscape() throws -> UInt32 {
        let unit = try hexQuad()
        switch unit {
        case 0xD800...0xDBFF:
            guard count - index >= 2, bytes[index] == Self.backslash, bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a high surrogate escape is not followed by a low one")
            }
            index += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a high surrogate escape is not followed by a low one") }
            return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw failure("a low surrogate escape without a high one")
        default:
            return unit
        }
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard count - index >= 4 else { throw failure("a \\u escape is cut short") }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw Failure(offset: index + offset, reason: "a \\u escape has a character that is not a hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(0xC0 | UInt8(scalar >> 6))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        case ..<0x10000:
            scratch.append(0xE0 | UInt8(scalar >> 12))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(scalar >> 18))
            scratch.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    /// Passes over a string the decoder never reads: it looks for the closing quote, steps over a backslash and
    /// the byte after it (and the four after `\u`, none of which may be a quote), and checks nothing else.
    private mutating func skipString() throws {
        index += 1
        while index < count {
            let byte = bytes[index]
            index += 1
            if byte == Self.quote { return }
            if byte == Self.backslash {
                guard index < count else { break }
                let escaped = bytes[index]
                index += 1
                if escaped == UInt8(ascii: "u") {
                    guard count - index >= 4 else { break }
                    for offset in 0..<4 where bytes[index + offset] == Self.quote {
                        throw failure("a \\u escape is cut short")
                    }
                    index += 4
                }
            }
        }
        throw failure("a string is not closed")
    }

    // MARK: Numbers

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// What the decoder's first pass takes as a number: any run of digits, '.', '+', '-', 'e' and 'E'.
    @inline(__always)
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    /// Whether the decoder (JSONDecoderImpl.isTrueZero) takes a number that strtod made 0 for a true zero
    /// rather than an underflow: it looks for a nonzero digit before the 'e', four bytes at a time, but the
    /// last one to three bytes from the end backwards, so a short exponent there counts as a nonzero digit:
    /// it rejects `0e8`, `0e1` and `0.00e5` while it takes `0e0`, `0e22` and `0e-2`.
    private static func decoderSeesZero(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        func check(_ byte: UInt8) -> Bool? {
            switch byte {
            case UInt8(ascii: "1")...UInt8(ascii: "9"): return false
            case UInt8(ascii: "e"), UInt8(ascii: "E"): return true
            default: return nil
            }
        }
        let whole = token.count - token.count % 4
        for position in 0..<whole {
            if let seen = check(token[position]) { return seen }
        }
        for position in (whole..<token.count).reversed() {
            if let seen = check(token[position]) { return seen }
        }
        return true
    }

    private mutating func skipNumber() {
        index += 1
        while index < count && Self.isNumberByte(bytes[index]) { index += 1 }
    }

    /// The number at `index`, strictly as RFC 8259 writes it, as the nearest Double.
    private mutating func number() throws -> Double {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0 // from the first nonzero digit on
        var fractionDigits = 0
        guard index < count, Self.isDigit(bytes[index]) else { throw failure("a number has no digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < count, Self.isDigit(bytes[index]) {
                significantDigits += 1
                if significantDigits <= 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < count, Self.isDigit(bytes[index]) else { throw failure("a number has no digits after '.'") }
            while index < count, Self.isDigit(bytes[index]) {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if significantDigits > 0 || digit != 0 { significantDigits += 1 }
                if significantDigits <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    fractionDigits += 1
                }
                index += 1
            }
        }
        var exponent = 0
        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count, Self.isDigit(bytes[index]) else { throw failure("a number has no digits in its exponent") }
            while index < count, Self.isDigit(bytes[index]) {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        // The decoder reads the whole run of number characters; what is left of it makes the number invalid.
        if index < count && Self.isNumberByte(bytes[index]) { throw failure("a number is not valid") }
        // Only zeros: zero, whatever the exponent (and -0 is -0.0), but for the decoder's quirk below.
        if significantDigits == 0 {
            guard Self.decoderSeesZero(UnsafeBufferPointer(start: bytes + start, count: index - start)) else {
                throw Failure(offset: start, reason: "a zero with an exponent that the decoder takes for an underflow")
            }
            return negative ? -0.0 : 0.0
        }
        // Up to 15 digits and a power of ten up to 22 are exact Doubles, and one multiplication or division
        // of them rounds correctly (Clinger's fast path), as strtod does.
        let power = exponent - fractionDigits
        if significantDigits <= 15 && power >= -22 && power <= 22 {
            var value = Double(mantissa)
            if power < 0 { value /= Self.powersOfTen[-power] } else { value *= Self.powersOfTen[power] }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: index - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite, value != 0 else {
            throw Failure(offset: start, reason: "a number does not fit a Double")
        }
        return value
    }

    /// `parseMembers` for any bytes, from their storage when it is contiguous.
    static func members<Bytes: Sequence<UInt8>>(of bytes: Bytes) throws -> Members {
        if let members = try bytes.withContiguousStorageIfAvailable({ try parseMembers($0) }) {
            return members
        }
        return try Array(bytes).withUnsafeBufferPointer { try parseMembers($0) }
    }
}
