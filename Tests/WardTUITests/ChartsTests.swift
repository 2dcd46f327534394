import Foundation
import Testing
import WardKit
@testable import WardTUI

/// Bars in eighths of a cell and sparklines, as the characters they are.
@Suite struct ChartsTests {
    @Test func barsAreMeasuredInEighthsOfACell() {
        // Half of 10 cells is 40 eighths: five full blocks.
        #expect(Charts.eighths(50, maximum: 100, width: 10) == 40)
        #expect(Charts.bar(50, maximum: 100, width: 10) == "█████")
        // 3/8 of one cell.
        #expect(Charts.eighths(3, maximum: 8, width: 1) == 3)
        #expect(Charts.bar(3, maximum: 8, width: 1) == "▍")
        // 2 cells and 5 eighths of 4 cells: 21 of 32 eighths.
        #expect(Charts.bar(21, maximum: 32, width: 4) == "██▋")
        // Every partial block in turn.
        #expect((1...8).map { Charts.bar(eighths: $0) } == ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"])
        #expect(Charts.bar(eighths: 17) == "██▏")
        // To the nearest eighth: 1.4 eighths is 1, 1.6 is 2.
        #expect(Charts.eighths(1.4, maximum: 8, width: 1) == 1)
        #expect(Charts.eighths(1.6, maximum: 8, width: 1) == 2)
    }

    @Test func zeroIsNoBarTheMaximumIsTheFullWidthAndATinyValueStillShows() {
        #expect(Charts.bar(0, maximum: 100, width: 10) == "")
        #expect(Charts.bar(-5, maximum: 100, width: 10) == "")
        #expect(Charts.bar(100, maximum: 100, width: 10) == String(repeating: "█", count: 10))
        #expect(Charts.bar(250, maximum: 100, width: 10) == String(repeating: "█", count: 10))
        #expect(Charts.bar(0.001, maximum: 100, width: 10) == "▏")
        #expect(Charts.bar(5, maximum: 0, width: 10) == "")
        #expect(Charts.bar(5, maximum: 10, width: 0) == "")
        #expect(Charts.bar(.nan, maximum: 10, width: 5) == "")
    }

    @Test func aBarChartLinesUpLabelsBarsAndCaptions() {
        let bars = [
            Charts.Bar(label: "SEV1", value: 30, caption: "30m"),
            Charts.Bar(label: "SEV10", value: 60, caption: "1h 00m"),
            Charts.Bar(label: "SEV3", value: 0, caption: "0s"),
        ]
        let lines = Charts.barChart(bars, width: 4)
        #expect(lines == [
            "SEV1   ██    30m",
            "SEV10  ████  1h 00m",
            "SEV3         0s",
        ])
        // The styled lines say the same, with the bar in its own span.
        let styled = Charts.barChartLines(bars, width: 4)
        #expect(styled.map(\.text) == lines)
        #expect(styled[1].spans[1] == Span("████", Style(foreground: .cyan)))
        // A fixed maximum scales every bar to it.
        #expect(Charts.barChart([Charts.Bar(label: "x", value: 30, caption: "")], width: 4, maximum: 120) == ["x  █     "])
        #expect(Charts.barChart([], width: 10).isEmpty)
    }

    @Test func aSparklineOfKnownValues() {
        #expect(Charts.sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(Charts.sparkline([7, 0, 7]) == "█▁█")
        // From zero, not from the smallest value: 10 and 20 differ by half, not by everything.
        #expect(Charts.sparkline([10, 20]) == "▅█")
        #expect(Charts.sparkline([3, nil, 6]) == "▅·█")
        #expect(Charts.sparkline([0, 0, 0]) == "▁▁▁")
        #expect(Charts.sparkline([5], maximum: 10) == "▅")
        #expect(Charts.sparklineLine([1, nil]).text == "█·")
        #expect(Charts.sparklineLine([1, nil]).spans[1].style == .dim)
    }

    @Test func emptyInputGivesEmptyPictures() {
        #expect(Charts.sparkline([]) == "")
        #expect(Charts.sparkline([nil, nil]) == "··")
        #expect(Charts.barChartLines([], width: 20).isEmpty)
    }
}

extension ChartsTests {
    @Test func aSparklineKeepsItsLowestMarkForZero() {
        #expect(Charts.sparkline([0, 1, 1000]) == "▁▂█")
        #expect(Charts.sparkLevel(0.001, maximum: 1e9) == 1)
    }
}
