import Foundation
import Testing
@testable import WardKit

/// `ward sync` between clones of one bare remote, all on local disk: the real binary, the real git.
/// Git runs with no global or system configuration (as on a bastion's fresh account): Ward supplies the
/// committer's name itself.
@Suite(.serialized) struct SyncTests {
    static let isolated = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

    /// A bare remote and a first clone `a` made by `ward init --git`, pushed; `b` cloned from the remote.
    struct Team: @unchecked Sendable {
        let scratch = Scratch()
        var remote: URL { scratch.url.appending(path: "remote.git") }
        var a: URL { scratch.url.appending(path: "a") }
        var b: URL { scratch.url.appending(path: "b") }

        init() throws {
            try git(["init", "--quiet", "--bare", remote.path], in: scratch.url)
            try expectSuccess(run(["init", a.path, "--git", "--name", "Team"], in: scratch.url, environment: SyncTests.isolated))
            try git(["remote", "add", "origin", remote.path], in: a)
            try expectSuccess(sync(a))
            try git(["clone", "--quiet", remote.path, b.path], in: scratch.url)
        }

        /// An incident declared on `a`, synced to both clones; its id.
        func sharedIncident(_ title: String) throws -> String {
            let declared = try run(["incident", "declare", title, "--severity", "2"], in: a)
            #expect(declared.status == 0, "\(declared.stderr)")
            SyncTests.expectSuccess(try sync(a))
            SyncTests.expectSuccess(try sync(b))
            return declared.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func sync(_ clone: URL, _ extra: [String] = [], user: String = "tester@ci") throws -> RunResult {
            var environment = SyncTests.isolated
            environment["WARD_USER"] = user
            return try run(["sync", "--json", "--timeout", "10"] + extra, in: clone, environment: environment)
        }
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let finished = try #require(try Git.command(arguments, in: directory.path, timeout: 60))
        #expect(finished.succeeded, "git \(arguments.joined(separator: " ")): \(finished.stderr)", sourceLocation: sourceLocation)
        return finished.stdout
    }

    static func expectSuccess(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(result.stderr)\(result.stdout)", sourceLocation: sourceLocation)
    }

    static func report(_ result: RunResult) throws -> [String: Any] {
        try #require(try json(result.stdout) as? [String: Any], "not one JSON object: \(result.stdout) \(result.stderr)")
    }

    static func timeline(_ clone: URL, _ id: String) throws -> [[String: Any]] {
        let result = try run(["timeline", id, "--json"], in: clone)
        return try #require(try json(result.stdout) as? [[String: Any]])
    }

    // MARK: Two responders on one incident

