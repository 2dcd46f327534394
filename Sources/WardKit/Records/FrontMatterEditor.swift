import Foundation
import Yams

/// Changes one front matter key of a hand-written file and nothing else: other keys, their order, comments,
/// blank lines, the body, the line ends and a byte-order mark all stay byte for byte.
public enum FrontMatterEditor {
    /// Returns `text` with `key` set to `value` (a YAML value already rendered, e.g. `accepted` or `[1, 2]`).
    /// A key that is absent is added as the last line of the front matter. Nil when there is no front matter.
    public static func set(_ key: String, to value: String, in text: String) -> String? {
        var lines = splitKeepingEnds(text)
        guard let first = lines.first, stripBOM(first.content).trimmingCharacters(in: .whitespaces) == "---",
              let closing = lines.indices.dropFirst().first(where: {
                  let trimmed = lines[$0].content.trimmingCharacters(in: .whitespaces)
                  return trimmed == "---" || trimmed == "..."
              }) else { return nil }
        let ending = first.ending.isEmpty ? "\n" : first.ending
        guard let start = (1..<closing).first(where: { isKeyLine(lines[$0].content, key) }) else {
            lines.insert(Line(content: "\(key): \(value)", ending: ending), at: closing)
            return lines.map { $0.content + $0.ending }.joined()
        }
        // The value may continue on indented lines or as a block list ("- item") below the key.
        var end = start + 1
        while end < closing, isContinuation(lines[end].content) { end += 1 }
        let comment = inlineComment(lines[start].content)
        let replaced = "\(key): \(value)" + (comment.map { "  " + $0 } ?? "")
        lines.replaceSubrange(start..<end, with: [Line(content: replaced, ending: lines[start].ending)])
        return lines.map { $0.content + $0.ending }.joined()
    }

    /// A YAML rendering of a plain value, quoted only when YAML would otherwise read it differently.
    public static func scalar(_ value: String) -> String {
        if value.isEmpty { return "''" }
        let plainSafe = value.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || " -_./@+".unicodeScalars.contains($0)
                || (!$0.isASCII && $0.properties.isAlphabetic)
        }
        let ambiguous = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(value.lowercased())
        if plainSafe && !ambiguous && !value.hasPrefix(" ") && !value.hasSuffix(" ") && !value.hasPrefix("-")
            && Double(value) == nil {
            return value
        }
        let escaped = value.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\\": return "\\\\"
            case "\"": return "\\\""
            case "\n": return "\\n"
            case "\t": return "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    return String(format: "\\x%02X", scalar.value)
                }
                // YAML reads these as line breaks (or strips them) even inside quotes: escape them.
                if TerminalSafe.isUnsafe(scalar) || [0x2028, 0x2029, 0xFEFF].contains(scalar.value) {
                    return String(format: "\\u%04X", scalar.value)
                }
                return String(scalar)
            }
        }.joined()
        return "\"\(escaped)\""
    }

    /// A YAML flow list: `[a, "b, c"]`. `scalar` already quotes anything with a flow indicator in it.
    public static func list(_ values: [String]) -> String {
        "[" + values.map(scalar).joined(separator: ", ") + "]"
    }

    struct Line {
        var content: String
        var ending: String
    }

    static func splitKeepingEnds(_ text: String) -> [Line] {
        var lines: [Line] = []
        var current = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let scalar = pending {
            let next = iterator.next()
            if scalar == "\r" && next == "\n" {
                lines.append(Line(content: String(current), ending: "\r\n"))
                current = String.UnicodeScalarView()
                pending = iterator.next()
                continue
            }
            if scalar == "\n" {
                lines.append(Line(content: String(current), ending: "\n"))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
            pending = next
        }
        if !current.isEmpty { lines.append(Line(content: String(current), ending: "")) }
        return lines
    }

    static func stripBOM(_ text: String) -> String {
        text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    static func isKeyLine(_ line: String, _ key: String) -> Bool {
        guard line.hasPrefix(key) else { return false }
        let rest = line.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
        return rest.hasPrefix(":")
    }

    static func isContinuation(_ line: String) -> Bool {
        line.hasPrefix(" ") || line.hasPrefix("\t") || line.hasPrefix("- ") || line == "-"
    }

    /// The `# comment` at the end of a key line, outside quotes.
    static func inlineComment(_ line: String) -> String? {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let char = line[index]
            if let open = quote {
                if char == open { quote = nil }
            } else if char == "\"" || char == "'" {
                quote = char
            } else if char == "#" && (previous == " " || previous == "\t") {
                return String(line[index...])
            }
            previous = char
        }
        return nil
    }
}
