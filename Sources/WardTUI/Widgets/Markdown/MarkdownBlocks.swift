import WardKit

extension MarkdownRenderer {
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
}
