import WardKit

/// A screen of the app. The app keeps a stack of them: Enter pushes, Esc pops.
public enum Route: Sendable, Equatable, Hashable {
    case dashboard
    case incidents
    case incident(String)
    case decisions
    case decision(Int)
    case postmortems
    case postmortem(String)
    case checklists
    /// A checklist or runbook definition: kind ("checklist" or "runbook") and name.
    case definition(kind: String, name: String)
    /// Action items across incidents.
    case actions
    /// Response times: TTD, TTA, TTM, TTR, with charts.
    case metrics
    /// A checklist being run: its items with their answers and the verdict. With `incident`, the run is
    /// recorded into that incident's timeline.
    case checklistRun(name: String, incident: String?)
    /// Recorded checklist runs, newest first: every checklist's (`name` nil) or one checklist's.
    case checklistHistory(name: String?)
    /// One recorded checklist run, by its id.
    case recordedRun(String)

    public var title: String {
        switch self {
        case .dashboard: return "Dashboard"
        case .incidents: return "Incidents"
        case let .incident(id): return "Incident \(id)"
        case .decisions: return "Decisions"
        case let .decision(number): return "Decision \(number)"
        case .postmortems: return "Post-mortems"
        case let .postmortem(id): return "Post-mortem \(id)"
        case .checklists: return "Checklists and runbooks"
        case let .definition(kind, name): return "\(kind.capitalized) \(name)"
        case .actions: return "Action items"
        case .metrics: return "Metrics"
        case let .checklistRun(name, incident): return "Run \(name)" + (incident == nil ? "" : " in incident")
        case let .checklistHistory(name): return "Run history" + (name.map { " of \($0)" } ?? "")
        case let .recordedRun(id): return "Run \(ActionItem.shortID(id))"
        }
    }

    /// The title without the record's name, where room is short.
    public var shortTitle: String {
        switch self {
        case .incident: return "Incident"
        case .postmortem: return "Post-mortem"
        case .checklistRun: return "Run"
        case .checklistHistory: return "Run history"
        default: return title
        }
    }

    /// The top-level screens, in the order of their number keys.
    public static let sections: [Route] = [.dashboard, .incidents, .decisions, .postmortems, .checklists, .actions, .metrics]

    /// The name on the section's tab; `compact` on narrow terminals.
    public func tabLabel(compact: Bool) -> String {
        switch self {
        case .dashboard: return compact ? "Dash" : "Dashboard"
        case .postmortems: return compact ? "PMs" : "Post-mortems"
        case .checklists: return compact ? "Lists" : "Checklists"
        case .actions: return "Actions"
        default: return title
        }
    }
}
