import ArgumentParser
import Foundation
import WardKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the store as one JSON document, or a post-mortem as one HTML page.",
        discussion: """
        With no option, prints every incident (with its timeline and text), post-mortem and decision record as \
        one JSON document: {"format":1,"store","exported","incidents","postmortems","decisions","checklist_runs","problems"}. \
        Files Ward could not read fully are listed in "problems" and named on stderr; the rest is exported.

        --postmortem writes one self-contained HTML page: styles inline, no script, nothing fetched when it \
        is opened, and it prints well. HTML typed into the Markdown is shown as text, never run; comments \
        (<!-- ... -->) are left out.

        --out writes the file atomically and refuses to replace one that exists (--force replaces it), or to \
        write among the store's records (incidents/, the decisions folder). Without --out, stdout.

        Examples:
          ward export --out ~/ward-export.json
          ward export | jq '.incidents[] | select(.severity == "SEV1") | .title'
          ward export --postmortem prod-db --out ~/prod-db-postmortem.html
          ward export --postmortem prod-db --out prod-db.html --force
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The incident whose post-mortem to export as HTML: its id or any unique part of it.",
                               valueName: "INCIDENT"))
    var postmortem: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout ('-' is stdout).", valueName: "FILE"))
    var out: String?
    @Flag(help: "Replace the --out file if it exists.") var force = false

    func run() throws {
        let destination = out == "-" ? nil : out
        if force && destination == nil { throw WardError("--force replaces an --out file; give --out FILE") }
        if postmortem != nil && destination == nil && global.json {
            throw WardError("--json prints a JSON document on stdout, so the HTML page needs --out FILE.html")
        }
        let store = try global.openStore()
        let storeName = store.config.name ?? store.root.lastPathComponent
        let now = store.now()
        let data: Data
        var summary: [String: JSONValue]
        if let postmortem {
            let incident = try store.findIncident(postmortem)
            let path = "\(Store.incidentsDirectory)/\(incident.id)/postmortem.md"
            guard let contents = try store.files.read(path, limit: RecordText.sizeLimit + 1) else {
                throw WardError("there is no post-mortem yet; 'ward postmortem draft \(incident.id)' writes one", path: path)
            }
            let document = try Postmortem(data: contents.data, path: path, incidentID: incident.id)
            data = Data(PostmortemPage.render(document, incident: incident, storeName: storeName, exported: now).utf8)
            summary = ["format": .string("html"), "incident": .string(incident.id), "source": .string(path)]
        } else {
            let incidents = store.loadIncidents()
            let (postmortems, postmortemProblems) = store.loadPostmortems()
            let (decisions, decisionProblems) = store.loadDecisions()
            let (runs, runProblems) = store.loadChecklistRuns(incidents: incidents)
            let problems = incidents.flatMap(\.problems) + postmortemProblems + decisionProblems + runProblems
            let document = JSONShapes.export(store: storeName, exported: now, incidents: incidents,
                                             postmortems: postmortems.sorted { $0.incidentID < $1.incidentID },
                                             decisions: decisions, checklistRuns: runs, problems: problems)
            data = Data((document.jsonText + "\n").utf8)
            warnAboutProblems(problems)
            summary = ["format": .string("json"), "incidents": .number(Double(incidents.count)),
                       "postmortems": .number(Double(postmortems.count)), "decisions": .number(Double(decisions.count)),
                       "problems": .number(Double(problems.count))]
        }
        guard let destination else {
            FileHandle.standardOutput.write(data)
            return
        }
        let written = try ExportFile.write(data, to: destination, force: force, store: store)
        summary["path"] = .string(written)
        summary["bytes"] = .number(Double(data.count))
        if global.json {
            Output.json(.object(summary))
        } else {
            Output.line(written)
            if postmortem != nil {
                Output.note("Exported the post-mortem as a web page (\(data.count) bytes).")
            } else {
                Output.note("Exported \(count(summary["incidents"], "incident")), \(count(summary["postmortems"], "post-mortem")) "
                            + "and \(count(summary["decisions"], "decision record")) (\(data.count) bytes).")
            }
        }
    }

    private func count(_ value: JSONValue?, _ noun: String) -> String {
        guard let number = value?.int else { return "0 \(noun)s" }
        return "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

extension JSONShapes {
    /// `ward export`: the whole store as one document. Keys are only ever added.
    static func export(store: String, exported: Date, incidents: [Incident], postmortems: [Postmortem],
                       decisions: [Decision], checklistRuns: [ChecklistRun], problems: [Problem]) -> JSONValue {
        .object([
            "format": .number(1),
            "store": .string(store),
            "exported": time(exported),
            "incidents": .array(incidents.map(exportedIncident)),
            "postmortems": .array(postmortems.map(postmortem)),
            "decisions": .array(decisions.map { decision($0, body: true) }),
            "checklist_runs": .array(checklistRuns.map(checklistRun)),
            "problems": .array(problems.map(problem)),
        ])
    }

    /// An incident as `ward incident show --json` gives it, with its whole timeline (`events`, oldest first)
    /// and the Markdown of `incident.md` (`body`).
    static func exportedIncident(_ incident: Incident) -> JSONValue {
        guard case var .object(object) = JSONShapes.incident(incident) else { return JSONShapes.incident(incident) }
        object["events"] = .array(incident.events.map(event))
        object["body"] = .string(incident.record?.body ?? "")
        return .object(object)
    }

    /// A post-mortem: its incident, title, review status and reviewers, its path, and its Markdown.
    static func postmortem(_ postmortem: Postmortem) -> JSONValue {
        .object([
            "incident": .string(postmortem.incidentID),
            "title": .string(postmortem.title),
            "status": .string(postmortem.status),
            "reviewers": strings(postmortem.reviewers),
            "path": .string(postmortem.path),
            "body": .string(postmortem.body),
        ])
    }
}
