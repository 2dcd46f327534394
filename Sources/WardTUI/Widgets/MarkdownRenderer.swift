import WardKit

/// Markdown to display lines, for viewing notes and documents: a small line-based parser, no external library.
///
/// Blocks: ATX headings, paragraphs (joined and re-wrapped), bullet, numbered and task lists (hanging indent,
/// nested by indentation), block quotes, fenced code (clipped, never wrapped), pipe tables, horizontal rules;
/// HTML comments are hidden. Inline: `*emphasis*` (underline), `**strong**` (bold), `` `code` `` (yellow),
/// `[text](url)` (underlined text, dim url), `<https://…>`, backslash escapes. Every line fits in `width` cells as
/// `DisplayWidth` counts them, and no input, however malformed, makes it crash.
public enum MarkdownRenderer {
    /// Renders Markdown into display lines at most `width` cells wide (wrapped at word boundaries, using
    /// DisplayWidth so CJK/emoji count as two cells). `firstLine` is the file line the text starts on, so each
    /// StyledLine.sourceLine is the source line it came from. Headings set headingLevel.
    public static func render(_ markdown: String, width: Int, firstLine: Int = 1) -> [StyledLine] {
        let source = hideComments(splitLines(markdown, firstLine: firstLine))
        var lines = blocks(source, width: max(1, width), context: Context())
        trimBlankEdges(&lines)
        let limit = max(0, width)
        return lines.map { clip($0, to: limit) }
    }
}

// MARK: - Model

fileprivate extension MarkdownRenderer {
    /// One line of the source, tabs expanded and control characters escaped, with its line number in the file.
    struct SourceLine {
        var text: String
        var number: Int
        /// A hidden HTML comment stood just before this line: it ends the paragraph above, as an HTML block would.
        var breakBefore = false
    }

    /// One character of rendered inline text, with its style and the source line it came from.
    struct Glyph {
        var character: Character
        var style: Style
        var line: Int
    }

    struct Context {
        var depth = 0
        var listLevel = 0

        func deeper(list: Bool) -> Context {
            Context(depth: depth + 1, listLevel: listLevel + (list ? 1 : 0))
        }
    }

    struct Fence {
        var marker: Character
        var count: Int
        var indent: Int
    }

    struct ListItem {
        var indent: Int
        /// The marker as written: `-`, `*`, `+`, `1.`, `3)`.
        var marker: String
        var ordered: Bool
        var number: Int
        /// Where the item's text starts; following lines indented past the marker belong to the item.
        var contentColumn: Int
        var content: String
        /// nil for an ordinary item, false for `[ ]`, true for `[x]`.
        var task: Bool?
    }

    enum Alignment { case left, center, right }

    /// Quotes and lists nested deeper than this are shown as text (recursion stays bounded on hostile input).
    static let maxBlockDepth = 16
    static let codeStyle = Style(foreground: .green)
    static let codeIndent = "  "
    static let quotePrefix = "│ "
    static let bullets = ["•", "◦", "▪"]
    static let columnSeparator = " │ "
}

// MARK: - Source lines and comments

