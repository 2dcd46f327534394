import Foundation

extension Store {
    public static let incidentsDirectory = "incidents"

    /// Every incident id (directory name), oldest first.
    public func incidentIDs() -> [String] {
        // The directory entry's type answers without a stat per incident; a link or an unknown type is
        // looked at each time (a link to a directory counts, as before, and is refused when read).
        cachedListing(Self.incidentsDirectory).filter { entry in
            if let isDirectory = entry.isDirectory { return isDirectory }
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: files.path("incidents/" + entry.name), isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.map(\.name)
    }

    /// The files an incident is read from, in the order `loadIncident` reads them.
    static let incidentFiles = ["incident.md", "timeline.jsonl"]
    private static let incidentFileLimits = [RecordText.sizeLimit + 1, StoreFiles.readLimit]

    /// Reads one incident. Problems with its files are collected, never thrown: the rest stays usable.
    public func loadIncident(_ id: String) -> Incident {
        // Both files read at once, so the directory is checked for links once.
        loadIncident(id, read: files.read(Array(zip(Self.incidentFiles, Self.incidentFileLimits)),
                                          in: Self.incidentsDirectory + "/" + id))
    }

    /// `loadIncident(id)` with its files opened below `incidents`, held open while many are read; with what
    /// `fstat` said of each file before it was read, for the derived cache (nil where the file could not be
    /// opened or was refused; `.absent` where it does not exist).
    func loadIncident(_ id: String, from incidents: RecordDirectory) -> (incident: Incident, signatures: [FileSignature?]) {
        let read = files.read(Array(zip(Self.incidentFiles, Self.incidentFileLimits)), inRecord: id, of: incidents)
        let signatures = read.map { result -> FileSignature? in
            switch result {
            case let .success(contents?): return contents.signature
            case .success(nil): return .absent
            case .failure: return nil
            }
        }
        return (loadIncident(id, read: read), signatures)
    }

    /// The incident from what reading `incidentFiles` gave.
    private func loadIncident(_ id: String, read: [Result<FileContents?, Error>]) -> Incident {
        let directory = Self.incidentsDirectory + "/" + id
        var problems: [Problem] = []
        var record: IncidentRecord?
        do {
            if let contents = try read[0].get() {
                record = try IncidentRecord(data: contents.data, path: directory + "/incident.md")
                problems += record?.warnings ?? []
            } else {
                problems.append(Problem(path: directory + "/incident.md", "is missing"))
            }
        } catch let error as WardError {
            problems.append(Problem(path: error.path ?? directory + "/incident.md", line: error.line, error.message))
        } catch {
            problems.append(Problem(path: directory + "/incident.md", "\(error)"))
        }
        var events: [Event] = []
        var checklistEvents: [(line: Int, event: Event)] = []
        let timeline = directory + "/timeline.jsonl"
        do {
            if let contents = try read[1].get() {
                let journal = Journal(data: contents.data, path: timeline)
                events = journal.events
                problems += journal.problems
                // By index: only the checklist events are copied out.
                checklistEvents = journal.events.indices.filter { journal.events[$0].kind == "checklist" }
                    .map { (journal.lines[$0], journal.events[$0]) }
            } else {
                problems.append(Problem(path: timeline, "is missing"))
            }
        } catch let error as WardError {
            problems.append(Problem(path: error.path ?? timeline, line: error.line, error.message))
        } catch {
            problems.append(Problem(path: timeline, "\(error)"))
        }
        events.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        var state = IncidentState.fold(events, record: record)
        for index in state.actions.indices { state.actions[index].incident = id }
        return Incident(id: id, record: record, events: events, state: state, problems: problems, checklistEvents: checklistEvents)
    }

    /// An incident's record alone, as `loadIncident(id).record` gives it (nil when incident.md cannot be
    /// read as one), without reading the timeline.
    public func loadIncidentRecord(_ id: String) -> IncidentRecord? {
        let path = Self.incidentsDirectory + "/" + id + "/incident.md"
        guard let contents = try? files.read(path, limit: RecordText.sizeLimit + 1) else { return nil }
        return try? IncidentRecord(data: contents.data, path: path)
    }

    public func loadIncidents() -> [Incident] {
        let ids = incidentIDs()
        guard let incidents = files.recordDirectory(Self.incidentsDirectory) else { return ids.concurrentMap { self.loadIncident($0) } }
        return ids.concurrentMap { self.loadIncident($0, from: incidents).incident }
    }

    /// The incident a person named: its id or any unique part of it; with no name, the only active one.
    public func findIncident(_ query: String?) throws -> Incident {
        if let id = exactIncidentID(query) { return loadIncident(id) }
        let ids = incidentIDs()
        guard let query, !query.isEmpty else {
            let active = incidentSummaries().filter(\.isActive).map { loadIncident($0.id) }.filter(\.state.isActive)
            switch active.count {
            case 1: return active[0]
            case 0: throw WardError("no incident is active: name one (see 'ward incident list --all')")
            default:
                throw WardError("\(active.count) incidents are active, name one: \(active.map(\.id).joined(separator: ", "))")
            }
        }
        if ids.contains(query) { return loadIncident(query) }
        let matches = ids.filter { $0.localizedCaseInsensitiveContains(query) }
        switch matches.count {
        case 1: return loadIncident(matches[0])
        case 0: throw WardError("no incident matches '\(query)' (see 'ward incident list --all')")
        default:
            throw WardError("'\(query)' matches \(matches.count) incidents, be more precise: \(matches.prefix(10).joined(separator: ", "))")
        }
    }

    /// The id of the incident a person named, as `findIncident` finds it, without reading the incident when
    /// it is named by its exact id (as scripts and the TUI name it).
    public func findIncidentID(_ query: String?) throws -> String {
        try exactIncidentID(query) ?? findIncident(query).id
    }

    /// `query` when it is exactly an incident's id: found without listing every incident.
    private func exactIncidentID(_ query: String?) -> String? {
        guard let query, !query.hasPrefix("."), !query.contains("/"), !query.isEmpty,
              DirectoryListing.isDirectory(files.path(Self.incidentsDirectory + "/" + query)) else { return nil }
        return query
    }

    /// Declares an incident: its directory, `incident.md` and the first timeline events appear at once.
    public func declare(title: String, severity: String, services: [String], commander: String?,
                        impactStarted: Date? = nil) throws -> Incident {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw WardError("the title is empty: say in a few words what is wrong") }
        let severity = try config.severity(named: severity).name
        let services = services.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let clock = now()
        let declaredAt = Timestamps.wholeSeconds(clock)
        if let impactStarted, impactStarted > declaredAt.addingTimeInterval(60) {
            throw WardError("the impact cannot start in the future (\(Timestamps.format(impactStarted)))")
        }
        if let impactStarted, impactStarted < Timestamps.earliest {
            throw WardError("the impact cannot start before 1970")
        }
        let record = IncidentRecord(title: title, severity: severity, services: services, declared: declaredAt,
                                    declaredBy: author)
        let markdown = try record.rendered(templates: templates)
        // A store's own template must still make a record Ward can read back.
        do {
            _ = try IncidentRecord(data: Data(markdown.utf8), path: "incident.md")
        } catch let error as WardError {
            throw WardError("the incident template does not make a valid incident.md (\(error.message)); nothing was written",
                            path: "templates/incident.md.mustache", line: error.line)
        }
        var declared: [String: JSONValue] = [
            "title": .string(title), "severity": .string(severity), "services": .array(services.map { .string($0) }),
        ]
        if let commander, !commander.isEmpty { declared["commander"] = .string(commander) }
        var events = [Event(at: declaredAt, recorded: clock, by: author, kind: "declared", fields: declared)]
        if let impactStarted {
            events.append(Event(at: impactStarted, recorded: clock, by: author, kind: "milestone",
                                fields: ["milestone": .string(Milestone.impactStarted.rawValue)]))
        }
        let journal = events.map { $0.jsonLine + "\n" }.joined()
        try files.makeDirectories(Self.incidentsDirectory)
        for _ in 0..<20 {
            let id = Self.newIncidentID(title: title, date: declaredAt)
            let created = try files.createDirectoryAtomically(Self.incidentsDirectory + "/" + id, files: [
                ("incident.md", Data(markdown.utf8)), ("timeline.jsonl", Data(journal.utf8)),
            ])
            if created { return loadIncident(id) }
        }
        throw WardError("could not find a free incident id after 20 tries; nothing was written")
    }

