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
        if word == "draft" { return .proposed }  // log4brains
        return DecisionStatus(rawValue: word)
    }
}

public enum DecisionFormat: String, Sendable, Codable {
    /// MADR 3 or 4: YAML front matter.
    case madr
    /// adr-tools: `Date:` line and a `## Status` section.
    case nygard
    /// MADR 2 and log4brains: `* Status: accepted` bullets under the title.
    case bullets
}

/// A decision record: MADR with Ward's front matter keys, adr-tools' Nygard form, or MADR 2 / log4brains
/// bullets. Each is read as it is and edited in its own form.
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
    /// Typed links other than supersedes: relates to, amends, clarifies and their inverses.
    public var links: [DecisionLink]
    public var incidents: [String]
    public var tags: [String]
    public var decisionMakers: [String]
    /// Relative to the store root.
    public var path: String
    public var body: String
    public var warnings: [Problem]

    public var relatesTo: [Int] { links.filter { $0.label == "relates to" }.map(\.number) }
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    public static let knownKeys: Set<String> = Set([
        "status", "date", "decision-makers", "deciders", "consulted", "informed", "supersedes", "superseded-by",
        "incidents", "tags",
    ] + DecisionLink.knownLabels.map(DecisionLink.frontMatterKey))

    /// The record number in a file name such as `0007-use-postgres.md` (or log4brains' `20260301-use-x.md`),
    /// or nil for other files.
    public static func number(inFileName name: String) -> Int? {
        guard name.hasSuffix(".md") else { return nil }
        // The digits by their bytes (a listing of thousands of records reads every name); only the dash
        // after them is looked at as a Character, so that a dash with a combining mark is not one.
        let utf8 = name.utf8
        var index = utf8.startIndex
        var value = 0
        var count = 0
        while index != utf8.endIndex, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
            count += 1
            guard count <= 8 else { return nil }
            value = value * 10 + Int(utf8[index] - UInt8(ascii: "0"))
            index = utf8.index(after: index)
        }
        guard count >= 1, index != utf8.endIndex, utf8[index] == UInt8(ascii: "-"), name[index...].first == "-" else { return nil }
        return value
    }

    /// An empty record for the derived cache to fill in (see `Store+DecisionIndex`).
    init(cachedNumber number: Int, title: String) {
        self.number = number
        self.title = title
        status = nil
        statusText = ""
        date = nil
        format = .madr
        supersedes = []
        supersededBy = []
        links = []
        incidents = []
        tags = []
        decisionMakers = []
        path = ""
        body = ""
        warnings = []
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
        title = Decision.heading(in: document.body) ?? ""
        links = []
        incidents = []
        tags = []
        decisionMakers = []
        supersedes = []
        supersededBy = []
        if let fields = document.fields {
            format = .madr
            statusText = try fields.string("status") ?? ""
            date = try fields.string("date")
            supersedes = try fields.ints("supersedes")
            supersededBy = try fields.ints("superseded-by")
            for label in DecisionLink.knownLabels {
                links += try fields.ints(DecisionLink.frontMatterKey(label)).map { DecisionLink(label, $0) }
            }
            incidents = try fields.strings("incidents")
            tags = try fields.strings("tags")
            decisionMakers = try fields.strings("decision-makers")
            if decisionMakers.isEmpty { decisionMakers = try fields.strings("deciders") }
            warnings += fields.unknownKeyWarnings(known: Self.knownKeys)
        } else if let bullets = BulletRecord(document.body) {
            format = .bullets
            statusText = bullets.value("status") ?? ""
            date = bullets.value("date")
            decisionMakers = bullets.list("decision-makers") ?? bullets.list("deciders") ?? []
            tags = bullets.list("tags") ?? []
            supersedes = bullets.value("supersedes").map(Decision.recordNumbers(in:)) ?? []
            for label in DecisionLink.knownLabels {
                let numbers = bullets.value(DecisionLink.frontMatterKey(label)).map(Decision.recordNumbers(in:)) ?? []
                links += numbers.map { DecisionLink(label, $0) }
            }
            incidents = bullets.list("incidents") ?? []
        } else {
            format = .nygard
            let nygard = NygardRecord(document.body)
            statusText = nygard.statusText
            date = nygard.date
            for link in nygard.links {
                switch link.label {
                case "supersedes": supersedes.append(link.number)
                case "superseded by", "superceded by": supersededBy.append(link.number)
                default: links.append(DecisionLink(link.label, link.number))
                }
            }
            incidents = nygard.incidents
        }
        guard !title.isEmpty else {
            throw WardError("has no title: the first heading ('# Title') is missing", path: path, line: document.bodyLine)
        }
        status = DecisionStatus.read(statusText)
        // "superseded by [ADR-0005](0005-example.md)", as MADR 2 and 3 and log4brains write it.
        if status == .superseded {
            for number in Decision.recordNumbers(in: statusText) where !supersededBy.contains(number) {
                supersededBy.append(number)
            }
        }
        if status == nil && !supersededBy.isEmpty {
            statusText = "Superseded"
            status = .superseded
        } else if let current = status, current != .superseded, !supersededBy.isEmpty {
            // adr-tools leaves "Proposed" beside "Superseded by" when it supersedes a proposed record.
            warnings.append(Problem(path: path, line: 1, "says it is \(current.rawValue) but is superseded by " +
                                    supersededBy.map(String.init).joined(separator: ", ") + "; read as superseded", level: .warning))
            status = .superseded
        }
        if status == nil {
            warnings.append(Problem(path: path, line: 1, statusText.isEmpty ? "states no status" :
                "has the unknown status '\(statusText)' (use proposed, accepted, rejected, deprecated or superseded)",
                level: .warning))
        }
    }

    /// Record numbers named in text: Markdown links to record files (`(0005-example.md)`) and `ADR-0005`.
    static func recordNumbers(in text: String) -> [Int] {
        var numbers: [Int] = []
        var rest = Substring(text)
        while let open = rest.range(of: "](") {
            let target = rest[open.upperBound...].prefix { $0 != ")" }
            let file = target.split(separator: "/").last.map(String.init) ?? ""
            if let number = Decision.number(inFileName: file), !numbers.contains(number) { numbers.append(number) }
            rest = rest[open.upperBound...]
        }
        if numbers.isEmpty {
            rest = Substring(text)
            while let found = rest.range(of: "ADR-") {
                let digits = rest[found.upperBound...].prefix { $0.isASCII && $0.isNumber }
                if let number = Int(digits), number > 0, !numbers.contains(number) { numbers.append(number) }
                rest = rest[found.upperBound...]
            }
        }
        return numbers
    }

    /// A stand-in for a record that does not parse, known only by its file.
    static func stub(path: String, number: Int) -> Decision {
        var decision = try! Decision(data: Data("---\nstatus: accepted\n---\n# ?\n".utf8), path: "x/0001-x.md")
        decision.path = path
        decision.number = number
        return decision
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
    /// one must not make the next number overflow. (log4brains' dated names, `20260301-...`, are read but
    /// never counted for the next number.)
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
    /// `Incident [ID](path)` lines, which Ward writes for the incidents a decision came from.
    var incidents: [String] = []

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
            if let incident = NygardRecord.incident(in: trimmed) {
                incidents.append(incident)
            } else if let link = NygardRecord.link(in: trimmed) {
                links.append(link)
            } else if statusText.isEmpty {
                statusText = trimmed
            }
        }
    }

    /// The parts of `Label [text](target)`; the text may itself hold brackets, so the last `](` splits.
    static func parts(of line: String) -> (label: String, text: Substring, target: Substring)? {
        guard let open = line.firstIndex(of: "["), let split = line.range(of: "](", options: .backwards),
              open < split.lowerBound, line.hasSuffix(")") else { return nil }
        let label = line[..<open].trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty, !label.contains("[") else { return nil }
        let text = line[line.index(after: open)..<split.lowerBound]
        let target = line[split.upperBound..<line.index(before: line.endIndex)]
        return (label, text, target)
    }

    /// `Supersedes [2. Use X](0002-use-x.md)` → (supersedes, 2).
    static func link(in line: String) -> Link? {
        guard let (label, text, target) = parts(of: line) else { return nil }
        let file = target.split(separator: "/").last.map(String.init) ?? ""
        if let number = Decision.number(inFileName: file) { return Link(label: DecisionLink.normalise(label), number: number) }
        guard let number = Int(text.prefix { $0.isNumber }) else { return nil }
        return Link(label: DecisionLink.normalise(label), number: number)
    }

    /// `Incident [2026-03-17-db-deleted](../../incidents/2026-03-17-db-deleted/incident.md)` → the id.
    static func incident(in line: String) -> String? {
        guard let (label, text, target) = parts(of: line), label.lowercased() == "incident",
              target.hasSuffix("/incident.md") else { return nil }
        return String(text)
    }
}

