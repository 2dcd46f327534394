import Foundation

/// Journal lines as Ward writes them, read in one pass: a flat object without spaces, keys of plain ASCII,
/// values that are strings without escapes, whole numbers, booleans or null, and the five core keys holding
/// text, with `at` and `recorded` in the canonical form. Such a line becomes its Event without a JSONValue of
/// its own for every member, and its two times are counted straight from their digits.
///
/// Anything else (a space, an escape, a nested list or object, a fraction, a key given twice, a time in another
/// form, a line that is not JSON at all) gives nil, and the general parser reads the line as always, with its
/// errors. `EventLineTests` holds the two readings to the same events.
enum EventLine {
    private enum Core { case id, at, recorded, by, kind }

    static func event(_ line: UnsafeBufferPointer<UInt8>) -> Event? {
        guard let base = line.baseAddress, line.count >= 2, base[0] == UInt8(ascii: "{"), base[line.count - 1] == UInt8(ascii: "}") else {
            return nil
        }
        var index = 1
        let end = line.count - 1
        var id: String?, by: String?, kind: String?
        var at: Date?, recorded: Date?
        var fields: [String: JSONValue] = [:]

        /// The bytes of a string whose opening quote is at `index`, which ends past its closing quote; nil for
        /// an escape, a control character or no closing quote.
        func stringBytes() -> UnsafeBufferPointer<UInt8>? {
            guard index < end, base[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var position = start
            while position < end {
                let byte = base[position]
                if byte == UInt8(ascii: "\"") {
                    index = position + 1
                    return UnsafeBufferPointer(start: base + start, count: position - start)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                position += 1
            }
            return nil
        }
        /// The text of `bytes`, or nil when they are not valid UTF-8 (the general parser says so then).
        func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var decoded = String(decoding: bytes, as: UTF8.self)
            let same = decoded.withUTF8 { $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            return same ? decoded : nil
        }

        /// Which core key `bytes` spell, by their bytes (no String made for them).
        func core(_ bytes: UnsafeBufferPointer<UInt8>) -> Core? {
            func spells(_ word: StaticString) -> Bool {
                bytes.count == word.utf8CodeUnitCount && memcmp(bytes.baseAddress!, word.utf8Start, bytes.count) == 0
            }
            switch bytes.count {
            case 2: return spells("id") ? .id : spells("at") ? .at : spells("by") ? .by : nil
            case 4: return spells("kind") ? .kind : nil
            case 8: return spells("recorded") ? .recorded : nil
            default: return nil
            }
        }

        while index < end {
            guard let keyBytes = stringBytes(), !keyBytes.isEmpty, keyBytes.allSatisfy({ $0 < 0x80 }),
                  index < end, base[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            let coreKey = core(keyBytes)
            guard index < end else { return nil }
            switch base[index] {
            case UInt8(ascii: "\""):
                guard let bytes = stringBytes() else { return nil }
                switch coreKey {
                case .at?, .recorded?:
                    // Counted from the digits; a time in another form goes to the general parser.
                    guard let date = Timestamps.parseCanonical(bytes) else { return nil }
                    if coreKey == .at { guard at == nil else { return nil }; at = date } else { guard recorded == nil else { return nil }; recorded = date }
                case .id?, .by?, .kind?:
                    guard !bytes.isEmpty, let string = text(bytes) else { return nil }
                    switch coreKey {
                    case .id?: guard id == nil else { return nil }; id = string
                    case .by?: guard by == nil else { return nil }; by = string
                    default: guard kind == nil else { return nil }; kind = string
                    }
                case nil:
                    guard let string = text(bytes),
                          fields.updateValue(.string(string), forKey: String(decoding: keyBytes, as: UTF8.self)) == nil else { return nil }
                }
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let value: JSONValue
                let rest = UnsafeBufferPointer(start: base + index, count: end - index)
                if rest.starts(with: "true".utf8) { value = .bool(true); index += 4 }
                else if rest.starts(with: "false".utf8) { value = .bool(false); index += 5 }
                else if rest.starts(with: "null".utf8) { value = .null; index += 4 }
                else { return nil }
                guard coreKey == nil, fields.updateValue(value, forKey: String(decoding: keyBytes, as: UTF8.self)) == nil else { return nil }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // Whole numbers of up to 15 digits, not -0 or a leading zero: exactly a Double either way.
                let negative = base[index] == UInt8(ascii: "-")
                var position = negative ? index + 1 : index
                var number = 0
                let first = position
                while position < end, base[position] >= UInt8(ascii: "0"), base[position] <= UInt8(ascii: "9") {
                    number = number * 10 + Int(base[position] - UInt8(ascii: "0"))
                    position += 1
                }
                let digits = position - first
                guard digits >= 1, digits <= 15, !(base[first] == UInt8(ascii: "0") && (digits > 1 || negative)) else { return nil }
                index = position
                guard coreKey == nil, fields.updateValue(.number(Double(negative ? -number : number)),
                                                         forKey: String(decoding: keyBytes, as: UTF8.self)) == nil else { return nil }
            default:
                return nil
            }
            if index == end { break }
            guard base[index] == UInt8(ascii: ","), index + 1 < end else { return nil }
            index += 1
        }
        guard let id, let at, let recorded, let by, let kind else { return nil }
        return Event(parsed: id, at: at, recorded: recorded, by: by, kind: kind, fields: fields)
    }
}