fileprivate extension MarkdownRenderer {
    static func splitLines(_ markdown: String, firstLine: Int) -> [SourceLine] {
        var lines: [SourceLine] = []
        var current = ""
        var number = firstLine
        for character in markdown {
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(SourceLine(text: prepare(current), number: number))
                current = ""
                number &+= 1
            } else {
                current.append(character)
            }
        }
        lines.append(SourceLine(text: prepare(current), number: number))
        return lines
    }

    /// Tabs become spaces (stops every 4 cells); control and bidi characters are escaped now, so that widths
    /// measured here are the widths drawn.
    static func prepare(_ line: String) -> String {
        var expanded = line
        if line.contains("\t") {
            expanded = ""
            var column = 0
            for character in line {
                if character == "\t" {
                    let count = 4 - column % 4
                    expanded += String(repeating: " ", count: count)
                    column += count
                } else {
                    expanded.append(character)
                    column += DisplayWidth.of(character)
                }
            }
        }
        return TerminalSafe.clean(expanded, singleLine: true)
    }

    /// Removes `<!-- … -->`, on one line or across several, outside fenced code and inline code. A line left
    /// empty by a comment disappears entirely.
    static func hideComments(_ lines: [SourceLine]) -> [SourceLine] {
        var result: [SourceLine] = []
        var inComment = false
        var fence: Fence?
        var pendingBreak = false
        for line in lines {
            if !inComment {
                let loose = String(line.text.drop(while: { $0 == " " || $0 == ">" }))
                if let open = fence {
                    if closes(open, loose) { fence = nil }
                    result.append(line)
                    continue
                }
                if let open = openFence(loose) {
                    fence = open
                    var copy = line
                    copy.breakBefore = pendingBreak
                    pendingBreak = false
                    result.append(copy)
                    continue
                }
            }
            let chars = Array(line.text)
            var kept: [Character] = []
            var removed = inComment
            var backticks = 0
            var k = 0
            while k < chars.count {
                if inComment {
                    if matches(chars, at: k, "-->") {
                        inComment = false
                        k += 3
                    } else {
                        k += 1
                    }
                    continue
                }
                if chars[k] == "`" {
                    backticks += 1
                } else if backticks % 2 == 0, matches(chars, at: k, "<!--") {
                    inComment = true
                    removed = true
                    k += 4
                    continue
                }
                kept.append(chars[k])
                k += 1
            }
            if removed, kept.allSatisfy({ $0 == " " }) {
                pendingBreak = true
                continue
            }
            result.append(SourceLine(text: String(kept), number: line.number, breakBefore: pendingBreak))
            pendingBreak = false
        }
        return result
    }

    static func matches(_ chars: [Character], at start: Int, _ pattern: String) -> Bool {
        var k = start
        for expected in pattern {
            guard k < chars.count, chars[k] == expected else { return false }
            k += 1
        }
        return true
    }
}

// MARK: - Blocks

