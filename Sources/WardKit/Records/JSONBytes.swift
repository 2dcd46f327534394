import Foundation

/// Compact JSON text written as UTF-8 bytes, for output that is written many times over (`incident list
/// --json` writes twenty thousand objects): the same text `JSONValue.jsonText` gives, without a String
/// growing piece by piece. Keys are the caller's to order.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Text known to be JSON already (punctuation, a literal, a key with its quotes).
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// A comma, unless the object or list was just opened.
    mutating func separator() {
        if let last = bytes.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "[") { bytes.append(UInt8(ascii: ",")) }
    }

    /// `"name":` after a separator; `name` must need no escaping.
    mutating func key(_ name: StaticString) {
        separator()
        byte(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }

    /// `"name":` after a separator, for a key that is data (escaped as any string is).
    mutating func key(text name: String) {
        separator()
        string(name)
        byte(UInt8(ascii: ":"))
    }

    /// `[a,b,...]`, each item written by `item`.
    mutating func list<Item>(_ items: [Item], _ item: (inout JSONBytes, Item) -> Void) {
        raw("[")
        for element in items {
            separator()
            item(&self, element)
        }
        raw("]")
    }

    /// A string as `JSONValue.writeString` writes it, or null.
    mutating func string(_ value: String?) {
        guard var value else { return raw("null") }
        let plain = value.withUTF8 { utf8 -> Bool in
            // Printable ASCII without quotes or backslashes, the common case, goes out as it is.
            guard Self.isPlain(utf8) else { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if plain { return }
        var escaped = ""
        JSONValue.writeString(value, to: &escaped)
        escaped.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Whether every byte is printable ASCII other than a quote or a backslash (nothing to escape), eight at a
    /// time: a listing writes a few dozen strings for each of twenty thousand incidents.
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        var index = 0
        var found: UInt64 = 0
        while utf8.count - index >= 8 {
            let word = ByteWords.load(base + index)
            found |= ByteWords.below(word, 0x20) | ByteWords.beyondASCII(word) | ByteWords.equal(word, 0x7F)
                | ByteWords.equal(word, 0x22) | ByteWords.equal(word, 0x5C)
            index += 8
        }
        while index < utf8.count {
            let byte = base[index]
            if byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
            index += 1
        }
        return found == 0
    }

    /// `2026-11-23T03:14:07Z` in quotes (`Timestamps.format`), or null.
    mutating func time(_ date: Date?) {
        guard let date else { return raw("null") }
        byte(UInt8(ascii: "\""))
        Timestamps.write(date, to: &bytes)
        byte(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) {
        var value = value
        if value < 0 {
            byte(UInt8(ascii: "-"))
            guard value != Int.min else { return raw("9223372036854775808") }
            value = -value
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // room for 24 digits, on the stack
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(48 + value % 10)
                value /= 10
            } while value > 0
            bytes.append(contentsOf: buffer[index...])
        }
    }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
