import Foundation

/// What a change adds to a decision record: a new status, and links it gains. Links are only ever added
/// here; renumbering rewrites them as text.
public struct DecisionChange: Sendable, Equatable {
    public var status: DecisionStatus?
    public var supersededBy: [Int] = []
    public var supersedes: [Int] = []
    public var links: [DecisionLink] = []
    public var incidents: [String] = []

    public init(status: DecisionStatus? = nil, supersededBy: [Int] = [], supersedes: [Int] = [],
                links: [DecisionLink] = [], incidents: [String] = []) {
        self.status = status
        self.supersededBy = supersededBy
        self.supersedes = supersedes
        self.links = links
        self.incidents = incidents
    }

    /// The record as it must read once the change is made.
    func applied(to decision: Decision) -> Decision {
        var result = decision
        if let status { result.status = status }
        for number in supersededBy where !result.supersededBy.contains(number) { result.supersededBy.append(number) }
        for number in supersedes where !result.supersedes.contains(number) { result.supersedes.append(number) }
        for link in links where !result.links.contains(link) { result.links.append(link) }
        for id in incidents where !result.incidents.contains(id) { result.incidents.append(id) }
        return result
    }
}

/// Edits to a decision file in its own format, changing only the lines that must change.
public enum DecisionEditing {
    /// How a link names another record: its title and file name. The incident's path from the decisions
    /// directory, for adr-tools records.
    public struct Names {
        public var record: (Int) -> (title: String, file: String)?
        public var incidentPath: (String) -> String

        public init(record: @escaping (Int) -> (title: String, file: String)?, incidentPath: @escaping (String) -> String) {
            self.record = record
            self.incidentPath = incidentPath
        }
    }

    /// `text` (the bytes of `decision`) with `change` made, checked by reading the result back: nil when
    /// Ward cannot make it without touching more than it should.
    public static func apply(_ change: DecisionChange, to text: String, of decision: Decision, names: Names) -> String? {
        var text = text
        let want = change.applied(to: decision)
        // A status line with more than the status on it ("Accepted on 2021-05-01 by the board") is a
        // person's words: Ward does not replace them.
        if let status = change.status, status != decision.status {
            let words = decision.statusText.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let ours = words.count <= 1 || decision.statusText.lowercased().hasPrefix("superseded by [")
            if !ours { return nil }
        }
        let newSupersededBy = want.supersededBy.filter { !decision.supersededBy.contains($0) }
        let newSupersedes = want.supersedes.filter { !decision.supersedes.contains($0) }
        let newLinks = want.links.filter { !decision.links.contains($0) }
        let newIncidents = want.incidents.filter { !decision.incidents.contains($0) }
        switch decision.format {
        case .madr:
            func setList(_ key: String, _ values: [String]) -> Bool {
                guard let updated = FrontMatterEditor.setVerified(key, to: "[" + values.joined(separator: ", ") + "]",
                                                                  in: text, path: decision.path, expected: values) else { return false }
                text = updated
                return true
            }
            if let status = change.status, status != decision.status || decision.statusText != status.rawValue {
                guard let updated = FrontMatterEditor.setVerified("status", to: status.rawValue, in: text, path: decision.path,
                                                                  expected: [status.rawValue]) else { return nil }
                text = updated
            }
            if !newSupersededBy.isEmpty, !setList("superseded-by", want.supersededBy.map(String.init)) { return nil }
            if !newSupersedes.isEmpty, !setList("supersedes", want.supersedes.map(String.init)) { return nil }
            for label in Set(newLinks.map(\.label)).sorted() {
                let numbers = want.links.filter { $0.label == label }.map { String($0.number) }
                if !setList(DecisionLink.frontMatterKey(label), numbers) { return nil }
            }
            if !newIncidents.isEmpty {
                guard let updated = FrontMatterEditor.setVerified("incidents", to: FrontMatterEditor.list(want.incidents),
                                                                  in: text, path: decision.path, expected: want.incidents) else { return nil }
                text = updated
            }
        case .nygard:
            if let status = change.status, status != decision.status || DecisionStatus.read(decision.statusText) != status {
                guard let updated = setNygardStatus(sentence(status), in: text) else { return nil }
                text = updated
            }
            var lines: [String] = []
            for number in newSupersededBy { lines.append(nygardLink("Superseded by", number, names)) }
            for number in newSupersedes { lines.append(nygardLink("Supersedes", number, names)) }
            for link in newLinks { lines.append(nygardLink(DecisionLink.sentence(link.label), link.number, names)) }
            for id in newIncidents { lines.append("Incident [\(id)](\(names.incidentPath(id)))") }
            for line in lines {
                guard let updated = addingStatusLink(line, in: text) else { return nil }
                text = updated
            }
        case .bullets:
            if let status = change.status ?? (newSupersededBy.isEmpty ? nil : .superseded) {
                var value = status.rawValue
                if status == .superseded, !want.supersededBy.isEmpty {
                    value += " by " + want.supersededBy.map { bulletLink($0, names) }.joined(separator: ", ")
                }
                guard let updated = settingBullet("Status", to: value, in: text) else { return nil }
                text = updated
            }
            if !newSupersedes.isEmpty {
                guard let updated = settingBullet("Supersedes", to: want.supersedes.map { bulletLink($0, names) }.joined(separator: ", "),
                                                  in: text) else { return nil }
                text = updated
            }
            for label in Set(newLinks.map(\.label)).sorted() {
                let value = want.links.filter { $0.label == label }.map { bulletLink($0.number, names) }.joined(separator: ", ")
                guard let updated = settingBullet(DecisionLink.sentence(label), to: value, in: text) else { return nil }
                text = updated
            }
            if !newIncidents.isEmpty {
                guard let updated = settingBullet("Incidents", to: want.incidents.joined(separator: ", "), in: text) else { return nil }
                text = updated
            }
        }
        guard let reread = try? Decision(data: Data(text.utf8), path: decision.path),
              reread.title == want.title, reread.status == want.status, Set(reread.supersedes) == Set(want.supersedes),
              Set(reread.supersededBy) == Set(want.supersededBy), Set(reread.links) == Set(want.links),
              Set(reread.incidents) == Set(want.incidents) else { return nil }
        return text
    }

