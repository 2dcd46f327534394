/// A run of text in one style.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// One line of styled text, ready to draw; `anchor` marks a line a view can jump to (a heading, a source line).
public struct StyledLine: Sendable, Equatable {
    public var spans: [Span]
    /// The source line this display line came from (1-based), when it came from a file.
    public var sourceLine: Int?
    /// For headings: their level (1 for `#`), so a view can jump between sections.
    public var headingLevel: Int?

    public init(_ spans: [Span] = [], sourceLine: Int? = nil, headingLevel: Int? = nil) {
        self.spans = spans
        self.sourceLine = sourceLine
        self.headingLevel = headingLevel
    }

    public init(_ text: String, _ style: Style = .plain) {
        self.init([Span(text, style)])
    }

    public var text: String { spans.map(\.text).joined() }

    /// Draws the line at (x, y) within `width` cells.
    public func draw(on screen: inout Screen, x: Int, y: Int, width: Int) {
        var column = x
        for span in spans {
            let remaining = x + width - column
            guard remaining > 0 else { break }
            column += screen.put(span.text, x: column, y: y, style: span.style, maxWidth: remaining)
        }
    }
}
