import Foundation

/// What a responder types on the TUI's note line: `[TIME] [*] text`.
/// - `TIME` back-dates the note: `-5m`, `-1h30m`, `03:10`, `03:10:07`;
/// - `*` and a space marks it a key event (`*nix` is text);
/// - a text starting `TODO:` becomes an action item.
public struct NoteLine: Sendable, Equatable {
    public var at: Date?
    public var key: Bool
    public var text: String
    /// The action item's title when the text starts with `TODO:`.
    public var todo: String? { Self.todo(in: text) }

    /// Reads the line; a first word that looks like a time but is not one (`25:99`) is an error, not text.
    public static func parse(_ line: String, now: Date, timeZone: TimeZone = .current) throws -> NoteLine {
        var rest = Substring(line.trimmingCharacters(in: .whitespaces))
        var at: Date?
        var key = false
        for _ in 0..<2 {
            if (rest == "*" || rest.hasPrefix("* ")) && !key {
                key = true
                rest = rest.dropFirst().drop { $0 == " " }
                continue
            }
            let word = rest.prefix { $0 != " " }
            if at == nil, looksLikeTime(word) {
                at = try Timestamps.parseInput(String(word), now: now, timeZone: timeZone)
                rest = rest.dropFirst(word.count).drop { $0 == " " }
            }
        }
        return NoteLine(at: at, key: key, text: String(rest))
    }

    /// The line with a relative or clock-time prefix made absolute (ISO 8601), so a note kept for later
    /// still means the moment it meant when it was typed. Lines without one come back as they are.
    public static func anchored(_ line: String, now: Date, timeZone: TimeZone = .current) -> String {
        let trimmed = line.drop { $0 == " " }
        var star = ""
        var rest = trimmed
        if rest.hasPrefix("* ") {
            star = "* "
            rest = rest.dropFirst(2).drop { $0 == " " }
        }
        let word = rest.prefix { $0 != " " }
        guard looksLikeTime(word), Timestamps.parseISO(String(word)) == nil,
              let at = try? Timestamps.parseInput(String(word), now: now, timeZone: timeZone) else { return line }
        return star + Timestamps.format(at) + rest.dropFirst(word.count)
    }

    /// `-5m`, `-90s`, `03:10`, `03:10:07`, `2026-11-25T03:10:07Z`: a back-dating prefix rather than the start
    /// of the note.
    static func looksLikeTime(_ word: Substring) -> Bool {
        if word.count >= 20, word.contains("T"), word.first?.isNumber == true, Timestamps.parseISO(String(word)) != nil {
            return true
        }
        if word.hasPrefix("-"), word.count >= 3, word.dropFirst().first?.isNumber == true,
           let last = word.last, "smhd".contains(last), word.dropFirst().allSatisfy({ $0.isASCII && ($0.isNumber || "smhd".contains($0)) }) {
            return true
        }
        let parts = word.split(separator: ":", omittingEmptySubsequences: false)
        return (parts.count == 2 || parts.count == 3) && parts.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// The title after a leading `TODO:` (any case), or nil.
    public static func todo(in text: String) -> String? {
        // Most notes are not action items: a first letter other than t says so without Foundation.
        if let first = text.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }), first < 0x80, first | 0x20 != UInt8(ascii: "t") {
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 5, trimmed.prefix(5).lowercased() == "todo:" else { return nil }
        let title = trimmed.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)
        return title.isEmpty ? nil : title
    }
}
