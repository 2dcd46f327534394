import Foundation

/// Checks a whole store and reports every problem with its path and line. Reading never changes a file;
/// `fix` makes only repairs that cannot lose a person's text.
public struct Doctor {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public struct Report: Sendable {
        public var problems: [Problem]
        public var fixed: [String]
        public var errorCount: Int { problems.filter { $0.level == .error }.count }
    }

    public func run(fix: Bool = false) -> Report {
        var problems = store.config.warnings
        var fixed: [String] = []

        let incidents = store.loadIncidents()
        for incident in incidents {
            problems += incident.problems
            let declarations = incident.events.filter { $0.kind == "declared" }
            if declarations.count > 1 {
                problems.append(Problem(path: "incidents/\(incident.id)/timeline.jsonl",
                                        "the incident was declared \(declarations.count) times (by \(declarations.map(\.by).joined(separator: ", ")))"))
            }
            // Runbook events Ward has to ignore: a start it cannot read, steps and moves of a run never started.
            let started = Set(incident.state.runs.map(\.name))
            for event in incident.events where ["runbook", "step", "phase"].contains(event.kind) {
                if event.kind == "runbook", RunbookRun(start: event) == nil {
                    problems.append(Problem(path: "incidents/\(incident.id)/timeline.jsonl",
                                            "event \(event.id) starts a runbook whose definition cannot be read (phases with names, steps with ids of a-z, 0-9 and -); it is ignored", level: .warning))
                } else if event.kind != "runbook", !started.contains(event["runbook"] ?? "") {
                    problems.append(Problem(path: "incidents/\(incident.id)/timeline.jsonl",
                                            "event \(event.id) (\(event.kind)) belongs to a runbook '\(event["runbook"] ?? "")' that was never started; it is ignored", level: .warning))
                }
            }
        }

        let (decisions, decisionProblems) = store.loadDecisions()
        problems += decisionProblems
        // Two files with one number, even where one of them does not parse.
        let names = store.listDirectory(store.decisionsDirectory).filter { Decision.number(inFileName: $0) != nil }
        for (number, group) in Dictionary(grouping: names, by: { Decision.number(inFileName: $0)! }) where group.count > 1 {
            let parsed = decisions.filter { $0.number == number }.count
            if parsed < group.count {
                problems.append(Problem(path: store.decisionsDirectory + "/" + group.sorted()[1],
                                        "the number \(number) is also used by \(store.decisionsDirectory)/\(group.sorted()[0])"))
            }
        }
        problems += Self.decisionLinkProblems(decisions)

        problems += store.loadChecklists().problems
        problems += store.loadRunbooks().problems

        var directories = ["", Store.incidentsDirectory, store.decisionsDirectory, "checklists", "runbooks"]
        directories += incidents.map { "incidents/" + $0.id }
        for directory in directories {
            let orphans = store.files.orphanedTemporaries(in: directory)
            if fix && !store.isReadOnly {
                fixed += store.files.sweepTemporaryFiles(in: directory).map { "removed the temporary file \($0) left by a writer that died" }
            } else {
                problems += orphans.map {
                    Problem(path: $0, "a temporary file left by a writer that died (holds no saved data; 'ward doctor --fix' removes it)", level: .warning)
                }
            }
        }
        return Report(problems: problems, fixed: fixed)
    }

    /// Duplicate numbers, links to records that do not exist, and supersede links recorded on one side only.
    static func decisionLinkProblems(_ decisions: [Decision]) -> [Problem] {
        var problems: [Problem] = []
        let byNumber = Dictionary(grouping: decisions, by: \.number)
        for (number, group) in byNumber where group.count > 1 {
            for decision in group.dropFirst() {
                problems.append(Problem(path: decision.path, "the number \(number) is also used by \(group[0].path)"))
            }
        }
        for decision in decisions {
            for (label, numbers, back) in [("supersedes", decision.supersedes, \Decision.supersededBy),
                                           ("superseded-by", decision.supersededBy, \Decision.supersedes)] {
                for number in numbers {
                    guard let other = byNumber[number]?.first else {
                        problems.append(Problem(path: decision.path, "'\(label)' names decision \(number), which does not exist"))
                        continue
                    }
                    if !other[keyPath: back].contains(decision.number) {
                        problems.append(Problem(path: decision.path,
                                                "'\(label)' names decision \(number), but \(other.path) does not link back",
                                                level: .warning))
                    }
                }
            }
            for number in decision.relatesTo where byNumber[number] == nil {
                problems.append(Problem(path: decision.path, "links to decision \(number), which does not exist"))
            }
        }
        return problems
    }
}
