import WardKit

extension MarkdownRenderer {
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
