import Foundation
import WardKit

/// Keys that change an incident: the note line, the runbook, the status. Each becomes a `Change` for the
/// shell to write; nothing here touches the store.
enum ResponseKeys {
    /// Handles `key` on an incident's screen; nil when the key is not one of these.
    static func handle(_ state: inout AppState, _ key: Key, incident id: String) -> [Effect]? {
        guard let incident = state.snapshot.incident(id) else { return nil }
        let run = incident.state.currentRun
        switch key {
        case .character("i"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .note, text: state.noteDrafts.removeValue(forKey: id) ?? "", target: id)
            return []
        case .character("R"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .startRunbook, text: run == nil ? "recovery" : "", target: id)
            return []
        case .character("S"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .status, target: id)
            return []
        case .character("V"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .severity, target: id)
            return []
        case .character("A"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .assign, target: id)
            return []
        case .character("T"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .milestone, target: id)
            return []
        case .character("P"):
            guard writable(&state) else { return [] }
            return [.perform(.draftPostmortem(incident: id))]
        default:
            break
        }
        guard let run else { return nil }
        let selected = selectedStep(state, incident: incident)
        switch key {
        case .character(" ") where state.pane[.incident(id)] == 1:
            guard let step = selected, writable(&state) else { return [] }
            let next: StepState = run.state(of: step.id) == .open ? .done : .open
            return [.perform(.step(incident: id, runbook: run.name, step: step.id, state: next, reason: nil))]
        case .character("s"):
            guard let step = selected, writable(&state) else { return [] }
            state.input = TextInput(purpose: .skipReason, target: id, runbook: run.name, step: step.id)
            return []
        case .character("x"):
            guard let step = selected, writable(&state) else { return [] }
            guard step.allowsNotApplicable else {
                state.message = ("'\(step.id)' cannot be not applicable (only steps marked n/a can); s skips it with a reason.", true)
                return []
            }
            let next: StepState = run.state(of: step.id) == .notApplicable ? .open : .notApplicable
            return [.perform(.step(incident: id, runbook: run.name, step: step.id, state: next, reason: nil))]
        case .character("n"):
            guard writable(&state) else { return [] }
            let open = run.openRequired(inPhase: run.current)
            if !open.isEmpty {
                // Said here at once; the store checks again under its lock.
                state.message = ("Required and still open: \(open.map(\.id).joined(separator: ", ")). Do them, or s to skip with a reason.", true)
                return []
            }
            return [.perform(.nextPhase(incident: id, runbook: run.name, from: run.currentPhase?.name ?? ""))]
        case .character("b"):
            guard writable(&state) else { return [] }
            state.input = TextInput(purpose: .backReason, target: id, runbook: run.name, step: run.currentPhase?.name ?? "")
            return []
        default:
            return nil
        }
    }

    /// The action items screen: `d` done, `w` won't do (with a reason), `o` open again.
    static func actionKeys(_ state: inout AppState, _ key: Key) -> [Effect]? {
        guard [.character("d"), .character("w"), .character("o")].contains(key) else { return nil }
        let rows = Rows.actions(state)
        let selected = state.cursor(.actions).selected
        guard rows.indices.contains(selected) else { return [] }
        guard writable(&state) else { return [] }
        let item = rows[selected]
        switch key {
        case .character("d"): return [.perform(.actionState(incident: item.incident, action: item.id, state: .done, reason: nil))]
        case .character("o"): return [.perform(.actionState(incident: item.incident, action: item.id, state: .open, reason: nil))]
        default:
            state.input = TextInput(purpose: .wontDoReason, target: item.incident, step: item.id)
            return []
        }
    }

    /// The step under the runbook panel's cursor: a step of the current phase.
    static func selectedStep(_ state: AppState, incident: Incident) -> TaskItem? {
        guard let steps = incident.state.currentRun?.currentPhase?.steps else { return nil }
        let index = state.cursor(.incident(incident.id), pane: 1).selected
        return steps.indices.contains(index) ? steps[index] : nil
    }

