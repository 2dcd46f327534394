import WardKit

extension MarkdownRenderer {
    static func inline(_ text: String, line: Int, base: Style) -> [Glyph] {
        let chars = Array(text)
        return InlineParser(chars: chars, lines: Array(repeating: line, count: chars.count))
            .parse(0, chars.count, base: base, depth: 0)
    }

    /// Emphasis, strong, code spans, links and escapes over a run of characters, each tagged with its source line.
    /// Unmatched markers stay as they are.
    struct InlineParser {
        let chars: [Character]
        let lines: [Int]
        /// Matching `[`…`]` and `(`…`)` pairs, found once up front so that many unmatched brackets stay linear.
        private var brackets: [Int: Int] = [:]
        private var parens: [Int: Int] = [:]
        static let maxDepth = 24

        init(chars: [Character], lines: [Int]) {
            self.chars = chars
            self.lines = lines
            var openBrackets: [Int] = []
            var openParens: [Int] = []
            var k = 0
            while k < chars.count {
                switch chars[k] {
                case "\\":
                    k += 2
                    continue
                case "`":
                    let n = run(k, chars.count, "`")
                    k = codeClose(from: k + n, chars.count, count: n).map { $0 + n } ?? k + n
                    continue
                case "[": openBrackets.append(k)
                case "]": if let open = openBrackets.popLast() { brackets[open] = k }
                case "(": openParens.append(k)
                case ")": if let open = openParens.popLast() { parens[open] = k }
                default: break
                }
                k += 1
            }
        }

        func parse(_ lo: Int, _ hi: Int, base: Style, depth: Int) -> [Glyph] {
            var out: [Glyph] = []
            // Where a search for a closing `*`, `**`, `_`, `__` found none: a later opener will not find one either.
            var noCloserFrom = [Int](repeating: Int.max, count: 4)
            func closing(_ c: Character, strong: Bool, from start: Int, contentStart: Int) -> Int? {
                let key = (c == "*" ? 0 : 2) + (strong ? 1 : 0)
                guard start < noCloserFrom[key] else { return nil }
                let found = closer(for: c, strong: strong, from: start, contentStart: contentStart, hi)
                if found == nil { noCloserFrom[key] = start }
                return found
            }
            var k = lo
            while k < hi {
                let c = chars[k]
                switch c {
                case "\\":
                    if k + 1 < hi, Self.isEscapable(chars[k + 1]) {
                        out.append(glyph(k + 1, base))
                        k += 2
                    } else {
                        out.append(glyph(k, base))
                        k += 1
                    }
                case "`":
                    let n = run(k, hi, "`")
                    if let close = codeClose(from: k + n, hi, count: n) {
                        var a = k + n
                        var b = close
                        if b - a >= 2, chars[a] == " ", chars[b - 1] == " ", (a..<b).contains(where: { chars[$0] != " " }) {
                            a += 1
                            b -= 1
                        }
                        let style = base.with(foreground: .yellow)
                        for m in a..<b { out.append(glyph(m, style)) }
                        k = close + n
                    } else {
                        for m in k..<(k + n) { out.append(glyph(m, base)) }
                        k += n
                    }
                case "*", "_":
                    let n = run(k, hi, c)
                    if depth < Self.maxDepth, canOpen(k, n, lo, hi) {
                        if n >= 2, let close = closing(c, strong: true, from: k + n, contentStart: k + 2) {
                            var style = base
                            style.bold = true
                            out += parse(k + 2, close, base: style, depth: depth + 1)
                            k = close + 2
                            continue
                        }
                        if let close = closing(c, strong: false, from: k + n, contentStart: k + 1) {
                            var style = base
                            style.underline = true
                            out += parse(k + 1, close, base: style, depth: depth + 1)
                            k = close + 1
                            continue
                        }
                    }
                    for m in k..<(k + n) { out.append(glyph(m, base)) }
                    k += n
                case "[", "!":
                    if depth < Self.maxDepth, let found = link(at: k, hi, base: base, depth: depth) {
                        out += found.glyphs
                        k = found.end
                    } else {
                        out.append(glyph(k, base))
                        k += 1
                    }
                case "<":
                    if let end = autolinkEnd(k, hi) {
                        var style = base
                        style.underline = true
                        for m in (k + 1)..<end { out.append(glyph(m, style)) }
                        k = end + 1
                    } else {
                        out.append(glyph(k, base))
                        k += 1
                    }
                default:
                    out.append(glyph(k, base))
                    k += 1
                }
            }
            return out
        }