    @Test(arguments: [true, false])
    func twoClonesWorkingOneIncidentMergeWithoutConflicts(aFirst: Bool) throws {
        let team = try Team()
        let id = try team.sharedIncident("Checkout returns 500")

        // On each clone: 100 notes, one status change, 5 new decisions (the third superseding the second).
        for (clone, who, status) in [(team.a, "ana", "identified"), (team.b, "bob", "mitigated")] {
            let store = try Store(root: clone, author: "\(who)@\(clone.lastPathComponent)")
            for index in 1...100 { _ = try store.addNote(to: id, text: "\(who) note \(index)") }
            _ = try store.setStatus(store.findIncident(id), to: IncidentStatus.parse(status))
            for index in 1...5 {
                if index == 3 { _ = try store.setDecisionStatus(2, to: .accepted) }
                _ = try store.newDecision(title: "\(who) decision \(index)", supersedes: index == 3 ? [2] : [])
            }
        }
        let (first, second) = aFirst ? (team.a, team.b) : (team.b, team.a)
        var conflicts = 0
        for clone in [first, second, first, second] {
            let result = try team.sync(clone)
            Self.expectSuccess(result)
            let report = try Self.report(result)
            conflicts += (report["conflicts"] as? [String])?.count ?? -1
            #expect(report["outcome"] as? String != "conflict")
        }
        #expect(conflicts == 0)
        // Every note present once, on both clones, and the two clones agree on everything.
        for clone in [team.a, team.b] {
            let notes = try Self.timeline(clone, id).filter { $0["kind"] as? String == "note" }.compactMap { $0["text"] as? String }
            #expect(notes.count == 200, "\(clone.lastPathComponent): \(notes.count) notes")
            #expect(Set(notes).count == 200)
            #expect(Set(notes) == Set((1...100).flatMap { ["ana note \($0)", "bob note \($0)"] }))
        }
        let shownA = try run(["incident", "show", id, "--json"], in: team.a).stdout
        let shownB = try run(["incident", "show", id, "--json"], in: team.b).stdout
        #expect(shownA == shownB)
        #expect(try run(["timeline", id, "--json"], in: team.a).stdout == run(["timeline", id, "--json"], in: team.b).stdout)
        #expect(try Self.git(["rev-parse", "HEAD"], in: team.a) == Self.git(["rev-parse", "HEAD"], in: team.b))
        // The status is the fold of both sides' events by time: whichever came later wins on both clones.
        let statuses = try Self.timeline(team.a, id).filter { $0["kind"] as? String == "status" }
        let lastStatus = try #require(statuses.last?["status"] as? String)
        #expect((try json(shownA) as? [String: Any])?["status"] as? String == lastStatus)

        // Both clones numbered their records 1 to 5: doctor finds every pair, renumber fixes them.
        let doctor = try run(["doctor"], in: team.a)
        #expect(doctor.status == 1)
        for number in 1...5 {
            #expect(doctor.stdout.contains("the number \(number) is also used by") || doctor.stderr.contains("the number \(number) is also used by"),
                    "\(doctor.stdout)\(doctor.stderr)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: team.a.appending(path: "decisions").path)
        for index in 1...5 {
            let name = try #require(names.first { $0.hasSuffix("-bob-decision-\(index).md") })
            let renumbered = try run(["adr", "renumber", name], in: team.a)
            #expect(renumbered.status == 0, "\(renumbered.stderr)")
        }
        #expect(try run(["doctor"], in: team.a).status == 0)
        let decisions = try #require(try json(run(["adr", "list", "--json"], in: team.a).stdout) as? [[String: Any]])
        #expect(decisions.count == 10)
        #expect(Set(decisions.compactMap { $0["number"] as? Int }) == Set(1...10))
        // Each side's third record still supersedes its own second, under their new numbers.
        for who in ["ana", "bob"] {
            let second = try #require(decisions.first { $0["title"] as? String == "\(who) decision 2" })
            let third = try #require(decisions.first { $0["title"] as? String == "\(who) decision 3" })
            let shown = try #require(try json(run(["adr", "show", "\(third["number"]!)", "--json"], in: team.a).stdout) as? [String: Any])
            #expect(shown["supersedes"] as? [Int] == [second["number"] as! Int], "\(who): \(shown)")
            #expect(second["status"] as? String == "superseded")
        }
        Self.expectSuccess(try team.sync(team.a))
        Self.expectSuccess(try team.sync(team.b))
        #expect(try run(["doctor"], in: team.b).status == 0)
        #expect(try run(["adr", "list", "--json"], in: team.b).stdout == run(["adr", "list", "--json"], in: team.a).stdout)
        #expect(try Self.git(["status", "--porcelain"], in: team.a).isEmpty)
        #expect(try Self.git(["status", "--porcelain"], in: team.b).isEmpty)
    }

    @Test func theCommitMessageSaysWhatChangedAndOnlyTheStoreIsCommitted() throws {
        // The store is one folder of a code repository; a file outside it, staged by a person, stays staged.
        let scratch = Scratch()
        let repository = scratch.url.appending(path: "service")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try Self.git(["init", "--quiet"], in: repository)
        try "fn main() {}\n".write(to: repository.appending(path: "main.rs"), atomically: true, encoding: .utf8)
        try Self.git(["add", "main.rs"], in: repository)
        let store = repository.appending(path: "ops")
        Self.expectSuccess(try run(["init", store.path], in: scratch.url, environment: Self.isolated))
        let id = try ward(in: store, ["incident", "declare", "Prod DB deleted", "--severity", "1"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for index in 1...12 { try ward(in: store, ["log", "--incident", id, "note \(index)"]) }
        try ward(in: store, ["incident", "status", id, "mitigated"])
        _ = try ward(in: store, ["adr", "new", "Restore drills every quarter"])
        // A writer's temporary file part way through is never committed.
        try "half".write(to: store.appending(path: "incidents/.x.ward-tmp"), atomically: true, encoding: .utf8)
        let result = try run(["sync"], in: store, environment: Self.isolated)
        #expect(result.status == 0, "\(result.stderr)")
        let message = try Self.git(["log", "-1", "--format=%B"], in: repository)
        #expect(message.hasPrefix("Ward sync: 3 changes (INC \(id), ADR 1 added"), "\(message)")
        #expect(message.contains("- INC \(id): declared, 12 notes, status mitigated"), "\(message)")
        #expect(message.contains("- ADR 1 added: Restore drills every quarter"), "\(message)")
        let committed = try Self.git(["show", "--name-only", "--format=", "HEAD"], in: repository).split(separator: "\n")
        #expect(committed.allSatisfy { $0.hasPrefix("ops/") }, "\(committed)")
        #expect(!committed.contains { $0.contains(".ward-tmp") || $0.contains(".ward/") })
        #expect(try Self.git(["diff", "--cached", "--name-only"], in: repository) == "main.rs\n", "the person's staged file stays staged")
    }

    // MARK: No remote, no network

    @Test func withoutARemoteItCommitsHereAndSaysSo() throws {
        let scratch = Scratch()
        let store = scratch.url.appending(path: "solo")
        Self.expectSuccess(try run(["init", store.path, "--git"], in: scratch.url, environment: Self.isolated))
        try ward(in: store, ["incident", "declare", "Disk full", "--severity", "3"])
        let result = try run(["sync"], in: store, environment: Self.isolated)
        #expect(result.status == 0)
        #expect(result.stdout.contains("no remote"), "\(result.stdout)")
        #expect(try Self.git(["status", "--porcelain"], in: store).isEmpty)
        #expect(try Self.git(["log", "-1", "--format=%s"], in: store).hasPrefix("INC "))
    }

    @Test(arguments: ["missing", "silent"])
    func anUnreachableRemoteAnswersWithinTheTimeoutAndLosesNothing(kind: String) throws {
        let team = try Team()
        if kind == "missing" {
            try Self.git(["remote", "set-url", "origin", team.scratch.path("nowhere.git")], in: team.a)
        } else {
            // A remote that takes the connection and never answers (a network that drops packets).
            try Self.git(["config", "remote.origin.uploadpack", "sleep 600; git-upload-pack"], in: team.a)
        }
        let declared = try run(["incident", "declare", "Network partition", "--severity", "1"], in: team.a)
        let id = declared.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try ward(in: team.a, ["log", "--incident", id, "cannot reach the remote"])
        let started = Date()
        let result = try team.sync(team.a, ["--timeout", "2"])
        let took = Date().timeIntervalSince(started)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(took < 10, "took \(took) s with a 2 s timeout")
        print("sync with a \(kind) remote: answered in \(String(format: "%.2f", took)) s with --timeout 2, the note committed here")
        let report = try Self.report(result)
        #expect(report["outcome"] as? String == "offline")
        let message = try #require(report["message"] as? String)
        #expect(message.contains("could not fetch origin"), "\(message)")
        #expect(kind == "missing" || message.contains("no answer within 2 s"), "\(message)")
        // Committed here: nothing left uncommitted, the note in HEAD.
        #expect(try Self.git(["status", "--porcelain"], in: team.a).isEmpty)
        #expect(try Self.git(["show", "HEAD:incidents/\(id)/timeline.jsonl"], in: team.a).contains("cannot reach the remote"))
        // No git or sleep left running for the remote.
        #expect(try Self.git(["rev-parse", "HEAD"], in: team.a) != Self.git(["rev-parse", "@{u}"], in: team.a))
        let status = try run(["sync", "--status", "--json"], in: team.a)
        let state = try #require(try json(status.stdout) as? [String: Any])
        #expect(state["last_outcome"] as? String == "offline")
        #expect((state["ahead"] as? Int ?? 0) >= 1)
    }

    // MARK: Stopped halfway

    @Test func aSyncKilledAtRandomPointsLeavesAConsistentRepositoryAndLosesNothing() throws {
        let team = try Team()
        let id = try team.sharedIncident("Kill -9 drill")
        var written: [String] = []
        var kills = 0
        for round in 1...20 {
            // The other clone moves on first, so the killed sync has commits to take in (a rebase to break).
            for (clone, who) in [(team.b, "bob"), (team.a, "ana")] {
                let store = try Store(root: clone, author: "\(who)@\(clone.lastPathComponent)")
                for index in 1...3 {
                    let text = "\(who) round \(round) note \(index)"
                    _ = try store.addNote(to: id, text: text)
                    written.append(text)
                }
                if round % 4 == 0 { _ = try store.newDecision(title: "\(who) decision \(round)") }
                if clone == team.b { Self.expectSuccess(try team.sync(team.b)) }
            }
            let outcome = try killAtRandom("ward", ["sync", "--timeout", "10"], in: team.a, within: 0...800_000,
                                           environment: Self.isolated)
            if outcome.killed { kills += 1 }
        }
        // Whatever was left: the next syncs finish it.
        for clone in [team.a, team.b, team.a, team.b] {
            let result = try team.sync(clone)
            Self.expectSuccess(result)
        }
        #expect(kills > 0)
        for clone in [team.a, team.b] {
            try Self.git(["fsck", "--no-dangling", "--no-progress"], in: clone)
            #expect(try Self.git(["status", "--porcelain"], in: clone).isEmpty)
            let notes = try Self.timeline(clone, id).filter { $0["kind"] as? String == "note" }.compactMap { $0["text"] as? String }
            #expect(notes.count == written.count, "\(clone.lastPathComponent): \(notes.count) of \(written.count)")
            #expect(Set(notes) == Set(written))
        }
        try Self.git(["fsck", "--no-dangling", "--no-progress"], in: team.remote)
        print("sync killed at random: \(kills) of 20 syncs killed, \(written.count) notes, all present once on both clones")
    }

    @Test func notesWrittenWhileASyncRewritesTheTimelineAreNeverLost() throws {
        let team = try Team()
        let id = try team.sharedIncident("Busy incident")
        // A responder keeps logging on clone a while a's syncs take in b's notes (git rewrites the timeline).
        let writer = NoteWriter(store: try Store(root: team.a, author: "ana@a"), incident: id)
        let thread = Thread { writer.run() }
        thread.start()
        var expected: [String] = []
        let other = try Store(root: team.b, author: "bob@b")
        for round in 1...8 {
            for index in 1...3 {
                let text = "bob round \(round) note \(index)"
                _ = try other.addNote(to: id, text: text)
                expected.append(text)
            }
            Self.expectSuccess(try team.sync(team.b))
            Self.expectSuccess(try team.sync(team.a))
        }
        let acknowledged = writer.stop()
        #expect(acknowledged.count > 10, "the writer wrote \(acknowledged.count) notes")
        expected += acknowledged
        for clone in [team.a, team.b, team.a] { Self.expectSuccess(try team.sync(clone)) }
        for clone in [team.a, team.b] {
            let notes = try Self.timeline(clone, id).filter { $0["kind"] as? String == "note" }.compactMap { $0["text"] as? String }
            #expect(notes.count == expected.count, "\(clone.lastPathComponent): \(notes.count) of \(expected.count)")
            #expect(Set(notes) == Set(expected))
        }
        print("notes during syncs: \(acknowledged.count) acknowledged while 8 syncs rebased the timeline, \(expected.count) in all, 0 lost")
    }

    @Test func inTheTerminalTheStatusLineShowsTheGitStateAndUSyncs() throws {
        let team = try Team()
        let id = try ward(in: team.a, ["incident", "declare", "Queue backlog", "--severity", "2"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let program = buildDirectory.appending(path: "ward").path
        let tmux = try TmuxSession("sh -c '\(program) --store \(team.a.path); sleep 20'", width: 120, height: 30)
        // The new incident's two files are not committed yet.
        tmux.waitFor("git ✎2 · synced ")
        tmux.keys("U")
        tmux.waitFor("Synced with origin")
        tmux.waitFor("git ✓ · synced ")
        // A teammate's note, pushed from the other clone, comes in with the next U and shows on the timeline.
        Self.expectSuccess(try team.sync(team.b))
        try ward(in: team.b, ["log", "--incident", id, "consumer lag back under 1k"])
        Self.expectSuccess(try team.sync(team.b))
        tmux.keys("2")
        tmux.waitFor("Queue backlog")
        tmux.keys("Enter")
        tmux.waitFor("declared")
        tmux.keys("U")
        tmux.waitFor("took in 1 commit")
        tmux.waitFor("consumer lag back under 1k")
        #expect(try Self.git(["rev-parse", "HEAD"], in: team.a) == Self.git(["rev-parse", "HEAD"], in: team.b))
    }

    @Test func aConflictStopsWithTheFilesAndWhatToDoAndMergesNothing() throws {
        let team = try Team()
        let id = try team.sharedIncident("Cache stampede")
        // Both responders rewrite the same line of the incident's prose.
        let path = "incidents/\(id)/incident.md"
        for (clone, words) in [(team.a, "Ana's summary"), (team.b, "Bob's summary")] {
            let file = clone.appending(path: path)
            var text = try String(contentsOf: file, encoding: .utf8)
            text += "\nSummary: \(words).\n"
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        Self.expectSuccess(try team.sync(team.a))
        let result = try team.sync(team.b)
        #expect(result.status == 4, "\(result.stderr)")
        let report = try Self.report(result)
        #expect(report["outcome"] as? String == "conflict")
        #expect(report["conflicts"] as? [String] == [path])
        #expect((report["advice"] as? [String])?.first?.contains("git merge origin/") == true)
        // Nothing merged, nothing lost: bob's words committed, the work tree as he left it, no merge in progress.
        let gitDirectory = team.b.appending(path: ".git").path
        #expect(!FileManager.default.fileExists(atPath: gitDirectory + "/MERGE_HEAD"))
        #expect(!FileManager.default.fileExists(atPath: gitDirectory + "/rebase-merge"))
        #expect(try Self.git(["status", "--porcelain"], in: team.b).isEmpty)
        #expect(try Self.git(["show", "HEAD:" + path], in: team.b).contains("Bob's summary"))
        #expect(try Self.git(["show", "@{u}:" + path], in: team.b).contains("Ana's summary"))
        #expect(try Self.git(["rev-parse", "HEAD"], in: team.remote) != Self.git(["rev-parse", "HEAD"], in: team.b), "never forced")
        // The human form says the same on stderr.
        let again = try run(["sync"], in: team.b, environment: Self.isolated)
        #expect(again.status == 4)
        #expect(again.stderr.contains("Conflicting files:") && again.stderr.contains(path) && again.stderr.contains("To resolve:"), "\(again.stderr)")
    }

    // MARK: Racing writers, interrupted syncs, larger repositories

    /// A post-checkout hook that says it started (the file `started`, holding its process group) and then
    /// sleeps: git's rebase is held at its most fragile moment, with the remote's timeline checked out.
    static func slowCheckoutHook(_ clone: URL, signal: URL, seconds: Int) throws {
        let hook = clone.appending(path: ".git/hooks/post-checkout")
        // Its process group (git's, which Ward made) and that group's parent (Ward), from /proc.
        try "#!/bin/sh\ng=$(cut -d' ' -f5 /proc/$$/stat); w=$(cut -d' ' -f4 /proc/$g/stat)\necho \"$g $w\" > '\(signal.path).tmp' && mv '\(signal.path).tmp' '\(signal.path)'\nsleep \(seconds)\n"
            .write(to: hook, atomically: true, encoding: .utf8)
        chmod(hook.path, 0o755)
    }

    static func waitForFile(_ url: URL, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: url.path) { return true }
            usleep(20_000)
        }
        return false
    }

    /// One incident on both clones; b has pushed a note and a holds one of its own, not committed: a's next
    /// sync rebases. Its git is held in its checkout for `seconds` (see `slowCheckoutHook`); the sync is
    /// started on another thread, and this returns once the hook has started.
    static func syncHeldMidRebase(_ team: Team, seconds: Int) throws -> (id: String, started: URL, done: DispatchSemaphore, result: SyncOutcome) {
        let id = try team.sharedIncident("Held rebase")
        try ward(in: team.b, ["log", "--incident", id, "bob before"])
        expectSuccess(try team.sync(team.b))
        try ward(in: team.a, ["log", "--incident", id, "ana before"])
        let started = team.scratch.url.appending(path: "hook-started")
        try slowCheckoutHook(team.a, signal: started, seconds: seconds)
        let done = DispatchSemaphore(value: 0)
        let outcome = SyncOutcome()
        DispatchQueue.global().async {
            outcome.result = try? team.sync(team.a)
            done.signal()
        }
        #expect(waitForFile(started), "the rebase never checked out")
        return (id, started, done, outcome)
    }

    final class SyncOutcome: @unchecked Sendable {
        var result: RunResult?
    }

    @Test func aNoteLoggedWhileGitRebasesTheTimelineWaitsAndIsKept() throws {
        let team = try Team()
        let (id, _, syncing, outcome) = try Self.syncHeldMidRebase(team, seconds: 2)
        // The note is typed while git has the remote's timeline checked out: it waits for git, then lands.
        let logged = try ward(in: team.a, ["log", "--incident", id, "ana during the rebase"])
        #expect(logged.status == 0)
        syncing.wait()
        let result = try #require(outcome.result)
        Self.expectSuccess(result)
        #expect(try Self.report(result)["integration"] as? String == "rebase")
        try FileManager.default.removeItem(at: team.a.appending(path: ".git/hooks/post-checkout"))
        Self.expectSuccess(try team.sync(team.a))
        Self.expectSuccess(try team.sync(team.b))
        for clone in [team.a, team.b] {
            let notes = try Self.timeline(clone, id).compactMap { $0["text"] as? String }
            #expect(Set(["bob before", "ana before", "ana during the rebase"]).isSubset(of: Set(notes)), "\(clone.lastPathComponent): \(notes)")
        }
    }

    @Test func aSyncKilledMidRebaseIsUndoneByTheNextOneAndAPersonsOwnRebaseIsNot() throws {
        let team = try Team()
        // Ward and its git both killed while the rebase is under way (a host losing power looks the same).
        let (id, started, syncing, _) = try Self.syncHeldMidRebase(team, seconds: 30)
        let pids = ((try? String(contentsOf: started, encoding: .utf8)) ?? "").split(separator: " ")
            .compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(pids.count == 2 && pids.allSatisfy { $0 > 1 }, "\(pids)")
        // Ward first, so nothing cleans up; then its git, so the rebase stays half done.
        if pids.count == 2 {
            kill(pids[1], SIGKILL)
            kill(-pids[0], SIGKILL)
        }
        syncing.wait()
        try FileManager.default.removeItem(at: team.a.appending(path: ".git/hooks/post-checkout"))
        #expect(FileManager.default.fileExists(atPath: team.a.appending(path: ".git/rebase-merge").path))
        #expect(FileManager.default.fileExists(atPath: team.a.appending(path: ".ward/sync/operation").path))
        // A responder logs on before anyone syncs again: the undo must not take the note with it.
        try ward(in: team.a, ["log", "--incident", id, "logged while the rebase was left"])
        let next = try team.sync(team.a)
        Self.expectSuccess(next)
        #expect((try Self.report(next)["recovered"] as? String)?.contains("undid the rebase") == true)
        Self.expectSuccess(try team.sync(team.a))
        #expect(try Self.git(["status", "--porcelain"], in: team.a).isEmpty)
        let notes = try Self.timeline(team.a, id).compactMap { $0["text"] as? String }
        #expect(notes.contains("bob before") && notes.contains("ana before") && notes.contains("logged while the rebase was left"), "\(notes)")
        #expect(notes.filter { $0 == "logged while the rebase was left" }.count == 1)

        // A stale marker (its sync's git finished on its own) does not make a person's later rebase Ward's,
        // even one that starts from the very commits the marker names.
        try ward(in: team.a, ["log", "--incident", id, "two"])
        Self.expectSuccess(try team.sync(team.a))
        try ward(in: team.a, ["log", "--incident", id, "three"])
        Self.expectSuccess(try team.sync(team.a))
        try FileManager.default.createDirectory(at: team.a.appending(path: ".ward/sync"), withIntermediateDirectories: true)
        let head = try Self.git(["rev-parse", "HEAD"], in: team.a).trimmingCharacters(in: .whitespacesAndNewlines)
        let onto = try Self.git(["rev-parse", "HEAD~2"], in: team.a).trimmingCharacters(in: .whitespacesAndNewlines)
        try "{\"operation\":\"rebase\",\"head\":\"\(head)\",\"onto\":\"\(onto)\"}\n"
            .write(to: team.a.appending(path: ".ward/sync/operation"), atomically: true, encoding: .utf8)
        let editing = try #require(try Git.command(["-c", "sequence.editor=sed -i 1s/^pick/edit/", "rebase", "-i", "HEAD~2"],
                                                   in: team.a.path, timeout: 30))
        #expect(editing.succeeded, "\(editing.stderr)")
        let blocked = try team.sync(team.a)
        #expect(blocked.status == 5)
        #expect((try Self.report(blocked)["message"] as? String)?.contains("not one Ward started") == true)
        #expect(FileManager.default.fileExists(atPath: team.a.appending(path: ".git/rebase-merge").path), "the person's rebase is left alone")
        _ = try Git.command(["rebase", "--abort"], in: team.a.path, timeout: 30)
    }

    @Test func aRebaseStoppedWhileGitWasStillWritingItDownIsDropped() throws {
        let team = try Team()
        let id = try team.sharedIncident("Half begun")
        try ward(in: team.a, ["log", "--incident", id, "ana"])
        // What git has written when it is stopped in the first moments of a rebase: its folder and the commits
        // it starts from, not yet its list of commits; and Ward's marker.
        let head = try Self.git(["rev-parse", "HEAD"], in: team.a).trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = team.a.appending(path: ".git/rebase-merge")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "refs/heads/x\n".write(to: folder.appending(path: "head-name"), atomically: true, encoding: .utf8)
        try (head + "\n").write(to: folder.appending(path: "orig-head"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: team.a.appending(path: ".ward/sync"), withIntermediateDirectories: true)
        try "{\"operation\":\"rebase\",\"head\":\"\(head)\",\"onto\":\"\(head)\"}\n"
            .write(to: team.a.appending(path: ".ward/sync/operation"), atomically: true, encoding: .utf8)
        let result = try team.sync(team.a)
        Self.expectSuccess(result)
        #expect((try Self.report(result)["recovered"] as? String)?.contains("only begun") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(try Self.git(["rev-parse", "HEAD"], in: team.a) == Self.git(["rev-parse", "@{u}"], in: team.a))
        #expect(try Self.git(["show", "HEAD:incidents/\(id)/timeline.jsonl"], in: team.a).contains("\"ana\""))
    }

    @Test func aGitHookThatWritesThroughWardIsRefusedAtOnceNotWaitedFor() throws {
        let team = try Team()
        let id = try team.sharedIncident("Hooked")
        let hook = team.a.appending(path: ".git/hooks/post-commit")
        let program = buildDirectory.appending(path: "ward").path
        try "#!/bin/sh\n'\(program)' log --incident \(id) 'from the hook' 2> '\(team.scratch.path("hook.err"))'\nexit 0\n"
            .write(to: hook, atomically: true, encoding: .utf8)
        chmod(hook.path, 0o755)
        try ward(in: team.a, ["log", "--incident", id, "before the hook"])
        let started = Date()
        Self.expectSuccess(try team.sync(team.a))
        #expect(Date().timeIntervalSince(started) < 30, "the sync waited for its own hook")
        #expect(team.scratch.read("hook.err")?.contains("cannot write to the store while the sync holds it") == true,
                "\(team.scratch.read("hook.err") ?? "")")
    }

    @Test func thousandsOfChangedFilesSyncInOneGo() throws {
        let team = try Team()
        for index in 1...3000 {
            let folder = team.a.appending(path: "checklists/runs")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "{\"id\":\"r\(index)\",\"at\":\"2026-01-01T00:00:00Z\",\"recorded\":\"2026-01-01T00:00:00Z\",\"by\":\"a@b\",\"kind\":\"checklist-run\"}\n"
                .write(to: folder.appending(path: "bulk-\(index).jsonl"), atomically: false, encoding: .utf8)
        }
        let result = try team.sync(team.a)
        Self.expectSuccess(result)
        #expect(try Self.git(["status", "--porcelain"], in: team.a).isEmpty)
        Self.expectSuccess(try team.sync(team.b))
        #expect(try FileManager.default.contentsOfDirectory(atPath: team.b.appending(path: "checklists/runs").path).count == 3000)
    }

    @Test func inALargerRepositoryOnlyTheStoresWorkIsPushed() throws {
        let scratch = Scratch()
        let remote = scratch.url.appending(path: "remote.git"), repository = scratch.url.appending(path: "service")
        try Self.git(["init", "--quiet", "--bare", remote.path], in: scratch.url)
        try FileManager.default.createDirectory(at: repository.appending(path: "src"), withIntermediateDirectories: true)
        try Self.git(["init", "--quiet"], in: repository)
        try "int main(void) { return 0; }\n".write(to: repository.appending(path: "src/app.c"), atomically: true, encoding: .utf8)
        let store = repository.appending(path: "ops")
        Self.expectSuccess(try run(["init", store.path], in: scratch.url, environment: Self.isolated))
        try Self.git(["add", "-A"], in: repository)
        try Self.git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "start"], in: repository)
        try Self.git(["remote", "add", "origin", remote.path], in: repository)
        try Self.git(["push", "--quiet", "--set-upstream", "origin", "HEAD"], in: repository)
        // A person's own commit to the code, not pushed yet, and a note.
        try "int main(void) { return 1; }\n".write(to: repository.appending(path: "src/app.c"), atomically: true, encoding: .utf8)
        try Self.git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-am", "wip"], in: repository)
        try ward(in: store, ["incident", "declare", "Disk latency", "--severity", "3"])
        let refused = try run(["sync", "--json"], in: store, environment: Self.isolated)
        #expect(refused.status == 5)
        let report = try Self.report(refused)
        #expect((report["message"] as? String)?.contains("outside the store (src/app.c)") == true, "\(report)")
        #expect(report["commit"] is String, "the store's work is committed here all the same")
        // Pushed by its owner, the way is clear.
        try Self.git(["push", "--quiet"], in: repository)
        Self.expectSuccess(try run(["sync"], in: store, environment: Self.isolated))
        #expect(try Self.git(["status", "--porcelain"], in: repository).isEmpty)
    }

