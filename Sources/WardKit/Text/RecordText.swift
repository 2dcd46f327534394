import Foundation

/// The checks every record file passes before it is parsed: text, UTF-8, not empty, not binary, not huge.
/// A byte-order mark and CRLF line ends are accepted, and reported as warnings.
public struct RecordText: Sendable {
    /// The text with any BOM removed and CRLF turned into LF, ready to parse.
    public let text: String
    public let warnings: [Problem]
    public let hadBOM: Bool
    public let usesCRLF: Bool

    public static let sizeLimit = 2 << 20

    /// `text` (with "\n" line ends) as bytes in this file's own form: its line ends and its byte-order mark,
    /// so an edit changes what it meant to change and nothing else.
    public func encode(_ text: String) -> Data {
        var out = usesCRLF ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
        if hadBOM { out = "\u{FEFF}" + out }
        return Data(out.utf8)
    }

    public init(_ data: Data, path: String, limit: Int = RecordText.sizeLimit) throws {
        guard !data.isEmpty else { throw WardError("is empty", path: path, line: 1) }
        guard data.count <= limit else {
            throw WardError("is too large (\(data.count) bytes; records are at most \(limit) bytes)", path: path, line: 1)
        }
        let bytes = [UInt8](data)
        // One look at every byte, eight at a time, for what the checks below look for: most records are all
        // ASCII, without a NUL or a carriage return, and then have nothing more to check.
        let (hasNUL, hasCR, isASCII) = Self.scan(bytes)
        if hasNUL, let nul = bytes.firstIndex(of: 0) {
            throw WardError("is a binary file (NUL byte); Ward reads only text", path: path, line: Self.line(at: nul, in: bytes))
        }
        if !isASCII, let bad = Self.firstInvalidUTF8(bytes) {
            throw WardError("is not valid UTF-8 (byte \(bad + 1))", path: path, line: Self.line(at: bad, in: bytes))
        }
        var text = String(decoding: bytes, as: UTF8.self)
        var warnings: [Problem] = []
        hadBOM = text.hasPrefix("\u{FEFF}")
        if hadBOM {
            text.removeFirst()
            warnings.append(Problem(path: path, line: 1, "starts with a byte-order mark; Ward reads it, other tools may not", level: .warning))
        }
        usesCRLF = hasCR
        if usesCRLF {
            // Swift treats "\r\n" as one Character, so replace on scalars.
            var scalars = String.UnicodeScalarView()
            var iterator = text.unicodeScalars.makeIterator()
            var pending: Unicode.Scalar? = iterator.next()
            while let scalar = pending {
                let next = iterator.next()
                if scalar == "\r" && next == "\n" { pending = next; continue }
                scalars.append(scalar)
                pending = next
            }
            text = String(scalars)
            warnings.append(Problem(path: path, line: 1, "has CRLF line ends; Ward reads them and keeps them when it edits", level: .warning))
        }
        self.text = text
        self.warnings = warnings
    }

    /// Whether `bytes` hold a NUL, a carriage return, and whether they are all ASCII.
    static func scan(_ bytes: [UInt8]) -> (hasNUL: Bool, hasCR: Bool, isASCII: Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            var zero: UInt64 = 0, carriage: UInt64 = 0, beyond: UInt64 = 0
            var index = 0
            if let base = buffer.baseAddress {
                while buffer.count - index >= 8 {
                    let word = ByteWords.load(base + index)
                    zero |= ByteWords.equal(word, 0)
                    carriage |= ByteWords.equal(word, 13)
                    beyond |= ByteWords.beyondASCII(word)
                    index += 8
                }
            }
            var hasNUL = zero != 0, hasCR = carriage != 0
            while index < buffer.count {
                let byte = buffer[index]
                hasNUL = hasNUL || byte == 0
                hasCR = hasCR || byte == 13
                beyond |= UInt64(byte & 0x80)
                index += 1
            }
            return (hasNUL, hasCR, beyond == 0)
        }
    }

    static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        bytes[..<offset].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
    }

    /// The offset of the first byte that is not part of a valid UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F); minimum = 0x80
            case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F); minimum = 0x800
            case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07); minimum = 0x10000
            default: return index
            }
            guard index + length <= count else { return index }
            for next in 1..<length {
                let continuation = bytes[index + next]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            minimum = 0
            index += length
        }
        return nil
    }
}
