import Testing
import WardKit
@testable import WardTUI

@Suite struct MarkdownRendererTests {
    // MARK: Helpers

    /// The span whose text is exactly `text` (spans of one style are merged, so a styled word is its own span).
    private func span(_ text: String, in lines: [StyledLine]) -> Span? {
        lines.lazy.flatMap(\.spans).first { $0.text == text }
    }

    private func widest(_ lines: [StyledLine]) -> Int {
        lines.map { DisplayWidth.of($0.text) }.max() ?? 0
    }

    /// The cell columns at which `mark` appears in `text`.
    private func columns(of mark: Character, in text: String) -> [Int] {
        var result: [Int] = []
        var column = 0
        for character in text {
            if character == mark { result.append(column) }
            column += DisplayWidth.of(character)
        }
        return result
    }

    // MARK: Headings

    @Test func headingsHaveLevelsAndStyles() {
        let lines = MarkdownRenderer.render("# Title #\nSome text\n## Sub *part*\n###### Six\n#nospace\n####### seven", width: 40)
        #expect(lines.map(\.text) == ["Title", "Some text", "", "Sub part", "", "Six", "#nospace ####### seven"])
        #expect(lines.map(\.headingLevel) == [1, nil, nil, 2, nil, 6, nil])

        let title = lines[0].spans
        #expect(title.count == 1)
        #expect(title[0].style.foreground == Style.heading.foreground)
        #expect(title[0].style.bold)
        #expect(title[0].style.underline)

        // Level 2 is the heading style; emphasis inside it adds underline on top.
        #expect(span("Sub ", in: lines)?.style == Style.heading)
        var emphasised = Style.heading
        emphasised.underline = true
        #expect(span("part", in: lines)?.style == emphasised)
        #expect(lines[5].spans.allSatisfy { $0.style == Style.heading })
        #expect(lines[6].spans.allSatisfy { $0.style == .plain })
    }

    @Test func aBlankLineIsKeptBeforeAHeadingButNotDoubled() {
        let lines = MarkdownRenderer.render("Intro\n\n\n\n# A\n# B\n\ntext", width: 30)
        #expect(lines.map(\.text) == ["Intro", "", "A", "", "B", "", "text"])
    }

    // MARK: Wrapping

    @Test func paragraphsWrapAtWordsAndBreakLongWords() {
        let long = String(repeating: "0123456789", count: 5)
        let words = ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "and", "then", "keeps",
                     "running", "far", "away", long, "end", "of", "story"]
        // Source lines are joined into one paragraph, then re-wrapped.
        let source = words[0..<8].joined(separator: " ") + "\n" + words[8...].joined(separator: " ")
        let lines = MarkdownRenderer.render(source, width: 20)

