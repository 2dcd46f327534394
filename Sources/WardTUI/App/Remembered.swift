import Foundation
import WardKit

/// A value worked out the first time it is asked for, then kept; shared by the copies of the snapshot that
/// holds it (a large store's first frame does not wait for what no screen has shown yet).
final class Lazy<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var computed: Value?
    private var compute: (@Sendable () -> Value)?

    init(fixed: Value) { computed = fixed }
    init(_ compute: @escaping @Sendable () -> Value) { self.compute = compute }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let computed { return computed }
        let value = compute!()
        computed = value
        compute = nil
        return value
    }
}

/// The answer to the last question asked of one snapshot (its incidents through a filter, say), kept until
/// another is asked: the list a key scrolls through is not worked out again for every key and every frame.
final class Memo<Key: Equatable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var last: (key: Key, value: Value)?

    func value(for key: Key, _ compute: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let last, last.key == key { return last.value }
        let value = compute()
        last = (key, value)
        return value
    }
}

/// What the lists made of one snapshot showed last, so that scrolling one is no work at all on a large store.
/// A snapshot whose incidents change gets a new one.
final class Remembered: Sendable {
    /// The incidents list, by its filter.
    let incidents = Memo<IncidentFilter, [IncidentSummary]>()
    /// The action items list, by the day (what is overdue) and whether it shows open ones only.
    let actions = Memo<ActionRows, [ActionItem]>()
    /// The dashboard's line about action items, by the day.
    let actionOverview = Memo<String, ActionOverview>()

    struct ActionRows: Equatable {
        var today: String
        var openOnly: Bool
    }
}

/// The dashboard's line about action items: how many are open, how many of those are overdue, the oldest open.
public struct ActionOverview: Sendable {
    public var total: Int
    public var open: Int
    public var overdue: Int
    public var oldestOpen: ActionItem?

    init(_ actions: [ActionItem], today: String) {
        total = actions.count
        open = 0
        overdue = 0
        for action in actions where action.state == .open {
            open += 1
            if action.isOverdue(today: today) { overdue += 1 }
            if oldestOpen == nil || action.created < oldestOpen!.created { oldestOpen = action }
        }
    }
}
