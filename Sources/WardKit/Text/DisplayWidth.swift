/// How many terminal cells text takes: East Asian wide characters and emoji take two, combining marks and
/// zero-width characters none. Computed here, not with the C library's wcwidth, so that every part of Ward
/// agrees with every other.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        // Printable ASCII, the common case: one column a byte, no Unicode tables to consult.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation || $0.value == 0xFE0F }) {
            return 2
        }
        return of(first)
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value == 0 { return 0 }
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if value == 0x200B { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}

extension String {
    /// `padding(toLength: length, withPad: " ", startingAt: 0)`: spaces added up to `length`, or the text
    /// cut to it. Without Foundation for ASCII text, the common case on every frame of a list.
    public func padded(to length: Int) -> String {
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return padding(toLength: length, withPad: " ", startingAt: 0) }
        let count = utf8.count
        if count >= length { return count == length ? self : String(utf8.prefix(max(0, length)))! }
        return self + String(repeating: " ", count: length - count)
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation where both ends are ASCII (the
    /// common case, on every note and every field read).
    public var trimmed: String {
        let bytes = utf8
        var start = bytes.startIndex, end = bytes.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while start < end, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        // A non-ASCII character at either end may be Unicode white space: Foundation knows which.
        if start < end, bytes[start] >= 0x80 || bytes[bytes.index(before: end)] >= 0x80 {
            return trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if start == bytes.startIndex && end == bytes.endIndex { return self }
        return String(self[start..<end])
    }
}