        func glyph(_ k: Int, _ style: Style) -> Glyph {
            Glyph(character: chars[k], style: style, line: lines[k])
        }

        func run(_ k: Int, _ hi: Int, _ c: Character) -> Int {
            var end = k
            while end < hi, chars[end] == c { end += 1 }
            return end - k
        }

        static func isEscapable(_ c: Character) -> Bool {
            "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".contains(c)
        }

        static func isAlphanumeric(_ c: Character) -> Bool {
            c.isLetter || c.isNumber
        }

        /// The start of the run of exactly `count` backticks closing a code span, if any.
        func codeClose(from start: Int, _ hi: Int, count: Int) -> Int? {
            var k = start
            while k < hi {
                if chars[k] == "`" {
                    let n = run(k, hi, "`")
                    if n == count { return k }
                    k += n
                } else {
                    k += 1
                }
            }
            return nil
        }

        func canOpen(_ k: Int, _ n: Int, _ lo: Int, _ hi: Int) -> Bool {
            guard k + n < hi, !chars[k + n].isWhitespace else { return false }
            if chars[k] == "_", k > lo, Self.isAlphanumeric(chars[k - 1]) { return false }
            return true
        }

        /// Where the closing marker starts: a run of the same character after non-space text (for `_`, not
        /// followed by a letter); strong needs two of them, emphasis one (or three, closing both).
        func closer(for c: Character, strong: Bool, from start: Int, contentStart: Int, _ hi: Int) -> Int? {
            var k = start
            while k < hi {
                let ch = chars[k]
                if ch == "\\" {
                    k += 2
                    continue
                }
                if ch == "`" {
                    let n = run(k, hi, "`")
                    k = codeClose(from: k + n, hi, count: n).map { $0 + n } ?? k + n
                    continue
                }
                if ch == c {
                    let m = run(k, hi, c)
                    let end = k + m
                    let close = strong ? end - 2 : end - 1
                    let lengthFits = strong ? m >= 2 : (m == 1 || m >= 3)
                    let flanking = !chars[k - 1].isWhitespace && !(c == "_" && end < hi && Self.isAlphanumeric(chars[end]))
                    if lengthFits, flanking, close > contentStart { return close }
                    k = end
                    continue
                }
                k += 1
            }
            return nil
        }

        /// `[text](url)` or `![alt](url)`: the text underlined, then ` (url)` dim. Returns nil when it isn't one.
        func link(at k: Int, _ hi: Int, base: Style, depth: Int) -> (glyphs: [Glyph], end: Int)? {
            var open = k
            if chars[k] == "!" {
                guard k + 1 < hi, chars[k + 1] == "[" else { return nil }
                open = k + 1
            }
            guard let m = brackets[open], m + 1 < hi, chars[m + 1] == "(", let p = parens[m + 1], p < hi else { return nil }
            // The destination: up to the first space (a title may follow), without angle brackets.
            var a = m + 2
            while a < p, chars[a].isWhitespace { a += 1 }
            var b = a
            if a < p, chars[a] == "<" {
                a += 1
                b = a
                while b < p, chars[b] != ">" { b += 1 }
            } else {
                while b < p, !chars[b].isWhitespace { b += 1 }
            }
            var textStyle = base
            textStyle.underline = true
            var glyphs = parse(open + 1, m, base: textStyle, depth: depth + 1)
            if a < b {
                var urlStyle = base
                urlStyle.dim = true
                urlStyle.underline = false
                let wrapInParens = !glyphs.isEmpty
                if wrapInParens {
                    glyphs.append(Glyph(character: " ", style: urlStyle, line: lines[m]))
                    glyphs.append(Glyph(character: "(", style: urlStyle, line: lines[m]))
                }
                for q in a..<b { glyphs.append(glyph(q, urlStyle)) }
                if wrapInParens { glyphs.append(Glyph(character: ")", style: urlStyle, line: lines[p])) }
            }
            return (glyphs, p + 1)
        }

        /// `<https://example.com>` or `<me@example.com>`: the index of the closing `>`.
        func autolinkEnd(_ k: Int, _ hi: Int) -> Int? {
            guard k + 1 < hi, chars[k + 1].isLetter else { return nil }
            var m = k + 1
            var marked = false
            while m < hi, chars[m] != ">", chars[m] != "<", !chars[m].isWhitespace {
                if chars[m] == ":" || chars[m] == "@" { marked = true }
                m += 1
            }
            guard m < hi, chars[m] == ">", marked else { return nil }
            return m
        }
    }
}
