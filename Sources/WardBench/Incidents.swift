import Foundation
import WardKit

/// What is known of an incident without writing it: its id, title and when it was declared. A pure function
/// of the options and the index, so decisions can name incidents before they are written.
struct IncidentHeader {
    enum Kind { case resolved, lingering, ongoing }

    var index: Int
    var id: String
    var title: String
    var severity: String
    var services: [String]
    /// Seconds since 1970.
    var declared: Int
    /// Resolved (about 95%); lingering: mitigated or monitoring but never closed, as happens; ongoing: the
    /// newest few, still being worked on.
    var kind: Kind
    /// Whether the benchmark word goes into this incident (about 2%, see Prose).
    var kafka: Bool

    /// The newest few incidents are still being worked on.
    static func ongoingCount(_ incidents: Int) -> Int { min(incidents, 3 + incidents / 10_000) }

    static func make(_ options: Generator.Options, _ index: Int) -> IncidentHeader {
        var random = Generator.random(options, .incidentHeader, index)
        let count = options.incidents
        // Spread evenly over the six years, in index order, so ids sort as the incidents happened.
        let declared = Generator.start + Int((Double(index) + 0.1 + 0.8 * random.unit()) * Double(Generator.span) / Double(count))
        let roll = random.unit()
        let severity = roll < 0.05 ? "SEV1" : roll < 0.25 ? "SEV2" : roll < 0.70 ? "SEV3" : "SEV4"
        let services = random.pick(Prose.services, count: random.int(1, 3))
        let context = Prose.Context(service: services[0], other: services.count > 1 ? services[1] : random.pick(Prose.services),
                                    database: random.pick(Prose.databases), region: random.pick(Prose.regions), clock: declared)
        var title = Prose.sentence(Prose.fill(random.pick(Prose.symptoms), context, &random))
        if random.chance(0.35) { title += " " + random.pick(Prose.triggers) }
        let kind: Kind = index >= count - ongoingCount(count) ? .ongoing : random.chance(0.045) ? .lingering : .resolved
        let kafka = random.chance(0.02)
        let id = Timestamps.formatDate(Generator.date(declared)) + "-" + Slug.make(title) + "-" + suffix(index, seed: options.seed)
        return IncidentHeader(index: index, id: id, title: title, severity: severity, services: services, declared: declared,
                              kind: kind, kafka: kafka)
    }

    /// Four characters of a-z2-7 as `ward incident declare` adds them, but a scrambling of the index (a
    /// bijection on 20 bits) rather than a draw, so no two incidents of a store can share an id.
    static func suffix(_ index: Int, seed: UInt64) -> String {
        var x = UInt32(index) & 0xFFFFF
        var mix = SplitMix64(seed)
        let key = UInt32(truncatingIfNeeded: mix.next()) & 0xFFFFF
        for _ in 0..<2 {
            x = (x &* 0x9E3B5) & 0xFFFFF
            x ^= x >> 9
            x ^= key
        }
        return String((0..<4).map { Random.idSuffix[Int((x >> (UInt32($0) * 5)) & 31)] })
    }
}

/// Writes one incident's directory: `incident.md`, a `timeline.jsonl` of exactly 40 events, and for about
/// 60% of the resolved ones a `postmortem.md` drafted by Ward's own code from what the timeline says.
struct IncidentWriter {
    static let eventsPerTimeline = 40
    /// At most this many decision records name one incident (see DecisionPlanner).
    static let maxDecisions = 3

    let options: Generator.Options
    let store: Store
    let templates = Templates(store: nil)
    let runbooks: [Runbook]
    let runbookFields: [[String: JSONValue]]
    /// What follows `"kind":"runbook"` in a runbook event's line, by runbook: the same 2-5 KB for every
    /// incident, so it is rendered (by `Event.jsonLine`) once rather than 50,000 times.
    let runbookTails: [String: Substring]
    let checklists: [Checklist]
    let postmortemTemplate: FilledTemplate

