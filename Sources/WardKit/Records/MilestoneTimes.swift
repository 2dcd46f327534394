import Foundation

/// When an incident reached each milestone, read and written like a dictionary keyed by `Milestone`. Held in
/// five slots: a dictionary hashed the milestone's raw string at every lookup, and each of twenty thousand
/// summaries had one to make, fill and free.
public struct MilestoneTimes: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var impactStarted: Date?
    private var detected: Date?
    private var acknowledged: Date?
    private var mitigated: Date?
    private var resolved: Date?

    public init() {}

    public init(dictionaryLiteral elements: (Milestone, Date)...) {
        for (milestone, date) in elements { self[milestone] = date }
    }

    public subscript(_ milestone: Milestone) -> Date? {
        get {
            switch milestone {
            case .impactStarted: return impactStarted
            case .detected: return detected
            case .acknowledged: return acknowledged
            case .mitigated: return mitigated
            case .resolved: return resolved
            }
        }
        set {
            switch milestone {
            case .impactStarted: impactStarted = newValue
            case .detected: detected = newValue
            case .acknowledged: acknowledged = newValue
            case .mitigated: mitigated = newValue
            case .resolved: resolved = newValue
            }
        }
    }
}
