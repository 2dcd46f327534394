/// The colours Ward uses, by meaning rather than by number: the backend maps them to what the terminal
/// has (256 colours, 8, or none when `NO_COLOR` is set or the terminal has no colour).
public enum Color: Int, Sendable, Equatable, CaseIterable {
    case red, green, yellow, blue, magenta, cyan, white, gray
}

/// How a cell looks.
public struct Style: Sendable, Equatable, Hashable {
    public var foreground: Color?
    public var background: Color?
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false

    public init(foreground: Color? = nil, background: Color? = nil, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let dim = Style(dim: true)
    public static let selected = Style(reverse: true)
    public static let heading = Style(foreground: .cyan, bold: true)
    public static let key = Style(foreground: .yellow, bold: true)

    public func with(foreground: Color?) -> Style {
        var copy = self
        copy.foreground = foreground
        return copy
    }
}
