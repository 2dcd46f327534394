import Foundation
import WardKit

/// Checklist runs made on their own: `checklists/runs/red-flags.jsonl`, `pre-deploy.jsonl` and
/// `schema-change.jsonl`, about one run for every ten incidents in all, spread over the six years. Each line
/// is a `checklist` event with the fields `ward check run` records, its verdict worked out by WardKit.
struct ChecklistRunWriter {
    let options: Generator.Options
    let root: URL

    static let names = ["red-flags", "pre-deploy", "schema-change"]

    static func builtIn(_ name: String) -> Checklist {
        try! Checklist(name: name, text: Templates.builtIn("checklists/\(name).md")!, path: "checklists/\(name).md", builtIn: true)
    }

    func write() throws -> (runs: Int, files: Int, bytes: Int) {
        let count = options.incidents / 10
        let checklists = Self.names.map(Self.builtIn)
        // A line is about 2 KB: even 5,000 runs are a few MB to hold until the end.
        var journals = Array(repeating: "", count: Self.names.count)
        for number in 0..<count {
            var random = Generator.random(options, .checklistRun, number)
            let at = Generator.start + Int((Double(number) + 0.1 + 0.8 * random.unit()) * Double(Generator.span) / Double(count))
            let roll = random.unit()
            let which = roll < 0.3 ? 0 : roll < 0.75 ? 1 : 2
            let person = random.pick(Prose.people)
            let context = Prose.Context(service: random.pick(Prose.services), other: random.pick(Prose.services),
                                        database: random.pick(Prose.databases), region: random.pick(Prose.regions), clock: at)
            let fields = Self.fields(checklists[which], good: random.chance(0.85), context: context, &random)
            let event = Event(id: random.eventID(recorded: at, sequence: 0), at: Generator.date(at), recorded: Generator.date(at),
                              by: Generator.author(person, &random), kind: "checklist", fields: fields)
            journals[which] += event.jsonLine + "\n"
        }
        var bytes = 0
        for (name, journal) in zip(Self.names, journals) {
            bytes += try writeFile(root.appending(path: "checklists/runs/\(name).jsonl"), journal)
        }
        return (count, Self.names.count, bytes)
    }

    /// The fields of a finished run as `ward check run` records them (WardKit's `ChecklistRun.fields`): every
    /// item answered, GO when `good`, otherwise one gating item answered badly.
    static func fields(_ checklist: Checklist, good: Bool, context: Prose.Context, _ random: inout Random) -> [String: JSONValue] {
        let gating = checklist.items.indices.filter { checklist.items[$0].required || checklist.items[$0].redFlag }
        let spoiled = good || gating.isEmpty ? -1 : random.pick(gating)
        var answers: [String: ChecklistAnswer] = [:]
        var notes: [String: String] = [:]
        for (index, item) in checklist.items.enumerated() {
            let goodAnswer: ChecklistAnswer = item.redFlag ? .no : .yes
            let badAnswer: ChecklistAnswer = item.redFlag ? .yes : .no
            if index == spoiled {
                answers[item.id] = badAnswer
            } else if item.allowsNotApplicable && random.chance(0.4) {
                answers[item.id] = .notApplicable
            } else {
                answers[item.id] = item.required || item.redFlag || random.chance(0.8) ? goodAnswer : badAnswer
            }
            if index == spoiled || random.chance(0.15) {
                notes[item.id] = Prose.fill(random.pick(Prose.checklistNotes), context, &random)
            }
        }
        return ChecklistRun.fields(checklist, ChecklistVerdict(items: checklist.items, answers: answers, notes: notes))
    }
}
