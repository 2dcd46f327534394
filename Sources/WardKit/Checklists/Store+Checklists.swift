import Foundation

/// Running checklists and reading their history. A run made on its own is a line of
/// `checklists/runs/<name>.jsonl`; a run made inside an incident is a `checklist` event in its timeline. Both
/// are appended through the journal's one durable path, so a run is either wholly recorded or not at all.
extension Store {
    public static let checklistRunsDirectory = "checklists/runs"

    /// The definition named `name`; a store definition with errors is refused with its path and line rather
    /// than silently replaced by the built-in one.
    public func checklist(named name: String) throws -> Checklist {
        let (checklists, problems) = loadChecklists()
        return try definition(named: name, kind: "checklist", folder: "checklists", in: (checklists, problems),
                              name: \.name, listing: " ('ward check list')")
    }

    /// Refuses answers that name no item of the checklist, and names every item left unanswered.
    public static func checkAnswers(_ answers: [String: ChecklistAnswer], notes: [String: String] = [:],
                                    for checklist: Checklist) throws {
        try refuseUnknownItems(answers, notes: notes, for: checklist)
        let missing = checklist.items.filter { answers[$0.id] == nil }.map(\.id)
        if !missing.isEmpty {
            throw WardError("\(missing.count) of \(checklist.items.count) items of \(checklist.name) have no answer: \(missing.joined(separator: ", ")); give each with --answer ITEM=yes|no|na (nothing was recorded)")
        }
    }

    /// Refuses answers or notes that name no item of the checklist, naming them and the items there are.
    public static func refuseUnknownItems(_ answers: [String: ChecklistAnswer], notes: [String: String] = [:],
                                          for checklist: Checklist) throws {
        let ids = Set(checklist.items.map(\.id))
        let unknown = (Set(answers.keys).union(notes.keys)).subtracting(ids).sorted()
        if !unknown.isEmpty {
            throw WardError("the \(checklist.name) checklist has no item \(unknown.map { "'\($0)'" }.joined(separator: ", ")); its items are \(checklist.items.map(\.id).joined(separator: ", "))")
        }
    }

    /// Records a finished run and returns it as written, with the kinds of secrets hidden from its notes.
    /// Every item must be answered. Inside an incident, the run goes into its timeline.
    public func recordChecklistRun(_ checklist: Checklist, answers: [String: ChecklistAnswer], notes: [String: String] = [:],
                                   incident: Incident? = nil, keepSecrets: Bool = false) throws -> (run: ChecklistRun, redacted: [String]) {
        try Self.checkAnswers(answers, notes: notes, for: checklist)
        guard checklist.name.utf8.count <= 200, !checklist.name.hasPrefix(".") else {
            throw WardError("a checklist's runs are kept in a file named after it; rename it to a shorter name that does not start with '.'",
                            path: checklist.path)
        }
        var hidden: [String] = []
        var cleaned: [String: String] = [:]
        for (id, note) in notes {
            // One line: a note is shown under its item, in CI logs too, where a line of its own could pass
            // for a verdict.
            let folded = note.components(separatedBy: .controlCharacters).joined(separator: " ")
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let text = prose(folded, keepSecrets: keepSecrets, hidden: &hidden)
            if !text.isEmpty { cleaned[id] = text }
        }
        let verdict = ChecklistVerdict(items: checklist.items, answers: answers, notes: cleaned)
        let fields = ChecklistRun.fields(checklist, verdict)
        let path: String
        let event: Event
        if let incident {
            event = try record("checklist", fields, in: incident.id)
            path = Self.incidentsDirectory + "/" + incident.id + "/timeline.jsonl"
        } else {
            path = Self.checklistRunsDirectory + "/" + checklist.name + ".jsonl"
            let clock = now()
            event = Event(at: clock, recorded: clock, by: author, kind: "checklist", fields: fields)
            try files.makeDirectories(Self.checklistRunsDirectory)
            try files.append(path, line: Data((event.jsonLine + "\n").utf8))
        }
        let line = (try? files.read(path)).flatMap { $0 }.map { contents in
            let journal = Journal(data: contents.data, path: path)
            return journal.events.firstIndex { $0.id == event.id }.map { journal.lines[$0] } ?? 0
        } ?? 0
        let run = try ChecklistRun(event: event, incident: incident?.id, path: path, line: line)
        return (run, hidden)
    }

    /// Every recorded run, newest first: those in `checklists/runs/` and those inside `incidents` (all of the
    /// store's when not given), with what is wrong with lines that are not whole runs.
    public func loadChecklistRuns(incidents: [Incident]? = nil) -> (runs: [ChecklistRun], problems: [Problem]) {
        guard let incidents else { return loadChecklistRuns(summaries: incidentSummaries()) }
        return loadChecklistRuns(inIncidents: incidents.compactMap { incident in
            incident.checklistEvents.isEmpty ? nil : Self.checklistRuns(incident.checklistEvents, incident: incident.id)
        })
    }

    /// The runs, with those recorded into incidents as `summaries` keep them (read when the summary was made).
    public func loadChecklistRuns(summaries: [IncidentSummary]) -> (runs: [ChecklistRun], problems: [Problem]) {
        loadChecklistRuns(inIncidents: summaries.filter(\.hasChecklistRuns).map { ($0.checklistRuns, $0.checklistRunProblems) })
    }

    private func loadChecklistRuns(inIncidents found: [(runs: [ChecklistRun], problems: [Problem])])
        -> (runs: [ChecklistRun], problems: [Problem]) {
        var runs: [ChecklistRun] = []
        var problems: [Problem] = []
        for taken in cachedRunFiles(listDirectory(Self.checklistRunsDirectory).filter { $0.hasSuffix(".jsonl") }) {
            runs += taken.runs
            problems += taken.problems
        }
        // Runs recorded into incidents, as the incidents (or their summaries) keep them.
        for taken in found {
            runs += taken.runs
            problems += taken.problems
        }
        runs.sort { ($0.at, $0.id) > ($1.at, $1.id) }
        return (runs, problems)
    }