    init(options: Generator.Options, store: Store) {
        self.options = options
        self.store = store
        postmortemTemplate = FilledTemplate("postmortem.md", keys: ["id", "title"] + PostmortemDraft.blockNames, templates: templates)
        runbooks = ["recovery", "data-loss"].map { name in
            try! Runbook(name: name, text: Templates.builtIn("runbooks/\(name).md")!, path: "runbooks/\(name).md", builtIn: true)
        }
        runbookFields = runbooks.map(RunbookRun.startFields)
        var tails: [String: Substring] = [:]
        for (runbook, fields) in zip(runbooks, runbookFields) {
            let line = Event(id: "0", at: Generator.date(0), recorded: Generator.date(0), by: "x", kind: "runbook", fields: fields).jsonLine
            tails[runbook.name] = line[line.range(of: "\"kind\":\"runbook\"")!.upperBound...]
        }
        runbookTails = tails
        checklists = ["pre-deploy", "schema-change"].map(ChecklistRunWriter.builtIn)
    }

    struct Written {
        var resolved: Bool
        var postmortem: Bool
        var kafka: Bool
        var files: Int
        var bytes: Int
    }

    func write(_ index: Int, decisions: [DecisionPlan]) throws -> Written {
        let header = IncidentHeader.make(options, index)
        var random = Generator.random(options, .incidentBody, index)
        let directory = store.root.appending(path: "incidents/" + header.id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)

        let commander = random.pick(Prose.people)
        let team = [commander] + random.pick(Prose.people.filter { $0 != commander }, count: random.int(2, 5))
        var authors: [String: String] = [:]
        for person in team { authors[person] = Generator.author(person, &random) }
        let context = Prose.Context(service: header.services[0],
                                    other: header.services.count > 1 ? header.services[1] : random.pick(Prose.services),
                                    database: random.pick(Prose.databases), region: random.pick(Prose.regions), clock: header.declared)
        // A third of the kafka incidents have it in the record's prose, the rest in a note.
        let kafkaInBody = header.kafka && random.chance(0.35)

        var bytes = try writeFile(directory.appending(path: "incident.md"),
                                  incidentText(header, declaredBy: authors[commander]!, context: context, kafka: kafkaInBody, &random))
        let timeline = Timeline(header: header, team: team, authors: authors, context: context, writer: self)
        let postmortemStatus: String? = header.kind == .resolved && random.chance(0.6)
            ? random.pick(["draft", "in-review", "in-review", "published", "published", "published", "published", "published"]) : nil
        let (events, reviewers, published) = timeline.events(decisions: decisions, postmortem: postmortemStatus,
                                                             kafkaNote: header.kafka && !kafkaInBody, &random)
        precondition(events.count == Self.eventsPerTimeline)
        bytes += try writeFile(directory.appending(path: "timeline.jsonl"), events.map { line($0) + "\n" }.joined())
        var files = 2
        if let postmortemStatus {
            bytes += try writeFile(directory.appending(path: "postmortem.md"),
                                   postmortemText(header, status: postmortemStatus, reviewers: reviewers, published: published,
                                                  context: context, &random))
            files += 1
        }
        return Written(resolved: header.kind == .resolved, postmortem: postmortemStatus != nil, kafka: header.kafka, files: files, bytes: bytes)
    }

    /// `event.jsonLine`, with the runbook definition's part taken from `runbookTails`.
    func line(_ event: Event) -> String {
        guard event.kind == "runbook", let name = event["runbook"], let tail = runbookTails[name] else { return event.jsonLine }
        var head = event
        head.fields = [:]
        return String(head.jsonLine.dropLast()) + tail
    }

