import Foundation

/// The YAML Ward writes and people write in front matter and ward.yaml, read without a YAML library: block
/// mappings with simple keys, block lists, and single-line values (plain, single- or double-quoted, or a flow
/// list of such). It reads such text exactly as Yams does (`PlainYAMLTests` holds the two to that), and gives
/// nil for anything else, which Yams then reads: multi-line scalars, anchors, tags, flow mappings, escapes
/// other than `\"` `\\` `\/` `\n` `\t`, tabs, odd characters, a key given twice. It exists because Yams takes
/// about 70 microseconds a front matter and a large store has twenty thousand.
enum PlainYAML {
    /// The mapping `text` holds, or nil to let Yams read it. `firstLine` is the file line `text` starts on.
    static func mapping(_ text: String, firstLine: Int) -> YAMLNode? {
        var text = text
        return text.withUTF8 { bytes -> YAMLNode? in
            guard let lines = Self.lines(bytes) else { return nil }
            var reader = Reader(bytes: bytes, lines: lines, firstLine: firstLine)
            if lines.isEmpty { return YAMLNode(.mapping([]), line: firstLine) }
            guard lines[0].indent == 0, let pairs = reader.mapping(indent: 0), reader.index == lines.count else { return nil }
            return YAMLNode(.mapping(pairs), line: firstLine - 1 + lines[0].number)
        }
    }

    struct Line {
        /// 1-based within the text.
        var number: Int
        var indent: Int
        /// Where its content (after the indent) lies in the text's bytes.
        var start: Int
        var end: Int
    }