        #expect(lines.count > 3)
        for line in lines { #expect(DisplayWidth.of(line.text) <= 20, "too wide: \(line.text)") }

        let tokens = lines.flatMap { $0.text.split(separator: " ").map(String.init) }
        let digitTokens = tokens.filter { $0.allSatisfy(\.isNumber) }
        #expect(digitTokens == [String(long.prefix(20)), String(long.dropFirst(20).prefix(20)), String(long.suffix(10))])
        #expect(tokens.filter { !$0.allSatisfy(\.isNumber) } == words.filter { $0 != long })

        // Greedy: the first word of each line would not have fitted at the end of the line before.
        for (previous, next) in zip(lines, lines.dropFirst()) {
            guard let first = next.text.split(separator: " ").first else { continue }
            #expect(DisplayWidth.of(previous.text) + 1 + DisplayWidth.of(String(first)) > 20,
                    "'\(first)' would have fitted after '\(previous.text)'")
        }
    }

    @Test func cjkWrapsByCells() {
        let lines = MarkdownRenderer.render("一二三四五六七八九十", width: 8)
        #expect(lines.map(\.text) == ["一二三四", "五六七八", "九十"])
        #expect(lines.map { DisplayWidth.of($0.text) } == [8, 8, 4])

        // An odd width leaves a cell empty rather than splitting a character.
        let odd = MarkdownRenderer.render("中文 words 和 更多的中文字符在这里", width: 7)
        for line in odd { #expect(DisplayWidth.of(line.text) <= 7, "too wide: \(line.text)") }
        #expect(odd.map(\.text).joined().filter { $0 != " " } == "中文words和更多的中文字符在这里")
    }

    // MARK: Inline

    @Test func emphasisStrongAndCodeSpansAreStyledAndLoseTheirMarkers() {
        let lines = MarkdownRenderer.render("plain *em* and **strong** and `co*de*` and _un_ __bo__ ***both***", width: 80)
        #expect(lines.map(\.text) == ["plain em and strong and co*de* and un bo both"])
        #expect(span("plain ", in: lines)?.style == .plain)
        #expect(span("em", in: lines)?.style == Style(underline: true))
        #expect(span("strong", in: lines)?.style == Style(bold: true))
        #expect(span("co*de*", in: lines)?.style == Style(foreground: .yellow))
        #expect(span("un", in: lines)?.style == Style(underline: true))
        #expect(span("bo", in: lines)?.style == Style(bold: true))
        #expect(span("both", in: lines)?.style == Style(bold: true, underline: true))
    }

    @Test func nestedAndUnbalancedMarkersAreSafe() {
        let nested = MarkdownRenderer.render("**bold *and em* bold**", width: 80)
        #expect(nested.map(\.text) == ["bold and em bold"])
        #expect(span("and em", in: nested)?.style == Style(bold: true, underline: true))

        let unbalanced = MarkdownRenderer.render("a *b and **c and `d and 2 * 3 * 4 snake_case_name \\*lit\\*", width: 80)
        #expect(unbalanced.map(\.text) == ["a *b and **c and `d and 2 * 3 * 4 snake_case_name *lit*"])
        #expect(unbalanced[0].spans.allSatisfy { $0.style == .plain })
    }

    @Test func linksShowTextUnderlinedAndTheURLDim() {
        let lines = MarkdownRenderer.render("See [the *docs*](https://ward.dev/docs \"Title\") and <https://x.io>.", width: 80)
        #expect(lines.map(\.text) == ["See the docs (https://ward.dev/docs) and https://x.io."])
        // Emphasis inside the link text is underlined too, so the text is one span.
        #expect(span("the docs", in: lines)?.style == Style(underline: true))
        #expect(span(" (https://ward.dev/docs)", in: lines)?.style == Style(dim: true))
        #expect(span("https://x.io", in: lines)?.style == Style(underline: true))

        #expect(MarkdownRenderer.render("[not a link] (x) [a](", width: 80).map(\.text) == ["[not a link] (x) [a]("])
    }

    // MARK: Lists and quotes

    @Test func bulletItemsWrapWithAHangingIndent() {
        let source = "- short\n- this item is long enough that it has to wrap more than once\n  - nested item here\n* star"
        let lines = MarkdownRenderer.render(source, width: 20)
        for line in lines { #expect(DisplayWidth.of(line.text) <= 20, "too wide: \(line.text)") }
        #expect(lines.map(\.text) == [
            "• short",
            "• this item is long",
            "  enough that it has",
            "  to wrap more than",
            "  once",
            "  ◦ nested item here",
            "• star",
        ])
    }

    @Test func numberedAndTaskItems() {
        let source = "1. first step that wraps around\n2. second\n   continued\n\n- [ ] todo\n- [x] done"
        let lines = MarkdownRenderer.render(source, width: 18)
        #expect(lines.map(\.text) == [
            "1. first step that",
            "   wraps around",
            "2. second",
            "   continued",
            "",
            "☐ todo",
            "☑ done",
        ])
        #expect(span("done", in: lines)?.style.dim == true)
        #expect(span("todo", in: lines)?.style.dim == false)
    }

    @Test func blockQuotesHaveADimBar() {
        let lines = MarkdownRenderer.render("> quoted text that wraps\n> and **more**\n\nafter", width: 16)
        #expect(lines.map(\.text) == ["│ quoted text", "│ that wraps and", "│ more", "", "after"])
        for line in lines.prefix(3) { #expect(line.spans.first == Span("│ ", .dim)) }
        #expect(span("more", in: lines)?.style == Style(bold: true))
    }

    // MARK: Tables

    @Test func aSmallTableKeepsItsNaturalWidths() {
        let lines = MarkdownRenderer.render("| a | bb |\n|---|--:|\n| ccc | d |", width: 40)
        #expect(lines.map(\.text) == ["a   │ bb", "────┼───", "ccc │  d"])
        #expect(span("a", in: lines)?.style == Style(bold: true))
        #expect(span("bb", in: lines)?.style == Style(bold: true))
    }

    @Test func aWideTableShrinksToFitWithAlignedColumns() {
        let source = """
            | Name | Kind | Description |
            |------|:----:|-------------|
            | ward | tool | a terminal workbench for records and notes |
            | x | `lib` | short |
            """
        let lines = MarkdownRenderer.render(source, width: 30)
        #expect(lines.count == 4)
        for line in lines { #expect(DisplayWidth.of(line.text) <= 30, "too wide: \(line.text)") }
        #expect(widest(lines) == 30)

        let bars = columns(of: "│", in: lines[0].text)
        #expect(bars.count == 2)
        #expect(columns(of: "┼", in: lines[1].text) == bars)
        #expect(lines[1].text.allSatisfy { $0 == "─" || $0 == "┼" })
        #expect(columns(of: "│", in: lines[2].text) == bars)
        #expect(columns(of: "│", in: lines[3].text) == bars)

        #expect(lines[0].text.hasPrefix("Name"))
        #expect(lines[0].spans.filter { !$0.text.allSatisfy({ $0 == " " }) && $0.text != " │ " }.allSatisfy { $0.style.bold })
        #expect(lines[2].text.hasPrefix("ward"))
        #expect(lines[2].text.hasSuffix("…"))  // the clipped description
        #expect(span("lib", in: lines)?.style.foreground == .yellow)
    }

    // MARK: Code, rules, comments

    @Test func fencedCodeKeepsItsLinesVerbatim() {
        let code = ["let  x = *not* emphasis   // spaced", "", "    indented <!-- kept -->", "# not a heading"]
        let source = "Before\n```swift\n" + code.joined(separator: "\n") + "\n```\nAfter"
        let lines = MarkdownRenderer.render(source, width: 60)
        #expect(lines.map(\.text) == ["Before"] + code.map { "  " + $0 } + ["After"])
        for line in lines[1...4] {
            #expect(line.spans.filter { $0.text != "  " }.allSatisfy { $0.style == Style(foreground: .green) })
            #expect(line.headingLevel == nil)
        }
    }

    @Test func longCodeLinesAreClippedNotWrapped() {
        let source = "```\n" + String(repeating: "abcdefghij", count: 5) + "\nshort\n```"
        let lines = MarkdownRenderer.render(source, width: 20)
        #expect(lines.map(\.text) == ["  abcdefghijabcdefgh", "  short"])
    }

    @Test func horizontalRulesFillTheWidth() {
        let lines = MarkdownRenderer.render("above\n\n---\n\nbelow\n\n* * *", width: 12)
        #expect(lines.map(\.text) == ["above", "", String(repeating: "─", count: 12), "", "below", "", String(repeating: "─", count: 12)])
    }

    @Test func htmlCommentsVanish() {
        let source = """
            before <!-- hidden --> after
            <!--
            multi
            line comment
            -->
            visible `<!-- code -->` text
            <!-- alone -->
            next paragraph
            """
        let lines = MarkdownRenderer.render(source, width: 60)
        #expect(lines.map(\.text) == ["before  after", "visible <!-- code --> text", "next paragraph"])
        let all = lines.map(\.text).joined(separator: "\n")
        for hidden in ["hidden", "multi", "line comment", "alone", "-->\n"] { #expect(!all.contains(hidden)) }

        // An unclosed comment hides the rest.
        #expect(MarkdownRenderer.render("shown\n<!-- never closed\n# gone", width: 20).map(\.text) == ["shown"])
    }

    // MARK: Source lines

    @Test func sourceLinesFollowTheFile() {
        let source = """
            # Title

            first line of a paragraph
            second line

            - item
            ```
            code
            ```
            | a | b |
            |---|---|
            | 1 | 2 |
            """
        let lines = MarkdownRenderer.render(source, width: 12, firstLine: 5)
        let pairs = lines.map { "\($0.sourceLine.map(String.init) ?? "nil") \($0.text)" }
        #expect(pairs == [
            "5 Title",
            "6 ",
            "7 first line",
            "7 of a",
            "7 paragraph",
            "8 second line",
            "9 ",
            "10 • item",
            "12   code",
            "14 a │ b",
            "15 ──┼──",
            "16 1 │ 2",
        ])
    }

    // MARK: Robustness

    @Test func emptyAndDegenerateInputs() {
        #expect(MarkdownRenderer.render("", width: 20).isEmpty)
        #expect(MarkdownRenderer.render("   \n\n \t \n", width: 20).isEmpty)
        for width in [-3, 0, 1, 2, 5, 9] {
            let lines = MarkdownRenderer.render("# Heading\n- [x] a **b** `c`\n| a | b | c |\n|-|-|-|\n| 中文 | 😀 | x |\n```\ncode\n```\n> > deep\n---",
                                                width: width)
            for line in lines { #expect(DisplayWidth.of(line.text) <= max(0, width), "width \(width): \(line.text)") }
        }
        let deep = String(repeating: ">", count: 500) + " x\n" + String(repeating: "  ", count: 300) + "- y"
        #expect(widest(MarkdownRenderer.render(deep, width: 30)) <= 30)
        // Thousands of unmatched markers in one paragraph (this was quadratic once: seconds, not milliseconds).
        for unit in ["*a ", "_a ", "[a ", "[a](x ", "a* ", "`a ``b "] {
            let long = String(repeating: unit, count: 10000)
            #expect(widest(MarkdownRenderer.render(long, width: 30)) <= 30)
        }
        // Control characters are escaped, and the escapes count towards the width.
        let control = MarkdownRenderer.render("a\u{1B}[31mred\u{202E}", width: 40)
        #expect(control.map(\.text) == ["a\\u{1B}[31mred\\u{202E}"])
    }

    @Test func randomMarkdownNeverOverflows() {
        var generator = SplitMix64(seed: 0x5EED_CAFE)
        let alphabet: [String] = ["*", "**", "_", "`", "```", "[", "]", "(", ")", "#", "# ", "-", "- ", "+ ", "1. ",
                                  "> ", "|", "|---|", " ", "  ", "\n", "\n\n", "a", "word", "b", "1", ".", "!", "<", ">",
                                  "<!--", "-->", "~~~", "\\", "中文", "😀", "e\u{301}", ":", "[ ] ", "[x] ", "\t", "\r\n"]
        for round in 0..<400 {
            let count = Int(generator.next() % 60)
            var text = ""
            for _ in 0..<count { text += alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let width = Int(generator.next() % 45) - 2
            let lines = MarkdownRenderer.render(text, width: width, firstLine: 3)
            for line in lines {
                #expect(DisplayWidth.of(line.text) <= max(0, width), "round \(round), width \(width): \(text.debugDescription)")
                #expect(!line.text.contains("\n") && !line.text.contains("\r") && !line.text.contains("\t"))
                if let sourceLine = line.sourceLine { #expect(sourceLine >= 3) }
            }
        }
    }
}

/// A small seeded generator, so the random test is the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