    /// Front matter as `ward incident declare` writes it, the template's guidance replaced by prose.
    func incidentText(_ header: IncidentHeader, declaredBy: String, context: Prose.Context, kafka: Bool,
                      _ random: inout Random) throws -> String {
        let record = IncidentRecord(title: header.title, severity: header.severity, services: header.services,
                                    declared: Generator.date(header.declared), declaredBy: declaredBy)
        var summary = Prose.paragraph(random.int(3, 4), context, &random)
        if random.chance(0.3) { summary += "\n\n" + Prose.paragraph(random.int(2, 3), context, &random) }
        if kafka { summary += "\n\n" + Prose.wrap(Prose.fill(random.pick(Prose.kafkaNotes), context, &random)) }
        var sections = [
            "## Summary": summary,
            "## Impact": Prose.paragraph(random.int(2, 3), context, &random, from: [Prose.observations]),
        ]
        if random.chance(0.6) {
            sections["## Current understanding"] = Prose.wrap("We believe the cause is " + Prose.fill(random.pick(Prose.causes), context, &random)
                                                              + ". " + Prose.paragraph(random.int(1, 2), context, &random, from: [Prose.coordination]))
        }
        if random.chance(0.5) {
            sections["## Links"] = "- Dashboard: " + random.pick(Prose.dashboards) + "\n- Change under suspicion: PR #" + String(random.int(1000, 9999))
        }
        return replacingComments(try record.rendered(templates: templates), with: sections)
    }

    /// The draft `ward postmortem draft` writes (Ward's template and generated blocks, from the incident as
    /// Ward reads it back), with people's prose in place of the guidance, in review or published as planned.
    func postmortemText(_ header: IncidentHeader, status: String, reviewers: [String], published: String?,
                        context: Prose.Context, _ random: inout Random) throws -> String {
        let incident = store.loadIncident(header.id)
        var values: [String: String] = ["id": header.id, "title": FrontMatterEditor.scalar(incident.state.title)]
        for (name, content) in PostmortemDraft.blocks(incident) { values[name] = content }
        var text = try postmortemTemplate.render(values, templates: templates)
        let causes = random.pick(Prose.causes, count: random.int(2, 3)).map { "* " + Prose.sentence(Prose.fill($0, context, &random)) + "." }
        text = replacingComments(text, with: [
            "## Summary": Prose.paragraph(random.int(3, 5), context, &random),
            "## Impact": Prose.paragraph(2, context, &random, from: [Prose.observations]),
            "## Root causes": causes.joined(separator: "\n"),
            "## Trigger": Prose.wrap(Prose.sentence(Prose.fill(random.pick(Prose.causes), context, &random)) + "."),
            "## Detection": Prose.paragraph(2, context, &random, from: [Prose.observations]),
            "## Resolution": Prose.paragraph(random.int(2, 4), context, &random, from: [Prose.actions]),
            "### What went well": random.pick(Prose.lessonsWell, count: 2).map { "* " + $0 }.joined(separator: "\n"),
            "### What went wrong": random.pick(Prose.lessonsWrong, count: 2).map { "* " + Prose.fill($0, context, &random) }.joined(separator: "\n"),
            "### Internal": Prose.wrap("Updates in #incidents every 30 minutes; summary email to engineering the next morning."),
            "### Customers": Prose.wrap("Status page: \"" + Prose.fill(random.pick(Prose.observations), context, &random) + "\" Resolved notice once the fix was verified."),
        ])
        var keys: [(String, String)] = []
        if status != "draft" { keys.append(("reviewers", FrontMatterEditor.list(reviewers))) }
        if let published { keys.append(("published", published)) }
        return settingFrontMatter(keys + [("status", status)], in: text)
    }
}

/// The 40 events of one incident, in the order they were recorded.
struct Timeline {
    let header: IncidentHeader
    let team: [String]
    let authors: [String: String]
    let context: Prose.Context
    let writer: IncidentWriter

    struct Builder {
        var events: [Event] = []
        var random: Random