    static func writable(_ state: inout AppState) -> Bool {
        if state.snapshot.isReadOnly {
            state.message = ("This is the demo store, read-only: 'ward init' makes a store you can write to.", true)
            return false
        }
        return true
    }

    /// Enter on a line that writes: the change to perform, or nil with a message when the line is not ready.
    static func submit(_ state: inout AppState, _ input: TextInput) -> [Effect] {
        let text = input.text.trimmingCharacters(in: .whitespaces)
        let change: Change
        switch input.purpose {
        case .note:
            let line: NoteLine
            do {
                line = try NoteLine.parse(text, now: state.now)
            } catch {
                state.input = input
                state.message = ("\(error)", true)
                return []
            }
            guard !line.text.isEmpty else {
                state.input = input
                state.message = ("The note is empty; esc closes the line.", true)
                return []
            }
            let secrets = Secrets.scan(line.text)
            if !secrets.isEmpty && input.secrets == nil {
                var waiting = input
                waiting.secrets = secrets.map(\.kind)
                state.input = waiting
                return []
            }
            change = .note(incident: input.target, text: line.text, at: line.at, key: line.key, keepSecrets: false)
        case .skipReason:
            guard !text.isEmpty else { return again(&state, input, "Skipping needs a reason: the post-mortem will ask.") }
            change = .step(incident: input.target, runbook: input.runbook, step: input.step, state: .skipped, reason: text)
        case .backReason:
            guard !text.isEmpty else { return again(&state, input, "Going back needs a reason.") }
            change = .backPhase(incident: input.target, runbook: input.runbook, from: input.step, reason: text)
        case .startRunbook:
            guard !text.isEmpty else { return again(&state, input, "Name the runbook: \(state.snapshot.runbooks.map(\.name).joined(separator: ", ")).") }
            change = .startRunbook(incident: input.target, name: text)
        case .status:
            let word = String(text.prefix { $0 != " " && $0 != ":" })
            guard let status = IncidentStatus(rawValue: word.lowercased()) else {
                return again(&state, input, "Type a status: \(IncidentStatus.allCases.map(\.rawValue).joined(separator: ", ")), then a reason if you like.")
            }
            let reason = text.dropFirst(word.count).drop { $0 == " " || $0 == ":" }
            change = .status(incident: input.target, status: status, reason: reason.isEmpty ? nil : String(reason))
        case .severity:
            let word = String(text.prefix { $0 != " " && $0 != ":" })
            let names = state.snapshot.severities.map(\.name)
            let number = Int(word).flatMap { names.indices.contains($0 - 1) ? names[$0 - 1] : nil }
            guard let severity = number ?? names.first(where: { $0.caseInsensitiveCompare(word) == .orderedSame }) else {
                return again(&state, input, "Type a severity: \(names.joined(separator: ", ")) (or 1-\(names.count)), then why.")
            }
            let reason = text.dropFirst(word.count).drop { $0 == " " || $0 == ":" }
            change = .severity(incident: input.target, severity: severity, reason: reason.isEmpty ? nil : String(reason))
        case .assign:
            let words = text.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2 else {
                return again(&state, input, "Type a role and a name: 'scribe chidi', 'commander bo' ('scribe -' frees the role).")
            }
            let name = words[1].trimmingCharacters(in: .whitespaces)
            change = .assign(incident: input.target, role: words[0], name: name == "-" ? "" : name)
        case .milestone:
            let words = text.split(separator: " ", maxSplits: 1).map(String.init)
            guard let word = words.first, let milestone = try? Milestone.parse(word) else {
                return again(&state, input, "Type a time's name, then when: 'acknowledged 03:10', 'impact_started -40m', 'mitigated'.")
            }
            var at: Date?
            if words.count == 2 {
                do {
                    at = try Timestamps.parseInput(words[1], now: state.now)
                } catch {
                    return again(&state, input, "\(error)")
                }
            }
            change = .milestone(incident: input.target, milestone: milestone, at: at)
        case .wontDoReason:
            guard !text.isEmpty else { return again(&state, input, "Say why it will not be done: the next reader will ask.") }
            change = .actionState(incident: input.target, action: input.step, state: .wontDo, reason: text)
        case .search, .palette, .decisionFilter, .historyFilter, .checklistNote, .runChecklist:
            return []
        }
        state.pending = input
        return [.perform(change)]
    }

