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
        // First the torn tails, so what is read below is the journal as it now stands.
        if fix && !store.isReadOnly {
            for journal in store.journalPaths() {
                do {
                    if let side = try store.moveTornTail(journal) {
                        fixed.append("moved the incomplete last line of \(journal) (a writer stopped while adding it) to \(side)")
                    }
                } catch let error as WardError {
                    problems.append(Problem(path: error.path ?? journal, line: error.line, "its incomplete last line could not be moved aside: \(error.message)"))
                } catch {
                    problems.append(Problem(path: journal, "its incomplete last line could not be moved aside: \(error)"))
                }
            }
        }

        var incidents = store.loadIncidents()
        for incident in incidents {
            problems += incident.problems
            let declarations = incident.events.filter { $0.kind == "declared" }
            if declarations.count > 1 {
                problems.append(Problem(path: "incidents/\(incident.id)/timeline.jsonl",
                                        "the incident was declared \(declarations.count) times (by \(declarations.map(\.by).joined(separator: ", ")))"))
            }
            for event in incident.events where event.kind == "status" && event["status"].flatMap(IncidentStatus.init(rawValue:)) == nil {
                problems.append(Problem(path: "incidents/\(incident.id)/timeline.jsonl",
                                        "event \(event.id) sets the status '\(event["status"] ?? "")', which is not one of \(IncidentStatus.allCases.map(\.rawValue).joined(separator: ", ")); it is ignored",
                                        level: .warning))
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

        for pending in store.pendingChanges() {
            if fix, !store.isReadOnly, pending.conflict == nil {
                do {
                    fixed += try store.finishPendingChanges()
                    continue
                } catch let error as WardError {
                    problems.append(Problem(path: pending.path, "a half-made change (\(pending.change.summary)) could not be finished: \(error.description)"))
                    continue
                } catch {}
            }
            problems.append(Problem(path: pending.path, pending.conflict.map { "a half-made change cannot be finished: \($0)" } ??
                                    "a change was interrupted half made (\(pending.change.summary)); the next Ward command, or 'ward doctor --fix', finishes it"))
        }

        if fix && !store.isReadOnly {
            let repaired = restoreOneSidedLinks(incidents: incidents)
            fixed += repaired
            if !repaired.isEmpty { incidents = store.loadIncidents() }
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
        problems += Self.decisionLinkProblems(decisions, incidents: incidents)

        // Post-mortems: front matter that cannot be read, and generated-block markers a redraft would refuse.
        let (postmortems, postmortemProblems) = store.loadPostmortems()
        problems += postmortemProblems
        for postmortem in postmortems {
            guard let incident = incidents.first(where: { $0.id == postmortem.incidentID }),
                  let contents = try? store.files.read(postmortem.path, limit: RecordText.sizeLimit + 1),
                  let text = try? RecordText(contents.data, path: postmortem.path) else { continue }
            do {
                _ = try PostmortemDraft.refresh(text.text, blocks: PostmortemDraft.blocks(incident), path: postmortem.path)
            } catch let error as WardError {
                problems.append(Problem(path: error.path ?? postmortem.path, line: error.line, error.message))
            } catch {}
        }
        problems += store.loadChecklists().problems
        problems += store.loadChecklistRuns(incidents: incidents).problems
        problems += store.loadRunbooks().problems

        var directories = ["", Store.incidentsDirectory, store.decisionsDirectory, "checklists", Store.checklistRunsDirectory, "runbooks"]
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
        // Journals git must merge by union; a store made by an older Ward lacks some of the lines.
        if fix && !store.isReadOnly {
            do {
                fixed += try store.addGitAttributeLines().map { "added '\($0)' to .gitattributes, so teammates' lines merge without conflicts" }
            } catch let error as WardError {
                problems.append(Problem(path: ".gitattributes", error.message))
            } catch {}
        } else {
            problems += store.missingGitAttributeLines().map {
                Problem(path: ".gitattributes", "lacks '\($0)': a git merge of two teammates' lines would conflict ('ward doctor --fix' adds it)", level: .warning)
            }
        }
        return Report(problems: problems, fixed: fixed)
    }

    /// Adds the missing side of typed links, supersedes and decision-incident links, where the other side
    /// names a record that exists once. Each goes through the same all-or-nothing change as `ward adr link`;
    /// nothing is removed. A supersede is completed only where the older record is accepted (or already says
    /// superseded): marking anything else superseded is a person's call.
    func restoreOneSidedLinks(incidents: [Incident]) -> [String] {
        var fixed: [String] = []
        let decisions = store.loadDecisions().decisions
        let byNumber = Dictionary(grouping: decisions, by: \.number)
        func attempt(_ what: String, _ body: () throws -> Void) {
            do {
                try body()
                fixed.append(what)
            } catch {}
        }
        for decision in decisions where (byNumber[decision.number]?.count ?? 0) == 1 {
            for (numbers, newerSide) in [(decision.supersedes, true), (decision.supersededBy, false)] {
                for number in numbers {
                    // A record naming itself is reported, never "completed".
                    guard let others = byNumber[number], others.count == 1, others[0].path != decision.path else { continue }
                    let (newer, older) = newerSide ? (decision, others[0]) : (others[0], decision)
                    guard newer.supersedes.contains(older.number) != older.supersededBy.contains(newer.number) else { continue }
                    if let done = try? store.restoreSupersede(newer, supersedes: older) { fixed.append(done) }
                }
            }
            for link in decision.links {
                guard let others = byNumber[link.number], others.count == 1, others[0].path != decision.path,
                      let inverse = DecisionLink.inverse(of: link.label),
                      !others[0].links.contains(DecisionLink(inverse, decision.number)) else { continue }
                attempt("added '\(inverse) \(decision.number)' to \(others[0].path), the other side of its '\(link.label)' link") {
                    _ = try store.linkDecisions(decision.fileName, link.label, others[0].fileName)
                }
            }
            for id in decision.incidents {
                guard let incident = incidents.first(where: { $0.id == id }), !incident.state.decisions.contains(decision.number) else { continue }
                attempt("recorded decision \(decision.number) in the timeline of \(id), which it names") {
                    _ = try store.linkDecision(decision.fileName, toIncident: id)
                }
            }
        }
        for incident in incidents {
            for number in incident.state.decisions {
                guard let others = byNumber[number], others.count == 1, !others[0].incidents.contains(incident.id) else { continue }
                attempt("named the incident \(incident.id) in \(others[0].path), whose timeline records it") {
                    _ = try store.linkDecision(others[0].fileName, toIncident: incident.id)
                }
            }
        }
        return fixed
    }

    /// Duplicate numbers, links to records that do not exist, links recorded on one side only, and incident
    /// links the incident's timeline does not know of.
    static func decisionLinkProblems(_ decisions: [Decision], incidents: [Incident]? = nil) -> [Problem] {
        var problems: [Problem] = []
        let byNumber = Dictionary(grouping: decisions, by: \.number)
        // log4brains names records by date; two on one day share a "number" by design.
        for (number, group) in byNumber where group.count > 1 && number <= Decision.largestNumber {
            for decision in group.dropFirst() {
                problems.append(Problem(path: decision.path, "the number \(number) is also used by \(group[0].path); give one of them a new number with 'ward adr renumber \(decision.fileName)'"))
            }
        }
        for decision in decisions {
            let selfLinks = decision.supersedes + decision.supersededBy + decision.links.map(\.number)
            if selfLinks.contains(decision.number) {
                problems.append(Problem(path: decision.path, "links to itself (decision \(decision.number)); remove that link"))
            }
            for (label, numbers, back) in [("supersedes", decision.supersedes, \Decision.supersededBy),
                                           ("superseded-by", decision.supersededBy, \Decision.supersedes)] {
                for number in numbers {
                    guard let other = byNumber[number]?.first else {
                        problems.append(Problem(path: decision.path, "'\(label)' names decision \(number), which does not exist"))
                        continue
                    }
                    if !(byNumber[number] ?? []).contains(where: { $0[keyPath: back].contains(decision.number) }) {
                        problems.append(Problem(path: decision.path,
                                                "'\(label)' names decision \(number), but \(other.path) does not link back",
                                                level: .warning))
                    }
                }
            }
            for link in decision.links {
                guard let others = byNumber[link.number] else {
                    problems.append(Problem(path: decision.path, "'\(link.label)' names decision \(link.number), which does not exist"))
                    continue
                }
                if let inverse = DecisionLink.inverse(of: link.label),
                   !others.contains(where: { $0.links.contains(DecisionLink(inverse, decision.number)) }) {
                    problems.append(Problem(path: decision.path, "'\(link.label)' names decision \(link.number), but \(others[0].path) does not say '\(inverse) \(decision.number)'",
                                            level: .warning))
                }
            }
            guard let incidents else { continue }
            for id in decision.incidents {
                guard let incident = incidents.first(where: { $0.id == id }) else {
                    problems.append(Problem(path: decision.path, "names the incident \(id), which does not exist", level: .warning))
                    continue
                }
                if !incident.state.decisions.contains(decision.number) {
                    problems.append(Problem(path: decision.path, "names the incident \(id), whose timeline does not record it (link them with 'ward adr link \(decision.number) --incident \(id)')",
                                            level: .warning))
                }
            }
        }
        for incident in incidents ?? [] {
            for number in incident.state.decisions where !(byNumber[number] ?? []).contains(where: { $0.incidents.contains(incident.id) }) {
                problems.append(Problem(path: "incidents/\(incident.id)/timeline.jsonl", byNumber[number] == nil
                    ? "records decision \(number), which does not exist" :
                    "records decision \(number), which does not name this incident (link them with 'ward adr link \(number) --incident \(incident.id)')",
                    level: .warning))
            }
        }
        return problems
    }
}
