import Foundation

/// The commit message `ward sync` writes: what changed in the store, in the words of its records.
///
/// Made from the staged changes: the names and states of the files, and the journal lines added
/// (`git diff --cached -U0` of the journals), read as events.
struct SyncMessage {
    /// One line per thing changed: "INC 2026-11-23-prod-db-deleted: 12 notes, status mitigated".
    var items: [String] = []

    /// `changes`: (status letter, path) pairs from `git diff --cached --name-status`; `addedLines`: the
    /// journal lines added, per path; `titles`: a decision's title, by path (read from the file).
    init(changes: [(status: Character, path: String)], addedLines: [String: [String]], decisionsDirectory: String,
         title: (String) -> String?) {
        var incidents: [String: IncidentChange] = [:]
        var incidentOrder: [String] = []
        var others = 0
        var checklistRuns = 0
        var checklistFiles: Set<String> = []
        for (status, path) in changes {
            let parts = path.split(separator: "/").map(String.init)
            if parts.count == 3, parts[0] == "incidents" {
                let id = parts[1]
                if incidents[id] == nil { incidentOrder.append(id) }
                var change = incidents[id] ?? IncidentChange()
                switch parts[2] {
                case "incident.md": if status == "A" { change.declared = true } else { change.edited.insert("incident.md edited") }
                case "postmortem.md": change.edited.insert(status == "A" ? "post-mortem drafted" : "post-mortem edited")
                case "timeline.jsonl": change.add(lines: addedLines[path] ?? [])
                default: change.edited.insert(parts[2] + (status == "D" ? " removed" : " changed"))
                }
                incidents[id] = change
            } else if path.hasPrefix(decisionsDirectory + "/"), let number = Decision.number(inFileName: parts.last ?? "") {
                let verb = status == "A" ? "added" : status == "D" ? "removed" : "changed"
                let name = status == "D" ? nil : title(path)
                items.append("ADR \(number) \(verb)" + (name.map { ": " + $0 } ?? ""))
            } else if path.hasPrefix("checklists/runs/") {
                checklistRuns += (addedLines[path] ?? []).count
                checklistFiles.insert(parts.last ?? path)
            } else if path.hasSuffix(Store.decisionJournalName) {
                continue  // said by the decisions' own lines
            } else {
                others += 1
            }
        }
        if !checklistFiles.isEmpty {
            let names = checklistFiles.count <= 3 ? " (" + checklistFiles.sorted().joined(separator: ", ") + ")" : " in \(checklistFiles.count) files"
            items.append("checklist runs: " + (checklistRuns == 0 ? "changed" : "\(checklistRuns) recorded") + names)
        }
        items = incidentOrder.map { "INC \($0): " + incidents[$0]!.phrase } + items
        if others > 0 { items.append("\(others) other file\(others == 1 ? "" : "s")") }
    }

    /// The subject line: the single item, or a count and as many items as fit in 72 characters.
    var subject: String {
        if items.count == 1 { return Self.clip(items[0], to: 100) }
        var subject = "Ward sync: \(items.count) changes"
        var listed: [String] = []
        for item in items {
            let short = item.split(separator: ":").first.map(String.init) ?? item
            if (subject + " (" + (listed + [short]).joined(separator: ", ") + ")").count > 72 { break }
            listed.append(short)
        }
        if !listed.isEmpty { subject += " (" + listed.joined(separator: ", ") + (listed.count < items.count ? ", ..." : "") + ")" }
        return subject
    }

    /// The body: every item on its own line (empty when the subject says it all).
    /// The body: every item on its own line (empty when the subject says it all), at most `bodyLimit` of them.
    var body: String {
        guard items.count > 1 || subject != items.first else { return "" }
        let shown = items.prefix(Self.bodyLimit).map { "- " + $0 }
        return (shown + (items.count > Self.bodyLimit ? ["- and \(items.count - Self.bodyLimit) more"] : [])).joined(separator: "\n")
    }

    /// A first sync of a large store changes thousands of records: its message names the first hundred.
    static let bodyLimit = 100

    static func clip(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 3)) + "..."
    }
}

/// What the added journal lines of one incident amount to.
private struct IncidentChange {
    var declared = false
    var edited: Set<String> = []
    var counts: [String: Int] = [:]
    var kindOrder: [String] = []
    var status: String?
    var severity: String?

    mutating func add(lines: [String]) {
        for line in lines {
            guard let event = try? Event(jsonLine: line[...]) else {
                count("unreadable line")
                continue
            }
            switch event.kind {
            case "status": status = event["status"] ?? status
            case "severity": severity = event.fields["severity"].map(Self.text) ?? severity
            case "declared": declared = true
            default: count(event.kind)
            }
        }
    }

    private mutating func count(_ kind: String) {
        if counts[kind] == nil { kindOrder.append(kind) }
        counts[kind, default: 0] += 1
    }

    static func text(_ value: JSONValue) -> String {
        if let string = value.string { return string }
        return value.jsonText
    }

    var phrase: String {
        var parts: [String] = []
        if declared { parts.append("declared") }
        for kind in kindOrder {
            let count = counts[kind]!
            parts.append("\(count) " + Self.noun(kind, plural: count != 1))
        }
        if let status { parts.append("status " + status) }
        if let severity { parts.append("severity " + severity) }
        parts += edited.sorted()
        return parts.isEmpty ? "changed" : parts.joined(separator: ", ")
    }

    static func noun(_ kind: String, plural: Bool) -> String {
        let nouns = ["note": "note", "role": "role change", "runbook": "runbook step", "action": "action item change",
                     "checklist": "checklist answer", "checklist-run": "checklist run", "milestone": "milestone",
                     "decision": "decision link", "unreadable line": "unreadable line"]
        let noun = nouns[kind] ?? kind + " event"
        return plural ? noun + "s" : noun
    }
}
