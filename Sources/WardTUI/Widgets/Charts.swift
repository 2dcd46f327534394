import Foundation
import WardKit

/// Charts drawn with plain Unicode characters: horizontal bars in eighths of a cell and sparklines. They
/// read the same with or without colour (the characters are the picture), so `ward metrics` prints them
/// and the TUI draws the same lines.
public enum Charts {
    /// A cell filled one eighth to eight eighths, left to right: `▏▎▍▌▋▊▉█`.
    public static let eighthBlocks: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// The eight heights of a sparkline, lowest first: `▁▂▃▄▅▆▇█`.
    public static let sparkLevels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// A sparkline's mark for a missing value.
    public static let sparkGap: Character = "·"

    /// The length of a bar in eighths of a cell: `value / maximum` of `width` cells, to the nearest eighth.
    /// A value above zero is at least one eighth, so it never looks like nothing; zero, a negative value or a
    /// maximum of zero or less is no bar; a value over the maximum is the full width.
    public static func eighths(_ value: Double, maximum: Double, width: Int) -> Int {
        guard width > 0, maximum > 0, value > 0, value.isFinite, maximum.isFinite else { return 0 }
        let full = width * 8
        let scaled = Int((min(value, maximum) / maximum * Double(full)).rounded())
        return min(full, max(1, scaled))
    }

    /// The bar itself, `eighths / 8` full blocks and one partial block: not padded.
    public static func bar(eighths: Int) -> String {
        guard eighths > 0 else { return "" }
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(eighthBlocks[eighths % 8 - 1]) }
        return text
    }

    /// `value` out of `maximum` as a bar of at most `width` cells, not padded.
    public static func bar(_ value: Double, maximum: Double, width: Int) -> String {
        bar(eighths: eighths(value, maximum: maximum, width: width))
    }

    /// One row of a bar chart.
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// Shown after the bar: the value as people read it (`3h 05m`).
        public var caption: String

        public init(label: String, value: Double, caption: String) {
            self.label = label
            self.value = value
            self.caption = caption
        }
    }

    /// A horizontal bar chart, one line per bar: the label padded to the longest, the bar padded to `width`
    /// cells, the caption. Bars are scaled to `maximum`, by default the largest value.
    public static func barChart(_ bars: [Bar], width: Int, maximum: Double? = nil) -> [String] {
        barChartLines(bars, width: width, maximum: maximum).map(\.text)
    }

    /// The bar chart as styled lines, for the TUI: label plain, bar in `barStyle`, caption dim.
    public static func barChartLines(_ bars: [Bar], width: Int, maximum: Double? = nil,
                                     barStyle: Style = Style(foreground: .cyan)) -> [StyledLine] {
        let top = maximum ?? bars.map(\.value).filter(\.isFinite).max() ?? 0
        let labelWidth = bars.map { DisplayWidth.of($0.label) }.max() ?? 0
        return bars.map { bar in
            let cells = eighths(bar.value, maximum: top, width: width)
            let drawn = Charts.bar(eighths: cells)
            let cellCount = (cells + 7) / 8
            let label = bar.label + String(repeating: " ", count: labelWidth - DisplayWidth.of(bar.label))
            let padding = String(repeating: " ", count: max(0, width - cellCount))
            return StyledLine([Span(label + "  "), Span(drawn, barStyle), Span(padding + "  "), Span(bar.caption, .dim)])
        }
    }

    /// The height of one sparkline mark, 0 (`▁`) to 7 (`█`): `value / maximum` of the way up, to the nearest
    /// of the eight; zero and below is the lowest, the maximum the highest, and any value above zero at least
    /// the second, so `▁` means zero and nothing else.
    public static func sparkLevel(_ value: Double, maximum: Double) -> Int {
        guard maximum > 0, value > 0, value.isFinite, maximum.isFinite else { return 0 }
        return min(7, max(1, Int((min(value, maximum) / maximum * 7).rounded())))
    }

    /// One character per value, scaled from zero to the largest value; `·` where a value is missing.
    /// Empty input gives an empty string.
    public static func sparkline(_ values: [Double?], maximum: Double? = nil) -> String {
        let top = maximum ?? values.compactMap { $0 }.filter(\.isFinite).max() ?? 0
        return String(values.map { value in
            guard let value else { return sparkGap }
            return sparkLevels[sparkLevel(value, maximum: top)]
        })
    }

    /// The sparkline as a styled line, missing values dim.
    public static func sparklineLine(_ values: [Double?], maximum: Double? = nil,
                                     style: Style = Style(foreground: .cyan)) -> StyledLine {
        let text = sparkline(values, maximum: maximum)
        return StyledLine(text.map { Span(String($0), $0 == sparkGap ? .dim : style) })
    }
}
