import ArgumentParser
import Foundation
import WardKit

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find every line of the store's records that holds all the words, in any case.",
        discussion: """
        Searches incidents, timelines, post-mortems, decisions, and the store's checklists and runbooks.

        Examples:
          ward search backup restore
          ward search replica --json | jq '.[].path'
        """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Words to find.") var query: [String]

    func run() throws {
        let store = try global.openStore()
        let text = query.joined(separator: " ")
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw WardError("nothing to search for") }
        let hits = store.search(text)
        if global.json {
            Output.json(.array(hits.map {
                .object(["kind": .string($0.kind), "id": .string($0.id), "title": .string($0.title), "path": .string($0.path),
                         "line": .number(Double($0.line)), "text": .string($0.text)])
            }))
            return
        }
        if hits.isEmpty {
            Output.note("Nothing matches '\(text)'.")
            return
        }
        for hit in hits {
            Output.line("\(hit.path):\(hit.line): [\(hit.kind) \(hit.id)] \(TerminalSafe.clean(hit.text, singleLine: true))")
        }
    }
}

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every file of the store; exit 1 when something is wrong.",
        discussion: """
        Reports malformed files, torn journal tails, broken or one-sided decision links, duplicate ids and \
        numbers, changes a killed Ward left half made (a supersede, a link, a renumbering), and temporary \
        files left by a writer that died, each with its path and line. It changes nothing; --fix makes only \
        repairs that cannot lose a person's text: it finishes half-made changes and removes dead writers' \
        temporary files.

        Example:
          ward doctor --json
        """
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Make the safe repairs.") var fix = false

    func run() throws {
        let store = try global.openStore(finishingChanges: false)
        let report = Doctor(store: store).run(fix: fix)
        if global.json {
            Output.json(.object([
                "problems": .array(report.problems.map(JSONShapes.problem)),
                "fixed": JSONShapes.strings(report.fixed),
            ]))
        } else {
            for line in report.fixed { Output.line("fixed: " + line) }
            for problem in report.problems { Output.line(problem.description) }
            let warnings = report.problems.count - report.errorCount
            Output.note(report.problems.isEmpty ? "No problems found in \(store.root.path)." :
                "\(report.errorCount) problem\(report.errorCount == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s").")
        }
        if report.errorCount > 0 { throw VerdictExit(code: 1) }
    }
}
