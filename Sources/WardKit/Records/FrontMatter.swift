import Foundation
import Yams

/// A Markdown document with optional YAML front matter between `---` lines.
public struct FrontMatterDocument {
    /// The front matter's mapping, or nil when the document has none.
    public let fields: Fields?
    public let body: String
    /// The file line on which the body starts.
    public let bodyLine: Int

    /// Splits and parses `text` (LF line ends). Errors name the file line.
    public init(_ text: String, path: String) throws {
        // Lines are found as they are needed, not all split apart and joined again (the body can be long).
        let utf8 = text.utf8
        func lineEnd(from start: String.Index) -> String.Index { utf8[start...].firstIndex(of: 0x0A) ?? utf8.endIndex }
        func isMarker(_ line: Substring, _ markers: [String]) -> Bool {
            // Most lines start with an ASCII byte that no marker line can start with (a marker may follow
            // spaces, but no other ASCII byte is a space), and are told apart by that byte alone.
            if let first = line.utf8.first, first < 0x80, first != 0x20, first != 0x09, first != 0x2D, first != 0x2E {
                return false
            }
            // Spaces and tabs around it are fine (other Unicode spaces too, through Foundation).
            guard line.utf8.allSatisfy({ $0 < 0x80 }) else { return markers.contains(line.trimmingCharacters(in: .whitespaces)) }
            var bytes = line.utf8[...]
            while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
            return markers.contains { $0.utf8.elementsEqual(bytes) }
        }
        let firstEnd = lineEnd(from: utf8.startIndex)
        guard isMarker(text[..<firstEnd], ["---"]) else {
            fields = nil
            body = text
            bodyLine = 1
            return
        }
        var lineNumber = 2
        var start = firstEnd == utf8.endIndex ? firstEnd : utf8.index(after: firstEnd)
        let yamlStart = start
        while true {
            guard firstEnd != utf8.endIndex else {
                throw WardError("the front matter opened here is never closed: add a line '---' after it", path: path, line: 1)
            }
            let end = lineEnd(from: start)
            if isMarker(text[start..<end], ["---", "..."]) {
                // The YAML is the lines in between (without the newline before the closing line).
                let yamlEnd = start == yamlStart ? start : utf8.index(before: start)
                body = end == utf8.endIndex ? "" : String(text[utf8.index(after: end)...])
                bodyLine = lineNumber + 1
                fields = try Self.fields(yaml: String(text[yamlStart..<yamlEnd]), path: path, firstLine: 2)
                return
            }
            guard end != utf8.endIndex else {
                throw WardError("the front matter opened here is never closed: add a line '---' after it", path: path, line: 1)
            }
            start = utf8.index(after: end)
            lineNumber += 1
        }
    }

    /// Parses YAML text that must be a mapping; `firstLine` is the file line the YAML starts on.
    public static func fields(yaml: String, path: String, firstLine: Int) throws -> Fields {
        if let line = explicitKeyLine(yaml) {
            throw WardError("not valid here: '? ' complex keys are not used in Ward's files (and a few hundred bytes of them keep the YAML reader busy for minutes)",
                            path: path, line: firstLine + line)
        }
        // Front matter as Ward and most people write it is read without Yams, exactly as Yams reads it.
        if let plain = PlainYAML.mapping(yaml, firstLine: firstLine), let pairs = plain.mapping {
            return Fields(pairs: pairs, path: path, firstLine: firstLine)
        }
        return try composed(yaml: yaml, path: path, firstLine: firstLine)
    }

    /// `fields` as Yams reads the text.
    static func composed(yaml: String, path: String, firstLine: Int) throws -> Fields {
        let node: Node?
        do {
            // The encoding named: Yams' default reads the whole environment on every parse (a fifth of
            // reading a large store) and prints to stdout when YAMS_DEFAULT_ENCODING is set. The basic resolver:
            // Ward reads every value as text (and null as YAML writes it) itself, so the default resolver's
            // regular expressions, compiled by ICU at a cost of milliseconds per process, would serve nothing.
            node = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, _) {
            // Name the line where the key appears the second time.
            let key = duplicates.first ?? ""
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let repeats = lines.indices.filter { FrontMatterEditor.isKeyLine(String(lines[$0]), key) }
            throw WardError("the key '\(key)' appears twice", path: path, line: firstLine + (repeats.dropFirst().first ?? 0))
        } catch let error as YamlError {
            let (line, message) = Self.describe(error)
            throw WardError("not valid YAML: \(message)", path: path, line: firstLine - 1 + (line ?? 1))
        } catch {
            throw WardError("not valid YAML: \(error)", path: path, line: firstLine)
        }
        guard let node else { return Fields(pairs: [], path: path, firstLine: firstLine) }
        guard node.mapping != nil, let pairs = try YAMLNode(node, path: path, firstLine: firstLine).mapping else {
            throw WardError("must be a set of 'key: value' lines", path: path, line: firstLine)
        }
        for (index, pair) in pairs.enumerated() where pairs[..<index].contains(where: { $0.key == pair.key }) {
            throw WardError("the key '\(pair.key)' appears twice", path: path, line: pair.keyLine)
        }
        return Fields(pairs: pairs, path: path, firstLine: firstLine)
    }