    /// The file's text with its status changed: the `status:` line of a MADR record, the status line of an
    /// adr-tools record's `## Status` section (its link lines stay), or a `* Status:` bullet.
    public static func settingStatus(_ status: DecisionStatus, in text: String, format: DecisionFormat) -> String? {
        switch format {
        case .madr: return FrontMatterEditor.set("status", to: status.rawValue, in: text)
        case .nygard: return setNygardStatus(sentence(status), in: text)
        case .bullets: return settingBullet("Status", to: status.rawValue, in: text)
        }
    }

    static func sentence(_ status: DecisionStatus) -> String {
        status.rawValue.prefix(1).uppercased() + status.rawValue.dropFirst()
    }

    /// `Superseded by [6. Archive WAL](0006-archive-wal.md)`, as adr-tools writes it.
    static func nygardLink(_ label: String, _ number: Int, _ names: Names) -> String {
        let target = names.record(number)
        // Brackets in the title are escaped: adr-tools' link reader stops at the first " [" it cannot match.
        let title = linkText(target?.title ?? "ADR \(number)")
        return "\(label) [\(number). \(title)](\(target?.file ?? Decision.padded(number) + ".md"))"
    }

    /// A title as the text of a Markdown link, its brackets escaped.
    public static func linkText(_ title: String) -> String {
        title.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }

    /// `[ADR-0006](0006-archive-wal.md)`, as MADR writes it.
    static func bulletLink(_ number: Int, _ names: Names) -> String {
        "[ADR-\(Decision.padded(number))](\(names.record(number)?.file ?? Decision.padded(number) + ".md"))"
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
            if !trimmed.isEmpty && NygardRecord.link(in: trimmed) == nil && NygardRecord.incident(in: trimmed) == nil {
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

    /// Sets the `* Key: value` bullet under the title, keeping its bullet character; adds it after the last
    /// bullet when it is missing.
    static func settingBullet(_ key: String, to value: String, in text: String) -> String? {
        var lines = FrontMatterEditor.splitKeepingEnds(text)
        guard let title = lines.firstIndex(where: { $0.content.hasPrefix("# ") }) else { return nil }
        let wanted = key.lowercased().replacingOccurrences(of: " ", with: "-")
        var index = title + 1, lastBullet: Int?, bullet = "*"
        while index < lines.count, !lines[index].content.hasPrefix("## ") {
            if let entry = BulletRecord.entry(in: lines[index].content) {
                bullet = String(lines[index].content.prefix(1))
                if entry.key == wanted {
                    lines[index].content = "\(bullet) \(key): \(value)"
                    return lines.map { $0.content + $0.ending }.joined()
                }
                lastBullet = index
            }
            index += 1
        }
        guard let lastBullet else { return nil }
        let ending = lines[lastBullet].ending.isEmpty ? "\n" : lines[lastBullet].ending
        lines.insert(Line(content: "\(bullet) \(key): \(value)", ending: ending), at: lastBullet + 1)
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
