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

extension MarkdownRenderer {
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
