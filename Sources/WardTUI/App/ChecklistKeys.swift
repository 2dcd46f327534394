import Foundation
import WardKit

/// Keys for checklists: `r` runs one, `y` `n` `a` answer (`Y` `N` `A` with a note), `i` a note, Enter records, `H` the run history,
/// `f` `x` filter it, `C` on an incident picks a checklist to run inside it. Recording is a `Change` for the
/// shell; nothing here touches the store.
enum ChecklistKeys {
    /// Handles `key` when it is one of these on the current screen; nil otherwise.
    static func handle(_ state: inout AppState, _ key: Key) -> [Effect]? {
        if key == .character("q") || key == .control("c"), unrecorded(state) > 0 {
            state.confirm = .quit
            return []
        }
        switch state.route {
        case let .checklistRun(name, incident):
            return runKeys(&state, key, name: name, incident: incident)
        case .checklists:
            let rows = Rows.definitions(state)
            let selected = state.cursor(.checklists).selected
            switch key {
            case .character("r"):
                guard rows.indices.contains(selected) else { return [] }
                guard rows[selected].kind == "checklist" else {
                    state.message = ("r runs a checklist; a runbook is started inside an incident (R on its screen).", true)
                    return []
                }
                start(&state, name: rows[selected].name, incident: nil)
                return []
            case .character("H"):
                openHistory(&state, name: nil)
                return []
            default:
                return nil
            }
        case let .definition(kind, name) where kind == "checklist":
            switch key {
            case .character("r"):
                start(&state, name: name, incident: nil)
                return []
            case .character("H"):
                openHistory(&state, name: name)
                return []
            default:
                return nil
            }
        case .checklistHistory:
            switch key {
            case .character("f"):
                state.input = TextInput(purpose: .historyFilter, text: state.historyFilter)
                return []
            case .character("x"):
                state.historyFilter = ""
                App.clamp(&state, state.route)
                return []
            default:
                return nil
            }
        case let .incident(id):
            guard key == .character("C") else { return nil }
            guard !state.snapshot.checklists.isEmpty else {
                state.message = ("This store has no checklists.", true)
                return []
            }
            state.input = TextInput(purpose: .runChecklist, target: id)
            return []
        default:
            return nil
        }
    }

    /// Opens the run screen of a checklist, with the answers given there before if they were not recorded.
    static func start(_ state: inout AppState, name: String, incident: String?) {
        guard let checklist = state.snapshot.checklist(name) else {
            state.message = ("No checklist is named '\(name)' in this store.", true)
            return
        }
        // The store's own file of that name is broken: what is listed is the built-in one, which the store
        // meant to replace. Say so now rather than after every item is answered.
        if let problem = state.snapshot.problems.first(where: { $0.level == .error && $0.path == "checklists/\(name).md" }) {
            state.message = ("\(problem.path):\(problem.line.map(String.init) ?? "1"): \(problem.message). Fix it before running \(name).", true)
            return
        }
        let route = Route.checklistRun(name: name, incident: incident)
        let run = state.checklistRuns[route] ?? ChecklistRunState()
        state.checklistRuns[route] = run
        App.push(&state, route)
        guard state.route == route else { return }
        let first = run.answers[checklist.items.first?.id ?? ""] == nil ? 0 : run.nextUnanswered(after: 0, in: checklist) ?? 0
        state.setCursor(route, Cursor(selected: first, offset: 0))
        App.clamp(&state, route)
        if !run.isEmpty {
            state.message = ("Your answers from before, not recorded yet: ⏎ records them, esc drops them.", false)
        }
    }

    static func openHistory(_ state: inout AppState, name: String?) {
        let route = Route.checklistHistory(name: name)
        App.push(&state, route)
        state.setCursor(route, Cursor())
        App.clamp(&state, route)
    }

    /// How many run screens hold answers or notes that are not recorded.
    static func unrecorded(_ state: AppState) -> Int {
        state.checklistRuns.values.filter { !$0.isEmpty }.count
    }

    // MARK: The run screen

