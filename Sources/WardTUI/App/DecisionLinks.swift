import Foundation
import WardKit

/// What a decision is linked to, whichever side wrote the link, and what changed it: for the decision screen's
/// Links and History panes and the incident screen's decisions.
extension Rows {
    public struct DecisionLinkRow: Sendable, Equatable {
        /// As a sentence starts: `Supersedes`, `Amended by`, `Incident`.
        public var label: String
        public var route: Route
        public var title: String
    }

    /// Links from a decision to other records, in the order the links pane shows them: supersedes both
    /// ways, its typed links, the incidents it names, then links only the other side wrote (another record's
    /// typed link to it, an incident whose timeline records it).
    public static func decisionLinks(_ decision: Decision, in snapshot: Snapshot) -> [DecisionLinkRow] {
        var links: [DecisionLinkRow] = []
        func add(_ label: String, _ route: Route, _ title: String) {
            if !links.contains(where: { $0.label == label && $0.route == route }) {
                links.append(DecisionLinkRow(label: label, route: route, title: title))
            }
        }
        func decisionTitle(_ number: Int) -> String { snapshot.decision(number)?.title ?? "(not in this store)" }
        func incidentTitle(_ id: String) -> String { snapshot.incidentTitle(id) ?? "(not in this store)" }
        for number in supersedes(decision, in: snapshot) { add("Supersedes", .decision(number), decisionTitle(number)) }
        for number in supersededBy(decision, in: snapshot) { add("Superseded by", .decision(number), decisionTitle(number)) }
        for link in decision.links { add(DecisionLink.sentence(link.label), .decision(link.number), decisionTitle(link.number)) }
        for id in decision.incidents { add("Incident", .incident(id), incidentTitle(id)) }
        for other in snapshot.decisions where other.number != decision.number {
            for link in other.links where link.number == decision.number {
                // Said from this side: 0007 amends 0003, so 0003 is amended by 0007.
                let label = DecisionLink.inverse(of: link.label).map(DecisionLink.sentence)
                    ?? DecisionLink.sentence(link.label) + " (from)"
                add(label, .decision(other.number), other.title)
            }
        }
        for incident in snapshot.incidents where incident.decisions.contains(decision.number) {
            if !decision.incidents.contains(incident.id) { add("Recorded in", .incident(incident.id), incident.title) }
        }
        return links
    }

    /// The records a decision replaced: those it names, and those that name it as their replacement.
    public static func supersedes(_ decision: Decision, in snapshot: Snapshot) -> [Int] {
        var numbers = decision.supersedes
        for other in snapshot.decisions where other.supersededBy.contains(decision.number) && !numbers.contains(other.number) {
            numbers.append(other.number)
        }
        return numbers
    }

    /// The records that replaced a decision: those it names, and those that say they supersede it.
    public static func supersededBy(_ decision: Decision, in snapshot: Snapshot) -> [Int] {
        var numbers = decision.supersededBy
        for other in snapshot.decisions where other.supersedes.contains(decision.number) && !numbers.contains(other.number) {
            numbers.append(other.number)
        }
        return numbers
    }

    /// Changes to a decision record, newest first: Ward's decision journal and git.
    public static func decisionHistory(_ decision: Decision, in snapshot: Snapshot) -> [DecisionHistoryEntry] {
        (snapshot.decisionHistory[decision.fileName] ?? []).reversed()
    }

    /// Decisions that came out of an incident: those that name it, and those its timeline records.
    public static func decisions(from incidentID: String, in snapshot: Snapshot) -> [Decision] {
        let numbers = decisionNumbers(from: incidentID, in: snapshot)
        return snapshot.decisions.filter { numbers.contains($0.number) }
    }

    static func decisionNumbers(from incidentID: String, in snapshot: Snapshot) -> Set<Int> {
        var numbers = Set(snapshot.decisions.filter { $0.incidents.contains(incidentID) }.map(\.number))
        numbers.formUnion(snapshot.summary(incidentID)?.decisions ?? [])
        return numbers
    }
}
