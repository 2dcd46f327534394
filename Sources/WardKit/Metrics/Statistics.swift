import Foundation

/// Median, mean and percentiles of a list of durations, in seconds.
public enum Statistics {
    /// How `percentile` picks its value, in words, for output that names its definition.
    public static let percentileDefinition =
        "nearest rank: the p-th percentile of n values, sorted, is the value at rank ⌈p × n / 100⌉ (counting from 1); it is always one of the values"

    /// The middle value; with an even count, the mean of the two middle values. Nil for no values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The arithmetic mean. Nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The nearest-rank percentile: the value at rank ⌈p × n / 100⌉ of the n values sorted (rank 1 for p 0).
    /// Nil for no values. `p` is clamped to 0...100.
    public static func percentile(_ p: Int, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let p = min(max(p, 0), 100)
        // Integer arithmetic, so 90 × 10 / 100 is exactly rank 9, never 9.000000001 rounded up to 10.
        let rank = max(1, (p * sorted.count + 99) / 100)
        return sorted[rank - 1]
    }
}

/// Count, median, mean and 90th percentile (nearest rank) of some durations in seconds.
public struct Summary: Sendable, Equatable {
    public var count: Int
    public var median: TimeInterval?
    public var mean: TimeInterval?
    public var p90: TimeInterval?

    public init(_ values: [TimeInterval]) {
        count = values.count
        median = Statistics.median(values)
        mean = Statistics.mean(values)
        p90 = Statistics.percentile(90, of: values)
    }

    public init(count: Int, median: TimeInterval?, mean: TimeInterval?, p90: TimeInterval?) {
        self.count = count
        self.median = median
        self.mean = mean
        self.p90 = p90
    }

    public static let empty = Summary([])
}