fileprivate extension MarkdownRenderer {
    static func blocks(_ lines: [SourceLine], width: Int, context: Context) -> [StyledLine] {
        var out: [StyledLine] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let text = line.text
            if isBlank(text) {
                appendBlank(&out, line.number)
                i += 1
            } else if let fence = openFence(text) {
                i += 1
                while i < lines.count, !closes(fence, lines[i].text) {
                    let code = dropSpaces(lines[i].text, upTo: fence.indent)
                    let shown = clipText(code, to: width - DisplayWidth.of(codeIndent))
                    out.append(StyledLine(nonEmpty([Span(codeIndent), Span(shown, codeStyle)]), sourceLine: lines[i].number))
                    i += 1
                }
                i += 1  // the closing fence, if there is one
            } else if let heading = parseHeading(text) {
                if let last = out.last, !isBlank(last) { out.append(StyledLine([], sourceLine: line.number)) }
                var style = Style.heading
                if heading.level == 1 { style.underline = true }
                var rendered = wrap(inline(heading.text, line: line.number, base: style), width: width)
                    .map { makeLine($0, fallback: line.number) }
                if rendered.isEmpty { rendered = [StyledLine([], sourceLine: line.number)] }
                rendered[0].headingLevel = heading.level
                out += rendered
                i += 1
            } else if isRule(text) {
                out.append(StyledLine([Span(String(repeating: "─", count: width), .dim)], sourceLine: line.number))
                i += 1
            } else if context.depth < maxBlockDepth, isQuote(text) {
                let (inner, next) = collectQuote(lines, from: i)
                var body = blocks(inner, width: max(1, width - DisplayWidth.of(quotePrefix)), context: context.deeper(list: false))
                trimBlankEdges(&body)
                for bodyLine in body {
                    out.append(StyledLine([Span(quotePrefix, .dim)] + bodyLine.spans,
                                          sourceLine: bodyLine.sourceLine ?? line.number, headingLevel: bodyLine.headingLevel))
                }
                i = next
            } else if context.depth < maxBlockDepth, let item = parseListItem(text) {
                let (inner, next) = collectItem(item, lines, from: i)
                out += renderItem(item, inner, number: line.number, width: width, context: context)
                i = next
            } else if i + 1 < lines.count, isTableStart(text, next: lines[i + 1].text) {
                var rows: [SourceLine] = []
                var j = i + 2
                while j < lines.count, !isBlank(lines[j].text), !lines[j].breakBefore, lines[j].text.contains("|"),
                      !startsBlock(lines[j].text, next: nil) {
                    rows.append(lines[j])
                    j += 1
                }
                out += renderTable(header: line, separator: lines[i + 1], rows: rows, width: width)
                i = j
            } else {
                var paragraph = [line]
                var j = i + 1
                while j < lines.count, !isBlank(lines[j].text), !lines[j].breakBefore,
                      !startsBlock(lines[j].text, next: j + 1 < lines.count ? lines[j + 1].text : nil) {
                    paragraph.append(lines[j])
                    j += 1
                }
                out += renderParagraph(paragraph, width: width)
                i = j
            }
        }
        return out
    }

    /// Whether a line begins a block other than a paragraph, so it ends (interrupts) the paragraph before it.
    static func startsBlock(_ text: String, next: String?) -> Bool {
        if openFence(text) != nil || parseHeading(text) != nil || isRule(text) || isQuote(text) { return true }
        if let item = parseListItem(text), !item.content.isEmpty || item.task != nil, !item.ordered || item.number == 1 {
            return true
        }
        if let next, isTableStart(text, next: next) { return true }
        return false
    }

    // MARK: Paragraphs

    static func renderParagraph(_ lines: [SourceLine], width: Int) -> [StyledLine] {
        var chars: [Character] = []
        var numbers: [Int] = []
        for (index, line) in lines.enumerated() {
            let isLast = index == lines.count - 1
            var text = Array(line.text.drop(while: { $0 == " " }))
            var hardBreak = line.text.hasSuffix("  ")
            while text.last == " " { text.removeLast() }
            if !isLast, text.last == "\\" {
                hardBreak = true
                text.removeLast()
            }
            chars += text
            numbers += Array(repeating: line.number, count: text.count)
            if !isLast {
                chars.append(hardBreak ? "\n" : " ")
                numbers.append(line.number)
            }
        }
        let glyphs = InlineParser(chars: chars, lines: numbers).parse(0, chars.count, base: .plain, depth: 0)
        return wrap(glyphs, width: width).map { makeLine($0, fallback: lines[0].number) }
    }

    // MARK: Headings, rules, fences

    static func parseHeading(_ text: String) -> (level: Int, text: String)? {
        let chars = Array(text)
        var k = 0
        while k < 3, k < chars.count, chars[k] == " " { k += 1 }
        var level = 0
        while k < chars.count, chars[k] == "#" {
            level += 1
            k += 1
        }
        guard (1...6).contains(level), k == chars.count || chars[k] == " " else { return nil }
        var content = Array(trim(String(chars[k...])))
        // An optional closing sequence: `## Title ##`.
        var end = content.count
        while end > 0, content[end - 1] == "#" { end -= 1 }
        if end < content.count, end == 0 || content[end - 1] == " " {
            content = Array(content[..<end])
            while content.last == " " { content.removeLast() }
        }
        return (level, String(content))
    }

    static func isRule(_ text: String) -> Bool {
        guard leadingSpaces(text) <= 3 else { return false }
        let marks = text.filter { $0 != " " }
        guard marks.count >= 3, let first = marks.first, first == "-" || first == "*" || first == "_" else { return false }
        return marks.allSatisfy { $0 == first }
    }

    static func openFence(_ text: String) -> Fence? {
        let chars = Array(text)
        let indent = leadingSpaces(text)
        guard indent <= 3, indent < chars.count, chars[indent] == "`" || chars[indent] == "~" else { return nil }
        let marker = chars[indent]
        var count = 0
        while indent + count < chars.count, chars[indent + count] == marker { count += 1 }
        guard count >= 3 else { return nil }
        // ```` ```code``` ```` on one line is inline code, not a fence.
        if marker == "`", chars[(indent + count)...].contains("`") { return nil }
        return Fence(marker: marker, count: count, indent: indent)
    }

    static func closes(_ fence: Fence, _ text: String) -> Bool {
        guard leadingSpaces(text) <= 3 else { return false }
        let rest = trim(text)
        return rest.count >= fence.count && rest.allSatisfy { $0 == fence.marker }
    }

    // MARK: Quotes

    static func isQuote(_ text: String) -> Bool {
        let indent = leadingSpaces(text)
        return indent <= 3 && text.dropFirst(indent).first == ">"
    }

    static func stripQuote(_ text: String) -> String {
        var rest = text.drop(while: { $0 == " " }).dropFirst()
        if rest.first == " " { rest = rest.dropFirst() }
        return String(rest)
    }

    static func collectQuote(_ lines: [SourceLine], from start: Int) -> ([SourceLine], Int) {
        var inner: [SourceLine] = []
        var j = start
        var lazyAllowed = false
        while j < lines.count {
            let line = lines[j]
            if isQuote(line.text) {
                let stripped = stripQuote(line.text)
                inner.append(SourceLine(text: stripped, number: line.number, breakBefore: j > start && line.breakBefore))
                lazyAllowed = !isBlank(stripped) && !startsBlock(stripped, next: nil)
            } else if lazyAllowed, !isBlank(line.text), !line.breakBefore,
                      !startsBlock(line.text, next: j + 1 < lines.count ? lines[j + 1].text : nil) {
                inner.append(line)  // a lazy continuation of the quoted paragraph
            } else {
                break
            }
            j += 1
        }
        return (inner, j)
    }

    // MARK: Lists

    static func parseListItem(_ text: String) -> ListItem? {
        let chars = Array(text)
        var k = leadingSpaces(text)
        let indent = k
        guard k < chars.count else { return nil }
        let marker: String
        var ordered = false
        var number = 0
        if chars[k] == "-" || chars[k] == "*" || chars[k] == "+" {
            marker = String(chars[k])
            k += 1
        } else if chars[k].isASCII, chars[k].isNumber {
            var digits = ""
            while k < chars.count, chars[k].isASCII, chars[k].isNumber, digits.count < 10 {
                digits.append(chars[k])
                k += 1
            }
            guard digits.count <= 9, k < chars.count, chars[k] == "." || chars[k] == ")" else { return nil }
            marker = digits + String(chars[k])
            ordered = true
            number = Int(digits) ?? 0
            k += 1
        } else {
            return nil
        }
        guard k == chars.count || chars[k] == " " else { return nil }
        var spaces = 0
        while k + spaces < chars.count, chars[k + spaces] == " " { spaces += 1 }
        var content = String(chars[(k + spaces)...])
        var task: Bool?
        let box = Array(content.prefix(4))
        if box.count >= 3, box[0] == "[", box[2] == "]", box.count == 3 || box[3] == " " {
            if box[1] == " " {
                task = false
            } else if box[1] == "x" || box[1] == "X" {
                task = true
            }
            if task != nil { content = String(content.dropFirst(3).drop(while: { $0 == " " })) }
        }
        return ListItem(indent: indent, marker: marker, ordered: ordered, number: number,
                        contentColumn: k + max(1, min(spaces, 4)), content: content, task: task)
    }

    /// The item's own lines: its first line's text, lines indented past its marker (nested lists, more
    /// paragraphs, after blank lines too), and lazy continuation lines of its paragraph.
    static func collectItem(_ item: ListItem, _ lines: [SourceLine], from start: Int) -> ([SourceLine], Int) {
        var inner = [SourceLine(text: item.content, number: lines[start].number)]
        var lazyAllowed = !item.content.isEmpty && !startsBlock(item.content, next: nil)
        var j = start + 1
        while j < lines.count {
            let line = lines[j]
            if isBlank(line.text) {
                var k = j
                while k < lines.count, isBlank(lines[k].text) { k += 1 }
                guard k < lines.count, leadingSpaces(lines[k].text) > item.indent else { break }
                while j < k {
                    inner.append(SourceLine(text: "", number: lines[j].number))
                    j += 1
                }
                lazyAllowed = false
                continue
            }
            if leadingSpaces(line.text) > item.indent {
                let text = dropSpaces(line.text, upTo: item.contentColumn)
                inner.append(SourceLine(text: text, number: line.number, breakBefore: line.breakBefore))
                lazyAllowed = !startsBlock(text, next: nil)
            } else if lazyAllowed, !line.breakBefore, parseListItem(line.text) == nil,
                      !startsBlock(line.text, next: j + 1 < lines.count ? lines[j + 1].text : nil) {
                inner.append(line)  // a lazy continuation; any list item here is a sibling or a parent's
            } else {
                break
            }
            j += 1
        }
        return (inner, j)
    }

    static func renderItem(_ item: ListItem, _ inner: [SourceLine], number: Int, width: Int,
                           context: Context) -> [StyledLine] {
        var marker = item.ordered ? item.marker + " " : ""
        switch item.task {
        case .some(true): marker += "☑ "
        case .some(false): marker += "☐ "
        case .none: if !item.ordered { marker += bullets[context.listLevel % bullets.count] + " " }
        }
        let indent = DisplayWidth.of(marker)
        var body = blocks(inner, width: max(1, width - indent), context: context.deeper(list: true))
        trimBlankEdges(&body)
        if body.isEmpty { body = [StyledLine([], sourceLine: number)] }
        let hanging = String(repeating: " ", count: indent)
        return body.enumerated().map { index, line in
            var spans = line.spans
            if item.task == true {
                spans = spans.map { span in
                    var style = span.style
                    style.dim = true
                    return Span(span.text, style)
                }
            }
            spans.insert(Span(index == 0 ? marker : hanging), at: 0)
            return StyledLine(spans, sourceLine: line.sourceLine ?? number, headingLevel: line.headingLevel)
        }
    }

    // MARK: Tables

    static func isTableStart(_ text: String, next: String) -> Bool {
        text.contains("|") && isSeparatorRow(next)
    }

    static func isSeparatorRow(_ text: String) -> Bool {
        guard text.contains("|"), text.contains("-") else { return false }
        let cells = splitRow(text)
        return !cells.isEmpty && cells.allSatisfy { cell in
            var rest = Substring(cell)
            if rest.first == ":" { rest = rest.dropFirst() }
            if rest.last == ":" { rest = rest.dropLast() }
            return !rest.isEmpty && rest.allSatisfy { $0 == "-" }
        }
    }

    /// A row's cells, trimmed; outer pipes are optional and `\|` is a pipe inside a cell.
    static func splitRow(_ text: String) -> [String] {
        var chars = Array(trim(text))
        if chars.first == "|" { chars.removeFirst() }
        if chars.last == "|", !(chars.count >= 2 && chars[chars.count - 2] == "\\") { chars.removeLast() }
        var cells: [String] = []
        var current = ""
        var k = 0
        while k < chars.count {
            if chars[k] == "\\", k + 1 < chars.count {
                current.append(chars[k])
                current.append(chars[k + 1])
                k += 2
                continue
            }
            if chars[k] == "|" {
                cells.append(current)
                current = ""
            } else {
                current.append(chars[k])
            }
            k += 1
        }
        cells.append(current)
        return cells.map { trim($0) }
    }

    static func renderTable(header: SourceLine, separator: SourceLine, rows: [SourceLine], width: Int) -> [StyledLine] {
        let headerCells = splitRow(header.text)
        let columns = max(1, headerCells.count)
        let alignments: [Alignment] = splitRow(separator.text).map { cell in
            if cell.count > 1, cell.hasPrefix(":"), cell.hasSuffix(":") { return .center }
            return cell.hasSuffix(":") ? .right : .left
        }
        func cells(of line: SourceLine, style: Style) -> [[Glyph]] {
            var raw = splitRow(line.text)
            if raw.count > columns { raw.removeLast(raw.count - columns) }
            while raw.count < columns { raw.append("") }
            return raw.map { inline($0, line: line.number, base: style) }
        }
        let head = cells(of: header, style: .bold)
        let body = rows.map { cells(of: $0, style: .plain) }
        var natural = Array(repeating: 1, count: columns)
        for row in [head] + body {
            for (column, cell) in row.enumerated() { natural[column] = max(natural[column], glyphWidth(cell)) }
        }
        let separatorWidth = DisplayWidth.of(columnSeparator)
        let widths = fitColumns(natural, into: width - separatorWidth * (columns - 1))

        func rowLine(_ row: [[Glyph]], number: Int) -> StyledLine {
            var spans: [Span] = []
            for column in 0..<columns {
                if column > 0 { spans.append(Span(columnSeparator, .dim)) }
                let cell = fitCell(row[column], width: widths[column])
                let gap = max(0, widths[column] - glyphWidth(cell))
                let alignment = column < alignments.count ? alignments[column] : .left
                let before = alignment == .right ? gap : alignment == .center ? gap / 2 : 0
                if before > 0 { spans.append(Span(String(repeating: " ", count: before))) }
                spans += makeLine(cell, fallback: number).spans
                if gap - before > 0 { spans.append(Span(String(repeating: " ", count: gap - before))) }
            }
            return StyledLine(spans, sourceLine: number)
        }

        var out = [rowLine(head, number: header.number)]
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")
        out.append(StyledLine([Span(rule, .dim)], sourceLine: separator.number))
        for (row, line) in zip(body, rows) { out.append(rowLine(row, number: line.number)) }
        return out
    }

    /// Column widths that fit `available` cells: the content's widths when they fit; otherwise each column keeps
    /// up to 3 cells and the rest of the room is shared in proportion to what each column needs beyond that.
    static func fitColumns(_ natural: [Int], into available: Int) -> [Int] {
        let total = natural.reduce(0, +)
        guard total > available else { return natural }
        guard available >= natural.count else { return natural.map { _ in 1 } }
        var floors = natural.map { min($0, 3) }
        if floors.reduce(0, +) > available { floors = natural.map { _ in 1 } }
        let extra = available - floors.reduce(0, +)
        let excess = zip(natural, floors).map { $0 - $1 }
        let totalExcess = excess.reduce(0, +)
        guard totalExcess > 0, extra > 0 else { return floors }
        var widths = floors
        var remainders: [(fraction: Double, column: Int)] = []
        var used = 0
        for column in natural.indices {
            let share = Double(excess[column]) * Double(extra) / Double(totalExcess)
            let whole = min(excess[column], Int(share))
            widths[column] += whole
            used += whole
            remainders.append((share - Double(whole), column))
        }
        var left = extra - used
        for (_, column) in remainders.sorted(by: { $0.fraction > $1.fraction }) where left > 0 {
            if widths[column] < natural[column] {
                widths[column] += 1
                left -= 1
            }
        }
        return widths
    }

    /// A cell clipped to `width` cells, ending in `…` when something was cut.
    static func fitCell(_ glyphs: [Glyph], width: Int) -> [Glyph] {
        guard glyphWidth(glyphs) > width, let first = glyphs.first else { return glyphs }
        let room = width >= 2 ? width - 1 : width
        var kept: [Glyph] = []
        var used = 0
        for glyph in glyphs {
            let cells = DisplayWidth.of(glyph.character)
            if used + cells > room { break }
            kept.append(glyph)
            used += cells
        }
        if width >= 2 { kept.append(Glyph(character: "…", style: (kept.last ?? first).style, line: first.line)) }
        return kept
    }
}

