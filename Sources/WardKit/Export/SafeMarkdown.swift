import Foundation
import Ink

/// Markdown from a record turned into HTML that is safe to open in a browser: Ink renders it, and nothing a
/// person typed can run script, fetch anything, or hide from the reader.
///
/// Ink 0.6.0 passes raw HTML through as it is, puts link and image addresses and code-fence languages into
/// attributes without escaping them, reads an HTML element it cannot close to the end of the document, and
/// loops forever on a paragraph that starts with `<p` and has no `>` ("<p99 above 2 s"). So, in layers:
///
/// 1. Before Ink, HTML comments outside code (`<!-- ward:begin timeline -->`, template guidance) are
///    removed, and every other `<` is hidden from Ink behind a stand-in that becomes `&lt;` afterwards: raw
///    HTML is **escaped**, shown as the text that was typed, never interpreted and never silently dropped.
///    Control and bidirectional-override characters are shown escaped, as in the terminal (`\u{1B}`).
/// 2. Any HTML fragment Ink would still find is escaped the same way (a modifier; it cannot happen now).
/// 3. Ink's output is rebuilt tag by tag from an allow-list: only the elements Ink makes, only the attributes
///    listed below, every value re-escaped; links keep only http, https, mailto and relative addresses;
///    an image becomes a link to it (opening the page fetches nothing).
public enum SafeMarkdown {
    /// Safe HTML for `markdown`, and the plain text of its first level-1 heading, if any.
    public static func render(_ markdown: String) -> (html: String, title: String?) {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .html) { input in
            "<code class=\"raw-html\">" + HTMLText.escape(String(input.markdown)) + "</code>"
        })
        let parsed = parser.parse(prepare(markdown))
        // Task list items (action items), which Ink leaves as "[ ]" and "[x]", as boxes.
        let html = restore(sanitize(parsed.html))
            .replacingOccurrences(of: "<li>[ ] ", with: "<li class=\"task\">☐ ")
            .replacingOccurrences(of: "<li>[x] ", with: "<li class=\"task done\">☑ ")
            .replacingOccurrences(of: "<li>[X] ", with: "<li class=\"task done\">☑ ")
        return (html, parsed.title.map(restoreText))
    }

    // MARK: 1. Before Ink

    /// Characters that stand in for others while Ink works, then are turned back (Unicode noncharacters, which
    /// no text means; any found in a file become U+FFFD). Ink never sees what they stand for, so it cannot
    /// misread it, whether it is in code or not.
    enum StandIn: UInt32, CaseIterable {
        /// `<`: Ink finds no HTML, cannot hang on `<p` without a `>`, and code shows `<` escaped once.
        case lessThan = 0xFDD0
        /// A backslash Ink would drop: one not before ASCII punctuation (`C:\temp`), and the backslash of an
        /// escaped control character (`\u{1B}`).
        case backslash = 0xFDD1
        /// A first paragraph put before a document that starts with `---`, which Ink would otherwise read as
        /// front matter (hiding it, or crashing when it is not closed). Taken out of the HTML afterwards.
        case opener = 0xFDD2
        /// `_` inside a word (`app_rw`, `DATABASE_HOST`), and `*` or `_` between spaces (`SELECT * FROM`,
        /// `5 * 3`): literal in CommonMark, emphasis in Ink.
        case underscore = 0xFDD3
        case star = 0xFDD4
        /// `[` nested deeper than a few: Ink tries every way to read nested brackets as links, and forty of
        /// them (found by the fuzzer) take it longer than anyone would wait.
        case bracket = 0xFDD5

        var scalar: Unicode.Scalar { Unicode.Scalar(rawValue)! }
        /// What it becomes in the HTML.
        var html: String {
            switch self {
            case .lessThan: "&lt;"
            case .backslash: "\\"
            case .opener: ""
            case .underscore: "_"
            case .star: "*"
            case .bracket: "["
            }
        }
        static let all = Set(allCases.map(\.scalar))
    }

    /// How deep `[` may nest in a paragraph for Ink to read it as a link; deeper ones are text.
    static let linkNestingLimit = 3

    static let openerHTML = "<p>\(Character(StandIn.opener.scalar))</p>\n"

    /// The Markdown as Ink is given it: comments removed outside code, stand-ins put in, unsafe characters
    /// made visible, and no blank space at the end.
    static func prepare(_ markdown: String) -> String {
        var out = String.UnicodeScalarView()
        let lines = withoutComments(markdown.replacingOccurrences(of: "\r\n", with: "\n")).split(separator: "\n", omittingEmptySubsequences: false)
        var depth = 0  // `[` open in this paragraph
        for (number, line) in lines.enumerated() {
            if number > 0 { out.append("\n") }
            if line.allSatisfy(\.isWhitespace) { depth = 0 }
            let scalars = Array(line.unicodeScalars)
            var seenText = false
            for (index, scalar) in scalars.enumerated() {
                let before = index > 0 ? scalars[index - 1] : nil
                let after = index + 1 < scalars.count ? scalars[index + 1] : nil
                func isSpace(_ scalar: Unicode.Scalar?) -> Bool { scalar.map { $0 == " " || $0 == "\t" } ?? true }
                func isWord(_ scalar: Unicode.Scalar?) -> Bool { scalar.map { CharacterSet.alphanumerics.contains($0) } ?? false }
                defer { if !isSpace(scalar) { seenText = true } }
                switch scalar {
                case "<": out.append(StandIn.lessThan.scalar)
                case "\\" where after.map({ !($0.isASCII && CharacterSet.punctuationCharacters.union(.symbols).contains($0)) }) ?? false:
                    out.append(StandIn.backslash.scalar)
                case "_" where (isWord(before) && isWord(after)) || (seenText && isSpace(before) && isSpace(after)):
                    out.append(StandIn.underscore.scalar)
                case "*" where seenText && isSpace(before) && isSpace(after):
                    out.append(StandIn.star.scalar)
                case "[" where depth >= Self.linkNestingLimit:
                    out.append(StandIn.bracket.scalar)
                case "[":
                    depth += 1
                    out.append(scalar)
                case "]":
                    depth = max(0, depth - 1)
                    out.append(scalar)
                case _ where StandIn.all.contains(scalar): out.append("\u{FFFD}")
                case _ where TerminalSafe.isUnsafe(scalar):
                    out.append(StandIn.backslash.scalar)
                    out.append(contentsOf: "u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
                default: out.append(scalar)
                }
            }
        }
        // Ink 0.6.0 also crashes on a list followed by blank space at the very end of the document.
        while let last = out.last, CharacterSet.whitespacesAndNewlines.contains(last) { out.removeLast() }
        var text = String(out) + "\n"
        let start = text.drop { $0.isWhitespace }
        if start.hasPrefix("---\n") { text = String(Character(StandIn.opener.scalar)) + "\n\n" + text }
        return text
    }

    /// Ink's output with the stand-ins turned back into what they stand for.
    static func restore(_ html: String) -> String {
        let html = html.hasPrefix(openerHTML) ? String(html.dropFirst(openerHTML.count)) : html
        guard html.unicodeScalars.contains(where: { StandIn.all.contains($0) }) else { return html }
        var out = String.UnicodeScalarView()
        for scalar in html.unicodeScalars {
            if let standIn = StandIn(rawValue: scalar.value) {
                out.append(contentsOf: standIn.html.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The plain text of a heading with the stand-ins turned back.
    static func restoreText(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.flatMap { scalar -> [Unicode.Scalar] in
            guard let standIn = StandIn(rawValue: scalar.value) else { return [scalar] }
            return standIn == .lessThan ? ["<"] : Array(standIn.html.unicodeScalars)
        }))
    }

    /// The Markdown without HTML comments outside code. A comment that is never closed is kept (it shows as
    /// text), so it cannot hide the rest of the document. Code is found as Ink finds it, closely enough:
    /// where the two disagree, a comment shows as text or is left out of code, and nothing else changes.
    static func withoutComments(_ text: String) -> String {
        guard text.contains("<!--") else { return text }
        var out: [String] = []
        var fence: Int?            // the number of backticks of the open code fence
        var inComment = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inComment {
                let ticks = line.drop { $0 == " " || $0 == "\t" }.prefix { $0 == "`" }.count
                if let open = fence {
                    if ticks == open && line.drop(while: { $0 == " " || $0 == "\t" }).dropFirst(ticks).allSatisfy({ $0 == " " || $0 == "\t" }) {
                        fence = nil
                    }
                    out.append(String(line))
                    continue
                }
                if ticks >= 3 {
                    fence = ticks
                    out.append(String(line))
                    continue
                }
            }
            var result = ""
            var hadComment = inComment
            var index = line.startIndex
            while index < line.endIndex {
                if inComment {
                    guard let end = line[index...].range(of: "-->") else { index = line.endIndex; break }
                    inComment = false
                    index = end.upperBound
                    continue
                }
                let character = line[index]
                if character == "`", let close = line[line.index(after: index)...].firstIndex(of: "`") {
                    result += line[index...close]          // inline code
                    index = line.index(after: close)
                } else if character == "<", line[index...].hasPrefix("<!--"),
                          commentCloses(after: line.index(index, offsetBy: 4), in: line, text: text) {
                    inComment = true
                    hadComment = true
                    index = line.index(index, offsetBy: 4)
                } else {
                    result.append(character)
                    index = line.index(after: index)
                }
            }
            // A line that held only a comment becomes blank, as an HTML block would have ended there.
            out.append(hadComment && result.allSatisfy(\.isWhitespace) ? "" : result)
        }
        return out.joined(separator: "\n")
    }

    /// Whether a comment opened at `start` is closed somewhere: an unclosed `<!--` is shown as text, so it
    /// cannot swallow the rest of the document.
    private static func commentCloses(after start: Substring.Index, in line: Substring, text: String) -> Bool {
        if line[start...].contains("-->") { return true }
        // The rest of the document, after this line.
        let lineEnd = line.endIndex
        return text[lineEnd...].contains("-->")
    }

    // MARK: 3. After Ink

    /// The elements Ink makes, and the attributes kept on them (the values checked below).
    static let allowed: [String: Set<String>] = [
        "p": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "ul": [], "ol": ["start"], "li": [],
        "a": ["href"], "code": ["class"], "pre": [], "em": [], "strong": [], "s": [], "del": [], "blockquote": [],
        "hr": [], "br": [], "table": [], "thead": [], "tbody": [], "tr": [], "th": ["align"], "td": ["align"],
    ]
    static let void: Set<String> = ["hr", "br", "img"]
    /// Closing tags after which a newline is written, so that the page's source reads line by line too.
    static let lineBreakAfter: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
                                              "ul", "ol", "li", "pre", "blockquote"]

    /// Rebuilds `html` from the allow-list. Text between tags is kept (Ink escaped it); every tag is parsed and
    /// written anew; anything that is not a well-formed tag is escaped.
    static func sanitize(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            guard let lt = html[index...].firstIndex(of: "<") else {
                out += html[index...]
                break
            }
            out += html[index..<lt]
            guard let tag = Tag.parse(html, at: lt) else {
                out += "&lt;"
                index = html.index(after: lt)
                continue
            }
            index = tag.end
            if tag.name == "img" {
                if !tag.closing { out += image(tag) }
                continue
            }
            guard let kept = allowed[tag.name] else {
                out += HTMLText.escape(String(html[lt..<tag.end]))
                continue
            }
            if tag.closing {
                if !void.contains(tag.name) { out += "</\(tag.name)>" + (lineBreakAfter.contains(tag.name) ? "\n" : "") }
                continue
            }
            out += "<" + tag.name
            var seen: Set<String> = []
            // As in a browser, the first of two attributes of the same name counts.
            for (name, value) in tag.attributes where kept.contains(name) && seen.insert(name).inserted {
                if let value = checked(name, value, on: tag.name) {
                    out += " \(name)=\"\(HTMLText.escape(value))\""
                }
            }
            out += tag.name == "hr" ? ">\n" : ">"
        }
        return out
    }

    /// An attribute's value if it is allowed as it is (already decoded), or nil to drop the attribute.
    static func checked(_ name: String, _ value: String, on element: String) -> String? {
        switch name {
        case "href": return safeURL(value)
        case "start": return !value.isEmpty && value.count < 10 && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber) ? value : nil
        case "align": return ["left", "center", "right"].contains(value) ? value : nil
        case "class":
            guard element == "code" else { return nil }
            let language = value.hasPrefix("language-") ? value.dropFirst(9) : ""
            let ok = !language.isEmpty && language.count <= 40
                && language.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || "+-_.#".unicodeScalars.contains($0) }
            return ok ? value : (value == "raw-html" ? value : nil)
        default: return nil
        }
    }

    /// The address if a link may keep it: http, https, mailto, or a relative address (no scheme).
    /// Browsers ignore tabs, newlines and leading controls in an address, so the scheme is read without them.
    public static func safeURL(_ value: String) -> String? {
        let cleaned = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }))
        guard !cleaned.isEmpty else { return nil }
        if let colon = cleaned.firstIndex(of: ":"),
           !cleaned[..<colon].contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            let scheme = cleaned[..<colon].lowercased()
            guard ["http", "https", "mailto"].contains(scheme) else { return nil }
        }
        return cleaned
    }

    /// An image as a link to it, so that opening the page fetches nothing.
    private static func image(_ tag: Tag) -> String {
        let alt = tag.attributes.first { $0.name == "alt" }?.value ?? ""
        let label = HTMLText.escape("image" + (alt.isEmpty ? "" : ": " + alt))
        guard let src = tag.attributes.first(where: { $0.name == "src" }).flatMap({ safeURL($0.value) }) else {
            return "<span class=\"image\">[\(label)]</span>"
        }
        return "<a class=\"image\" href=\"\(HTMLText.escape(src))\">[\(label)]</a>"
    }

    /// One tag of Ink's output, read as a browser would: a name, then attributes (quoted or not) to the `>`.
    struct Tag {
        var name: String
        var closing: Bool
        var attributes: [(name: String, value: String)]
        var end: String.Index

        static func parse(_ html: String, at start: String.Index) -> Tag? {
            var index = html.index(after: start)
            let closing = index < html.endIndex && html[index] == "/"
            if closing { index = html.index(after: index) }
            let nameStart = index
            while index < html.endIndex, html[index].isASCII, html[index].isLetter || html[index].isNumber { index = html.index(after: index) }
            guard index > nameStart, html[nameStart].isLetter else { return nil }
            let name = html[nameStart..<index].lowercased()
            var attributes: [(name: String, value: String)] = []
            while index < html.endIndex {
                let character = html[index]
                if character == ">" {
                    return Tag(name: name, closing: closing, attributes: attributes, end: html.index(after: index))
                }
                if character.isWhitespace || character == "/" {
                    index = html.index(after: index)
                    continue
                }
                let attributeStart = index
                while index < html.endIndex, !html[index].isWhitespace, !"/>=".contains(html[index]) || index == attributeStart {
                    index = html.index(after: index)
                }
                let attribute = html[attributeStart..<index].lowercased()
                while index < html.endIndex, html[index].isWhitespace { index = html.index(after: index) }
                var value = ""
                if index < html.endIndex, html[index] == "=" {
                    index = html.index(after: index)
                    while index < html.endIndex, html[index].isWhitespace { index = html.index(after: index) }
                    if index < html.endIndex, html[index] == "\"" || html[index] == "'" {
                        let quote = html[index]
                        let valueStart = html.index(after: index)
                        guard let close = html[valueStart...].firstIndex(of: quote) else { return nil }
                        value = String(html[valueStart..<close])
                        index = html.index(after: close)
                    } else {
                        let valueStart = index
                        while index < html.endIndex, !html[index].isWhitespace, html[index] != ">" { index = html.index(after: index) }
                        value = String(html[valueStart..<index])
                    }
                }
                attributes.append((attribute, HTMLText.decode(value)))
            }
            return nil
        }
    }
}

/// Escaping and unescaping text for HTML.
public enum HTMLText {
    /// Text made safe for an element's content or a quoted attribute value, with unsafe characters (controls,
    /// bidirectional overrides) shown escaped as in the terminal.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in TerminalSafe.clean(text).unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Decodes the character references Ink and people write: `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and
    /// numeric ones. Any other `&` is kept as it is; since the result is escaped again before it is written,
    /// the browser reads exactly the decoded text.
    public static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                out.append(text[index])
                index = text.index(after: index)
                continue
            }
            let entity = text[text.index(after: index)..<semicolon]
            var decoded: String?
            switch entity {
            case "amp": decoded = "&"
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "quot": decoded = "\""
            case "apos": decoded = "'"
            default:
                if entity.hasPrefix("#") {
                    let digits = entity.dropFirst()
                    let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                    decoded = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? "\u{FFFD}"
                }
            }
            if let decoded {
                out += decoded
                index = text.index(after: semicolon)
            } else {
                out.append("&")
                index = text.index(after: index)
            }
        }
        return out
    }
}
