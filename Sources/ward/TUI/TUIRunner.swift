import Foundation
import Terminal
import WardKit
import WardTUI

/// The shell around the pure app: it reads the terminal and the store, feeds messages to `App.update`,
/// draws what `Views.render` returns, and runs the effects (edit, reload, quit).
enum TUIRunner {
    /// The first read of the store, on another thread; if it takes more than a moment (the derived cache
    /// being built after a clone), the terminal says how far it has got. Keys typed meanwhile wait.
    static func loadShowingProgress(_ store: Store, _ terminal: CursesTerminal) -> Snapshot {
        let progress = LoadProgress()
        final class Result: @unchecked Sendable { var snapshot: Snapshot? }
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        Thread {
            result.snapshot = Snapshot.load(store, progress: progress)
            done.signal()
        }.start()
        let started = Date()
        while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            let (looked, read) = progress.counts
            let size = terminal.size
            terminal.draw(LoadingView.render(width: size.width, height: size.height, store: store.config.name ?? store.root.lastPathComponent,
                                             looked: looked, read: read, seconds: Date().timeIntervalSince(started)))
        }
        return result.snapshot!
    }

    static func run(store: Store) throws {
        let terminal = CursesTerminal()
        let environment = ProcessInfo.processInfo.environment
        let drafts = Drafts(storeRoot: store.root)
        terminal.start(noColor: environment["NO_COLOR"] != nil)
        var draftProblem: String?
        defer {
            // A sync still running is stopped with Ward (its next run undoes what it left).
            Subprocess.stopRunning()
            terminal.stop()
            if let draftProblem { Output.error("could not keep what you were typing: \(draftProblem)") }
        }
        let size = terminal.size
        var state = AppState(snapshot: loadShowingProgress(store, terminal), width: size.width, height: size.height, now: Date())
        state.user = store.author.split(separator: "@").first.map(String.init) ?? store.author
        if let draft = drafts.load(), let purpose = TextInput.Purpose(rawValue: draft.purpose), purpose.keptWhenWardStops,
           !purpose.writes || state.snapshot.incident(draft.context["target"] ?? "") != nil {
            state.input = TextInput(purpose: purpose, text: draft.text, target: draft.context["target"] ?? "",
                                    runbook: draft.context["runbook"] ?? "", step: draft.context["step"] ?? "")
            if purpose.writes, let target = draft.context["target"] {
                // Back on the incident the words were for, with them in the line, unsaved until Enter.
                state.stack = [.dashboard, .incident(target)]
            }
            if purpose == .search { state.search.results = SearchEngine.search(draft.text, in: state.snapshot) }
            if purpose == .decisionFilter {
                state.stack = [.dashboard, .decisions]
                state.decisionFilter.text = draft.text
            }
            state.message = ("Restored what you were typing when Ward last stopped.", false)
        } else if state.snapshot.isDemo {
            state.message = ("The demo store, read-only. Press ? for keys; 'ward init' makes your own store.", false)
        }
        // What this session kept or took back of the unrecorded checklist answers: only that may it remove.
        var keptKnown: Data?
        if let kept = drafts.loadKept("checklists"), KeptChecklistRun.restore(kept, into: &state) > 0 {
            keptKnown = kept
            let names = state.checklistRuns.keys.compactMap { route -> String? in
                if case let .checklistRun(name, _) = route { return name } else { return nil }
            }.sorted()
            state.message = ("Unrecorded answers kept: \(names.joined(separator: ", ")). r on it goes on.", false)
        }
        let watcher = StoreWatcher(root: store.root, decisionsDirectory: store.decisionsDirectory)
        /// What the first frame did not need is read meanwhile, off the drawing thread.
        func prefetch() {
            let snapshot = state.snapshot
            DispatchQueue.global(qos: .utility).async { snapshot.prefetch() }
        }
        prefetch()
        var lastTick = Date()

        // Git's view of the store (the status line's right end) and syncs run on their own thread; what they
        // find comes back through the mailbox, read once per turn of the loop.
        let mailbox = Mailbox()
        Subprocess.startChildrenThroughThisProgram()
        let git = DispatchQueue(label: "ward.git")
        var gitAsked = Date.distantPast
        var gitWanted = false
        /// At most one `git status` every two seconds, however fast notes come in (a large store's takes a while).
        func refreshSyncState() {
            guard !store.isDemo, !store.isReadOnly else { return }
            gitWanted = true
            guard Date().timeIntervalSince(gitAsked) >= 2 else { return }
            gitWanted = false
            gitAsked = Date()
            git.async { mailbox.post(.syncState(store.syncStatus())) }
        }
        refreshSyncState()

        func reload() {
            // Watch new folders before reading, so nothing written in between goes unnoticed.
            watcher.refresh()
            _ = App.update(&state, .loaded(Snapshot.load(store)))
            prefetch()
            refreshSyncState()
            if let broken = state.brokenEdit {
                _ = App.update(&state, .checked(path: broken.path, problem: Editor.check(broken.path, in: store)))
            }
        }

        /// Keeps unrecorded checklist answers outside the store as they change, so that even a kill -9 or a
        /// crash of the host loses none; removes the kept copy once none is left, unless another session
        /// kept something since.
        var keptRuns = state.checklistRuns
        func keepChecklistAnswers() throws {
            keptRuns = state.checklistRuns
            if let encoded = KeptChecklistRun.encode(state) {
                if encoded != keptKnown { try drafts.saveKept("checklists", encoded) }
                keptKnown = encoded
            } else if let known = keptKnown {
                try drafts.removeKept("checklists", ifStill: known)
                keptKnown = nil
            }
        }

        /// Keeps what is being typed, so a dropped session does not lose it.
        func keepDraft() {
            var draft = state.input.flatMap { input in
                input.text.isEmpty || !input.purpose.keptWhenWardStops ? nil : Drafts.Draft(
                    purpose: input.purpose.rawValue,
                    text: input.purpose == .note ? NoteLine.anchored(input.text, now: Date()) : input.text,
                    context: input.purpose.writes ? ["target": input.target, "runbook": input.runbook, "step": input.step] : [:])
            }
            // A note put aside with esc is kept too (already anchored to its time when it was put aside).
            if draft == nil, let (target, text) = state.noteDrafts.sorted(by: { $0.key < $1.key }).first {
                draft = Drafts.Draft(purpose: TextInput.Purpose.note.rawValue, text: text, context: ["target": target])
            }
            do {
                try drafts.save(draft)
                // Checklist answers not yet recorded, so a dropped session does not lose them either.
                try keepChecklistAnswers()
            } catch {
                draftProblem = "\(error)"  // said once the terminal is back
            }
        }

        while true {
            if terminal.receivedSignal != nil {
                keepDraft()
                return
            }
            terminal.draw(Views.render(state), cursor: Views.cursor(state))
            var messages: [Message] = []
            switch terminal.next(timeout: 250) {
            case let .key(key)?: messages.append(.key(key))
            case let .mouse(mouse)?: messages.append(.mouse(mouse))
            case let .resize(width, height)?: messages.append(.resize(width: width, height: height))
            case nil: break
            }
            // Every key already waiting is handled before the next frame is drawn.
            while messages.count < 64, case let event? = terminal.next(timeout: 0) {
                switch event {
                case let .key(key): messages.append(.key(key))
                case let .mouse(mouse): messages.append(.mouse(mouse))
                case let .resize(width, height): messages.append(.resize(width: width, height: height))
                }
            }
            var changed = watcher.changed()
            messages += mailbox.take()
            // Commits and fetches by others (a teammate's push lands on a shared bastion clone) move the state too.
            if gitWanted || Date().timeIntervalSince(gitAsked) >= 30 { refreshSyncState() }
            if Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                messages.append(.tick(lastTick))
            }
            for message in messages {
                for effect in App.update(&state, message) {
                    switch effect {
                    case .quit:
                        keepDraft()
                        return
                    case .reload:
                        changed = true
                    case .sync:
                        git.async {
                            let said: Message
                            do {
                                let report = try store.sync()
                                let text = ([report.message] + report.advice.prefix(1)).joined(separator: " · ")
                                said = .synced(text: text, isError: !report.succeeded)
                            } catch {
                                said = .synced(text: "\(error)", isError: true)
                            }
                            mailbox.post(said)
                            mailbox.post(.syncState(store.syncStatus()))
                        }
                    case let .perform(change):
                        let outcome = Perform.run(change, in: store)
                        reload()
                        changed = false
                        _ = App.update(&state, outcome)
                    case let .edit(relative):
                        let before = try? store.files.read(relative)?.hash
                        let failure = terminal.suspend { Editor.run(path: store.files.path(relative)) }
                        let after = try? store.files.read(relative)?.hash
                        if let failure, before == after {
                            _ = App.update(&state, .editorFailed(failure + "; the file is unchanged"))
                        } else {
                            _ = App.update(&state, .edited(path: relative, problem: Editor.check(relative, in: store),
                                                           changed: before != after))
                        }
                        changed = true
                    }
                }
            }
            if state.checklistRuns != keptRuns {
                do { try keepChecklistAnswers() } catch { draftProblem = "\(error)" }
            }
            if changed { reload() }
        }
    }
}

/// Messages from other threads for the app's loop.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [Message] = []

    func post(_ message: Message) { lock.withLock { messages.append(message) } }

    func take() -> [Message] {
        lock.withLock {
            defer { messages.removeAll() }
            return messages
        }
    }
}