    static func runKeys(_ state: inout AppState, _ key: Key, name: String, incident: String?) -> [Effect]? {
        let route = state.route
        guard let checklist = state.snapshot.checklist(name) else { return nil }
        var run = state.checklistRuns[route] ?? ChecklistRunState()
        let selected = state.cursor(route).selected
        let item = checklist.items.indices.contains(selected) ? checklist.items[selected] : nil
        switch key {
        case .character("y"), .character("n"), .character("a"), .character("Y"), .character("N"), .character("A"):
            guard let item, case let .character(letter) = key else { return [] }
            let answer: ChecklistAnswer = letter.lowercased() == "y" ? .yes : letter.lowercased() == "n" ? .no : .notApplicable
            run.answers[item.id] = answer
            // Upper case: the answer and a note on it, as "n restore still running" does at the prompt.
            if letter.isUppercase {
                state.input = TextInput(purpose: .checklistNote, text: run.notes[item.id] ?? "", target: name,
                                        runbook: incident ?? "", step: item.id)
            }
            state.checklistRuns[route] = run
            if answer == .notApplicable, !item.allowsNotApplicable {
                // Taken as given, and said: the verdict counts it as a failure where the item is gating.
                state.message = ("'\(item.id)' does not allow n/a: the answer counts against it\(item.required || item.redFlag ? " (NO-GO)" : "").", true)
            }
            if let next = run.nextUnanswered(after: selected, in: checklist) {
                var cursor = state.cursor(route)
                cursor.selected = next
                state.setCursor(route, cursor)
                App.clamp(&state, route)
            } else if state.message == nil {
                let verdict = run.verdict(checklist)
                state.message = ("Every item is answered: \(verdict.result?.rawValue ?? "NO-GO"). ⏎ records the run.", false)
            }
            return []
        case .character("i"):
            guard let item else { return [] }
            state.input = TextInput(purpose: .checklistNote, text: run.notes[item.id] ?? "", target: name,
                                    runbook: incident ?? "", step: item.id)
            return []
        case .enter:
            return record(&state, checklist, run, incident: incident)
        case .escape, .backspace, .character("h"), .left:
            if run.isEmpty {
                state.checklistRuns[route] = nil
                state.stack.removeLast()
            } else {
                state.confirm = .discardRun(route)
            }
            return []
        default:
            return nil
        }
    }

    /// Enter on the run screen: the run to record, or a message naming what is missing.
    static func record(_ state: inout AppState, _ checklist: Checklist, _ run: ChecklistRunState, incident: String?) -> [Effect] {
        let verdict = run.verdict(checklist)
        let missing = verdict.missing
        if !missing.isEmpty {
            state.message = ("Not recorded: \(missing.count) of \(checklist.items.count) items have no answer: "
                + missing.map(\.id).joined(separator: ", ") + ". y n a answer them.", true)
            if let first = checklist.items.firstIndex(where: { $0.id == missing[0].id }) {
                state.setCursor(state.route, Cursor(selected: first, offset: state.cursor(state.route).offset))
                App.clamp(&state, state.route)
            }
            return []
        }
        if state.snapshot.isReadOnly {
            state.message = (state.snapshot.isDemo ? "Cannot be recorded: the demo store is read-only ('ward init' makes yours)."
                : "Cannot be recorded: this store is read-only.", true)
            return []
        }
        state.recording = state.route
        let ids = Set(checklist.items.map(\.id))
        let notes = run.notes.filter { ids.contains($0.key) && !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
        return [.perform(.recordChecklist(name: checklist.name, incident: incident,
                                          answers: run.answers.filter { ids.contains($0.key) }, notes: notes))]
    }

    /// Enter on the note line: the note goes with the answers; an empty one removes it.
    static func saveNote(_ state: inout AppState, _ input: TextInput) {
        let route = Route.checklistRun(name: input.target, incident: input.runbook.isEmpty ? nil : input.runbook)
        var run = state.checklistRuns[route] ?? ChecklistRunState()
        let text = input.text.trimmingCharacters(in: .whitespaces)
        run.notes[input.step] = text.isEmpty ? nil : text
        state.checklistRuns[route] = run
        state.message = (text.isEmpty ? "Note removed from \(input.step)." : "Note kept with \(input.step): it is written when the run is recorded.", false)
    }

    /// Enter on "run checklist" from an incident: a number, a name, or the start of one.
    static func pick(_ state: inout AppState, _ input: TextInput) {
        let text = input.text.trimmingCharacters(in: .whitespaces).lowercased()
        let names = state.snapshot.checklists.map(\.name)
        var chosen: String?
        if let number = Int(text), names.indices.contains(number - 1) {
            chosen = names[number - 1]
        } else if names.contains(text) {
            chosen = text
        } else {
            let matches = names.filter { $0.lowercased().hasPrefix(text) || (!text.isEmpty && $0.lowercased().contains(text)) }
            if matches.count == 1 { chosen = matches[0] }
        }
        guard let chosen else {
            state.input = input
            state.message = (text.isEmpty ? "Type a checklist's number or name." : "No one checklist matches '\(text)': \(names.joined(separator: ", ")).", true)
            return
        }
        start(&state, name: chosen, incident: input.target)
    }

    /// `y` to a question on the status line does what it asked; any other key keeps things as they are.
    static func answer(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard let confirm = state.confirm else { return [] }
        state.confirm = nil
        guard key == .character("y") else {
            state.message = ("Kept: nothing was dropped.", false)
            return []
        }
        switch confirm {
        case let .discardRun(route):
            state.checklistRuns[route] = nil
            if state.route == route { state.stack.removeLast() }
            if case let .checklistRun(name, _) = route { state.message = ("The answers to \(name) were dropped, not recorded.", false) }
            return []
        case .quit:
            // Dropped as asked: nothing is kept to come back next time.
            state.checklistRuns = [:]
            return [.quit]
        }
    }
}