    @Test func aCloneOnAnotherBranchNameDoesNotStartASecondHistory() throws {
        let team = try Team()
        let branch = try Self.git(["symbolic-ref", "--short", "HEAD"], in: team.a).trimmingCharacters(in: .whitespacesAndNewlines)
        let other = branch == "main" ? "trunk" : "main"
        let solo = team.scratch.url.appending(path: "solo")
        Self.expectSuccess(try run(["init", solo.path, "--git"], in: team.scratch.url, environment: Self.isolated))
        try Self.git(["branch", "-m", other], in: solo)
        try Self.git(["remote", "add", "origin", team.remote.path], in: solo)
        let result = try run(["sync", "--json"], in: solo, environment: Self.isolated)
        #expect(result.status == 5)
        #expect((try Self.report(result)["message"] as? String)?.contains("has no branch '\(other)' but has '\(branch)'") == true, "\(result.stdout)")
        #expect(!(try Self.git(["ls-remote", "--heads", "origin"], in: solo)).contains(other))
    }

    @Test func aRebaseOrMergeAPersonStartedIsLeftAlone() throws {
        let team = try Team()
        let gitDirectory = team.a.appending(path: ".git")
        // What git leaves while a person's merge waits for them.
        let head = try Self.git(["rev-parse", "HEAD"], in: team.a)
        try head.write(to: gitDirectory.appending(path: "MERGE_HEAD"), atomically: true, encoding: .utf8)
        let result = try team.sync(team.a)
        #expect(result.status == 5)
        let report = try Self.report(result)
        #expect(report["outcome"] as? String == "blocked")
        #expect((report["message"] as? String)?.contains("not one Ward started") == true)
        #expect(FileManager.default.fileExists(atPath: gitDirectory.appending(path: "MERGE_HEAD").path))
    }
}

/// Appends notes in a loop on its own thread until stopped; returns the notes Ward acknowledged.
final class NoteWriter: @unchecked Sendable {
    let store: Store
    let incident: String
    private let lock = NSLock()
    private var stopping = false
    private var written: [String] = []
    private let done = DispatchSemaphore(value: 0)

    init(store: Store, incident: String) {
        self.store = store
        self.incident = incident
    }

    func run() {
        var index = 0
        while !lock.withLock({ stopping }) {
            index += 1
            let text = "ana live note \(index)"
            if (try? store.addNote(to: incident, text: text)) != nil { lock.withLock { written.append(text) } }
            usleep(2_000)
        }
        done.signal()
    }

    func stop() -> [String] {
        lock.withLock { stopping = true }
        done.wait()
        return lock.withLock { written }
    }
}