// MARK: - Inline

fileprivate extension MarkdownRenderer {
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

// MARK: - Wrapping and lines

fileprivate extension MarkdownRenderer {
    /// Greedy word wrap at spaces; a word wider than the line is broken, and "\n" is a hard break.
    static func wrap(_ glyphs: [Glyph], width: Int) -> [[Glyph]] {
        let width = max(1, width)
        var lines: [[Glyph]] = []
        for segment in glyphs.split(omittingEmptySubsequences: false, whereSeparator: { $0.character == "\n" }) {
            var tokens: [(gap: [Glyph], word: [Glyph])] = []
            var gap: [Glyph] = []
            var word: [Glyph] = []
            for glyph in segment {
                if glyph.character == " " {
                    if !word.isEmpty {
                        tokens.append((gap, word))
                        gap = []
                        word = []
                    }
                    gap.append(glyph)
                } else {
                    word.append(glyph)
                }
            }
            if !word.isEmpty { tokens.append((gap, word)) }

            var current: [Glyph] = []
            var used = 0
            for (gap, word) in tokens {
                let wordWidth = glyphWidth(word)
                if !current.isEmpty {
                    let gapWidth = glyphWidth(gap)
                    if used + gapWidth + wordWidth <= width {
                        current += gap + word
                        used += gapWidth + wordWidth
                        continue
                    }
                    lines.append(current)
                    current = []
                    used = 0
                }
                if wordWidth <= width {
                    current = word
                    used = wordWidth
                    continue
                }
                for glyph in word {
                    let cells = DisplayWidth.of(glyph.character)
                    if used + cells > width, !current.isEmpty {
                        lines.append(current)
                        current = []
                        used = 0
                    }
                    current.append(glyph)
                    used += cells
                }
            }
            if !current.isEmpty { lines.append(current) }
        }
        return lines
    }

    static func makeLine(_ glyphs: [Glyph], fallback: Int) -> StyledLine {
        var spans: [Span] = []
        for glyph in glyphs {
            if let last = spans.last, last.style == glyph.style {
                spans[spans.count - 1].text.append(glyph.character)
            } else {
                spans.append(Span(String(glyph.character), glyph.style))
            }
        }
        return StyledLine(spans, sourceLine: glyphs.first?.line ?? fallback)
    }

    static func glyphWidth(_ glyphs: [Glyph]) -> Int {
        glyphs.reduce(0) { $0 + DisplayWidth.of($1.character) }
    }

    static func clipText(_ text: String, to width: Int) -> String {
        var kept = ""
        var used = 0
        for character in text {
            let cells = DisplayWidth.of(character)
            if used + cells > width { break }
            kept.append(character)
            used += cells
        }
        return kept
    }

    /// The last guard: no line leaves wider than `width` cells, whatever built it.
    static func clip(_ line: StyledLine, to width: Int) -> StyledLine {
        guard DisplayWidth.of(line.text) > width else { return line }
        var spans: [Span] = []
        var used = 0
        for span in line.spans {
            let room = width - used
            guard room > 0 else { break }
            let kept = clipText(span.text, to: room)
            if !kept.isEmpty { spans.append(Span(kept, span.style)) }
            used += DisplayWidth.of(kept)
            if kept.count < span.text.count { break }
        }
        return StyledLine(spans, sourceLine: line.sourceLine, headingLevel: line.headingLevel)
    }

    static func nonEmpty(_ spans: [Span]) -> [Span] {
        spans.filter { !$0.text.isEmpty }
    }

    static func appendBlank(_ out: inout [StyledLine], _ number: Int) {
        if let last = out.last, !isBlank(last) { out.append(StyledLine([], sourceLine: number)) }
    }

    static func trimBlankEdges(_ lines: inout [StyledLine]) {
        while let first = lines.first, isBlank(first) { lines.removeFirst() }
        while let last = lines.last, isBlank(last) { lines.removeLast() }
    }

    static func isBlank(_ line: StyledLine) -> Bool {
        line.spans.allSatisfy { $0.text.allSatisfy { $0 == " " } }
    }

    static func isBlank(_ text: String) -> Bool {
        text.allSatisfy { $0 == " " }
    }

    static func leadingSpaces(_ text: String) -> Int {
        var count = 0
        for character in text {
            guard character == " " else { break }
            count += 1
        }
        return count
    }

    static func dropSpaces(_ text: String, upTo limit: Int) -> String {
        String(text.dropFirst(min(leadingSpaces(text), max(0, limit))))
    }

    static func trim(_ text: String) -> String {
        var rest = Substring(text).drop(while: { $0 == " " })
        while rest.last == " " { rest = rest.dropLast() }
        return String(rest)
    }
}
