import Foundation

/// An item of a checklist or a runbook: `- [ ] id: text {required, na, red-flag}`, hint lines indented below.
public struct TaskItem: Sendable, Equatable, Codable {
    public var id: String
    public var text: String
    public var required: Bool
    public var allowsNotApplicable: Bool
    public var redFlag: Bool
    public var hint: String
    /// The file line the item is on.
    public var line: Int

    public static let attributes: Set<String> = ["required", "na", "red-flag"]

    /// Parses the item on `line` (a task-list line) or returns nil when the line is not a task item.
    static func parse(_ line: Substring, lineNumber: Int, path: String) throws -> TaskItem? {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.hasPrefix("- [ ] ") || trimmed.hasPrefix("- [x] ") || trimmed.hasPrefix("- [X] ")
            || trimmed.hasPrefix("* [ ] ") else { return nil }
        var rest = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
        var attributes: [String] = []
        if rest.hasSuffix("}"), let open = rest.lastIndex(of: "{") {
            attributes = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            rest = rest[..<open].trimmingCharacters(in: .whitespaces)
        }
        for attribute in attributes where !attributes.isEmpty && !TaskItem.attributes.contains(attribute) {
            throw WardError("unknown attribute '{\(attribute)}': use required, na or red-flag", path: path, line: lineNumber)
        }
        guard let colon = rest.firstIndex(of: ":") else {
            throw WardError("the item has no id: write it as '- [ ] some-id: the question'", path: path, line: lineNumber)
        }
        let id = String(rest[..<colon])
        guard !id.isEmpty, id.count <= 64, id.unicodeScalars.allSatisfy({
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
        }) else {
            throw WardError("the item id '\(id)' may use only lower-case letters, digits and hyphens, at most 64 of them", path: path, line: lineNumber)
        }
        let text = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw WardError("the item '\(id)' has no text", path: path, line: lineNumber) }
        return TaskItem(id: id, text: text, required: attributes.contains("required"),
                        allowsNotApplicable: attributes.contains("na"), redFlag: attributes.contains("red-flag"),
                        hint: "", line: lineNumber)
    }
}

/// A section of a task-list document: a `## ` heading (or the part before any), its prose and its items.
public struct TaskSection: Sendable, Equatable {
    public var title: String
    public var guidance: String
    public var items: [TaskItem]
    public var line: Int
}

/// Reads the body of a checklist or runbook definition into sections of items.
enum TaskListParser {
    static func sections(body: String, firstLine: Int, path: String) throws -> [TaskSection] {
        var sections = [TaskSection(title: "", guidance: "", items: [], line: firstLine)]
        var ids: [String: Int] = [:]
        var inFence = false
        for (offset, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = firstLine + offset
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence, line.hasPrefix("## ") {
                sections.append(TaskSection(title: line.dropFirst(3).trimmingCharacters(in: .whitespaces),
                                            guidance: "", items: [], line: number))
                continue
            }
            if !inFence, let item = try TaskItem.parse(line, lineNumber: number, path: path) {
                if let earlier = ids[item.id] {
                    throw WardError("the id '\(item.id)' is used twice (first on line \(earlier))", path: path, line: number)
                }
                ids[item.id] = number
                sections[sections.count - 1].items.append(item)
                continue
            }
            var section = sections[sections.count - 1]
            if let last = section.items.indices.last, line.hasPrefix("  "), !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let hint = line.trimmingCharacters(in: .whitespaces)
                section.items[last].hint += section.items[last].hint.isEmpty ? hint : " " + hint
            } else if section.items.isEmpty || !line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !line.hasPrefix("# ") { section.guidance += (section.guidance.isEmpty ? "" : "\n") + line }
            }
            section.guidance = section.guidance.trimmingCharacters(in: .newlines)
            sections[sections.count - 1] = section
        }
        if sections[0].items.isEmpty && sections.count > 1 && sections[0].guidance.isEmpty { sections.removeFirst() }
        return sections
    }
}
