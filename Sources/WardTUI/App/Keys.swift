import Foundation
import WardKit

/// Keys when nothing is being typed.
enum Keys {
    static func handle(_ state: inout AppState, _ key: Key) -> [Effect] {
        let route = state.route
        if let effects = ChecklistKeys.handle(&state, key) {
            return effects
        }
        if case let .incident(id) = route, let effects = ResponseKeys.handle(&state, key, incident: id) {
            return effects
        }
        if route == .actions, let effects = ResponseKeys.actionKeys(&state, key) {
            return effects
        }
        switch key {
        case let .paste(text):
            // Pasted text on an incident starts a note with it; it is written only on Enter.
            guard case let .incident(id) = route else {
                state.message = ("Pasted text goes into a note: open an incident and press i first.", true)
                return []
            }
            if ResponseKeys.writable(&state) { state.input = TextInput(purpose: .note, text: Paste.oneLine(text), target: id) }
            return []
        case .character("q"), .control("c"): return [.quit]
        case .character("D"):
            guard ResponseKeys.writable(&state) else { return [] }
            state.declare = DeclareForm(commander: state.user)
            return []
        case .character("?"), .function(1): state.showHelp = true; return []
        case .character(":"): state.input = TextInput(purpose: .palette); return []
        case .character("/"):
            state.input = TextInput(purpose: .search)
            state.search = SearchState()
            return []
        case .character("r"), .control("l"): return [.reload]
        case .character("U"): return Sync.start(&state)
        case .escape, .backspace, .character("h"), .left:
            if state.stack.count > 1 { state.stack.removeLast() }
            return []
        case let .character(digit) where ("1"..."7").contains(digit):
            let section = Route.sections[Int(String(digit))! - 1]
            state.stack = [.dashboard] + (section == .dashboard ? [] : [section])
            // The decisions of one incident (o) were for that incident; the section shows them all again.
            if section == .decisions { state.decisionFilter.incident = nil }
            App.clamp(&state, section)
            return []
        case .tab, .backTab:
            let panes = paneCount(route, state)
            guard panes > 1 else { return [] }
            let current = state.pane[route] ?? 0
            state.pane[route] = (current + (key == .tab ? 1 : panes - 1)) % panes
            App.clamp(&state, route)
            return []
        case .character("e"):
            return edit(&state)
        case .enter, .character("l"), .right:
            openSelected(&state)
            return []
        default:
            break
        }
        if move(&state, key) { return [] }
        filterKeys(&state, key)
        return []
    }

    /// Moves the selection (lists) or the scroll position (text). Returns whether the key was a movement.
    static func move(_ state: inout AppState, _ key: Key) -> Bool {
        let route = state.route
        let (count, height) = App.extent(route, state)
        var cursor = state.cursor(route)
        let text = isText(route, state)
        var position = text ? cursor.offset : cursor.selected
        switch key {
        case .character("j"), .down: position += 1
        case .character("k"), .up: position -= 1
        case .character("g"), .home: position = 0
        case .character("G"), .end: position = count
        case .control("d"): position += max(1, height / 2)
        case .control("u"): position -= max(1, height / 2)
        case .pageDown, .character(" "): position += max(1, height - 1)
        case .pageUp: position -= max(1, height - 1)
        default: return false
        }
        if text {
            cursor.offset = max(0, min(position, count - height))
            cursor.selected = cursor.offset
        } else {
            cursor.selected = max(0, min(position, count - 1))
            cursor.clamp(count: count, height: height)
        }
        state.setCursor(route, cursor)
        return true
    }

    /// Panes whose cursor scrolls text rather than selecting rows.
    static func isText(_ route: Route, _ state: AppState) -> Bool {
        switch route {
        case .postmortem, .definition, .metrics, .recordedRun: return true
        case let .decision(number): return Detail.decisionPane(number, state) == .record
        case let .incident(id): return state.pane[route] == Detail.prosePane(state.snapshot.incident(id))
        default: return false
        }
    }

    static func paneCount(_ route: Route, _ state: AppState) -> Int {
        switch route {
        case .dashboard: return Dashboard.panels(state).count
        case let .incident(id): return Detail.prosePane(state.snapshot.incident(id)) + 1
        case let .decision(number):
            guard let decision = state.snapshot.decision(number) else { return 1 }
            return Detail.decisionPanes(decision, state).order.count
        default: return 1
        }
    }