    /// The note line's secret question: Enter writes it hidden, ctrl-k as typed, esc goes back to editing.
    static func answerSecrets(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard var input = state.input, input.secrets != nil else { return [] }
        switch key {
        case .enter, .control("k"):
            guard let line = try? NoteLine.parse(input.text, now: state.now) else { return [] }
            state.input = nil
            state.pending = input
            return [.perform(.note(incident: input.target, text: line.text, at: line.at, key: line.key,
                                   keepSecrets: key == .control("k")))]
        case .escape:
            input.secrets = nil
            state.input = input
            return []
        default:
            return []
        }
    }

    private static func again(_ state: inout AppState, _ input: TextInput, _ message: String) -> [Effect] {
        state.input = input
        state.message = (message, true)
        return []
    }
}

/// The declare form's keys: type in a field, tab between fields, 1-4 (or ← →) for the severity, ⏎ declares.
enum DeclareKeys {
    static func handle(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard var form = state.declare else { return [] }
        let severities = state.snapshot.severities.map(\.name)
        switch key {
        case .escape, .control("c"):
            state.declare = nil
            return []
        case .tab, .down:
            form.field = DeclareForm.Field(rawValue: (form.field.rawValue + 1) % DeclareForm.Field.allCases.count)!
        case .backTab, .up:
            form.field = DeclareForm.Field(rawValue: (form.field.rawValue + DeclareForm.Field.allCases.count - 1) % DeclareForm.Field.allCases.count)!
        case .enter:
            let title = form.title.trimmingCharacters(in: .whitespaces)
            if title.isEmpty {
                form.field = .title
                state.message = ("Say in a few words what is wrong.", true)
            } else if let severity = form.severity {
                state.declare = form
                let services = form.services.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return [.perform(.declare(title: title, severity: severity, services: services,
                                          commander: form.commander.trimmingCharacters(in: .whitespaces)))]
            } else {
                form.field = .severity
                state.message = ("Choose a severity with 1-\(severities.count). When unsure, the higher.", true)
            }
        case .left where form.field == .severity, .right where form.field == .severity:
            let index = form.severity.flatMap { severities.firstIndex(of: $0) } ?? (key == .left ? severities.count : -1)
            let next = key == .left ? max(0, index - 1) : min(severities.count - 1, index + 1)
            if severities.indices.contains(next) { form.severity = severities[next] }
        case let .character(character) where form.field == .severity:
            if let digit = character.wholeNumberValue, severities.indices.contains(digit - 1) {
                form.severity = severities[digit - 1]
                form.field = .services
            }
        case let .paste(text):
            switch form.field {
            case .title: form.title += Paste.oneLine(text)
            case .services: form.services += Paste.oneLine(text)
            case .commander: form.commander += Paste.oneLine(text)
            case .severity: break
            }
        case let .character(character):
            switch form.field {
            case .title: form.title.append(character)
            case .services: form.services.append(character)
            case .commander: form.commander.append(character)
            case .severity: break
            }
        case .backspace:
            switch form.field {
            case .title: if !form.title.isEmpty { form.title.removeLast() }
            case .services: if !form.services.isEmpty { form.services.removeLast() }
            case .commander: if !form.commander.isEmpty { form.commander.removeLast() }
            case .severity: form.severity = nil
            }
        case .control("u"):
            switch form.field {
            case .title: form.title = ""
            case .services: form.services = ""
            case .commander: form.commander = ""
            case .severity: form.severity = nil
            }
        default:
            break
        }
        state.declare = form
        return []
    }
}
