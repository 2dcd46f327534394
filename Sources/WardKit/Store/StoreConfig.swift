import Foundation

/// `ward.yaml`: the store's format version and team settings.
public struct StoreConfig: Sendable, Equatable {
    public struct Severity: Sendable, Equatable, Codable {
        public var name: String
        public var meaning: String
    }

    public static let formatVersion = 1
    public static let defaultSeverities = [
        Severity(name: "SEV1", meaning: "Data lost or at risk, a security breach, or the product down for everyone"),
        Severity(name: "SEV2", meaning: "A major feature down or degraded for many customers"),
        Severity(name: "SEV3", meaning: "A minor feature degraded, or a workaround exists"),
        Severity(name: "SEV4", meaning: "No customer impact yet; needs attention soon"),
    ]

    public var format: Int
    public var name: String?
    public var severities: [Severity]
    /// `decisions.dir`, when ward.yaml says; otherwise the store finds the directory a repository already has.
    public var decisionsDirectory: String?
    /// `decisions.format`, when ward.yaml says; otherwise the form of the records already there.
    public var decisionsFormat: DecisionFormat?
    public var targets: [String: String]
    public var warnings: [Problem]

    public static let knownKeys: Set<String> = ["format", "name", "severities", "decisions", "targets"]

    public init(data: Data, path: String = "ward.yaml") throws {
        let text = try RecordText(data, path: path)
        let fields = try FrontMatterDocument.fields(yaml: text.text, path: path, firstLine: 1)
        guard let formatText = try fields.string("format"), let format = Int(formatText) else {
            throw WardError("the required key 'format' is missing: add 'format: 1'", path: path, line: 1)
        }
        guard format == Self.formatVersion else {
            throw WardError("is format \(format); this Ward reads format \(Self.formatVersion). Use a Ward that knows it", path: path, line: fields.line("format"))
        }
        self.format = format
        name = try fields.string("name")
        severities = []
        if let node = fields.node("severities"), let list = node.sequence {
            for entry in list {
                guard entry.mapping != nil, let name = entry["name"]?.scalar else {
                    throw WardError("each severity needs a 'name' (and a 'meaning')", path: path, line: entry.line)
                }
                severities.append(Severity(name: name, meaning: entry["meaning"]?.scalar ?? ""))
            }
        } else if let node = fields.node("severities"), !node.isNull {
            throw WardError("'severities' must be a list of name and meaning", path: path, line: fields.line("severities"))
        }
        if severities.isEmpty { severities = Self.defaultSeverities }
        decisionsDirectory = nil
        decisionsFormat = nil
        if let node = fields.node("decisions"), !node.isNull, node.mapping == nil {
            throw WardError("'decisions' must be a mapping, such as 'decisions: {dir: docs/adr, format: nygard}'", path: path, line: fields.line("decisions"))
        }
        if let decisions = fields.node("decisions"), decisions.mapping != nil {
            if let dir = decisions["dir"]?.scalar { decisionsDirectory = DecisionDirectory.normalise(dir) }
            if let format = decisions["format"]?.scalar {
                guard let parsed = DecisionFormat(rawValue: format.lowercased()), parsed != .bullets else {
                    throw WardError("decisions format '\(format)' is unknown: use madr or nygard", path: path, line: fields.line("decisions"))
                }
                decisionsFormat = parsed
            }
        }
        if let dir = decisionsDirectory, !DecisionDirectory.isInside(dir) {
            throw WardError("the decisions dir must be inside the store", path: path, line: fields.line("decisions"))
        }
        targets = [:]
        for pair in fields.node("targets")?.mapping ?? [] {
            if let value = pair.value.scalar { targets[pair.key] = value }
        }
        warnings = text.warnings + fields.unknownKeyWarnings(known: Self.knownKeys)
    }

    /// The severity named `text` (any case; `1` means SEV1), or an error naming the defined ones.
    public func severity(named text: String) throws -> Severity {
        let wanted = text.uppercased()
        if let found = severities.first(where: { $0.name.uppercased() == wanted || $0.name.uppercased() == "SEV" + wanted }) {
            return found
        }
        throw WardError("unknown severity '\(text)': ward.yaml defines \(severities.map(\.name).joined(separator: ", "))")
    }
}