    static func openSelected(_ state: inout AppState) {
        let route = state.route
        let selected = state.cursor(route).selected
        switch route {
        case .dashboard:
            let panel = Dashboard.panels(state)[state.pane[.dashboard] ?? 0]
            if panel.indices.contains(selected), let target = panel[selected].route { App.push(&state, target) }
        case .incidents:
            let rows = Rows.incidents(state)
            if rows.indices.contains(selected) { App.push(&state, .incident(rows[selected].id)) }
        case .decisions:
            let rows = Rows.decisions(state)
            if rows.indices.contains(selected) { App.push(&state, .decision(rows[selected].number)) }
        case .postmortems:
            let rows = state.snapshot.postmortems
            if rows.indices.contains(selected) { App.push(&state, .postmortem(rows[selected].incidentID)) }
        case .actions:
            let rows = Rows.actions(state)
            if rows.indices.contains(selected) { App.push(&state, .incident(rows[selected].incident)) }
        case .checklists:
            let rows = Rows.definitions(state)
            if rows.indices.contains(selected) { App.push(&state, .definition(kind: rows[selected].kind, name: rows[selected].name)) }
        case let .checklistHistory(name):
            let rows = ChecklistHistory.rows(state, name: name)
            if rows.indices.contains(selected) { App.push(&state, .recordedRun(rows[selected].id)) }
        case let .recordedRun(id):
            // The incident the run was made in, if any.
            if let incident = state.snapshot.run(id)?.incident { App.push(&state, .incident(incident)) }
        case let .decision(number):
            guard Detail.decisionPane(number, state) == .links, let decision = state.snapshot.decision(number) else { return }
            let links = Rows.decisionLinks(decision, in: state.snapshot)
            if links.indices.contains(selected) { App.push(&state, links[selected].route) }
        case let .incident(id):
            // Enter on a decision in the timeline opens it; elsewhere, the incident's post-mortem, if it has one.
            if (state.pane[route] ?? 0) == 0, let events = state.snapshot.incident(id)?.events, events.indices.contains(selected),
               events[selected].kind == "decision", let number = events[selected].fields["number"]?.int,
               state.snapshot.decision(number) != nil {
                App.push(&state, .decision(number))
            } else if state.snapshot.postmortem(id) != nil {
                App.push(&state, .postmortem(id))
            }
        default:
            break
        }
    }

    static func edit(_ state: inout AppState) -> [Effect] {
        let relative: String?
        switch state.route {
        case let .incident(id): relative = "incidents/\(id)/incident.md"
        case let .decision(number): relative = state.snapshot.decision(number)?.path
        case let .postmortem(id):
            if state.snapshot.postmortem(id)?.status == "published" {
                state.message = ("This post-mortem is published; reopen it first: ward postmortem reopen --reason \"why\".", true)
                return []
            }
            relative = state.snapshot.postmortem(id)?.path
        case let .definition(kind, name):
            let definition = Rows.definitions(state).first { $0.kind == kind && $0.name == name }
            if definition?.builtIn == true {
                state.message = ("Built-in \(kind)s are part of Ward; copy it to \(kind)s/\(name).md in the store to change it.", true)
                return []
            }
            relative = definition?.path
        default: relative = nil
        }
        // A file the last edit broke is opened again, from its own screen or from a list it dropped out of.
        if let broken = state.brokenEdit, relative == nil || relative == broken.path {
            return [.edit(path: broken.path)]
        }
        guard let relative else {
            state.message = ("Open a record first, then e edits it.", true)
            return []
        }
        if state.snapshot.isReadOnly {
            state.message = ("This is the demo store, read-only: create your own with 'ward init' to edit.", true)
            return []
        }
        return [.edit(path: relative)]
    }

    static func filterKeys(_ state: inout AppState, _ key: Key) {
        switch (state.route, key) {
        case (.incidents, .character("a")):
            state.incidentFilter.activeOnly.toggle()
        case (.incidents, .character("s")):
            state.incidentFilter.severity = cycle(state.incidentFilter.severity, state.snapshot.incidentSeverities)
        case (.incidents, .character("t")):
            state.incidentFilter.status = cycle(state.incidentFilter.status, IncidentStatus.allCases)
        case (.incidents, .character("v")):
            state.incidentFilter.service = cycle(state.incidentFilter.service, state.snapshot.incidentServices)
        case (.incidents, .character("x")):
            state.incidentFilter = IncidentFilter(activeOnly: false)
        case (.actions, .character("a")):
            state.actionsOpenOnly.toggle()
        case (.decisions, .character("s")):
            state.decisionFilter.status = cycle(state.decisionFilter.status, DecisionStatus.allCases)
        case (.decisions, .character("t")):
            state.decisionFilter.tag = cycle(state.decisionFilter.tag, Array(Set(state.snapshot.decisions.flatMap(\.tags))).sorted())
        case (.decisions, .character("f")):
            state.input = TextInput(purpose: .decisionFilter, text: state.decisionFilter.text)
        case (.decisions, .character("x")):
            state.decisionFilter = DecisionFilter()
        case (.decisions, .character("v")):
            toggleTimeline(&state)
            return
        case (.postmortem, .character("[")), (.definition, .character("[")), (.metrics, .character("[")):
            jumpSection(&state, forward: false)
        case (.postmortem, .character("]")), (.definition, .character("]")), (.metrics, .character("]")):
            jumpSection(&state, forward: true)
        case let (.incident(id), .character("o")):
            openDecisions(&state, from: id)
            return
        case let (.decision(number), .character("[")):
            followChain(&state, number, back: true)
        case let (.decision(number), .character("]")):
            followChain(&state, number, back: false)
        default:
            return
        }
        App.clamp(&state, state.route)
    }