    /// `2026-11-23-prod-db-deleted-q7wz`: date, slug, and four random characters so that two machines
    /// declaring the same title on the same day do not collide.
    static func newIncidentID(title: String, date: Date) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let suffix = String((0..<4).map { _ in alphabet.randomElement()! })
        return "\(Timestamps.formatDate(date))-\(Slug.make(title))-\(suffix)"
    }

    /// Appends an event to an incident's timeline, durably, and returns it once it is on disk. `check` sees the
    /// incident as its journal stands under the lock, with the new event, and throws to refuse it.
    @discardableResult
    public func record(_ kind: String, _ fields: [String: JSONValue], at: Date? = nil, in incident: String,
                       check: ((_ before: IncidentState, _ after: IncidentState) throws -> Void)? = nil) throws -> Event {
        let recorded = now()
        let at = at.map(Timestamps.wholeSeconds) ?? Timestamps.wholeSeconds(recorded)
        if at > recorded.addingTimeInterval(60) {
            throw WardError("\(Timestamps.format(at)) is in the future; nothing was recorded")
        }
        guard at >= Timestamps.earliest else { throw WardError("times before 1970 cannot be recorded; nothing was recorded") }
        let event = Event(at: at, recorded: recorded, by: author, kind: kind, fields: fields)
        let path = Self.incidentsDirectory + "/" + incident + "/timeline.jsonl"
        try files.append(path, line: Data((event.jsonLine + "\n").utf8), check: check.map { check in
            { data in
                let events = Journal(data: data, path: path).events
                try check(IncidentState.fold(events, record: nil), IncidentState.fold(events + [event], record: nil))
            }
        })
        return event
    }
}
