import Foundation

/// Edits to a decision file in its own format, changing only the lines that must change.
public enum DecisionEditing {
    /// The file's text with its status changed: the `status:` line of a MADR record, or the status line of
    /// an adr-tools record's `## Status` section (its link lines stay).
    public static func settingStatus(_ status: DecisionStatus, in text: String, format: DecisionFormat) -> String? {
        switch format {
        case .madr:
            return FrontMatterEditor.set("status", to: status.rawValue, in: text)
        case .nygard:
            return setNygardStatus(status.rawValue.prefix(1).uppercased() + status.rawValue.dropFirst(), in: text)
        }
    }

    static func setNygardStatus(_ word: String, in text: String) -> String? {
        var lines = FrontMatterEditor.splitKeepingEnds(text)
        guard let heading = lines.firstIndex(where: {
            $0.content.trimmingCharacters(in: .whitespaces).lowercased() == "## status"
        }) else { return nil }
        let ending = lines[heading].ending.isEmpty ? "\n" : lines[heading].ending
        var index = heading + 1
        while index < lines.count, !lines[index].content.hasPrefix("## ") {
            let trimmed = lines[index].content.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty && NygardRecord.link(in: trimmed) == nil {
                lines[index].content = word
                return lines.map { $0.content + $0.ending }.joined()
            }
            index += 1
        }
        // Only link lines (as adr-tools leaves a superseded record), or nothing: put the status first.
        let blank = Line(content: "", ending: ending), status = Line(content: word, ending: ending)
        if heading + 1 < lines.count, lines[heading + 1].content.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.insert(contentsOf: [status, blank], at: heading + 2)
        } else {
            lines.insert(contentsOf: [blank, status, blank], at: heading + 1)
        }
        return lines.map { $0.content + $0.ending }.joined()
    }

    typealias Line = FrontMatterEditor.Line
}

extension DecisionEditing {
    /// Adds a link line (`Superseded by [..](..)`) at the end of an adr-tools record's `## Status` section.
    public static func addingStatusLink(_ link: String, in text: String) -> String? {
        var lines = FrontMatterEditor.splitKeepingEnds(text)
        guard let heading = lines.firstIndex(where: {
            $0.content.trimmingCharacters(in: .whitespaces).lowercased() == "## status"
        }) else { return nil }
        let ending = lines[heading].ending.isEmpty ? "\n" : lines[heading].ending
        var end = heading + 1
        while end < lines.count, !lines[end].content.hasPrefix("## ") { end += 1 }
        var last = end - 1
        while last > heading, lines[last].content.trimmingCharacters(in: .whitespaces).isEmpty { last -= 1 }
        if lines[last].ending.isEmpty { lines[last].ending = ending }
        lines.insert(contentsOf: [Line(content: "", ending: ending), Line(content: link, ending: ending)], at: last + 1)
        return lines.map { $0.content + $0.ending }.joined()
    }
}
