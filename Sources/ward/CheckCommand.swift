import ArgumentParser
import Foundation
import WardKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a red-flag or pre-deploy checklist and get a GO or NO-GO a script can act on.",
        discussion: """
        GO only when every required item has the good answer ("yes", or "no" for a red flag), or n/a where \
        the item allows it, and no red flag is raised. 'check run' exits 0 for GO, 1 for NO-GO, and another \
        status for anything else: 2 (an unknown checklist, a missing answer, a store that cannot be written) \
        or 64 (a command line it cannot parse). Every run is \
        recorded: in checklists/runs/NAME.jsonl, or in the incident's timeline with --incident.

        Examples:
          ward check list
          ward check run schema-change                      asks each item on a terminal
          ward check run schema-change --answer backup-verified=yes --answer staging-tested=no ...
          ward check run pre-deploy --answers answers.yaml --json
          ward check history schema-change
        """,
        subcommands: [List.self, Run.self, History.self, Show.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The checklists: built in, and the store's own in checklists/ (which override them by name).",
            discussion: "Example:\n  ward check list --json"
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let store = try global.openStore()
            let (checklists, problems) = store.loadChecklists()
            let runs = store.loadChecklistRuns().runs
            for problem in problems { Output.note("warning: \(problem.description)") }
            let last = Dictionary(runs.reversed().map { ($0.checklist, $0) }, uniquingKeysWith: { _, newer in newer })
            if global.json {
                Output.json(.array(checklists.map { checklist in
                    JSONShapes.checklist(checklist, lastRun: last[checklist.name],
                                         problem: problems.first { $0.level == .error && $0.path == "checklists/\(checklist.name).md" })
                }))
                return
            }
            var rows = [["NAME", "ITEMS", "LAST RUN", "TITLE"]]
            for checklist in checklists {
                let required = checklist.items.filter { $0.required || $0.redFlag }.count
                let lastRun = last[checklist.name].map { "\($0.result.rawValue) \(Durations.short(store.now().timeIntervalSince($0.at))) ago" } ?? "never"
                let broken = problems.contains { $0.level == .error && $0.path == "checklists/\(checklist.name).md" }
                rows.append([checklist.name, "\(checklist.items.count) (\(required) gating)", lastRun,
                             checklist.title + (checklist.builtIn ? "" : "  [\(checklist.path)]")
                                 + (broken ? "  [checklists/\(checklist.name).md is broken: it cannot be run until fixed]" : "")])
            }
            Output.table(rows)
            for run in Store.raisedRedFlags(runs) {
                Output.line()
                Output.line("Red flag raised by the last \(run.checklist) run (\(run.shortID), \(run.by)): \(run.redFlags.joined(separator: ", "))")
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a checklist: exit 0 for GO, 1 for NO-GO, 2 (or 64 for a bad command line) for any other error.",
            discussion: """
            Answers come from --answer and --answers; on a terminal, Ward asks for the rest one by one (type \
            y, n or a, and optionally a note after it: "n restore still running"). Without a terminal, a \
            missing answer stops the run at once, naming every missing item; nothing waits for input. \
            Notes that look like secrets are hidden unless --keep-secrets.

            An answers file is YAML, one item per line, or with a note:
              backup-verified: yes
              rollback-written:
                answer: na
                note: additive column, nothing to roll back

            Examples:
              ward check run schema-change
              ward check run schema-change --incident prod-db --answer backup-verified=no --note backup-verified="restore still running" ...
              ward check run red-flags --answers - < answers.yaml
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The checklist's name ('ward check list').") var name: String
        @Option(name: .customLong("answer"), help: ArgumentHelp("An item's answer: yes, no or na. Repeat for each item.", valueName: "ITEM=ANSWER"))
        var answerOptions: [String] = []
        @Option(help: ArgumentHelp("A YAML file of answers; - reads standard input.", valueName: "FILE")) var answers: String?
        @Option(name: .customLong("note"), help: ArgumentHelp("A note on an item's answer. Repeatable.", valueName: "ITEM=TEXT"))
        var noteOptions: [String] = []
        @Option(help: ArgumentHelp("Record the run in this incident's timeline (its id or any unique part).", valueName: "INCIDENT"))
        var incident: String?
        @Flag(help: "Write notes as typed even if they look like they hold a secret.") var keepSecrets = false

        func run() throws {
            var given = ChecklistAnswers()
            for option in answerOptions { try given.add(option: option) }
            for option in noteOptions { try given.add(noteOption: option) }
            if let answers { try given.merge(try Self.readAnswers(answers)) }
            let store = try global.openStore()
            let checklist = try store.checklist(named: name)
            let found = try incident.map { try store.findIncident($0) }
            if store.isReadOnly {
                throw WardError("the bundled demo store is read-only, so a run cannot be recorded; create a store with 'ward init'")
            }
            // Refuse unknown items before asking anything.
            try Store.refuseUnknownItems(given.answers, notes: given.notes, for: checklist)
            let missing = checklist.items.filter { given.answers[$0.id] == nil }
            if !missing.isEmpty {
                guard isatty(STDIN_FILENO) == 1, answers != "-" else {
                    throw WardError("\(missing.count) of \(checklist.items.count) items have no answer and there is no terminal to ask on: \(missing.map(\.id).joined(separator: ", ")); give each with --answer ITEM=yes|no|na or --answers FILE (nothing was recorded)")
                }
                try CheckPrompt.ask(checklist, missing: missing, into: &given)
            }
            let (run, redacted) = try store.recordChecklistRun(checklist, answers: given.answers, notes: given.notes,
                                                              incident: found, keepSecrets: keepSecrets)
            report(run, redacted: redacted)
            if run.result == .noGo { throw VerdictExit(code: 1) }
        }

        static func readAnswers(_ file: String) throws -> ChecklistAnswers {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: file) else {
                    throw WardError("cannot read the answers file", path: file)
                }
                data = read
            }
            guard data.count <= 1 << 20 else { throw WardError("the answers file is larger than 1 MiB", path: file) }
            let text = try RecordText(data, path: file).text
            return try ChecklistAnswers(yaml: text, path: file == "-" ? "(standard input)" : file)
        }

        func report(_ run: ChecklistRun, redacted: [String]) {
            let place = "\(run.path)" + (run.line > 0 ? ":\(run.line)" : "")
            if global.json {
                Output.json(JSONShapes.checklistRun(run))
            } else {
                CheckCommand.printRun(run, showAll: false)
            }
            Output.note("Recorded run \(run.shortID) in \(place)." + (redacted.isEmpty ? "" : " Hid \(Secrets.describe(redacted)) in its notes."))
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "Past runs, newest first: of every checklist, of one, or inside one incident.",
            discussion: "Examples:\n  ward check history\n  ward check history schema-change --result NO-GO\n  ward check history --grep restore"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only runs of this checklist.") var name: String?
        @Option(help: "Only runs inside this incident (its id or any unique part).") var incident: String?
        @Option(help: "Only runs with this verdict: GO or NO-GO.") var result: String?
        @Option(help: "Only runs whose checklist, author, items, answers or notes contain all these words.") var grep: String?
        @Option(help: "At most this many runs.") var limit: Int?

        func run() throws {
            let store = try global.openStore()
            let (all, problems) = store.loadChecklistRuns()
            for problem in problems { Output.note("warning: \(problem.description)") }
            var runs = all
            if let name { runs = runs.filter { $0.checklist == name } }
            if let incident {
                let found = try store.findIncident(incident)
                runs = runs.filter { $0.incident == found.id }
            }
            if let result {
                guard let wanted = GateResult(rawValue: result.uppercased()) else {
                    throw WardError("--result takes GO or NO-GO, not '\(result)'")
                }
                runs = runs.filter { $0.result == wanted }
            }
            if let grep {
                let words = grep.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
                runs = runs.filter { run in
                    let text = CheckCommand.searchText(run)
                    return words.allSatisfy { text.contains($0) }
                }
            }
            if let limit { runs = Array(runs.prefix(max(0, limit))) }
            if global.json {
                Output.json(.array(runs.map(JSONShapes.checklistRun)))
                return
            }
            guard !runs.isEmpty else {
                Output.note(all.isEmpty ? "No checklist has been run yet: 'ward check run NAME'." : "No run matches.")
                return
            }
            var rows = [["RUN", "WHEN (UTC)", "RESULT", "CHECKLIST", "BY", "FAILED / INCIDENT"]]
            for run in runs {
                let detail = (run.failed.isEmpty ? [] : [run.failed.joined(separator: ", ")]) + (run.incident.map { [$0] } ?? [])
                rows.append([run.shortID, Timestamps.format(run.at).prefix(16).replacingOccurrences(of: "T", with: " "),
                             run.result.rawValue, run.checklist, run.by, detail.joined(separator: " · ")])
            }
            Output.table(rows)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One run: every answer with its note, who, when, and the verdict.",
            discussion: "Example:\n  ward check show k3f9x2ab"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run's id or short id ('ward check history'), or the start of it.") var id: String

        func run() throws {
            let store = try global.openStore()
            let found = try Store.findRun(id, in: store.loadChecklistRuns().runs)
            if global.json {
                Output.json(JSONShapes.checklistRun(found))
                return
            }
            Output.line("\(found.title) (\(found.checklist)) · run \(found.shortID) · \(Timestamps.format(found.at)) by \(found.by)"
                        + (found.incident.map { " · in \($0)" } ?? ""))
            Output.line("Recorded in \(found.path)" + (found.line > 0 ? ":\(found.line)" : ""))
            Output.line()
            CheckCommand.printRun(found, showAll: true)
        }
    }

    /// The verdict and the failed items, or with `showAll` every answer.
    static func printRun(_ run: ChecklistRun, showAll: Bool) {
        let verdict = run.verdict
        Output.line("\(run.result.rawValue)  \(TerminalSafe.clean(run.title, singleLine: true)): " + (run.result == .go ? "every required item has a good answer"
                                                                               : verdict.summary.replacingOccurrences(of: "NO-GO: ", with: "")))
        for outcome in verdict.outcomes where showAll || outcome.fails || outcome.isGood == false {
            let mark = outcome.fails ? (outcome.raisesRedFlag ? "FLAG" : "FAIL") : outcome.isGood == false ? "warn" : "ok  "
            // Single lines: text read from a runs file must not start a line of its own (a forged "GO").
            func one(_ text: String) -> String { TerminalSafe.clean(text, singleLine: true) }
            Output.line("  \(mark)  \(one(outcome.item.id)): \(outcome.problem ?? outcome.answer?.label ?? "-")")
            Output.line("        \(one(outcome.item.text))")
            if !outcome.note.isEmpty { Output.line("        note: \(one(outcome.note))") }
        }
    }

    /// What `--grep` looks in: the checklist, who, and every item with its answer and note.
    static func searchText(_ run: ChecklistRun) -> String {
        ([run.checklist, run.title, run.by, run.result.rawValue, run.incident ?? ""]
            + run.verdict.outcomes.flatMap { [$0.item.id, $0.item.text, $0.answer?.label ?? "", $0.note] })
            .joined(separator: " ").lowercased()
    }
}

/// Asking for answers on a terminal: prompts on stderr, answers read from stdin, a line at a time.
enum CheckPrompt {
    static func ask(_ checklist: Checklist, missing: [TaskItem], into given: inout ChecklistAnswers) throws {
        Output.note("\(checklist.title): \(checklist.summary)")
        Output.note("Answer y (yes), n (no)" + (missing.contains { $0.allowsNotApplicable } ? " or a (n/a, where allowed)" : "")
                    + "; a note may follow the answer: \"n restore still running\".")
        for (index, item) in missing.enumerated() {
            let position = checklist.items.firstIndex(of: item).map { $0 + 1 } ?? index + 1
            var tags: [String] = []
            if item.redFlag { tags.append("red flag: yes stops the change") } else if item.required { tags.append("required") }
            if item.allowsNotApplicable { tags.append("n/a allowed") }
            Output.note("")
            Output.note("[\(position)/\(checklist.items.count)] \(item.id)" + (tags.isEmpty ? "" : "  (\(tags.joined(separator: ", ")))"))
            Output.note("  \(item.text)")
            if !item.hint.isEmpty { Output.note("  \(item.hint)") }
            while true {
                FileHandle.standardError.write(Data("  \(item.allowsNotApplicable ? "y/n/a" : "y/n")? ".utf8))
                guard let line = readLine(strippingNewline: true) else {
                    Output.note("")
                    throw WardError("the input ended before \(item.id) was answered; nothing was recorded")
                }
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                let word = trimmed.prefix { !$0.isWhitespace }
                guard let answer = ChecklistAnswer.parse(String(word)) else {
                    Output.note("  Type y, n" + (item.allowsNotApplicable ? " or a" : "") + ", then Enter.")
                    continue
                }
                if answer == .notApplicable && !item.allowsNotApplicable {
                    Output.note("  n/a is not allowed for this item; type y or n.")
                    continue
                }
                try given.add(option: "\(item.id)=\(answer.rawValue)")
                let note = trimmed.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
                if !note.isEmpty { try given.add(noteOption: "\(item.id)=\(note)") }
                break
            }
        }
        Output.note("")
    }
}
