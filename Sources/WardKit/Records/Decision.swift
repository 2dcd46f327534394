import Foundation

public enum DecisionStatus: String, CaseIterable, Sendable, Codable {
    case proposed, accepted, rejected, deprecated, superseded

    /// The statuses a record in this status may move to.
    public var allowedNext: [DecisionStatus] {
        switch self {
        case .proposed: return [.accepted, .rejected]
        case .accepted: return [.deprecated, .superseded]
        case .rejected, .deprecated, .superseded: return []
        }
    }

    /// Reads a status as people write it: `Accepted`, `superseded by ADR-0007`, `Superceded by [...]`.
    public static func read(_ text: String) -> DecisionStatus? {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
            .split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
        if word == "superceded" { return .superseded }
        return DecisionStatus(rawValue: word)
    }
}

public enum DecisionFormat: String, Sendable, Codable {
    case madr, nygard
}

/// A decision record: MADR with Ward's front matter keys, or adr-tools' Nygard form without front matter.
public struct Decision: Sendable, Equatable {
    public var number: Int
    public var title: String
    /// Nil when the file states no status Ward can read; `statusText` has what it says.
    public var status: DecisionStatus?
    public var statusText: String
    public var date: String?
    public var format: DecisionFormat
    public var supersedes: [Int]
    public var supersededBy: [Int]
    public var relatesTo: [Int]
    public var incidents: [String]
    public var tags: [String]
    public var decisionMakers: [String]
    /// Relative to the store root.
    public var path: String
    public var body: String
    public var warnings: [Problem]

    public static let knownKeys: Set<String> = [
        "status", "date", "decision-makers", "consulted", "informed", "supersedes", "superseded-by",
        "relates-to", "incidents", "tags",
    ]

    /// The record number in a file name such as `0007-use-postgres.md`, or nil for other files.
    public static func number(inFileName name: String) -> Int? {
        guard name.hasSuffix(".md") else { return nil }
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 7, name.dropFirst(digits.count).first == "-" else { return nil }
        return Int(digits)
    }

    public init(data: Data, path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let number = Decision.number(inFileName: name) else {
            throw WardError("is not named like a decision record (NNNN-title.md)", path: path)
        }
        let text = try RecordText(data, path: path)
        let document = try FrontMatterDocument(text.text, path: path)
        self.number = number
        self.path = path
        body = document.body
        warnings = text.warnings
        if let fields = document.fields {
            format = .madr
            statusText = try fields.string("status") ?? ""
            date = try fields.string("date")
            supersedes = try fields.ints("supersedes")
            supersededBy = try fields.ints("superseded-by")
            relatesTo = try fields.ints("relates-to")
            incidents = try fields.strings("incidents")
            tags = try fields.strings("tags")
            decisionMakers = try fields.strings("decision-makers")
            warnings += fields.unknownKeyWarnings(known: Self.knownKeys)
            title = Decision.heading(in: document.body) ?? ""
        } else {
            format = .nygard
            let nygard = NygardRecord(document.body)
            title = Decision.heading(in: document.body) ?? ""
            statusText = nygard.statusText
            date = nygard.date
            supersedes = nygard.links.filter { $0.label == "supersedes" }.map(\.number)
            supersededBy = nygard.links.filter { $0.label == "superseded by" || $0.label == "superceded by" }.map(\.number)
            relatesTo = nygard.links.filter { !["supersedes", "superseded by", "superceded by"].contains($0.label) }.map(\.number)
            incidents = []
            tags = []
            decisionMakers = []
            if statusText.isEmpty && !supersededBy.isEmpty { statusText = "Superseded" }
        }
        guard !title.isEmpty else {
            throw WardError("has no title: the first heading ('# Title') is missing", path: path, line: document.bodyLine)
        }
        status = DecisionStatus.read(statusText)
        if status == nil {
            warnings.append(Problem(path: path, line: 1, statusText.isEmpty ? "states no status" :
                "has the unknown status '\(statusText)' (use proposed, accepted, rejected, deprecated or superseded)",
                level: .warning))
        }
    }

    /// The first `# ` heading, without an adr-tools number prefix ("# 3. Title").
    static func heading(in body: String) -> String? {
        for line in body.split(separator: "\n") where line.hasPrefix("# ") {
            var title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            let digits = title.prefix { $0.isNumber }
            if !digits.isEmpty, title.dropFirst(digits.count).hasPrefix(". ") {
                title = String(title.dropFirst(digits.count + 2))
            }
            return title
        }
        return nil
    }

    /// `0007-use-postgres.md`.
    public static func fileName(number: Int, title: String) -> String {
        padded(number) + "-" + Slug.make(title, maxBytes: 60) + ".md"
    }

    /// `0007`: four digits at least, more when the number needs them.
    public static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Record numbers above this are refused: no team writes ten million decisions, and a file claiming
    /// one must not make the next number overflow.
    public static let largestNumber = 9_999_999
}

/// What an adr-tools record says in its `Date:` line and `## Status` section.
struct NygardRecord {
    struct Link: Equatable {
        var label: String
        var number: Int
    }

    var date: String?
    var statusText = ""
    var links: [Link] = []

    init(_ body: String) {
        var inStatus = false
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if date == nil, trimmed.hasPrefix("Date:") {
                date = trimmed.dropFirst(5).trimmingCharacters(in: .whitespaces)
                continue
            }
            if trimmed.hasPrefix("## ") {
                inStatus = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces).lowercased() == "status"
                continue
            }
            guard inStatus, !trimmed.isEmpty else { continue }
            if let link = NygardRecord.link(in: trimmed) {
                links.append(link)
            } else if statusText.isEmpty {
                statusText = trimmed
            }
        }
    }

    /// `Supersedes [2. Use X](0002-use-x.md)` → (supersedes, 2).
    static func link(in line: String) -> Link? {
        guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"), open < close,
              line[close...].hasPrefix("](") else { return nil }
        let label = line[..<open].trimmingCharacters(in: .whitespaces).lowercased()
        guard !label.isEmpty else { return nil }
        let target = line[line.index(close, offsetBy: 2)...].prefix { $0 != ")" }
        let file = target.split(separator: "/").last.map(String.init) ?? ""
        if let number = Decision.number(inFileName: file) { return Link(label: label, number: number) }
        let text = line[line.index(after: open)..<close]
        guard let number = Int(text.prefix { $0.isNumber }) else { return nil }
        return Link(label: label, number: number)
    }
}
