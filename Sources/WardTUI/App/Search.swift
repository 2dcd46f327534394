import Foundation
import WardKit

/// Where a search result leads: a screen, and the place on it.
public struct SearchResult: Sendable, Equatable {
    public enum Focus: Sendable, Equatable {
        case event(String)
        case sourceLine(Int)
    }

    public var group: String
    public var title: String
    public var text: String
    public var route: Route
    public var focus: Focus?
}

public struct SearchState: Sendable, Equatable {
    public var results: [SearchResult] = []
    public var cursor = Cursor()
}

/// Incremental search over what the app has loaded: every record's title, body and timeline.
public enum SearchEngine {
    public static let groups = ["Incidents", "Timeline", "Decisions", "Post-mortems", "Checklists and runbooks", "Checklist runs"]
    public static let limit = 300

    /// The first `limit` results, group by group in the order of `groups`. Each group's results come in the
    /// order of what they were found in, so the work stops once `limit` are certain: incident titles and
    /// bodies first (each body read from incident.md alone), then timelines, read only while results are
    /// still missing. A common word in a large store no longer reads every matching timeline on each key.
    public static func search(_ query: String, in snapshot: Snapshot, limit: Int = limit) -> [SearchResult] {
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return [] }
        let matcher = LineMatcher(words: words)
        func matches(_ text: String) -> Bool { matcher.matches(text) }
        var results: [SearchResult] = []
        // Titles from the summaries; bodies and timelines only of the incidents the search index lets through
        // (in a large store, none for a query too short for the index: see `titlesOnlyAbove`).
        let possible = snapshot.incidentsPossiblyHolding(words)
        let readsBodies = possible != nil || snapshot.incidents.count <= snapshot.titlesOnlyAbove
        func isCandidate(_ id: String) -> Bool { readsBodies && (possible?.contains(id) ?? true) }
        for summary in snapshot.incidents {
            if results.count >= limit { break }
            let route = Route.incident(summary.id)
            if matches(summary.title) || matches(summary.id) {
                results.append(SearchResult(group: "Incidents", title: summary.title, text: summary.id, route: route))
            }
            // An incident's title is its record's (IncidentState.fold), so the record alone gives both.
            guard isCandidate(summary.id), let record = snapshot.incidentRecord(summary.id) else { continue }
            for (offset, line) in bodyLines(record.body) where matches(line) {
                results.append(SearchResult(group: "Incidents", title: record.title, text: line, route: route,
                                            focus: .sourceLine(offset)))
            }
        }
        for summary in snapshot.incidents where isCandidate(summary.id) {
            if results.count >= limit { break }
            guard let incident = snapshot.incident(summary.id) else { continue }
            let route = Route.incident(summary.id)
            for event in incident.events {
                let text = TimelineText.describe(event)
                if matches(text) || matches(event.by) {
                    results.append(SearchResult(group: "Timeline", title: incident.state.title, text: text, route: route,
                                                focus: .event(event.id)))
                }
            }
        }
        guard results.count < limit else { return Array(results.prefix(limit)) }
        for decision in snapshot.decisions {
            let route = Route.decision(decision.number)
            if matches(decision.title) || decision.tags.contains(where: matches) {
                results.append(SearchResult(group: "Decisions", title: "\(decision.number). \(decision.title)",
                                            text: decision.status?.rawValue ?? decision.statusText, route: route))
            }
            for (offset, line) in bodyLines(snapshot.body(of: decision)) where matches(line) {
                results.append(SearchResult(group: "Decisions", title: "\(decision.number). \(decision.title)", text: line,
                                            route: route, focus: .sourceLine(offset)))
            }
        }
        for listed in snapshot.postmortems where isCandidate(listed.incidentID) {
            guard let postmortem = snapshot.postmortem(listed.incidentID) else { continue }
            let route = Route.postmortem(postmortem.incidentID)
            for (offset, line) in bodyLines(postmortem.body) where matches(line) {
                results.append(SearchResult(group: "Post-mortems", title: postmortem.title, text: line, route: route,
                                            focus: .sourceLine(offset)))
            }
        }
        for checklist in snapshot.checklists {
            for item in checklist.items where matches(item.text) || matches(item.hint) || matches(checklist.title) {
                results.append(SearchResult(group: "Checklists and runbooks", title: checklist.title, text: item.text,
                                            route: .definition(kind: "checklist", name: checklist.name)))
            }
        }
        for runbook in snapshot.runbooks {
            for phase in runbook.phases {
                for step in phase.steps where matches(step.text) || matches(step.hint) {
                    results.append(SearchResult(group: "Checklists and runbooks", title: "\(runbook.title) · \(phase.name)",
                                                text: step.text, route: .definition(kind: "runbook", name: runbook.name)))
                }
            }
        }
        for run in snapshot.checklistRuns {
            let title = "\(run.title) · \(run.result.rawValue) · \(ChecklistHistory.when(run.at))"
            let route = Route.recordedRun(run.id)
            var found = false
            // A note, at its answer; else the run itself, by its checklist, who ran it or its verdict.
            for (index, outcome) in run.verdict.outcomes.enumerated() where !outcome.note.isEmpty && matches(outcome.item.id + " " + outcome.note) {
                results.append(SearchResult(group: "Checklist runs", title: title, text: "\(outcome.item.id): \(outcome.note)",
                                            route: route, focus: .sourceLine(index + 1)))
                found = true
            }
            if !found, matches([run.checklist, run.title, run.by, run.result.rawValue, run.shortID].joined(separator: " ")) {
                results.append(SearchResult(group: "Checklist runs", title: title, text: "by \(run.by): \(run.verdict.summary)", route: route))
            }
        }
        // Every loop above adds to one group, in the order of `groups`: the results are in order already.
        return Array(results.prefix(limit))
    }

    /// Non-blank lines of a body with their 1-based line numbers within the body.
    static func bodyLines(_ body: String) -> [(Int, String)] {
        body.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.hasPrefix("<!--") ? nil : (index + 1, trimmed)
        }
    }
}