    /// The runs recorded in `checklists/runs/NAME` and what is wrong with its lines, from the derived cache
    /// (`.ward/cache/checklist-runs-BUILD/`) where the file is unchanged.
    private func cachedRunFiles(_ names: [String]) -> [(runs: [ChecklistRun], problems: [Problem])] {
        let cache = DerivedCache(root: root.path, name: "checklist-runs", base: Self.checklistRunsDirectory, files: [""],
                                 writable: !isReadOnly)
        let values = cache.values(for: names, build: { name in
            var writer = ByteWriter()
            let (runs, problems) = self.readRunFile(Self.checklistRunsDirectory + "/" + name)
            writer.int(runs.count)
            for run in runs { run.encode(to: &writer) }
            writer.int(problems.count)
            for problem in problems { problem.encode(to: &writer) }
            return writer.bytes
        }, decode: { _, payload in
            payload.withUnsafeBytes { bytes -> RunFile? in
                var reader = ByteReader(bytes)
                do {
                    var runs: [ChecklistRun] = []
                    for _ in 0..<(try reader.count()) { runs.append(try ChecklistRun(from: &reader)) }
                    var problems: [Problem] = []
                    for _ in 0..<(try reader.count()) { problems.append(try Problem(from: &reader)) }
                    return reader.isAtEnd ? RunFile(runs: runs, problems: problems) : nil
                } catch {
                    return nil
                }
            }
        })
        return zip(names, values).map { name, value in
            value.map { ($0.runs, $0.problems) } ?? readRunFile(Self.checklistRunsDirectory + "/" + name)
        }
    }

    private struct RunFile: Sendable {
        var runs: [ChecklistRun]
        var problems: [Problem]
    }

    /// The runs a file of `checklists/runs/` records, and what is wrong with its lines.
    private func readRunFile(_ path: String) -> (runs: [ChecklistRun], problems: [Problem]) {
        do {
            guard let contents = try files.read(path) else { return ([], []) }
            let journal = Journal(data: contents.data, path: path)
            let taken = Self.checklistRuns(Array(zip(journal.lines, journal.events)), path: path, incident: nil)
            return (taken.runs, journal.problems + taken.problems)
        } catch let error as WardError {
            return ([], [Problem(path: error.path ?? path, line: error.line, error.message)])
        } catch {
            return ([], [Problem(path: path, "\(error)")])
        }
    }

    /// The runs that the `checklist` events of an incident's timeline record, in its order, and what is wrong
    /// with those that are not whole runs or disagree with their answers.
    static func checklistRuns(_ events: [(line: Int, event: Event)], incident: String) -> (runs: [ChecklistRun], problems: [Problem]) {
        checklistRuns(events, path: incidentsDirectory + "/" + incident + "/timeline.jsonl", incident: incident)
    }

    private static func checklistRuns(_ events: [(line: Int, event: Event)], path: String, incident: String?)
        -> (runs: [ChecklistRun], problems: [Problem]) {
        var runs: [ChecklistRun] = []
        var problems: [Problem] = []
        for (line, event) in events {
            do {
                let run = try ChecklistRun(event: event, incident: incident, path: path, line: line)
                let computed = run.verdict.result ?? .noGo
                if let recorded = run.recordedResult, recorded != computed.rawValue {
                    problems.append(Problem(path: path, line: line, "the run says \(recorded), but its answers give \(computed.rawValue); it counts as NO-GO (was the line edited by hand?)"))
                } else if Set(run.recordedRedFlags) != Set(run.verdict.redFlags.map(\.item.id)) {
                    problems.append(Problem(path: path, line: line, "the run's red_flags do not match its answers; both are shown as raised (was the line edited by hand?)"))
                }
                runs.append(run)
            } catch let error as WardError {
                problems.append(Problem(path: path, line: line, error.message + "; the line is not counted as a run"))
            } catch {
                problems.append(Problem(path: path, line: line, "\(error)"))
            }
        }
        return (runs, problems)
    }

    /// The latest run of each checklist, where that run raised a red flag: they stay raised until a later run
    /// of the same checklist clears them. `runs` newest first, as `loadChecklistRuns` gives them.
    public static func raisedRedFlags(_ runs: [ChecklistRun]) -> [ChecklistRun] {
        var seen: Set<String> = []
        var raised: [ChecklistRun] = []
        for run in runs where seen.insert(run.checklist).inserted {
            if !run.redFlags.isEmpty { raised.append(run) }
        }
        return raised
    }

    /// The run whose id or short id is `query`, or begins with it.
    public static func findRun(_ query: String, in runs: [ChecklistRun]) throws -> ChecklistRun {
        let wanted = query.trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { throw WardError("name a run by its id: 'ward check history' lists them") }
        if let exact = runs.first(where: { $0.id == wanted.uppercased() || $0.shortID == wanted.lowercased() }) { return exact }
        let matches = runs.filter { $0.id.hasPrefix(wanted.uppercased()) || $0.shortID.hasPrefix(wanted.lowercased()) }
        guard !matches.isEmpty else { throw WardError("no checklist run has the id '\(query)': 'ward check history' lists them") }
        guard matches.count == 1 else {
            throw WardError("'\(query)' matches \(matches.count) runs (\(matches.prefix(4).map(\.id).joined(separator: ", "))); give more of the id")
        }
        return matches[0]
    }
}
