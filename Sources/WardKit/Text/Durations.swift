import Foundation

/// Durations as people read them at a glance.
public enum Durations {
    /// `3d 4h`, `2h 05m`, `12m`, `40s`.
    /// `short`, but to the second under an hour (`1m 52s`), where a target of a minute or five is compared.
    public static func precise(_ seconds: TimeInterval) -> String {
        let total = whole(seconds.rounded())
        guard total < 3600, total >= 60, total % 60 != 0 else { return short(TimeInterval(total)) }
        return "\(total / 60)m \(String(format: "%02d", total % 60))s"
    }

    public static func short(_ seconds: TimeInterval) -> String {
        let total = whole(seconds)
        let days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(String(format: "%02d", minutes))m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(total)s"
    }

    /// Whole seconds, from none to about thirty million years: `Int(_:)` of a Double out of its range (a
    /// target of 2^63 seconds in ward.yaml, an infinity) would stop the program.
    static func whole(_ seconds: TimeInterval) -> Int {
        guard !seconds.isNaN, seconds > 0 else { return 0 }
        return Int(min(seconds, 1e15))
    }
}
