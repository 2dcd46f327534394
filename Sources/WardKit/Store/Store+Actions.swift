import Foundation

/// Action items across incidents: listing, adding, closing, and importing the ones people wrote in a
/// post-mortem. Every change is an `action` event in the incident's timeline.
extension Store {
    /// Every action item of every incident, with its incident's id.
    public func allActions() -> [ActionItem] {
        loadIncidents().flatMap(\.state.actions)
    }

    /// `today` as the UTC date action items are due by.
    public var today: String { Timestamps.formatDate(now()) }

    /// Open items first, overdue ones first among them, then by due date (none last) and age.
    public static func sortedForWork(_ items: [ActionItem], today: String) -> [ActionItem] {
        items.sorted { a, b in
            let ka = (a.state == .open ? 0 : 1, a.isOverdue(today: today) ? 0 : 1, a.due ?? "9999", a.created)
            let kb = (b.state == .open ? 0 : 1, b.isOverdue(today: today) ? 0 : 1, b.due ?? "9999", b.created)
            return ka < kb
        }
    }

    /// The item a person named by its short id or any unique part of its id; `incident` narrows the search
    /// (two copies of one incident hold the same ids).
    public func findAction(_ query: String, incident: String? = nil) throws -> ActionItem {
        let query = query.trimmingCharacters(in: .whitespaces).lowercased()
        guard !query.isEmpty else { throw WardError("name the action item by its id (see 'ward action list')") }
        var items = allActions()
        if let incident { items = items.filter { $0.incident.localizedCaseInsensitiveContains(incident) } }
        let exact = items.filter { $0.id.lowercased() == query || $0.shortID == query }
        if exact.count > 1 {
            throw WardError("'\(query)' names items in \(exact.count) incidents (\(exact.map(\.incident).joined(separator: ", "))); add --incident to say which")
        }
        if let exact = exact.first { return exact }
        let matches = items.filter { $0.id.lowercased().contains(query) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw WardError("no action item matches '\(query)' (see 'ward action list')")
        default: throw WardError("'\(query)' matches \(matches.count) action items: \(matches.prefix(6).map(\.shortID).joined(separator: ", "))")
        }
    }

    public func addAction(_ incident: Incident, title: String, owner: String? = nil, due: String? = nil,
                          type: ActionItem.Kind? = nil, source: String = "added", keepSecrets: Bool = false) throws -> Recorded {
        var hidden: [String] = []
        let title = prose(title, keepSecrets: keepSecrets, hidden: &hidden)
        guard !title.isEmpty else { throw WardError("the action item has no title") }
        guard !title.contains(where: \.isNewline), title.count <= 300 else { throw WardError("an action item's title is one line of at most 300 characters") }
        var fields: [String: JSONValue] = ["title": .string(title), "state": .string(ActionItem.State.open.rawValue), "source": .string(source)]
        if let owner = owner?.trimmingCharacters(in: .whitespaces), !owner.isEmpty { fields["owner"] = .string(owner) }
        if let due, !due.isEmpty { fields["due"] = .string(try ActionItem.parseDue(due, today: now())) }
        if let type { fields["type"] = .string(type.rawValue) }
        let event = try record("action", fields, in: incident.id)
        return Recorded(event: event, message: "Action item \(ActionItem.shortID(event.id)) added to \(incident.id)." + Self.hiding(hidden),
                        redacted: hidden)
    }

    /// Changes an item: its state (won't do needs a reason), owner, due date, type or title.
    public func updateAction(_ query: String, incident: String? = nil, state: ActionItem.State? = nil, owner: String? = nil,
                             due: String? = nil, type: ActionItem.Kind? = nil, title: String? = nil, reason: String? = nil,
                             keepSecrets: Bool = false) throws -> Recorded {
        try updateAction(findAction(query, incident: incident), state: state, owner: owner, due: due, type: type, title: title,
                         reason: reason, keepSecrets: keepSecrets)
    }

    /// Changes an item already found (its state as found is what the change is checked against).
    public func updateAction(_ item: ActionItem, state: ActionItem.State? = nil, owner: String? = nil, due: String? = nil,
                             type: ActionItem.Kind? = nil, title: String? = nil, reason: String? = nil,
                             keepSecrets: Bool = false) throws -> Recorded {
        var hidden: [String] = []
        let reason = prose(reason, keepSecrets: keepSecrets, hidden: &hidden)
        var fields: [String: JSONValue] = ["action": .string(item.id)]
        if let state, state != item.state {
            if state == .wontDo && reason.isEmpty {
                throw WardError("'won't do' needs a reason (--reason \"why\"): the next person to read the post-mortem will ask")
            }
            fields["state"] = .string(state.rawValue)
        }
        if !reason.isEmpty { fields["reason"] = .string(reason) }
        if let owner = owner?.trimmingCharacters(in: .whitespaces), owner != (item.owner ?? "") { fields["owner"] = .string(owner) }
        if let due, case let parsed = try ActionItem.parseDue(due, today: now()), parsed != (item.due ?? "") { fields["due"] = .string(parsed) }
        if let type, type != item.type { fields["type"] = .string(type.rawValue) }
        if let title {
            let title = prose(title, keepSecrets: keepSecrets, hidden: &hidden)
            guard !title.isEmpty, !title.contains(where: \.isNewline) else { throw WardError("the title must be one line, not empty") }
            if title != item.title { fields["title"] = .string(title) }
        }
        guard fields.keys.contains(where: { $0 != "action" && $0 != "reason" }) else {
            return Recorded(event: nil, message: "Action item \(item.shortID) is already so; nothing recorded.")
        }
        // Decided on the item as it stands under the journal's lock: two people closing it at once do not
        // both hear that it worked.
        let event = try record("action", fields, in: item.incident) { before, _ in
            guard let now = before.actions.first(where: { $0.id == item.id }) else { return }
            if state != nil, now.state != item.state {
                throw WardError("action item \(item.shortID) was changed meanwhile (it is now \(now.state.rawValue)); nothing was recorded, look again with 'ward action list'")
            }
        }
        let what: String
        switch state {
        case .done?: what = "is done"
        case .wontDo?: what = "will not be done (\(reason))"
        case .open?: what = "is open again"
        case nil: what = "is changed"
        }
        return Recorded(event: event, message: "Action item \(item.shortID) (\(item.title)) \(what)." + Self.hiding(hidden), redacted: hidden)
    }

