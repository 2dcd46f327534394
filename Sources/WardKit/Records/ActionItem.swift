import Foundation

/// Something to do after (or during) an incident: made by a `TODO:` note or by hand, kept in the timeline as
/// `action` events. The first event of an item has no `action` key and its id is the item's id; later events
/// name the item in `action` and change what they carry (state, owner, due, title).
public struct ActionItem: Sendable, Equatable {
    public enum State: String, CaseIterable, Sendable, Codable { case open, done, dropped }

    public var id: String
    public var title: String
    public var owner: String?
    /// `YYYY-MM-DD`.
    public var due: String?
    public var state: State
    public var created: Date
    public var createdBy: String

    /// Folds `action` events (sorted) into items, in the order they were created.
    static func fold(_ events: [Event]) -> [ActionItem] {
        var items: [ActionItem] = []
        var index: [String: Int] = [:]
        for event in events where event.kind == "action" {
            if let target = event["action"] {
                guard let position = index[target] else { continue }
                if let state = event["state"].flatMap(State.init(rawValue:)) { items[position].state = state }
                if let owner = event["owner"] { items[position].owner = owner.isEmpty ? nil : owner }
                if let due = event["due"] { items[position].due = due.isEmpty ? nil : due }
                if let title = event["title"], !title.isEmpty { items[position].title = title }
            } else if let title = event["title"], !title.isEmpty, index[event.id] == nil {
                index[event.id] = items.count
                items.append(ActionItem(id: event.id, title: title, owner: event["owner"], due: event["due"],
                                        state: event["state"].flatMap(State.init(rawValue:)) ?? .open,
                                        created: event.at, createdBy: event.by))
            }
        }
        return items
    }
}
