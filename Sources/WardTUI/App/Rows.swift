import Foundation
import WardKit

/// What each list shows, computed from the state the same way for `update` (counts, what Enter opens) and
/// for the views (what is drawn).
public enum Rows {
    public static func incidents(_ state: AppState) -> [Incident] {
        let filter = state.incidentFilter
        return state.snapshot.incidents.filter { incident in
            (!filter.activeOnly || incident.state.isActive)
                && (filter.severity == nil || incident.state.severity == filter.severity)
                && (filter.status == nil || incident.state.status == filter.status)
                && (filter.service == nil || incident.state.services.contains(filter.service!))
        }
    }

    public static func decisions(_ state: AppState) -> [Decision] {
        let filter = state.decisionFilter
        let words = filter.text.lowercased().split(separator: " ").map(String.init)
        return state.snapshot.decisions.filter { decision in
            (filter.status == nil || decision.status == filter.status)
                && (filter.tag == nil || decision.tags.contains(filter.tag!))
                && words.allSatisfy { word in
                    decision.title.lowercased().contains(word) || decision.tags.contains { $0.lowercased().contains(word) }
                        || String(decision.number) == word
                }
        }
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

    /// Links from a decision to other records, in the order the links pane shows them.
    public static func decisionLinks(_ decision: Decision, in snapshot: Snapshot) -> [(label: String, route: Route, title: String)] {
        var links: [(String, Route, String)] = []
        for number in decision.supersedes { links.append(("supersedes", .decision(number), snapshot.decision(number)?.title ?? "(missing)")) }
        for number in decision.supersededBy { links.append(("superseded by", .decision(number), snapshot.decision(number)?.title ?? "(missing)")) }
        for number in decision.relatesTo { links.append(("relates to", .decision(number), snapshot.decision(number)?.title ?? "(missing)")) }
        for id in decision.incidents { links.append(("incident", .incident(id), snapshot.incident(id)?.state.title ?? id)) }
        // Decisions that name this one, where this one does not name them back.
        for other in snapshot.decisions where other.relatesTo.contains(decision.number) && !decision.relatesTo.contains(other.number) {
            links.append(("related from", .decision(other.number), other.title))
        }
        return links
    }

    /// Decisions that came out of an incident.
    public static func decisions(from incidentID: String, in snapshot: Snapshot) -> [Decision] {
        snapshot.decisions.filter { $0.incidents.contains(incidentID) }
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
        let items = state.snapshot.incidents.flatMap(\.state.actions).filter { !state.actionsOpenOnly || $0.state == .open }
        return Store.sortedForWork(items, today: Timestamps.formatDate(state.now))
    }
}
