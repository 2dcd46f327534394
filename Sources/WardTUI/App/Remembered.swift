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

    /// The value if it was worked out already; nil, without working it out, if not.
    var valueIfComputed: Value? {
        lock.lock()
        defer { lock.unlock() }
        return computed
    }

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

/// A value worked out the first time it is asked for, by whoever asks first.
final class Once<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var computed: Value?

    func callAsFunction(_ compute: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let computed { return computed }
        let value = compute()
        computed = value
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
/// A snapshot whose incidents or decisions change gets a new one.
final class Remembered: Sendable {
    /// The incidents list (places in the snapshot's incidents), by its filter.
    let incidents = Memo<IncidentFilter, [Int32]>()
    /// Every action item, and the action items list, by the day (what is overdue) and whether it shows open
    /// ones only.
    let actions = Once<[ActionItem]>()
    let actionRows = Memo<ActionRows, [ActionItem]>()
    /// The dashboard's line about action items, by the day.
    let actionOverview = Memo<String, ActionOverview>()
    /// The incidents list's filter codes, and each incident's place by id.
    let filterIndex = Once<IncidentFilterIndex>()
    let places = Once<[String: Int]>()
    /// The dashboard's decisions: those awaiting a verdict, then the latest others.
    let dashboardDecisions = Once<[Dashboard.Item]>()


    struct ActionRows: Equatable {
        var today: String
        var openOnly: Bool
    }
}

/// The dashboard's line about action items: how many are open, how many of those are overdue, the oldest open.
public struct ActionOverview: Sendable {
    public var total = 0
    public var open = 0
    public var overdue = 0
    public var oldestOpen: ActionItem?

    /// Counted from the summaries' digests: only the oldest open item is read whole.
    init(_ incidents: [IncidentSummary], today: String) {
        var oldest: (incident: Int, action: Int, created: Date)?
        for (number, incident) in incidents.enumerated() {
            let digests = incident.actionDigests
            total += digests.count
            for (index, digest) in digests.enumerated() where digest.isOpen {
                open += 1
                if digest.isOverdue(today: today) { overdue += 1 }
                if oldest.map({ digest.created < $0.created }) ?? true { oldest = (number, index, digest.created) }
            }
        }
        oldestOpen = oldest.map { incidents[$0.incident].actions[$0.action] }
    }
}

/// What the incidents list filters by, as small numbers per incident, gathered once per load: a filter key on
/// a list of twenty thousand compares numbers, with no string compared and no reference counted.
struct IncidentFilterIndex: Sendable {
    /// Per incident (in `Snapshot.incidents` order): its status, its severity's place in `severities`, and
    /// where its services' places in `services` lie in `serviceCodes`.
    let statuses: [IncidentStatus]
    let severityCodes: [Int32]
    let serviceCodes: [Int32]
    let serviceRanges: [Range<Int32>]
    let severities: [String]
    let services: [String]

    init(_ incidents: [IncidentSummary]) {
        var severities = Set<String>(), services = Set<String>()
        for incident in incidents {
            severities.insert(incident.severity)
            for service in incident.services { services.insert(service) }
        }
        self.severities = severities.sorted()
        self.services = services.sorted()
        let severityCode = Dictionary(uniqueKeysWithValues: self.severities.enumerated().map { ($1, Int32($0)) })
        let serviceCode = Dictionary(uniqueKeysWithValues: self.services.enumerated().map { ($1, Int32($0)) })
        var statuses: [IncidentStatus] = [], severityCodes: [Int32] = [], serviceCodes: [Int32] = []
        var serviceRanges: [Range<Int32>] = []
        statuses.reserveCapacity(incidents.count)
        severityCodes.reserveCapacity(incidents.count)
        serviceRanges.reserveCapacity(incidents.count)
        for incident in incidents {
            statuses.append(incident.status)
            severityCodes.append(severityCode[incident.severity]!)
            let start = Int32(serviceCodes.count)
            for service in incident.services { serviceCodes.append(serviceCode[service]!) }
            serviceRanges.append(start..<Int32(serviceCodes.count))
        }
        self.statuses = statuses
        self.severityCodes = severityCodes
        self.serviceCodes = serviceCodes
        self.serviceRanges = serviceRanges
    }

    /// The places of the incidents `filter` lets through, in order.
    func matching(_ filter: IncidentFilter) -> [Int32] {
        let severity = filter.severity.map { wanted in severities.firstIndex(of: wanted).map(Int32.init) ?? -1 }
        let service = filter.service.map { wanted in services.firstIndex(of: wanted).map(Int32.init) ?? -1 }
        var rows: [Int32] = []
        for index in statuses.indices {
            if filter.activeOnly && statuses[index] == .resolved { continue }
            if let status = filter.status, statuses[index] != status { continue }
            if let severity, severityCodes[index] != severity { continue }
            if let service, !serviceCodes[Int(serviceRanges[index].lowerBound)..<Int(serviceRanges[index].upperBound)].contains(service) {
                continue
            }
            rows.append(Int32(index))
        }
        return rows
    }
}

/// The incidents a list shows: places in the snapshot's incidents, read as the incidents themselves.
public struct IncidentRows: RandomAccessCollection, Sendable {
    let incidents: [IncidentSummary]
    let places: [Int32]

    public var startIndex: Int { 0 }
    public var endIndex: Int { places.count }
    public subscript(position: Int) -> IncidentSummary { incidents[Int(places[position])] }
}
