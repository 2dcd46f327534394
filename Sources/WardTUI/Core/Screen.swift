import WardKit

/// One cell of the terminal: a grapheme (or "" for the right half of a wide one) and its style.
public struct Cell: Sendable, Equatable, Hashable {
    public var text: String
    public var style: Style

    public init(_ text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
    /// The right half of a two-cell character: nothing is drawn there.
    public static let continuation = Cell("")
}

/// A grid of cells that views draw into; the backend puts it on the terminal, tests read it as text.
/// Everything written is made safe first: control and bidi characters appear escaped, never raw.
public struct Screen: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text from (x, y), clipped at `maxWidth` cells (default: the screen's edge). Returns the number of
    /// cells used. A wide character that would not fit is replaced by a space.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        let text = TerminalSafe.clean(text, singleLine: true)
        // Printable ASCII, the common case: a cell a byte, without looking characters up in Unicode's tables.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            for byte in text.utf8 {
                guard column < limit else { break }
                if column >= 0 { self[column, y] = Cell(String(Unicode.Scalar(byte)), style: style) }
                column += 1
            }
            return column - x
        }
        for character in text {
            let cellWidth = DisplayWidth.of(character)
            if cellWidth == 0 {
                // A combining mark joins the previous cell's grapheme.
                if column > 0, column - 1 < width, column - 1 >= x { self[column - 1, y].text.append(character) }
                continue
            }
            if column + cellWidth > limit {
                if cellWidth == 2, column < limit, column >= 0 { self[column, y] = Cell(" ", style: style); column += 1 }
                break
            }
            if column >= 0 {
                self[column, y] = Cell(String(character), style: style)
                if cellWidth == 2 { self[column + 1, y] = Cell("", style: style) }
            }
            column += cellWidth
        }
        return column - x
    }

    /// Fills a rectangle with one style (spaces), e.g. a selection bar or a panel's background.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int = 1, style: Style) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) {
                self[column, row] = Cell(" ", style: style)
            }
        }
    }

    /// Restyles a row's cells without changing their text (the selection bar over a list row).
    public mutating func restyle(y: Int, x: Int = 0, width w: Int? = nil, _ change: (inout Style) -> Void) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + (w ?? width)) {
            change(&self[column, y].style)
        }
    }

    /// The screen as plain text, one line per row, trailing spaces removed: what tests compare.
    public var text: String {
        (0..<height).map { row(at: $0) }.joined(separator: "\n")
    }

    public func row(at y: Int) -> String {
        var line = ""
        for x in 0..<width { line += self[x, y].text }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