    /// The lines that hold something (not blank, not a comment), or nil when a byte is one this reader leaves
    /// to Yams: a tab, a carriage return, another control character, or a character YAML treats specially
    /// (C1 controls, U+0085, U+2028, U+2029, a byte order mark, U+FFFE, U+FFFF).
    static func lines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Line]? {
        var lines: [Line] = []
        var start = 0
        var number = 1
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                var indent = 0
                while start + indent < index && bytes[start + indent] == 0x20 { indent += 1 }
                let content = start + indent
                if content < index && bytes[content] != UInt8(ascii: "#") {
                    lines.append(Line(number: number, indent: indent, start: content, end: index))
                }
                number += 1
                start = index + 1
                index += 1
                continue
            }
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F { return nil }
            if byte >= 0x80 {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let third = index + 2 < bytes.count ? bytes[index + 2] : 0
                if byte == 0xC2 && next < 0xA0 { return nil }
                if byte == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9) { return nil }
                if byte == 0xEF && ((next == 0xBB && third == 0xBF) || (next == 0xBF && third >= 0xBE)) { return nil }
            }
            index += 1
        }
        return lines
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var lines: [Line]
        let firstLine: Int
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, lines: [Line], firstLine: Int) {
            self.bytes = bytes
            self.lines = lines
            self.firstLine = firstLine
        }

        func fileLine(_ line: Line) -> Int { firstLine - 1 + line.number }

        /// The pairs of the block mapping whose keys stand at `indent`, from `index` on.
        mutating func mapping(indent: Int) -> [YAMLNode.Pair]? {
            var pairs: [YAMLNode.Pair] = []
            while index < lines.count, lines[index].indent == indent {
                let line = lines[index]
                guard let (key, valueStart) = keyOf(line), !pairs.contains(where: { $0.key == key }) else { return nil }
                index += 1
                let value: YAMLNode
                switch inlineValue(from: valueStart, to: line.end, line: fileLine(line)) {
                case let .value(inline):
                    guard index == lines.count || lines[index].indent <= indent else { return nil }
                    value = inline
                case .none:
                    guard let block = blockValue(after: indent, keyLine: fileLine(line)) else { return nil }
                    value = block
                case .unreadable:
                    return nil
                }
                pairs.append(YAMLNode.Pair(key: key, keyLine: fileLine(line), value: value))
            }
            guard index == lines.count || lines[index].indent < indent else { return nil }
            return pairs
        }

        /// The value of a key with nothing after its colon: a list or mapping on the lines below, or null.
        mutating func blockValue(after indent: Int, keyLine: Int) -> YAMLNode? {
            guard index < lines.count else { return YAMLNode(.scalar("", plain: true), line: keyLine) }
            let next = lines[index]
            if next.indent > indent || (next.indent == indent && isItem(next)) {
                if isItem(next) {
                    let line = fileLine(next)
                    return sequence(indent: next.indent).map { YAMLNode(.sequence($0), line: line) }
                }
                let line = fileLine(next)
                return mapping(indent: next.indent).map { YAMLNode(.mapping($0), line: line) }
            }
            return YAMLNode(.scalar("", plain: true), line: keyLine)
        }

        func isItem(_ line: Line) -> Bool {
            bytes[line.start] == UInt8(ascii: "-") && (line.end == line.start + 1 || bytes[line.start + 1] == 0x20)
        }

        /// The items of the block list whose dashes stand at `indent`, from `index` on.
        mutating func sequence(indent: Int) -> [YAMLNode]? {
            var items: [YAMLNode] = []
            while index < lines.count, lines[index].indent == indent, isItem(lines[index]) {
                let line = lines[index]
                var start = line.start + 1
                while start < line.end && bytes[start] == 0x20 { start += 1 }
                guard start < line.end else { return nil }
                let inner = Line(number: line.number, indent: indent + (start - line.start), start: start, end: line.end)
                if keyOf(inner) != nil {
                    // "- name: SEV1" and its other keys below, lined up with "name".
                    lines[index] = inner
                    guard let pairs = mapping(indent: inner.indent) else { return nil }
                    items.append(YAMLNode(.mapping(pairs), line: fileLine(line)))
                } else {
                    guard case let .value(value) = inlineValue(from: start, to: line.end, line: fileLine(line)) else { return nil }
                    index += 1
                    guard index == lines.count || lines[index].indent <= indent else { return nil }
                    items.append(value)
                }
            }
            return items
        }

        /// A key (letters, digits, `_`, `-`, `.`, not starting with `-` or `.`) and a colon ending the line or
        /// followed by a space: the key, and where its value starts.
        func keyOf(_ line: Line) -> (String, Int)? {
            var end = line.start
            while end < line.end, Self.isKeyByte(bytes[end]) { end += 1 }
            guard end > line.start, end < line.end, bytes[end] == UInt8(ascii: ":"),
                  bytes[line.start] != UInt8(ascii: "-"), bytes[line.start] != UInt8(ascii: "."),
                  end + 1 == line.end || bytes[end + 1] == 0x20 else { return nil }
            return (String(utf8Bytes: UnsafeBufferPointer(rebasing: bytes[line.start..<end])), end + 1)
        }

        static func isKeyByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }

        enum Inline {
            /// Nothing (or only a comment) after the colon or dash.
            case none
            case value(YAMLNode)
            /// Something this reader leaves to Yams.
            case unreadable
        }

        /// The value written from `start` to the line's end.
        func inlineValue(from start: Int, to end: Int, line: Int) -> Inline {
            var start = start
            while start < end && bytes[start] == 0x20 { start += 1 }
            guard start < end, bytes[start] != UInt8(ascii: "#") else { return .none }
            switch bytes[start] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard let (text, after) = quoted(from: start, to: end), isEnd(after, end) else { return .unreadable }
                return .value(YAMLNode(.scalar(text, plain: false), line: line))
            case UInt8(ascii: "["):
                guard let (items, after) = flowList(from: start + 1, to: end, line: line), isEnd(after, end) else { return .unreadable }
                return .value(YAMLNode(.sequence(items), line: line))
            default:
                guard let text = plain(from: start, to: end, flow: false) else { return .unreadable }
                return .value(YAMLNode(.scalar(text, plain: true), line: line))
            }
        }

        /// Nothing but spaces, then the end or a comment, from `position`.
        func isEnd(_ position: Int, _ end: Int) -> Bool {
            var position = position
            guard position == end || bytes[position] == 0x20 else { return false }
            while position < end && bytes[position] == 0x20 { position += 1 }
            return position == end || bytes[position] == UInt8(ascii: "#")
        }

        /// A quoted scalar starting at `start` (its opening quote) on this line: its text and where it ends.
        func quoted(from start: Int, to end: Int) -> (String, Int)? {
            let quote = bytes[start]
            var text: [UInt8] = []
            var position = start + 1
            while position < end {
                let byte = bytes[position]
                if byte == quote {
                    if quote == UInt8(ascii: "'"), position + 1 < end, bytes[position + 1] == quote {
                        text.append(quote)
                        position += 2
                        continue
                    }
                    return (String(decoding: text, as: UTF8.self), position + 1)
                }
                if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                    guard position + 1 < end else { return nil }
                    switch bytes[position + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(bytes[position + 1])
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "t"): text.append(0x09)
                    default: return nil
                    }
                    position += 2
                    continue
                }
                text.append(byte)
                position += 1
            }
            return nil
        }

        /// The items of a flow list after its `[`, and where its `]` ends.
        func flowList(from start: Int, to end: Int, line: Int) -> ([YAMLNode], Int)? {
            var items: [YAMLNode] = []
            var position = start
            func skipSpaces() { while position < end && bytes[position] == 0x20 { position += 1 } }
            skipSpaces()
            if position < end && bytes[position] == UInt8(ascii: "]") { return ([], position + 1) }
            while position < end {
                skipSpaces()
                guard position < end else { return nil }
                if bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") {
                    guard let (text, after) = quoted(from: position, to: end) else { return nil }
                    items.append(YAMLNode(.scalar(text, plain: false), line: line))
                    position = after
                } else {
                    var itemEnd = position
                    while itemEnd < end && bytes[itemEnd] != UInt8(ascii: ",") && bytes[itemEnd] != UInt8(ascii: "]") { itemEnd += 1 }
                    guard let text = plain(from: position, to: itemEnd, flow: true) else { return nil }
                    items.append(YAMLNode(.scalar(text, plain: true), line: line))
                    position = itemEnd
                }
                skipSpaces()
                guard position < end else { return nil }
                if bytes[position] == UInt8(ascii: "]") { return (items, position + 1) }
                guard bytes[position] == UInt8(ascii: ",") else { return nil }
                position += 1
            }
            return nil
        }

        /// A plain scalar from `start` to `end` (without a comment, trailing spaces trimmed), or nil when YAML
        /// would read it otherwise: an indicator first, `: ` or ` #` inside, a colon last; in a flow list, any
        /// flow indicator, quote, colon or `#`.
        func plain(from start: Int, to end: Int, flow: Bool) -> String? {
            var stop = end
            if !flow {
                var position = start
                while position < end {
                    if bytes[position] == UInt8(ascii: "#") && position > start && bytes[position - 1] == 0x20 {
                        stop = position
                        break
                    }
                    position += 1
                }
            }
            while stop > start && bytes[stop - 1] == 0x20 { stop -= 1 }
            guard stop > start else { return nil }
            if "-?:,[]{}#&*!|>'\"%@`".utf8.contains(bytes[start]) { return nil }
            if bytes[stop - 1] == UInt8(ascii: ":") { return nil }
            for position in start..<stop {
                let byte = bytes[position]
                if byte == UInt8(ascii: ":") && (flow || position + 1 == stop || bytes[position + 1] == 0x20) { return nil }
                if flow && "[]{},#'\"".utf8.contains(byte) { return nil }
            }
            return String(utf8Bytes: UnsafeBufferPointer(rebasing: bytes[start..<stop]))
        }
    }
}
