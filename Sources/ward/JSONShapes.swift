import Foundation
import WardKit

/// The JSON documents `--json` prints: a contract with scripts (CLI.md), so keys only ever get added.
enum JSONShapes {
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
    static func numbers(_ values: [Int]) -> JSONValue { .array(values.map { .number(Double($0)) }) }
    static func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamps.format($0)) } ?? .null }

    /// One incident as scripts see it; the shape lives with `IncidentSummary`, which `incident list` prints.
    static func incident(_ incident: Incident) -> JSONValue { IncidentSummary(incident).json }

    /// `ward action list --json` (CLI.md): `{"id","incident","title","owner","due","state"}` and more.
    static func action(_ item: ActionItem, today: String? = nil) -> JSONValue { item.json(today: today) }

    /// `ward runbook show --json` (CLI.md): the run, its current phase, and every phase's steps.
    static func run(_ run: RunbookRun, incident: String, now: Date) -> JSONValue {
        .object([
            "incident": .string(incident),
            "runbook": .string(run.name),
            "title": .string(run.title),
            "phase": run.currentPhase.map { .string($0.name) } ?? .null,
            "finished": .bool(run.isFinished),
            "started": time(run.started),
            "started_by": .string(run.startedBy),
            "phases": .array(run.phases.enumerated().map { index, phase in
                let state = index < run.current ? "done" : index == run.current ? "current" : "pending"
                return .object([
                    "name": .string(phase.name),
                    "state": .string(state),
                    "seconds": .number(index <= run.current ? run.time(inPhase: index, now: now).rounded() : 0),
                    "steps": .array(phase.steps.map { step in
                        let record = run.steps[step.id]
                        return .object([
                            "id": .string(step.id), "title": .string(step.text), "required": .bool(step.required),
                            "na_allowed": .bool(step.allowsNotApplicable),
                            "state": .string((record?.state ?? .open).rawValue),
                            "by": record.map { .string($0.by) } ?? .null, "at": time(record?.at),
                            "reason": record?.reason.map { .string($0) } ?? .null,
                            "note": record?.note.map { .string($0) } ?? .null,
                        ])
                    }),
                ])
            }),
        ])
    }

    static func event(_ event: Event) -> JSONValue {
        var object = event.fields
        object["id"] = .string(event.id)
        object["at"] = .string(Timestamps.format(event.at))
        object["recorded"] = .string(Timestamps.format(event.recorded))
        object["by"] = .string(event.by)
        object["kind"] = .string(event.kind)
        return .object(object)
    }

    static func decision(_ decision: Decision, body: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "number": .number(Double(decision.number)),
            "title": .string(decision.title),
            "status": .string(decision.status?.rawValue ?? decision.statusText),
            "date": decision.date.map { .string($0) } ?? .null,
            "path": .string(decision.path),
            "format": .string(decision.format.rawValue),
            "supersedes": numbers(decision.supersedes),
            "superseded_by": numbers(decision.supersededBy),
            "relates_to": numbers(decision.relatesTo),
            "links": .object(Dictionary(grouping: decision.links, by: \.label).mapValues { numbers($0.map(\.number)) }
                .reduce(into: [:]) { $0[DecisionLink.frontMatterKey($1.key)] = $1.value }),
            "incidents": strings(decision.incidents),
            "tags": strings(decision.tags),
            "decision_makers": strings(decision.decisionMakers),
        ]
        if body { object["body"] = .string(decision.body) }
        return .object(object)
    }

    static func problem(_ problem: Problem) -> JSONValue {
        .object([
            "path": .string(problem.path),
            "line": problem.line.map { .number(Double($0)) } ?? .null,
            "message": .string(problem.message),
            "level": .string(problem.level.rawValue),
        ])
    }
}

extension JSONShapes {
    /// `ward check list --json` (CLI.md): `{"name","title","items"}` and more.
    static func checklist(_ checklist: Checklist, lastRun: ChecklistRun?, problem: Problem? = nil) -> JSONValue {
        .object([
            "name": .string(checklist.name),
            "title": .string(checklist.title),
            "summary": .string(checklist.summary),
            "built_in": .bool(checklist.builtIn),
            "path": .string(checklist.path),
            "items": .array(checklist.items.map { item in
                .object([
                    "id": .string(item.id), "text": .string(item.text), "hint": .string(item.hint),
                    "required": .bool(item.required), "na": .bool(item.allowsNotApplicable), "red_flag": .bool(item.redFlag),
                ])
            }),
            "last_run": lastRun.map { .object(["id": .string($0.id), "at": time($0.at), "result": .string($0.result.rawValue)]) } ?? .null,
            // The store's file of this name, when it is broken (what is listed is then the built-in one).
            "problem": problem.map { .string($0.description) } ?? .null,
        ])
    }

    /// `ward check run --json` (CLI.md): `{"result":"GO"|"NO-GO","failed":[...]}` and the whole run.
    static func checklistRun(_ run: ChecklistRun) -> JSONValue {
        .object([
            "result": .string(run.result.rawValue),
            "failed": strings(run.failed),
            "red_flags": strings(run.redFlags),
            "id": .string(run.id),
            "short_id": .string(run.shortID),
            "checklist": .string(run.checklist),
            "title": .string(run.title),
            "at": time(run.at),
            "by": .string(run.by),
            "incident": run.incident.map { .string($0) } ?? .null,
            "path": .string(run.path),
            "line": .number(Double(run.line)),
            "answers": .array(run.verdict.outcomes.map { outcome in
                .object([
                    "item": .string(outcome.item.id), "text": .string(outcome.item.text),
                    "answer": .string(outcome.answer?.rawValue ?? ""), "good": .bool(outcome.isGood ?? false),
                    "fails": .bool(outcome.fails), "problem": outcome.problem.map { .string($0) } ?? .null,
                    "note": .string(outcome.note), "required": .bool(outcome.item.required),
                    "na": .bool(outcome.item.allowsNotApplicable), "red_flag": .bool(outcome.item.redFlag),
                ])
            }),
        ])
    }
}
