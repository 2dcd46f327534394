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
            lines.insert(Line(content: value.isEmpty ? "\(key):" : "\(key): \(value)", ending: ending), at: closing)
            return lines.map { $0.content + $0.ending }.joined()
        }
        // The value may continue on indented lines or as a block list ("- item") below the key, with blank or
        // comment lines between its parts; a comment or blank line after its last part is not the value's.
        var end = start + 1
        var scan = start + 1
        while scan < closing {
            let content = lines[scan].content
            if isContinuation(content) {
                scan += 1
                end = scan
            } else if content.trimmingCharacters(in: .whitespaces).isEmpty || content.hasPrefix("#") {
                scan += 1
            } else {
                break
            }
        }
        let comment = inlineComment(lines[start].content)
        let replaced = (value.isEmpty ? "\(key):" : "\(key): \(value)") + (comment.map { "  " + $0 } ?? "")
        lines.replaceSubrange(start..<end, with: [Line(content: replaced, ending: lines[start].ending)])
        return lines.map { $0.content + $0.ending }.joined()
    }

    /// `set`, then proof that the result is what was meant: the front matter parses, `key` reads back as
    /// `expected` (when given), and every other key reads back exactly as before. Nil when not.
    public static func setVerified(_ key: String, to value: String, in text: String, path: String,
                                   expected: [String]? = nil) -> String? {
        guard let edited = set(key, to: value, in: text),
              let before = try? FrontMatterDocument(text, path: path).fields,
              let after = try? FrontMatterDocument(edited, path: path).fields else { return nil }
        let others = before.keys.filter { $0 != key }
        guard after.keys.filter({ $0 != key }) == others else { return nil }
        for other in others where before.node(other) != after.node(other) { return nil }
        if let expected, (try? after.strings(key)) != expected { return nil }
        return edited
    }

    /// A YAML rendering of a plain value, quoted only when YAML would otherwise read it differently.
    public static func scalar(_ value: String) -> String {
        if value.isEmpty { return "''" }
        let plainSafe = value.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || " -_./@+".unicodeScalars.contains($0)
                || (!$0.isASCII && $0.properties.isAlphabetic)
        }
        let ambiguous = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(value.lowercased())
        // `@` and `-` cannot start a plain scalar (`@` is reserved, `- ` starts a list).
        if plainSafe && !ambiguous && !value.hasPrefix(" ") && !value.hasSuffix(" ") && !value.hasPrefix("-")
            && !value.hasPrefix("@") && Double(value) == nil {
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

    /// `key:`, `"key":` or `'key':` at the start of a line.
    static func isKeyLine(_ line: String, _ key: String) -> Bool {
        for form in [key, "\"\(key)\"", "'\(key)'"] where line.hasPrefix(form) {
            let rest = line.dropFirst(form.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix(":") { return true }
        }
        return false
    }

    static func isContinuation(_ line: String) -> Bool {
        line.hasPrefix(" ") || line.hasPrefix("\t") || line.hasPrefix("- ") || line == "-"
    }

    /// The `# comment` at the end of a key line. A quote opens a quoted value where a value or a flow item
    /// starts (after `key:`, `[`, `{` or `,`); an apostrophe inside a plain value is just a letter, and a `#`
    /// inside quotes (`["Zoë #1"]`) is text.
    static func inlineComment(_ line: String) -> String? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let characters = Array(line[line.index(after: colon)...])
        var index = 0
        var significant: Character = ":"
        var previous: Character = " "
        while index < characters.count {
            let character = characters[index]
            if (character == "\"" || character == "'") && ":[{,".contains(significant) {
                // Skip the quoted scalar.
                index += 1
                while index < characters.count {
                    if character == "\"" && characters[index] == "\\" { index += 2; continue }
                    if characters[index] == character {
                        if character == "'" && index + 1 < characters.count && characters[index + 1] == "'" { index += 2; continue }
                        break
                    }
                    index += 1
                }
                significant = character
                previous = character
                index += 1
                continue
            }
            if character == "#" && (previous == " " || previous == "\t") { return String(characters[index...]) }
            if character != " " && character != "\t" { significant = character }
            previous = character
            index += 1
        }
        return nil
    }
}
