import Foundation
import WardKit

/// The app's one place of change: a message in, the new state and the effects to run out. Pure: no I/O.
public enum App {
    public static func update(_ state: inout AppState, _ message: Message) -> [Effect] {
        switch message {
        case let .resize(width, height):
            state.width = width
            state.height = height
            clampAll(&state)
            return []
        case let .tick(now):
            state.now = now
            return []
        case let .loaded(snapshot):
            // A timeline whose last event is selected follows new events as they arrive.
            let following = state.stack.compactMap { route -> (Route, Int)? in
                guard case let .incident(id) = route, let before = state.snapshot.incident(id),
                      state.cursor(route, pane: 0).selected >= before.events.count - 1,
                      let after = snapshot.incident(id) else { return nil }
                return (route, after.events.count - 1)
            }
            // A checklist item or a run in the history stays selected by what it is, not by its row: an item
            // added above it, or a teammate's newer run, must not move an answer or an Enter to another.
            let keep = state.stack.compactMap { route -> (Route, String)? in
                let selected = state.cursor(route).selected
                switch route {
                case let .checklistRun(name, _):
                    guard let items = state.snapshot.checklist(name)?.items, items.indices.contains(selected) else { return nil }
                    return (route, items[selected].id)
                case let .checklistHistory(name):
                    let runs = ChecklistHistory.rows(state, name: name)
                    return runs.indices.contains(selected) ? (route, runs[selected].id) : nil
                default:
                    return nil
                }
            }
            state.snapshot = snapshot
            for (route, id) in keep {
                let index: Int?
                switch route {
                case let .checklistRun(name, _): index = snapshot.checklist(name)?.items.firstIndex { $0.id == id }
                case let .checklistHistory(name): index = ChecklistHistory.rows(state, name: name).firstIndex { $0.id == id }
                default: index = nil
                }
                if let index {
                    var cursor = state.cursor(route)
                    cursor.selected = index
                    state.setCursor(route, cursor)
                }
            }
            for (route, last) in following {
                var cursor = state.cursor(route, pane: 0)
                cursor.selected = max(0, last)
                state.setCursor(route, cursor, pane: 0)
            }
            // A record that disappeared takes its screen with it.
            state.stack = state.stack.filter { exists($0, in: snapshot) }
            if state.stack.isEmpty { state.stack = [.dashboard] }
            if let input = state.input, input.purpose == .search {
                state.search.results = SearchEngine.search(input.text, in: snapshot)
            }
            followRunbooks(&state)
            clampAll(&state)
            return []
        case let .edited(path, problem, changed):
            state.brokenEdit = problem.map { (path, $0) }
            state.message = problem == nil ? (changed ? "Saved \(path)." : "No changes to \(path).", false)
                : ("Your edit is kept, but Ward cannot read it: e opens it again.", true)
            return [.reload]
        case let .editorFailed(text):
            state.message = (text, true)
            return []
        case let .checked(path, problem):
            if state.brokenEdit?.path == path {
                state.brokenEdit = problem.map { (path, $0) }
            }
            return []
        case let .syncState(status):
            state.sync = status
            return []
        case let .synced(text, isError):
            state.syncing = false
            state.message = (text, isError)
            return []
        case let .performed(text, isError, open):
            state.message = (text, isError)
            if isError {
                // Nothing was written: the words come back to the line they were typed in.
                if let pending = state.pending { state.input = pending }
            } else {
                if let pending = state.pending, pending.purpose == .note { state.noteDrafts[pending.target] = nil }
                if let pending = state.pending, pending.purpose == .startRunbook {
                    // The runbook just started is where the work is now.
                    state.pane[.incident(pending.target)] = 1
                }
                state.declare = nil
                if let recording = state.recording {
                    // Recorded: the answers are on disk now, and the run's own screen takes the place of the form.
                    state.checklistRuns[recording] = nil
                    if state.route == recording { state.stack.removeLast() }
                }
                if let open { push(&state, open) }
            }
            state.pending = nil
            state.recording = nil
            clampAll(&state)
            return []
        case let .mouse(mouse):
            return Pointer.handle(&state, mouse)
        case let .key(key):
            state.message = nil
            if state.confirm != nil { return ChecklistKeys.answer(&state, key) }
            if state.declare != nil { return DeclareKeys.handle(&state, key) }
            if state.input != nil { return Typing.handle(&state, key) }
            if state.showHelp {
                state.showHelp = false
                return []
            }
            return Keys.handle(&state, key)
        }
    }

    static func exists(_ route: Route, in snapshot: Snapshot) -> Bool {
        switch route {
        case let .incident(id): return snapshot.incident(id) != nil
        case let .decision(number): return snapshot.decision(number) != nil
        case let .postmortem(id): return snapshot.postmortem(id) != nil
        case let .definition(kind, name):
            return kind == "checklist" ? snapshot.checklists.contains { $0.name == name } : snapshot.runbooks.contains { $0.name == name }
        case let .checklistRun(name, incident):
            return snapshot.checklist(name) != nil && (incident.map { snapshot.incident($0) != nil } ?? true)
        case let .recordedRun(id): return snapshot.run(id) != nil
        default: return true
        }
    }

    static func clampAll(_ state: inout AppState) {
        for key in state.cursors.keys {
            let focused = state.pane[key.route]
            state.pane[key.route] = key.pane
            clamp(&state, key.route)
            state.pane[key.route] = focused
        }
    }