    /// Scrolls a document to the next (or previous) heading.
    static func jumpSection(_ state: inout AppState, forward: Bool) {
        let route = state.route
        let area = Detail.textArea(route, width: state.width, height: state.height)
        let lines = Detail.lines(route, state, width: area.width)
        var cursor = state.cursor(route)
        let headings = lines.indices.filter { lines[$0].headingLevel != nil }
        let target = forward ? headings.first { $0 > cursor.offset } : headings.last { $0 < cursor.offset }
        guard let target else {
            state.message = (forward ? "No section below." : "No section above.", false)
            return
        }
        cursor.offset = max(0, min(target, lines.count - area.height))
        cursor.selected = cursor.offset
        state.setCursor(route, cursor)
    }

    /// `o` on an incident: the one decision that came from it, or the decisions list showing only its decisions.
    static func openDecisions(_ state: inout AppState, from id: String) {
        let decisions = Rows.decisions(from: id, in: state.snapshot)
        switch decisions.count {
        case 0:
            state.message = ("No decision came from this incident yet.", false)
        case 1:
            App.push(&state, .decision(decisions[0].number))
        default:
            state.decisionFilter = DecisionFilter(incident: id)
            state.setCursor(.decisions, Cursor())
            App.push(&state, .decisions)
        }
    }

    /// The decisions list as a list or as a time line by month; the selected decision stays selected.
    static func toggleTimeline(_ state: inout AppState) {
        let selected = Rows.decisions(state).indices.contains(state.cursor(.decisions).selected)
            ? Rows.decisions(state)[state.cursor(.decisions).selected].number : nil
        state.decisionTimeline.toggle()
        let index = Rows.decisions(state).firstIndex { $0.number == selected } ?? 0
        state.setCursor(.decisions, Cursor(selected: index, offset: max(0, index - App.extent(.decisions, state).height / 2)))
        App.clamp(&state, .decisions)
    }

    /// Walks a supersede chain: `[` to the record this one replaced, `]` to the one that replaced it.
    static func followChain(_ state: inout AppState, _ number: Int, back: Bool) {
        guard let decision = state.snapshot.decision(number) else { return }
        let next = back ? Rows.supersedes(decision, in: state.snapshot).first : Rows.supersededBy(decision, in: state.snapshot).first
        guard let next else {
            state.message = (back ? "Decision \(number) supersedes nothing." : "Decision \(number) is not superseded.", false)
            return
        }
        guard state.snapshot.decision(next) != nil else {
            state.message = ("Decision \(next) is named in the chain but is not in this store (see ward doctor).", true)
            return
        }
        state.stack[state.stack.count - 1] = .decision(next)
        state.pane[.decision(next)] = 0
        state.setCursor(.decision(next), Cursor())
    }

    /// nil → first → second → … → nil.
    static func cycle<T: Equatable>(_ current: T?, _ values: [T]) -> T? {
        guard let current, let index = values.firstIndex(of: current) else { return values.first }
        return index + 1 < values.count ? values[index + 1] : nil
    }
}

