import Foundation
import WardKit

/// The decisions screen's time line (`v`): decisions by date, newest first, under a heading per month;
/// records without a readable date come last, under "No date". The cursor selects decisions, as in the
/// list; headings are drawn between them and never selected.
public enum DecisionTimeline {
    public enum Row: Sendable, Equatable {
        /// "March 2026" and how many decisions it holds.
        case month(String, count: Int)
        /// The decision at this index of `Rows.decisions`.
        case decision(Int)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// `2026-03` of a date such as `2026-03-09`, or nil when it does not start with a year and a month.
    static func monthKey(_ date: String?) -> String? {
        guard let date else { return nil }
        let digits = Array(date.trimmingCharacters(in: .whitespaces).prefix(7))
        guard digits.count == 7, digits[4] == "-", let year = Int(String(digits[0..<4])), year > 0,
              let month = Int(String(digits[5..<7])), (1...12).contains(month) else { return nil }
        return String(digits)
    }

    /// Newest first; records of one day by number, highest first; undated records last.
    static func ordered(_ decisions: [Decision]) -> [Decision] {
        decisions.sorted { a, b in
            switch (monthKey(a.date), monthKey(b.date)) {
            case let (x?, y?) where x != y: return x > y
            case (nil, _?): return false
            case (_?, nil): return true
            case (nil, nil): return a.number > b.number
            default: return (a.date ?? "", a.number) > (b.date ?? "", b.number)
            }
        }
    }

    public static func heading(_ key: String?) -> String {
        guard let key, let year = Int(key.prefix(4)), let month = Int(key.suffix(2)) else { return "No date" }
        return "\(monthNames[month - 1]) \(year)"
    }

    /// Headings and decisions, in the order drawn, for `decisions` as `Rows.decisions` gives them.
    public static func rows(_ decisions: [Decision]) -> [Row] {
        var rows: [Row] = []
        var index = 0
        while index < decisions.count {
            let key = monthKey(decisions[index].date)
            var end = index
            while end < decisions.count, monthKey(decisions[end].date) == key { end += 1 }
            rows.append(.month(heading(key), count: end - index))
            rows += (index..<end).map { Row.decision($0) }
            index = end
        }
        return rows
    }

    /// The first row drawn in a window of `height` rows: from the cursor's first decision (with its month
    /// heading when it starts one), moved down as far as the selected decision needs.
    public static func top(_ rows: [Row], cursor: Cursor, height: Int) -> Int {
        func row(of index: Int) -> Int { rows.firstIndex(of: .decision(index)) ?? 0 }
        func withHeading(_ row: Int) -> Int {
            if row > 0, case .month = rows[row - 1] { return row - 1 }
            return row
        }
        let selected = row(of: cursor.selected)
        var top = withHeading(row(of: cursor.offset))
        if selected >= top + height { top = selected - height + 1 }
        if selected < top { top = withHeading(selected) }
        return max(0, min(top, rows.count - height))
    }

    /// The decision drawn on the list's `line` (0 for its first row), or nil for a heading or nothing.
    public static func decision(atLine line: Int, _ state: AppState) -> Int? {
        let rows = rows(Rows.decisions(state))
        let index = top(rows, cursor: state.cursor(.decisions), height: max(1, state.bodyHeight - 2)) + line
        guard rows.indices.contains(index), case let .decision(decision) = rows[index] else { return nil }
        return decision
    }
}
