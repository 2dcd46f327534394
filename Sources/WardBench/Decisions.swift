import Foundation
import WardKit

/// What the generator decides about one decision record before any file is written: enough for the
/// incidents that link to it and for its own file.
struct DecisionPlan {
    var number: Int
    var title: String
    var fileName: String
    var path: String { "decisions/" + fileName }
    /// Seconds since 1970 when it was written (its `date`), and when it was accepted or rejected.
    var created: Int
    var decided: Int?
    var status: DecisionStatus
    var supersedes: [Int] = []
    var supersededBy: [Int] = []
    var incidentIndices: [Int] = []
    var incidentIDs: [String] = []
    var makers: [String]
    var tags: [String]
    var service: String
    var other: String
    var kafka: Bool
}

/// Plans every decision: titles, dates spread over the six years in number order, statuses, supersede
/// chains (every 8th record supersedes an earlier accepted one, often the previous superseder, so chains
/// form), and links to incidents written shortly before.
struct DecisionPlanner {
    let options: Generator.Options

    init(_ options: Generator.Options) { self.options = options }

    static let tags = ["database", "deploys", "reliability", "security", "migrations", "observability", "cost",
                       "tenancy", "backups", "api", "on-call", "data"]

    func plan() -> [DecisionPlan] {
        let count = options.decisions
        guard count > 0 else { return [] }
        let proposedFrom = count - max(1, count / 100)
        var plans: [DecisionPlan] = []
        plans.reserveCapacity(count)
        var taken: [Int: Int] = [:]
        for number in 1...count {
            var random = Generator.random(options, .decision, number)
            let created = Generator.start + Int((Double(number - 1) + 0.1 + 0.8 * random.unit()) * Double(Generator.span) / Double(count))
            let service = random.pick(Prose.services)
            let context = Prose.Context(service: service, other: random.pick(Prose.services), database: random.pick(Prose.databases),
                                        region: random.pick(Prose.regions), clock: created)
            let title = Prose.sentence(Prose.fill(random.pick(Prose.decisionTitles), context, &random))
            let roll = random.unit()
            let status: DecisionStatus = number > proposedFrom ? .proposed : roll < 0.06 ? .rejected : roll < 0.10 ? .deprecated : .accepted
            var plan = DecisionPlan(
                number: number, title: title, fileName: Decision.fileName(number: number, title: title), created: created,
                decided: status == .proposed ? nil : created + random.seconds(3600, 12 * 86400), status: status,
                makers: random.pick(Prose.people, count: random.int(2, 3)), tags: random.pick(Self.tags, count: random.int(1, 3)),
                service: service, other: context.other,
                // The benchmark word in a handful of records (see Prose).
                kafka: number % 500 == 250)
            linkIncidents(&plan, &random, taken: &taken)
            plans.append(plan)
        }
        supersede(&plans)
        return plans
    }

    /// About a third of the records came out of an incident declared a few days to two months before (at
    /// most `IncidentWriter.maxDecisions` records per incident, so every timeline keeps its 40 lines).
    func linkIncidents(_ plan: inout DecisionPlan, _ random: inout Random, taken: inout [Int: Int]) {
        let linkable = options.incidents - IncidentHeader.ongoingCount(options.incidents)
        guard linkable > 0, random.chance(0.3) else { return }
        let wanted = random.chance(0.15) ? 2 : 1
        var when = plan.created - 3 * 86400 - random.seconds(3600, 60 * 86400)
        for _ in 0..<wanted {
            var index = min(linkable - 1, Int(Double(when - Generator.start) * Double(options.incidents) / Double(Generator.span)))
            // The incident must be over well before the record was written.
            while index >= 0, IncidentHeader.make(options, index).declared > plan.created - 2 * 86400 { index -= 1 }
            guard index >= 0, !plan.incidentIndices.contains(index), taken[index, default: 0] < IncidentWriter.maxDecisions else { return }
            taken[index, default: 0] += 1
            plan.incidentIndices.append(index)
            plan.incidentIDs.append(IncidentHeader.make(options, index).id)
            when -= random.seconds(86400, 20 * 86400)
        }
    }