    /// The line (0-based) of the first explicit-key indicator, `? ` at the start of a node: at the start of a
    /// line, after `- `, or after `[`, `{` or `,`. No Ward file needs one, and libFuzzer found that nested ones
    /// make Yams compare keys for minutes. A `?` inside a value (`title: Why ? because`) is not one.
    static func explicitKeyLine(_ yaml: String) -> Int? {
        guard yaml.utf8.contains(UInt8(ascii: "?")) else { return nil }
        // YAML ends a line at \n, \r\n or a lone \r; every character of every line is looked at, quotes
        // and # included, so nothing earlier on a line can hide an indicator after it.
        let lines = yaml.replacingOccurrences(of: "\r\n", with: "\n").split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" }
        for (number, line) in lines.enumerated() {
            let scalars = Array(line.unicodeScalars)
            var atNodeStart = true
            for (index, scalar) in scalars.enumerated() {
                let next = index + 1 < scalars.count ? scalars[index + 1] : " "
                if scalar == "?" && atNodeStart && (next == " " || next == "\t") { return number }
                switch scalar {
                case " ", "\t": break
                case "-": atNodeStart = next == " " || next == "\t"
                case "[", "{", ",": atNodeStart = true
                default: atNodeStart = false
                }
            }
        }
        return nil
    }

    static func describe(_ error: YamlError) -> (line: Int?, message: String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text), " } ?? ""
            return (mark.line, prefix + problem)
        case let .reader(problem, _, _, _):
            return (nil, problem)
        case let .duplicatedKeysInMapping(duplicates, context):
            return (context.mark.line, "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return (nil, "\(error)")
        }
    }

    /// Typed, line-aware access to front matter values. Wrong types are errors naming the key's line.
    public struct Fields {
        public let pairs: [YAMLNode.Pair]
        let path: String
        let firstLine: Int

        public var keys: [String] { pairs.map(\.key) }

        public func node(_ key: String) -> YAMLNode? { pairs.first { $0.key == key }?.value }

        /// The file line of a key's value (of the key, when the value is empty), for messages.
        public func line(_ key: String) -> Int {
            guard let pair = pairs.first(where: { $0.key == key }) else { return firstLine }
            return pair.value.isNull ? pair.keyLine : pair.value.line
        }

        func error(_ key: String, _ message: String) -> WardError {
            WardError("'\(key)' \(message)", path: path, line: line(key))
        }

        public func string(_ key: String) throws -> String? {
            guard let node = node(key) else { return nil }
            if node.isNull { return nil }
            guard let scalar = node.scalar else { throw error(key, "must be text, not a list or a mapping") }
            return scalar
        }

        public func requiredString(_ key: String) throws -> String {
            guard let value = try string(key), !Self.isBlank(value) else {
                throw WardError("the required key '\(key)' is missing or empty", path: path, line: node(key) == nil ? 1 : line(key))
            }
            return value
        }

        /// Whether `value` is empty once `CharacterSet.whitespaces` is trimmed. ASCII text, the usual, is
        /// looked at byte by byte (Foundation's trimming was a tenth of reading an incident.md); other text
        /// is left to Foundation, whose set of spaces is its own (it counts U+200B).
        static func isBlank(_ value: String) -> Bool {
            var ascii = true
            for byte in value.utf8 {
                if byte >= 0x80 {
                    ascii = false
                    break
                }
                if byte != 0x20 && byte != 0x09 { return false }
            }
            return ascii || value.trimmingCharacters(in: .whitespaces).isEmpty
        }

        /// A list of text; a single value is read as a list of one, an empty or absent key as an empty list.
        public func strings(_ key: String) throws -> [String] {
            guard let node = node(key) else { return [] }
            if node.isNull { return [] }
            if let scalar = node.scalar { return scalar.isEmpty ? [] : [scalar] }
            guard let sequence = node.sequence else { throw error(key, "must be a list, such as [a, b]") }
            return try sequence.map {
                guard let scalar = $0.scalar else { throw error(key, "must be a list of plain values") }
                return scalar
            }
        }

        public func ints(_ key: String) throws -> [Int] {
            try strings(key).map { text in
                let digits = text.hasPrefix("ADR-") ? String(text.dropFirst(4)) : text
                guard let value = Int(digits), value > 0 else { throw error(key, "must be a list of record numbers, such as [3, 7]") }
                return value
            }
        }

        public func date(_ key: String) throws -> Date? {
            guard let text = try string(key) else { return nil }
            guard let date = Timestamps.parseISO(text) else {
                throw error(key, "is not a date or time (use 2026-11-23 or 2026-11-23T03:14:07Z)")
            }
            return date
        }

        public func bool(_ key: String) throws -> Bool? {
            guard let text = try string(key) else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(key, "must be true or false")
            }
        }

        /// Problems for keys a record type does not know: kept as they are, mentioned as warnings.
        public func unknownKeyWarnings(known: Set<String>) -> [Problem] {
            pairs.filter { !known.contains($0.key) }.map {
                Problem(path: path, line: line($0.key), "unknown key '\($0.key)' (kept as it is)", level: .warning)
            }
        }
    }
}
