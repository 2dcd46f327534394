import Foundation

/// The decision directory's table of contents (Markdown) and its graph of supersedes and links (Graphviz).
public enum DecisionIndex {
    public static let startMarker = "<!-- ward:adr-index -->"
    public static let endMarker = "<!-- /ward:adr-index -->"

    /// A Markdown table: number, title (linked to its file), status, date; superseded records name their
    /// successors.
    public static func markdown(_ decisions: [Decision]) -> String {
        var lines = ["| # | Decision | Status | Date |", "| --- | --- | --- | --- |"]
        for decision in decisions {
            var status = decision.status?.rawValue ?? (decision.statusText.isEmpty ? "?" : decision.statusText)
            if !decision.supersededBy.isEmpty {
                status += " by " + decision.supersededBy.map { number in
                    decisions.first { $0.number == number }.map { "[\(number)](\(link($0.fileName)))" } ?? String(number)
                }.joined(separator: ", ")
            }
            lines.append("| \(decision.number) | [\(cell(decision.title, link: true))](\(link(decision.fileName))) | \(cell(status)) | \(cell(decision.date ?? "")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text made safe for a table cell (and, inside a link, for link text).
    static func cell(_ text: String, link: Bool = false) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case "[", "]": out += link ? "\\" + String(character) : String(character)
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A file name as a link target: spaces and parentheses escaped.
    static func link(_ name: String) -> String {
        name.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
    }

    /// `text` with the index between the markers replaced, or the index added at the end when there are no
    /// markers. Nil when the markers are doubled or out of order (the file is then left alone).
    public static func replacingIndex(in text: String, with index: String) -> String? {
        let lines = FrontMatterEditor.splitKeepingEnds(text)
        let starts = lines.indices.filter { lines[$0].content.trimmingCharacters(in: .whitespaces) == startMarker }
        let ends = lines.indices.filter { lines[$0].content.trimmingCharacters(in: .whitespaces) == endMarker }
        let ending = lines.first?.ending.isEmpty == false ? lines.first!.ending : "\n"
        let block = ([startMarker] + index.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) + [endMarker])
            .map { $0 + ending }.joined()
        if starts.isEmpty && ends.isEmpty {
            let separator = text.isEmpty ? "" : (text.hasSuffix("\n") ? ending : ending + ending)
            return text + separator + block
        }
        guard starts.count == 1, ends.count == 1, starts[0] < ends[0] else { return nil }
        let before = lines[..<starts[0]].map { $0.content + $0.ending }.joined()
        let after = lines[(ends[0] + 1)...].map { $0.content + $0.ending }.joined()
        return before + block + after
    }

    /// Graphviz DOT: a node per record (its status as the style), solid edges for supersedes, dashed ones
    /// labelled for the other links (each pair once, from the forward side).
    public static func dot(_ decisions: [Decision]) -> String {
        var lines = ["digraph decisions {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        let known = Set(decisions.map(\.number))
        for decision in decisions {
            var attributes = "label=\"\(quoted("\(decision.number). \(decision.title)"))\", URL=\"\(quoted(decision.fileName))\""
            switch decision.status {
            case .superseded, .deprecated, .rejected: attributes += ", style=\"rounded,dashed\", fontcolor=gray40"
            case .proposed: attributes += ", style=\"rounded,bold\""
            default: break
            }
            lines.append("  adr\(decision.number) [\(attributes)];")
        }
        for decision in decisions {
            for number in decision.supersedes where known.contains(number) {
                lines.append("  adr\(decision.number) -> adr\(number) [label=\"supersedes\"];")
            }
            for number in decision.supersededBy where known.contains(number) {
                let other = decisions.first { $0.number == number }
                if other?.supersedes.contains(decision.number) != true {
                    lines.append("  adr\(number) -> adr\(decision.number) [label=\"supersedes\"];")
                }
            }
            for link in decision.links where known.contains(link.number) {
                let forward = DecisionLink.known.contains { $0.forward == link.label }
                let symmetric = DecisionLink.inverse(of: link.label) == link.label
                if symmetric && link.number < decision.number,
                   decisions.first(where: { $0.number == link.number })?.links.contains(DecisionLink(link.label, decision.number)) == true { continue }
                if forward || DecisionLink.inverse(of: link.label) == nil {
                    lines.append("  adr\(decision.number) -> adr\(link.number) [label=\"\(quoted(link.label))\", style=dashed];")
                } else if let inverse = DecisionLink.inverse(of: link.label),
                          decisions.first(where: { $0.number == link.number })?.links.contains(DecisionLink(inverse, decision.number)) != true {
                    lines.append("  adr\(link.number) -> adr\(decision.number) [label=\"\(quoted(inverse))\", style=dashed];")
                }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Store {
    /// The path of the decisions directory's README, which `ward adr index --write` keeps up to date.
    public var decisionIndexPath: String { decisionsDirectory + "/README.md" }

    /// Writes the index into the directory's README between its markers (adding them at the end, or
    /// creating the README, when missing). Returns whether the file changed.
    @discardableResult
    public func writeDecisionIndex() throws -> Bool {
        let (decisions, _) = loadDecisions()
        let index = DecisionIndex.markdown(decisions)
        let current = try files.read(decisionIndexPath, limit: RecordText.sizeLimit + 1)
        let data: Data
        if let current {
            let record = try RecordText(current.data, path: decisionIndexPath)
            guard let replaced = DecisionIndex.replacingIndex(in: record.text, with: index) else {
                throw WardError("has its index markers doubled or out of order (\(DecisionIndex.startMarker) … \(DecisionIndex.endMarker)); fix them by hand; nothing was written",
                                path: decisionIndexPath)
            }
            data = record.encode(replaced)
        } else {
            data = Data(("# Decision records\n\n" + (DecisionIndex.replacingIndex(in: "", with: index) ?? "")).utf8)
        }
        if current?.data == data { return false }
        try files.makeDirectories(decisionsDirectory)
        try files.replace(decisionIndexPath, with: data, expecting: current.map { .content($0.hash) } ?? .absent)
        return true
    }
}