    /// Every 8th record supersedes an accepted one that nothing supersedes yet: half the time the record the
    /// previous 8th one wrote (a chain), otherwise one of the last 150.
    func supersede(_ plans: inout [DecisionPlan]) {
        var random = Generator.random(options, .plan, 1)
        for newer in stride(from: 8, through: plans.count, by: 8) {
            func eligible(_ number: Int) -> Bool {
                number >= 1 && number < newer && plans[number - 1].status == .accepted && plans[number - 1].supersededBy.isEmpty
            }
            var older: Int?
            if random.chance(0.5), eligible(newer - 8) { older = newer - 8 }
            for _ in 0..<12 where older == nil {
                let candidate = random.int(max(1, newer - 150), newer - 1)
                if eligible(candidate) { older = candidate }
            }
            guard let older else { continue }
            let superseder = plans[newer - 1]
            plans[newer - 1].supersedes = [older]
            if superseder.status != .proposed {
                plans[newer - 1].status = .accepted
                plans[newer - 1].decided = superseder.decided ?? superseder.created + 86400
            }
            plans[older - 1].status = .superseded
            plans[older - 1].supersededBy = [newer]
            // Accepted before the record that replaced it was written.
            let created = plans[older - 1].created
            plans[older - 1].decided = max(created + 60, min(plans[older - 1].decided ?? created, superseder.created - 3600))
        }
    }
}

/// Writes the records (MADR, as `ward adr new` writes them, with the template's comments replaced by prose
/// as people do) and the decision journal `.ward-history.jsonl` that Ward keeps beside them.
struct DecisionWriter {
    let options: Generator.Options
    let root: URL

    func write(_ plans: [DecisionPlan]) throws -> (files: Int, bytes: Int) {
        var bytes = 0
        let templates = Templates(store: nil)
        var history: [Entry] = []
        for plan in plans {
            var random = Generator.random(options, .decisionText, plan.number)
            let text = try record(plan, templates: templates, &random)
            bytes += try writeFile(root.appending(path: plan.path), text)
            history += events(plan)
            // Superseding is journalled on the older record, when the newer one was written.
            for older in plan.supersedes {
                history.append(entry(plans[older - 1], "status", plan.created,
                                     ["from": .string("accepted"), "to": .string("superseded"), "by_record": .number(Double(plan.number))]))
            }
        }
        // The journal in the order the changes happened.
        let ordered = history.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        var journal = ""
        var random = Generator.random(options, .plan, 2)
        for (_, entry) in ordered { journal += entry.event(&random).jsonLine + "\n" }
        if !plans.isEmpty {
            bytes += try writeFile(root.appending(path: "decisions/" + Store.decisionJournalName), journal)
        }
        return (plans.count + (plans.isEmpty ? 0 : 1), bytes)
    }

    func record(_ plan: DecisionPlan, templates: Templates, _ random: inout Random) throws -> String {
        var text = try templates.render("adr-madr.md", [
            "title": plan.title, "date": Timestamps.formatDate(Generator.date(plan.created)),
            "status": plan.status.rawValue, "decision_makers": FrontMatterEditor.list(plan.makers),
            "supersedes": "[" + plan.supersedes.map(String.init).joined(separator: ", ") + "]",
            "incidents": FrontMatterEditor.list(plan.incidentIDs),
        ])
        let consulted = random.pick(Prose.people.filter { !plan.makers.contains($0) }, count: random.int(0, 2))
        text = settingFrontMatter([("consulted", FrontMatterEditor.list(consulted)), ("informed", "[engineering]"),
                                   ("superseded-by", "[" + plan.supersededBy.map(String.init).joined(separator: ", ") + "]"),
                                   ("tags", FrontMatterEditor.list(plan.tags))], in: text)
        let context = Prose.Context(service: plan.service, other: plan.other, database: random.pick(Prose.databases),
                                    region: random.pick(Prose.regions), clock: plan.created)
        var problem = Prose.paragraph(random.int(3, 5), context, &random)
        if !plan.incidentIDs.isEmpty {
            problem = Prose.wrap("Incident " + plan.incidentIDs.map { "`\($0)`" }.joined(separator: " and ")
                + " showed " + Prose.fill(random.pick(Prose.causes), context, &random) + ".") + "\n" + problem
        }
        if plan.kafka { problem += "\n" + Prose.wrap(Prose.fill(Prose.kafkaDecisionLines[0], context, &random)) }
        if let older = plan.supersedes.first { problem += "\n\nThis replaces record \(older), which no longer holds." }
        let options = ["Keep doing what we do now", plan.title] + random.pick(Prose.decisionTitles, count: random.int(1, 2))
            .map { Prose.sentence(Prose.fill($0, context, &random)) }
        let word = plan.status == .rejected ? "Rejected" : plan.status == .proposed ? "Proposed" : "Chosen option"
        let sections: [String: String] = [
            "## Context and Problem Statement": problem + "\n\nWhat should we do so that this does not happen again?",
            "## Decision Drivers": random.pick(Prose.decisionDrivers, count: random.int(2, 4)).map { "* " + $0 }.joined(separator: "\n"),
            "## Considered Options": options.map { "* " + $0 }.joined(separator: "\n"),
            "## Decision Outcome": Prose.wrap("\(word): \"\(plan.title)\", because " + Prose.fill(random.pick(Prose.causes), context, &random)
                                              + " must not be able to take us down again. " + Prose.paragraph(2, context, &random)),
            "### Consequences": (random.pick(Prose.goodConsequences, count: 2) + random.pick(Prose.badConsequences, count: random.int(1, 2)))
                .map { "* " + $0 }.joined(separator: "\n"),
            "### Confirmation": Prose.wrap("A check in CI fails when the rule is broken, and we look at this record again at the next quarterly review."),
            "## Pros and Cons of the Options": options.map {
                "### \($0)\n\n* " + random.pick(Prose.goodConsequences) + "\n* " + random.pick(Prose.badConsequences)
            }.joined(separator: "\n\n"),
            "## More Information": Prose.paragraph(random.int(1, 3), context, &random),
        ]
        return replacingComments(text, with: sections)
    }