    /// Adds to the timeline the task lines people wrote in the post-mortem's "Action items" section, or typed
    /// into Ward's generated list there, that it does not hold yet (matched by title, also by the title an
    /// item was first imported with). The post-mortem itself is not changed. Returns how many were added and
    /// what could not be read (a due date or type Ward does not understand).
    @discardableResult
    func importPostmortemActions(_ incident: Incident, text: String) throws -> (count: Int, notes: [String]) {
        let lines = PostmortemActions.lines(in: text)
        guard !lines.isEmpty else { return (0, []) }
        // One import at a time per incident, against the timeline as it stands then.
        return try files.withLock(Self.incidentsDirectory + "/" + incident.id + "/.actions") {
            let current = loadIncident(incident.id)
            var known = Set(current.state.actions.map { Self.normalized($0.title) })
            for event in current.events where event.kind == "action" {
                if let original = event["imported"] { known.insert(Self.normalized(original)) }
            }
            var added = 0
            var notes: [String] = []
            for line in lines {
                // Compared as it would be written: a secret in the line is hidden in the timeline too.
                var hidden: [String] = []
                let title = prose(line.title, keepSecrets: false, hidden: &hidden)
                guard !title.isEmpty, !known.contains(Self.normalized(title)) else { continue }
                known.insert(Self.normalized(title))
                var fields: [String: JSONValue] = ["title": .string(title), "state": .string(line.done ? "done" : "open"),
                                                   "source": .string(line.inBlock ? "added" : "postmortem"), "imported": .string(title)]
                if let owner = line.owner { fields["owner"] = .string(owner) }
                if let due = line.due {
                    if let parsed = try? ActionItem.parseDue(due, today: now()) { fields["due"] = .string(parsed) } else {
                        notes.append("due '\(due)' of '\(title)' not understood: use YYYY-MM-DD or +3d")
                    }
                }
                if let type = line.type {
                    if let kind = ActionItem.Kind.lenient(type) { fields["type"] = .string(kind.rawValue) } else {
                        notes.append("type '\(type)' of '\(title)' not understood: use mitigate, prevent, detect or process")
                    }
                }
                try record("action", fields, in: incident.id)
                added += 1
            }
            return (added, notes)
        }
    }

    static func normalized(_ title: String) -> String {
        title.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Task lines in a post-mortem's "Action items" section, outside Ward's generated blocks and code:
/// `- [ ] Title (owner: ana, due: 2026-12-01, type: prevent)`.
enum PostmortemActions {
    struct Line: Equatable {
        var title: String
        var done: Bool
        var owner: String?
        var due: String?
        var type: String?
        var inBlock = false

        init(title: String, done: Bool, owner: String? = nil, due: String? = nil, type: String? = nil, inBlock: Bool = false) {
            self.title = title
            self.done = done
            self.owner = owner
            self.due = due
            self.type = type
            self.inBlock = inBlock
        }
    }

    static func lines(in text: String) -> [Line] {
        var result: [Line] = []
        var inSection = false, inBlock = false, inOtherBlock = false, inFence = false
        for raw in text.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle(); continue }
            if inFence { continue }
            if line.hasPrefix("## ") { inSection = line.dropFirst(3).lowercased().hasPrefix("action items"); continue }
            if line.hasPrefix("<!-- ward:begin ") { inBlock = line.contains(" action_items "); inOtherBlock = !inBlock; continue }
            if line.hasPrefix("<!-- ward:end ") { inBlock = false; inOtherBlock = false; continue }
            // In Ward's own list, only lines a person typed there (Ward's carry their id in a comment).
            guard inSection, !inOtherBlock, !(inBlock && line.contains("<!-- action ")) else { continue }
            let box = line.prefix(6).lowercased()
            guard box == "- [ ] " || box == "- [x] " || box == "* [ ] " || box == "* [x] " else { continue }
            var title = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            var item = Line(title: title, done: box.contains("x"), inBlock: inBlock)
            // A trailing "(key: value, ...)" with known keys holds the details.
            if title.hasSuffix(")"), let open = title.lastIndex(of: "(") {
                let inside = title[title.index(after: open)..<title.index(before: title.endIndex)]
                var details: [String: String] = [:]
                for part in inside.split(separator: ",") {
                    let pair = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    if pair.count == 2 { details[pair[0].lowercased()] = pair[1] }
                }
                if !details.isEmpty, Set(details.keys).isSubset(of: ["owner", "due", "type"]) {
                    title = title[..<open].trimmingCharacters(in: .whitespaces)
                    item.title = title
                    item.owner = details["owner"].flatMap { $0.isEmpty || $0 == "unassigned" ? nil : $0 }
                    item.due = details["due"].flatMap { $0.isEmpty || $0 == "none" ? nil : $0 }
                    item.type = details["type"]?.lowercased()
                }
            }
            if !item.title.isEmpty && !item.title.hasPrefix("<!--") { result.append(item) }
        }
        return result
    }
}