        /// Nothing is recorded after this: follow-ups of the newest incidents (actions done, reviews) would
        /// otherwise fall after the day the store is dated.
        static let latest = Generator.end + 2 * 86400

        /// Adds an event; its id is drawn now, with its position as the millisecond so ids keep the order.
        @discardableResult
        mutating func add(_ kind: String, at: Int, recorded: Int? = nil, by: String, _ fields: [String: JSONValue] = [:]) -> String {
            let at = min(at, Self.latest)
            let recorded = min(max(recorded ?? at, at), Self.latest)
            let id = random.eventID(recorded: recorded, sequence: events.count)
            events.append(Event(id: id, at: Generator.date(at), recorded: Generator.date(recorded), by: by, kind: kind, fields: fields))
            return id
        }
    }

    /// The events, and the post-mortem's reviewers and publication date when it has them.
    func events(decisions: [DecisionPlan], postmortem: String?, kafkaNote: Bool,
                _ random: inout Random) -> (events: [Event], reviewers: [String], published: String?) {
        var b = Builder(random: Random(writer.options.seed, stream: random.next()))
        let t = header.declared
        let commander = authors[team[0]]!
        func someone() -> String { authors[random.pick(team)]! }

        // When things happened: impact, detection and acknowledgement before the declaration.
        let impact = t - random.seconds(90, 3 * 3600)
        let detected = impact + max(5, Int(Double(t - impact) * (0.1 + 0.5 * random.unit())))
        let acknowledged = min(t - 2, detected + max(3, Int(Double(t - detected) * (0.2 + 0.6 * random.unit()))))
        let mitigated = max(t + 900, impact + random.seconds(1200, 8 * 3600))
        let resolved = mitigated + random.seconds(900, 20 * 3600)
        let activeUntil: Int
        switch header.kind {
        case .resolved: activeUntil = resolved
        case .lingering: activeUntil = mitigated + random.seconds(1800, 6 * 3600)
        case .ongoing: activeUntil = t + random.seconds(1800, 5 * 3600)
        }

        b.add("declared", at: t, by: commander, ["title": .string(header.title), "severity": .string(header.severity),
                                                  "services": .array(header.services.map { .string($0) }), "commander": .string(team[0])])
        for (offset, (milestone, at)) in [("impact_started", impact), ("detected", detected), ("acknowledged", acknowledged)].enumerated() {
            b.add("milestone", at: at, recorded: t + 40 + 15 * offset, by: commander, ["milestone": .string(milestone)])
        }
        // What follows happens within the time until mitigation (or until now, for an ongoing incident), in
        // this order, whatever that time is: roles, investigating, the runbook, identified, the fix.
        let working = (header.kind == .ongoing ? activeUntil : mitigated) - t
        func within(_ lower: Double, _ upper: Double) -> Int { t + Int(Double(working) * (lower + (upper - lower) * random.unit())) }
        b.add("role", at: within(0.02, 0.04), by: commander, ["role": .string("scribe"), "name": .string(team[1])])
        b.add("role", at: within(0.05, 0.07), by: commander, ["role": .string("comms"), "name": .string(team[team.count > 2 ? 2 : 1])])
        b.add("status", at: within(0.08, 0.11), by: commander, ["status": .string("investigating")])

        // The runbook: started, then its first steps settled and phases moved on, five events in all.
        let which = random.int(writer.runbooks.count)
        let runbook = writer.runbooks[which]
        var clock = within(0.12, 0.14)
        b.add("runbook", at: clock, by: commander, writer.runbookFields[which])
        var phase = 0, step = 0
        for _ in 0..<4 {
            clock += within(0.02, 0.04) - t
            if step == runbook.phases[phase].steps.count {
                b.add("phase", at: clock, by: commander, ["runbook": .string(runbook.name), "direction": .string("next"),
                                                         "from": .string(runbook.phases[phase].name), "to": .string(runbook.phases[phase + 1].name)])
                phase += 1
                step = 0
                continue
            }
            let item = runbook.phases[phase].steps[step]
            var fields: [String: JSONValue] = ["runbook": .string(runbook.name), "step": .string(item.id)]
            if item.allowsNotApplicable && random.chance(0.4) {
                fields["state"] = .string("na")
                fields["reason"] = .string(Prose.fill(random.pick(Prose.naReasons), context, &random))
            } else {
                fields["state"] = .string("done")
                if random.chance(0.6) { fields["note"] = .string(Prose.fill(random.pick(Prose.stepNotes), context, &random)) }
            }
            b.add("step", at: clock, by: someone(), fields)
            step += 1
        }

        let identified = within(0.33, 0.5)
        if header.kind != .ongoing || random.chance(0.5) {
            b.add("status", at: identified, by: commander, ["status": .string("identified")])
        }
        if random.chance(0.08) {
            let severities = ["SEV1", "SEV2", "SEV3", "SEV4"]
            let current = severities.firstIndex(of: header.severity) ?? 2
            let changed = severities[current == 0 ? 1 : current - 1]
            b.add("severity", at: within(0.52, 0.55), by: commander, ["severity": .string(changed),
                                                                        "reason": .string("impact is " + (changed < header.severity ? "wider" : "narrower") + " than we thought")])
        }
        if random.chance(0.1) {
            b.add("role", at: within(0.56, 0.6), by: commander, ["role": .string("commander"), "name": .string(team[1])])
        }
        if header.kind != .ongoing && random.chance(0.06) {
            // A pre-deploy or schema-change run before the fix went out.
            let checklist = writer.checklists[random.int(writer.checklists.count)]
            b.add("checklist", at: within(0.7, 0.95), by: someone(), ChecklistRunWriter.fields(checklist, good: true, context: context, &random))
        }
        if header.kind != .ongoing {
            b.add("milestone", at: mitigated, recorded: mitigated + random.int(30, 300), by: commander, ["milestone": .string("mitigated")])
            var fields: [String: JSONValue] = ["status": .string("mitigated")]
            if random.chance(0.5) { fields["reason"] = .string(Prose.fill(random.pick(Prose.reasons), context, &random)) }
            b.add("status", at: mitigated + random.int(301, 400), by: commander, fields)
            if random.chance(header.kind == .lingering ? 0.5 : 0.3) {
                b.add("status", at: mitigated + 420 + (header.kind == .lingering ? 0 : (resolved - mitigated) / 3), by: commander,
                      ["status": .string("monitoring")])
            }
        }
        var reviewers: [String] = []
        var published: String?
        if header.kind == .resolved {
            b.add("milestone", at: resolved, recorded: resolved + random.int(30, 200), by: commander, ["milestone": .string("resolved")])
            b.add("status", at: resolved + random.int(201, 300), by: commander,
                  ["status": .string("resolved"), "reason": .string(Prose.fill(random.pick(Prose.reasons), context, &random))])
            // Action items out of the review, one of them done later.
            var firstAction = ""
            for number in 0..<random.int(2, 3) {
                let at = resolved + 600 + 300 * number
                let id = b.add("action", at: at, by: commander, [
                    "title": .string(Prose.fill(random.pick(Prose.actionItems), context, &random)), "state": .string("open"),
                    "source": .string("added"), "owner": .string(random.pick(team)),
                    "due": .string(Timestamps.formatDate(Generator.date(resolved + random.int(7, 60) * 86400))),
                    "type": .string(random.pick(Prose.actionTypes)),
                ])
                if number == 0 { firstAction = id }
            }
            b.add("action", at: resolved + random.int(1, 20) * 86400, by: someone(), ["action": .string(firstAction), "state": .string("done")])
            if let postmortem, postmortem != "draft" {
                let review = resolved + random.int(2, 5) * 86400
                reviewers = random.pick(Prose.people.filter { !team.contains($0) }, count: random.int(1, 3))
                b.add("postmortem", at: review, by: commander, ["status": .string("in-review"), "reviewers": .array(reviewers.map { .string($0) })])
                if postmortem == "published" {
                    let day = review + random.int(1, 7) * 86400
                    published = Timestamps.formatDate(Generator.date(min(day, Builder.latest)))
                    b.add("postmortem", at: day, by: commander, ["status": .string("published")])
                }
            }
        }
        for decision in decisions {
            b.add("decision", at: decision.created + 300, by: authors[team[0]]!, ["number": .number(Double(decision.number)),
                                                                                "path": .string(decision.path), "title": .string(decision.title)])
        }

        // Notes fill the rest, spread over the time the incident was worked on; some back-dated, some key.
        let notes = IncidentWriter.eventsPerTimeline - b.events.count
        var times = (0..<notes).map { _ in t + 60 + random.int(max(1, activeUntil - t - 60)) }
        times.sort()
        let kafkaAt = kafkaNote ? random.int(notes) : -1
        for (number, recorded) in times.enumerated() {
            var fields: [String: JSONValue] = ["text": .string(number == kafkaAt
                ? Prose.fill(random.pick(Prose.kafkaNotes), context, &random) : Prose.note(context, &random))]
            if random.chance(0.12) { fields["key"] = .bool(true) }
            let at = random.chance(0.1) ? recorded - random.int(60, 900) : recorded
            b.add("note", at: at, recorded: recorded, by: someone(), fields)
        }
        // The journal is in the order lines were appended: by the time they were recorded.
        let ordered = b.events.enumerated().sorted { ($0.element.recorded, $0.offset) < ($1.element.recorded, $1.offset) }.map(\.element)
        return (ordered, reviewers, published)
    }
}