/// Typing into the search, the palette or a filter. Every key goes here while one is open.
enum Typing {
    static func handle(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard var input = state.input else { return [] }
        if input.secrets != nil { return ResponseKeys.answerSecrets(&state, key) }
        switch key {
        case .escape, .control("c"):
            if input.purpose == .note, !input.text.trimmingCharacters(in: .whitespaces).isEmpty {
                // "-5m" means five minutes before now, not before whenever the note is opened again.
                state.noteDrafts[input.target] = NoteLine.anchored(input.text, now: state.now)
                state.message = ("The note is not saved; it is kept here: i opens it again.", false)
            }
            state.input = nil
            return []
        case .enter:
            state.input = nil
            if input.purpose.writes { return ResponseKeys.submit(&state, input) }
            return submit(&state, input)
        case .backspace:
            if !input.text.isEmpty { input.text.removeLast() }
        case .control("u"):
            input.text = ""
        case let .character(character):
            input.text.append(character)
        case let .paste(text):
            // One line: a pasted line break becomes a space, never Enter.
            input.text += Paste.oneLine(text)
        case .down, .control("n"), .tab, .up, .control("p"), .backTab:
            let down = key == .down || key == .control("n") || key == .tab
            let count = input.purpose == .palette ? Palette.matching(input.text).count : state.search.results.count
            state.search.cursor.selected += down ? 1 : -1
            state.search.cursor.clamp(count: count, height: max(1, state.bodyHeight - 4))
            return []
        default:
            return []
        }
        state.input = input
        switch input.purpose {
        case .search:
            state.search.results = SearchEngine.search(input.text, in: state.snapshot)
            state.search.cursor = Cursor()
        case .decisionFilter:
            state.decisionFilter.text = input.text
            App.clamp(&state, .decisions)
        case .historyFilter:
            state.historyFilter = input.text
            App.clamp(&state, state.route)
        case .palette:
            state.search.cursor = Cursor()
        case .note, .skipReason, .backReason, .startRunbook, .status, .severity, .assign, .milestone, .wontDoReason,
             .checklistNote, .runChecklist:
            break
        }
        return []
    }

    static func submit(_ state: inout AppState, _ input: TextInput) -> [Effect] {
        switch input.purpose {
        case .search:
            let results = state.search.results
            if results.indices.contains(state.search.cursor.selected) {
                App.open(results[state.search.cursor.selected], &state)
            }
            return []
        case .decisionFilter, .historyFilter, .note, .skipReason, .backReason, .startRunbook, .status, .severity, .assign,
             .milestone, .wontDoReason:
            return []
        case .checklistNote:
            ChecklistKeys.saveNote(&state, input)
            return []
        case .runChecklist:
            ChecklistKeys.pick(&state, input)
            return []
        case .palette:
            let matches = Palette.matching(input.text)
            let index = min(max(0, state.search.cursor.selected), max(0, matches.count - 1))
            guard matches.indices.contains(index) else {
                state.message = ("No command matches '\(input.text)'. Press : to see them all.", true)
                return []
            }
            return matches[index].run(&state)
        }
    }
}

/// The mouse: the wheel scrolls what is under it, a click selects a row, a click on the selected row opens it.
enum Pointer {
    static func handle(_ state: inout AppState, _ mouse: Mouse) -> [Effect] {
        guard state.input == nil, !state.showHelp else { return [] }
        switch mouse.action {
        case .wheelUp:
            for _ in 0..<3 { _ = Keys.move(&state, .up) }
        case .wheelDown:
            for _ in 0..<3 { _ = Keys.move(&state, .down) }
        case .press:
            let route = state.route
            guard let (top, height) = listArea(route, state), mouse.y >= top, mouse.y < top + height else { return [] }
            var cursor = state.cursor(route)
            var row = cursor.offset + (mouse.y - top)
            if route == .decisions, state.decisionTimeline {
                // The time line draws month headings between the rows: a click on one selects nothing.
                guard let decision = DecisionTimeline.decision(atLine: mouse.y - top, state) else { return [] }
                row = decision
            }
            guard row < App.extent(route, state).count else { return [] }
            if row == cursor.selected {
                Keys.openSelected(&state)
            } else {
                cursor.selected = row
                state.setCursor(route, cursor)
            }
        }
        return []
    }

    /// The first screen row of a list screen's rows.
    static func listArea(_ route: Route, _ state: AppState) -> (Int, Int)? {
        switch route {
        case .incidents, .decisions, .postmortems, .checklists, .actions, .checklistHistory: return (4, state.bodyHeight - 2)
        case .checklistRun: return (ChecklistRunLayout.listY, App.extent(route, state).height)
        default: return nil
        }
    }
}

/// Pasted text made fit for a one-line field.
enum Paste {
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// `U`: sync the store with its git remote, in the background.
enum Sync {
    static func start(_ state: inout AppState) -> [Effect] {
        guard ResponseKeys.writable(&state) else { return [] }
        guard state.sync != nil else {
            state.message = ("This store is in no git repository: 'ward init --git' makes one (see the README's 'Working as a team').", true)
            return []
        }
        guard !state.syncing else {
            state.message = ("A sync is already running.", false)
            return []
        }
        state.syncing = true
        state.message = ("Syncing with git: committing, pulling, pushing...", false)
        return [.sync]
    }
}