    typealias Entry = (at: Int, event: (inout Random) -> Event)

    /// One line of the journal about `plan`, made (with its id) once the lines are in order.
    func entry(_ plan: DecisionPlan, _ kind: String, _ at: Int, _ fields: [String: JSONValue]) -> Entry {
        let maker = plan.makers[0]
        var all = fields
        all["number"] = .number(Double(plan.number))
        all["file"] = .string(plan.fileName)
        return (at, { random in
            Event(id: random.eventID(recorded: at, sequence: plan.number), at: Generator.date(at), recorded: Generator.date(at),
                  by: maker + "@" + maker + "-laptop", kind: kind, fields: all)
        })
    }

    /// Ward's journal entries for the record: created, then its own status changes.
    func events(_ plan: DecisionPlan) -> [Entry] {
        func event(_ kind: String, _ at: Int, _ fields: [String: JSONValue]) -> Entry { entry(plan, kind, at, fields) }
        var list = [event("created", plan.created, ["title": .string(plan.title), "status": .string("proposed")])]
        guard let decided = plan.decided, plan.status != .proposed else { return list }
        let first: DecisionStatus = plan.status == .rejected ? .rejected : .accepted
        list.append(event("status", decided, ["from": .string("proposed"), "to": .string(first.rawValue)]))
        if plan.status == .deprecated {
            list.append(event("status", min(Generator.end - 3600, decided + 200 * 86400),
                              ["from": .string("accepted"), "to": .string("deprecated")]))
        }
        return list
    }
}

/// `text` with front matter keys set by WardKit's editor (as `ward adr status` or `ward postmortem review`
/// set them), given only the front matter so a long body is not split into lines for each key.
func settingFrontMatter(_ keys: [(String, String)], in text: String) -> String {
    guard text.hasPrefix("---\n"), let close = text.range(of: "\n---\n") else { return text }
    var head = String(text[..<close.upperBound])
    for (key, value) in keys { head = FrontMatterEditor.set(key, to: value, in: head) ?? head }
    return head + text[close.upperBound...]
}

/// `text` with the template's guidance comment under each heading in `sections` replaced by that prose.
/// Other comments (and Ward's `ward:begin`/`ward:end` markers) stay.
func replacingComments(_ text: String, with sections: [String: String]) -> String {
    var out: [Substring] = []
    var heading: Substring = ""
    var replaced: Set<Substring> = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("#") { heading = line }
        if line.hasPrefix("<!-- "), !line.hasPrefix("<!-- ward:"), let prose = sections[String(heading)], !replaced.contains(heading) {
            replaced.insert(heading)
            out.append(Substring(prose))
            continue
        }
        out.append(line)
    }
    return out.joined(separator: "\n")
}