/// A template parsed once. `Templates.render` parses the Mustache text on every call, a tenth of the time it
/// takes to write an incident; here it is rendered once with a marker for each value, and later renders
/// put the values where the markers are. That is the same text for a template whose values are only
/// inserted (`{{{name}}}`), which is checked once against `Templates.render`; a template with sections,
/// where it would not be, is rendered by `Templates.render` every time.
struct FilledTemplate {
    let name: String
    /// The text between markers, and the key whose value follows each piece but the last.
    let pieces: [String]
    let keys: [String]
    let exact: Bool

    init(_ name: String, keys wanted: [String], templates: Templates) {
        self.name = name
        var markers: [String: String] = [:]
        for (index, key) in wanted.enumerated() { markers[key] = "\u{1}\(index)\u{2}" }
        let rendered = (try? templates.render(name, markers)) ?? ""
        var pieces: [String] = [], keys: [String] = []
        var rest = Substring(rendered)
        while let open = rest.firstIndex(of: "\u{1}"), let close = rest[open...].firstIndex(of: "\u{2}"),
              let index = Int(rest[rest.index(after: open)..<close]), wanted.indices.contains(index) {
            pieces.append(String(rest[..<open]))
            keys.append(wanted[index])
            rest = rest[rest.index(after: close)...]
        }
        pieces.append(String(rest))
        self.pieces = pieces
        self.keys = keys
        // Checked with values that differ from each other and from the markers.
        let sample = Dictionary(uniqueKeysWithValues: wanted.map { ($0, "<\($0) value>") })
        exact = !rendered.isEmpty && (try? templates.render(name, sample)) == FilledTemplate.fill(pieces, keys, sample)
    }

    func render(_ values: [String: String], templates: Templates) throws -> String {
        exact ? Self.fill(pieces, keys, values) : try templates.render(name, values)
    }

    static func fill(_ pieces: [String], _ keys: [String], _ values: [String: String]) -> String {
        var out = pieces[0]
        for (key, piece) in zip(keys, pieces.dropFirst()) { out += (values[key] ?? "") + piece }
        return out
    }
}
