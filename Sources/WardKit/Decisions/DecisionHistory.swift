import Foundation

/// One change to a decision record: from Ward's decision journal (`.ward-history.jsonl` in the decisions
/// directory: who created, changed, superseded, linked or renumbered which record, when), or from git.
public struct DecisionHistoryEntry: Sendable, Equatable {
    public var at: Date
    public var by: String
    /// The record's file name.
    public var file: String
    /// What happened, in words: "status proposed → accepted", "created", "commit 1a2b3c4: Accept ADR 7".
    public var what: String
    public var fromGit: Bool
}

extension Store {
    /// The decision journal, beside the records so it travels with them; `merge=union` in .gitattributes.
    public var decisionJournalPath: String { decisionsDirectory + "/" + Self.decisionJournalName }
    public static let decisionJournalName = ".ward-history.jsonl"

    func decisionEvent(_ kind: String, _ decision: Decision, _ fields: [String: JSONValue]) -> Event {
        var all = fields
        all["number"] = .number(Double(decision.number))
        all["file"] = .string(decision.fileName)
        return Event(at: now(), recorded: now(), by: author, kind: kind, fields: all)
    }

    func historyStep(_ event: Event) -> ChangeSet.Step {
        .append(decisionJournalPath, line: Data((event.jsonLine + "\n").utf8), marker: event.id)
    }

    /// Every change the journal and, in a git repository, `git log` know of, oldest first, by file name.
    /// Git is asked once for the whole directory, not once per record.
    public func decisionHistory(includeGit: Bool = true) -> [String: [DecisionHistoryEntry]] {
        var history: [String: [DecisionHistoryEntry]] = [:]
        if let data = try? files.read(decisionJournalPath)?.data {
            for event in Journal(data: data, path: decisionJournalPath).events {
                guard let file = event["file"] else { continue }
                history[file, default: []].append(DecisionHistoryEntry(at: event.at, by: event.by, file: file,
                                                                       what: Self.describe(event), fromGit: false))
            }
        }
        if includeGit {
            for entry in Self.gitHistory(root: root, directory: decisionsDirectory) {
                history[entry.file, default: []].append(entry)
            }
        }
        return history.mapValues { $0.sorted { $0.at < $1.at } }
    }

    static func describe(_ event: Event) -> String {
        switch event.kind {
        case "created": return "created, \(event["status"] ?? "proposed")"
        case "status":
            let by = event.fields["by_record"]?.int.map { " by \($0)" } ?? ""
            return "status \(event["from"] ?? "?") → \(event["to"] ?? "?")\(by)"
        case "linked": return "linked: \(event["link"] ?? "") \(event.fields["target"]?.int.map { String($0) } ?? "?")"
        case "incident": return "linked to incident \(event["incident"] ?? "?")"
        case "renumbered": return "renumbered from \(event["from_file"] ?? "?")"
        default: return event.kind
        }
    }

    /// `git log` over the decisions directory, once: each commit that touched a record, with the status the
    /// commit gave it when its diff changed the status line.
    static func gitHistory(root: URL, directory: String) -> [DecisionHistoryEntry] {
        guard let log = Git.run(["log", "--no-color", "--no-renames", "-U0", "--format=%x1e%h%x1f%an%x1f%aI%x1f%s", "--", directory + "/"],
                                in: root, timeout: 20) else { return [] }
        var entries: [DecisionHistoryEntry] = []
        for commit in log.split(separator: "\u{1e}") {
            let lines = commit.split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.first else { continue }
            let parts = header.split(separator: "\u{1f}", omittingEmptySubsequences: false)
            guard parts.count == 4, let at = Timestamps.parseISO(String(parts[2])) else { continue }
            var file: String?, statuses: [String: String] = [:], touched: [String] = []
            for line in lines.dropFirst() {
                if line.hasPrefix("+++ ") {
                    let name = line.split(separator: "/").last.map(String.init) ?? ""
                    file = Decision.number(inFileName: name) != nil ? name : nil
                    if let file, !touched.contains(file) { touched.append(file) }
                } else if let file, line.hasPrefix("+"), !line.hasPrefix("+++"), let status = statusChange(String(line.dropFirst())) {
                    statuses[file] = status
                }
            }
            for name in touched {
                let what = "commit \(parts[0]): \(parts[3])" + (statuses[name].map { " (status \($0))" } ?? "")
                entries.append(DecisionHistoryEntry(at: at, by: String(parts[1]), file: name, what: what, fromGit: true))
            }
        }
        return entries
    }

    /// The status an added diff line sets: `status: accepted`, `* Status: accepted`, or a bare `Accepted`.
    static func statusChange(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        var value: String?
        if trimmed.lowercased().hasPrefix("status:") { value = String(trimmed.dropFirst(7)) }
        else if let entry = BulletRecord.entry(in: trimmed), entry.key == "status" { value = entry.value }
        else if DecisionStatus(rawValue: trimmed.lowercased()) != nil { value = trimmed }
        return value.flatMap { DecisionStatus.read($0)?.rawValue }
    }
}