    /// Keeps a screen's cursor inside its content.
    static func clamp(_ state: inout AppState, _ route: Route) {
        var cursor = state.cursor(route)
        let (count, height) = extent(route, state)
        cursor.clamp(count: count, height: height)
        state.setCursor(route, cursor)
    }

    /// How many rows a screen's main pane has and how many fit.
    static func extent(_ route: Route, _ state: AppState) -> (count: Int, height: Int) {
        switch route {
        case .incidents, .decisions, .postmortems, .checklists, .actions:
            return (Rows.count(route, state), max(1, state.bodyHeight - 2))
        case .dashboard:
            return (Dashboard.panels(state)[state.pane[.dashboard] ?? 0].count, 5)
        case let .incident(id):
            guard let incident = state.snapshot.incident(id) else { return (0, 1) }
            let layout = Detail.incidentLayout(incident, width: state.width, height: state.height)
            let pane = state.pane[route] ?? 0
            if pane == Detail.prosePane(incident) {
                let prose = Detail.proseText(layout)
                return (Detail.lines(route, state, width: prose.width).count, prose.height)
            }
            if pane == 1 {
                return (incident.state.currentRun?.currentPhase?.steps.count ?? 0, Detail.runbookStepRows(layout))
            }
            return (incident.events.count, max(1, layout.timeline.height - 1))
        case let .decision(number):
            guard let decision = state.snapshot.decision(number) else { return (0, 1) }
            let panes = Detail.decisionPanes(decision, state)
            switch Detail.decisionPane(number, state) {
            case .links: return (Rows.decisionLinks(decision, in: state.snapshot).count, max(1, panes.linksRows))
            case .history: return (Rows.decisionHistory(decision, in: state.snapshot).count, max(1, panes.historyRows))
            case .record: return (Detail.lines(route, state, width: panes.width).count, panes.textHeight)
            }
        case let .checklistRun(name, _):
            let count = state.snapshot.checklist(name)?.items.count ?? 0
            return (count, ChecklistRunLayout.listRows(height: state.height, count: count))
        case let .checklistHistory(name):
            return (ChecklistHistory.rows(state, name: name).count, max(1, state.bodyHeight - 2))
        case .postmortem, .definition, .metrics, .recordedRun:
            let area = Detail.textArea(route, width: state.width, height: state.height)
            return (Detail.lines(route, state, width: area.width).count, area.height)
        }
    }

    /// When an open incident's runbook has moved to another phase, its panel's cursor goes to the new
    /// phase's first open step, not to whatever row the old phase had selected.
    static func followRunbooks(_ state: inout AppState) {
        for route in state.stack {
            guard case let .incident(id) = route, let run = state.snapshot.incident(id)?.state.currentRun else { continue }
            let phase = "\(run.name):\(run.current)"
            guard state.panelPhase[id] != phase else { continue }
            state.panelPhase[id] = phase
            let first = run.currentPhase?.steps.firstIndex { run.state(of: $0.id) == .open } ?? 0
            state.setCursor(route, Cursor(selected: first, offset: 0), pane: 1)
        }
    }

    /// Opens a screen on top of the current one.
    static func push(_ state: inout AppState, _ route: Route) {
        guard exists(route, in: state.snapshot) else {
            state.message = ("\(route.title) is not in this store.", true)
            return
        }
        if state.route != route { state.stack.append(route) }
        // An incident with a runbook under way opens on the runbook: that is where the work is. An active
        // incident's timeline opens at its newest event; a resolved one at its beginning, to be read.
        if case let .incident(id) = route, let incident = state.snapshot.incident(id) {
            state.pane[route] = incident.state.currentRun?.isFinished == false ? 1 : 0
            if incident.state.isActive, state.cursors[PaneKey(route: route, pane: 0)] == nil {
                state.setCursor(route, Cursor(selected: max(0, incident.events.count - 1), offset: 0), pane: 0)
            }
        } else {
            state.pane[route] = 0
        }
        followRunbooks(&state)
        clamp(&state, route)
    }

    /// Opens a search result at its place.
    static func open(_ result: SearchResult, _ state: inout AppState) {
        push(&state, result.route)
        var cursor = Cursor()
        switch (result.route, result.focus) {
        case let (.incident(id), .event(eventID)?):
            cursor.selected = state.snapshot.incident(id)?.events.firstIndex { $0.id == eventID } ?? 0
        case let (.incident(id), .sourceLine(line)?):
            let incident = state.snapshot.incident(id)
            state.pane[result.route] = Detail.prosePane(incident)
            let prose = Detail.proseText(Detail.incidentLayout(incident, width: state.width, height: state.height))
            let index = Detail.lineIndex(of: line, in: Detail.lines(result.route, state, width: prose.width))
            cursor = Cursor(selected: index, offset: index)
        case let (.decision(number), .sourceLine(line)?):
            guard let decision = state.snapshot.decision(number) else { break }
            let panes = Detail.decisionPanes(decision, state)
            let index = Detail.lineIndex(of: line, in: Detail.lines(result.route, state, width: panes.width))
            cursor = Cursor(selected: index, offset: index)
        case let (route, .sourceLine(line)?):
            let area = Detail.textArea(route, width: state.width, height: state.height)
            let index = Detail.lineIndex(of: line, in: Detail.lines(route, state, width: area.width))
            cursor = Cursor(selected: index, offset: index)
        default:
            break
        }
        state.setCursor(result.route, cursor)
        clamp(&state, result.route)
    }
}