/// MADR 2 and log4brains metadata: `* Status: accepted` (or `- Status:`) bullets between the title and the
/// first section.
struct BulletRecord {
    struct Entry {
        var key: String
        var value: String
    }

    var entries: [Entry] = []

    /// Nil when the record has no `Status:` bullet before its first section.
    init?(_ body: String) {
        var seenTitle = false
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# ") { seenTitle = true; continue }
            guard seenTitle else { continue }
            if line.hasPrefix("## ") { break }
            guard let entry = BulletRecord.entry(in: String(line)) else { continue }
            entries.append(entry)
        }
        guard entries.contains(where: { $0.key == "status" }) else { return nil }
    }

    /// `* Status: accepted` → (status, accepted). Keys are lower-cased, spaces as hyphens.
    static func entry(in line: String) -> Entry? {
        guard line.hasPrefix("* ") || line.hasPrefix("- "), let colon = line.firstIndex(of: ":") else { return nil }
        let key = line[line.index(line.startIndex, offsetBy: 2)..<colon].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.count <= 20, key.allSatisfy({ $0.isLetter || $0 == "-" || $0 == " " }) else { return nil }
        var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let comment = value.range(of: "<!--") { value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces) }
        return Entry(key: key.lowercased().replacingOccurrences(of: " ", with: "-"), value: value)
    }

    func value(_ key: String) -> String? {
        entries.first { $0.key == key }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A comma- (or, for tags, space-) separated list.
    func list(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        let separators: Set<Character> = key == "tags" ? [",", " "] : [","]
        return value.split(whereSeparator: { separators.contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
