import Foundation
import WardKit

/// What each list shows, computed from the state the same way for `update` (counts, what Enter opens) and
/// for the views (what is drawn).
public enum Rows {
    public static func incidents(_ state: AppState) -> IncidentRows {
        let snapshot = state.snapshot
        let places = snapshot.remembered.incidents.value(for: state.incidentFilter) {
            snapshot.filterIndex.matching(state.incidentFilter)
        }
        return IncidentRows(incidents: snapshot.incidents, places: places)
    }

    /// The decisions the filters let through: by number in the list, newest first in the time line.
    public static func decisions(_ state: AppState) -> [Decision] {
        let filter = state.decisionFilter
        let words = filter.text.lowercased().split(separator: " ").map(String.init)
        let fromIncident = filter.incident.map { decisionNumbers(from: $0, in: state.snapshot) }
        let matching = state.snapshot.decisions.filter { decision in
            (filter.status == nil || decision.status == filter.status)
                && (filter.tag == nil || decision.tags.contains(filter.tag!))
                && (fromIncident == nil || fromIncident!.contains(decision.number))
                && words.allSatisfy { word in
                    decision.title.lowercased().contains(word) || decision.tags.contains { $0.lowercased().contains(word) }
                        || String(decision.number) == word
                }
        }
        return state.decisionTimeline ? DecisionTimeline.ordered(matching) : matching
    }

    /// A checklist or runbook in the library list.
    public struct Definition: Sendable, Equatable {
        public var kind: String
        public var name: String
        public var title: String
        public var count: Int
        public var builtIn: Bool
        public var path: String
    }

    public static func definitions(_ state: AppState) -> [Definition] {
        state.snapshot.checklists.map {
            Definition(kind: "checklist", name: $0.name, title: $0.title, count: $0.items.count, builtIn: $0.builtIn, path: $0.path)
        } + state.snapshot.runbooks.map {
            Definition(kind: "runbook", name: $0.name, title: $0.title, count: $0.phases.reduce(0) { $0 + $1.steps.count },
                       builtIn: $0.builtIn, path: $0.path)
        }
    }

    /// How many rows the list on `route` has (0 for screens without a list).
    public static func count(_ route: Route, _ state: AppState) -> Int {
        switch route {
        case .incidents: return incidents(state).count
        case .decisions: return decisions(state).count
        case .postmortems: return state.snapshot.postmortems.count
        case .checklists: return definitions(state).count
        case .actions: return actions(state).count
        default: return 0
        }
    }

    /// Action items of every incident, open and overdue first; open ones only unless `a` was pressed.
    public static func actions(_ state: AppState) -> [ActionItem] {
        let today = Timestamps.formatDate(state.now)
        return state.snapshot.remembered.actionRows.value(for: .init(today: today, openOnly: state.actionsOpenOnly)) {
            let items = state.snapshot.actions.filter { !state.actionsOpenOnly || $0.state == .open }
            return Store.sortedForWork(items, today: today)
        }
    }

    /// How many action items there are, open and overdue, and the oldest open one.
    public static func actionOverview(_ state: AppState) -> ActionOverview {
        let today = Timestamps.formatDate(state.now)
        return state.snapshot.remembered.actionOverview.value(for: today) { ActionOverview(state.snapshot.incidents, today: today) }
    }
}
