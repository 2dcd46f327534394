import Foundation

/// Something to do after (or during) an incident, kept in the timeline as `action` events. The first event of
/// an item has no `action` key and its id is the item's id; later events name the item in `action` and change
/// what they carry (state, owner, due, type, title, reason).
///
/// Items come from a `TODO:` note, from `ward action add`, or from the task lines people write in the
/// post-mortem's "Action items" section (imported when the post-mortem is drafted); `source` says which.
public struct ActionItem: Sendable, Equatable {
    public enum State: String, CaseIterable, Sendable, Codable {
        case open, done
        case wontDo = "wont-do"

        public static func parse(_ text: String) -> State? {
            // As written by Ward, nearly always.
            if let exact = State(rawValue: text) { return exact }
            let key = text.lowercased().replacingOccurrences(of: "'", with: "").replacingOccurrences(of: " ", with: "-")
            if key == "dropped" || key == "wontdo" { return .wontDo }
            return State(rawValue: key)
        }
    }

    /// What the item does about the incident (the PagerDuty and Google SRE kinds).
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case mitigate, prevent, detect, process

        /// The kind as people write it in prose: `prevents`, `Detect`, `documents` (a process change).
        public static func lenient(_ text: String) -> Kind? {
            var key = text.trimmingCharacters(in: .whitespaces).lowercased()
            if key.hasSuffix("s") && Kind(rawValue: key) == nil { key.removeLast() }
            if key == "document" || key == "documentation" { return .process }
            return Kind(rawValue: key)
        }

        public static func parse(_ text: String) throws -> Kind {
            guard let kind = Kind(rawValue: text.lowercased()) else {
                throw WardError("unknown type '\(text)': use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    public var id: String
    public var incident: String
    public var title: String
    public var owner: String?
    /// `YYYY-MM-DD`.
    public var due: String?
    public var type: Kind?
    public var state: State
    /// Why it will not be done.
    public var reason: String?
    /// "note", "added" or "postmortem".
    public var source: String
    public var created: Date
    public var createdBy: String
    /// When it was last closed (done or won't do).
    public var closed: Date?

    /// Open and due before `today` (`YYYY-MM-DD`).
    public func isOverdue(today: String) -> Bool { ActionDigest(self).isOverdue(today: today) }

    /// The short form people type: eight characters from a hash of the id, so items made in one go (whose
    /// ids differ in their last character) do not differ by one typo.
    public var shortID: String { Self.shortID(id) }

    public static func shortID(_ id: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let alphabet: StaticString = "0123456789abcdefghjkmnpqrstvwxyz"
        return String(unsafeUninitializedCapacity: 8) { buffer in
            for index in 0..<8 { buffer[index] = alphabet.utf8Start[Int((hash >> (UInt64(index) * 5)) & 31)] }
            return 8
        }
    }

    /// Folds `action` events (sorted) into items, in the order they were created.
    static func fold(_ events: [Event], incident: String = "") -> [ActionItem] {
        var items: [ActionItem] = []
        var index: [String: Int] = [:]
        // By index, so that the other events (most of a timeline) are looked at without being copied.
        for position in events.indices where events[position].kind == "action" {
            let event = events[position]
            if let target = event["action"] {
                guard let position = index[target] else { continue }
                if let state = event["state"].flatMap(State.parse) {
                    items[position].state = state
                    items[position].closed = state == .open ? nil : event.at
                    items[position].reason = state == .wontDo ? event["reason"] : nil
                }
                if let owner = event["owner"] { items[position].owner = owner.isEmpty ? nil : owner }
                if let due = event["due"] { items[position].due = due.isEmpty ? nil : due }
                if let type = event["type"] { items[position].type = Kind(rawValue: type) }
                if let title = event["title"], !title.isEmpty { items[position].title = title }
            } else if let title = event["title"], !title.isEmpty, index[event.id] == nil {
                index[event.id] = items.count
                let state = event["state"].flatMap(State.parse) ?? .open
                items.append(ActionItem(id: event.id, incident: incident, title: title, owner: event["owner"], due: event["due"],
                                        type: event["type"].flatMap(Kind.init(rawValue:)), state: state,
                                        reason: state == .wontDo ? event["reason"] : nil, source: event["source"] ?? "note",
                                        created: event.at, createdBy: event.by, closed: state == .open ? nil : event.at))
            }
        }
        return items
    }

    /// Reads a due date as people type it: `2026-12-01`, `+3d`, `+2w`.
    public static func parseDue(_ text: String, today: Date) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "" }
        if trimmed.hasPrefix("+"), let unit = trimmed.last, "dw".contains(unit), let count = Int(trimmed.dropFirst().dropLast()), count >= 0, count < 3650 {
            return Timestamps.formatDate(today.addingTimeInterval(Double(count * (unit == "w" ? 7 : 1)) * 86400))
        }
        if trimmed.count == 10, let date = Timestamps.parseISO(trimmed + "T00:00:00Z") {
            return Timestamps.formatDate(date)
        }
        throw WardError("cannot read the due date '\(text)': use YYYY-MM-DD, or +3d, +2w")
    }
}
