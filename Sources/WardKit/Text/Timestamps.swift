import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times as Ward writes them (`2026-11-23T03:14:07Z`, whole seconds, UTC) and as people type them.
public enum Timestamps {
    /// The times Ward reads and writes: from 1970 to the end of 9999.
    public static let earliest = Date(timeIntervalSince1970: 0)
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    /// `2026-11-23T03:14:07Z`.
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        write(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `format(date)`'s 20 bytes, appended to `bytes`: the calendar worked out from the day count (as
    /// `daysSince1970` counts it back) and the digits put in place two at a time, then appended at once.
    /// `gmtime_r` and twenty appends were a fortieth of listing a large store (`CanonicalTimeTests` holds
    /// this to `gmtime_r` over the whole range).
    static func write(_ date: Date, to bytes: inout [UInt8]) {
        // Clamped, so no date can make the conversion trap; callers refuse dates outside the range first.
        let clamped = min(max(date.timeIntervalSince1970, earliest.timeIntervalSince1970), latest.timeIntervalSince1970)
        let seconds = Int(floor(clamped.isFinite ? clamped : 0))
        let days = seconds / 86_400, ofDay = seconds % 86_400
        let (year, month, day) = civil(days: days)
        var text: (UInt64, UInt64, UInt32) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { out in
            func two(_ value: Int, at offset: Int) {
                out[offset] = UInt8(48 + value / 10)
                out[offset + 1] = UInt8(48 + value % 10)
            }
            two(year / 100, at: 0)
            two(year % 100, at: 2)
            out[4] = UInt8(ascii: "-")
            two(month, at: 5)
            out[7] = UInt8(ascii: "-")
            two(day, at: 8)
            out[10] = UInt8(ascii: "T")
            two(ofDay / 3600, at: 11)
            out[13] = UInt8(ascii: ":")
            two(ofDay / 60 % 60, at: 14)
            out[16] = UInt8(ascii: ":")
            two(ofDay % 60, at: 17)
            out[19] = UInt8(ascii: "Z")
            bytes.append(contentsOf: out.prefix(20))
        }
    }

    /// The year, month and day of `days` after 1970-01-01 (none before it), in the proleptic Gregorian
    /// calendar (H. Hinnant's civil_from_days).
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468 // days since 0000-03-01
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153 // March is 0
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `2026-11-23`.
    public static func formatDate(_ date: Date) -> String { String(format(date).prefix(10)) }

    /// A date truncated to whole seconds, as it is stored.
    public static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: floor(date.timeIntervalSince1970))
    }

    /// Parses ISO 8601 as found in files: `2026-11-23T03:14:07Z`, with fractions or a UTC offset, or a date.
    public static func parseISO(_ text: String) -> Date? {
        if text.utf8.count == 20 && text.hasSuffix("Z") { return parseCanonical(text) }
        guard hasRealDate(text) else { return nil }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// Foundation's ISO 8601 parser accepts 31 February; check the date part ourselves.
    static func hasRealDate(_ text: String) -> Bool {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        return day <= daysIn(month, of: year)
    }

    /// The fast path for the canonical form, which is nearly every time in a journal.
    static func parseCanonical(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parseCanonical($0) }
    }

    /// `parseCanonical` of the text's UTF-8 bytes.
    static func parseCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 20, let base = bytes.baseAddress, base[4] == 45, base[7] == 45, base[10] == 84,
              base[13] == 58, base[16] == 58, base[19] == 90 else { return nil }
        // Each digit as a number, and whether all fourteen were digits (0 to 9 as unsigned), in one pass of
        // plain arithmetic: two journal times per event, tens of thousands of events in a listing.
        var nonDigit: UInt = 0
        @inline(__always) func digits(_ start: Int, _ count: Int) -> Int {
            var value = 0
            for index in start..<(start + count) {
                let digit = UInt(base[index]) &- 48
                nonDigit |= digit > 9 ? 1 : 0
                value = value &* 10 &+ Int(bitPattern: digit)
            }
            return value
        }
        let year = digits(0, 4), month = digits(5, 2), day = digits(8, 2)
        let hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2)
        guard nonDigit == 0, month >= 1, month <= 12, day >= 1, day <= daysIn(month, of: year), hour < 24, minute < 60,
              second < 61,
              // A leap second at the end of a day would be the next day's first; timegm's answer was "no" too.
              !(second == 60 && hour == 23 && minute == 59) else { return nil }
        let seconds = daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil),
    /// as timegm counts them, without its calls into the C library's time zone machinery.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Parses a time typed by a person: ISO 8601, a local clock time (`03:14`, `03:14:07`, the latest such
    /// moment not in the future), a relative offset (`-5m`, `-2h`, `-1h30m`, `-90s`, `-2d`) or `now`.
    public static func parseInput(_ text: String, now: Date, timeZone: TimeZone = .current) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var result: Date?
        if trimmed == "now" { result = wholeSeconds(now) }
        else if trimmed.hasPrefix("-"), let offset = parseOffset(trimmed.dropFirst()) { result = wholeSeconds(now.addingTimeInterval(-offset)) }
        else if let clock = parseClock(trimmed, now: now, timeZone: timeZone) { result = clock }
        else if let date = parseISO(trimmed) { result = wholeSeconds(date) }
        if let result {
            guard result >= earliest, result <= latest else {
                throw WardError("the time '\(text)' is outside the years 1970 to 9999")
            }
            return result
        }
        throw WardError("cannot read the time '\(text)': use ISO 8601 (2026-11-23T03:14:07Z), a clock time (03:14) or an offset (-5m, -2h)")
    }

    static func parseOffset(_ text: Substring) -> TimeInterval? {
        var total: TimeInterval = 0
        var digits = ""
        var sawUnit = false
        for char in text {
            if char.isASCII && char.isNumber {
                digits.append(char)
                continue
            }
            guard digits.count <= 9, let value = Double(digits) else { return nil }
            switch char {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86400
            default: return nil
            }
            digits = ""
            sawUnit = true
        }
        guard digits.isEmpty, sawUnit else { return nil }
        return total
    }

    static func parseClock(_ text: String, now: Date, timeZone: TimeZone) -> Date? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60 else { return nil }
        let second = parts.count == 3 ? Int(parts[2]) ?? 99 : 0
        guard second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var components = calendar.dateComponents([.year, .month, .day], from: now)
        components.hour = hour
        components.minute = minute
        components.second = second
        guard var date = calendar.date(from: components) else { return nil }
        // A clock time is its latest occurrence not in the future (a minute's grace): 23:50 typed at 00:10 is yesterday.
        if date > now.addingTimeInterval(60) {
            date = calendar.date(byAdding: .day, value: -1, to: date) ?? date
        }
        return date
    }
}
