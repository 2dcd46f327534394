import Foundation
import Testing
@testable import WardKit

/// Processes racing, dying and running out of disk: nothing acknowledged is lost, nothing is torn.
@Suite(.serialized) struct ReliabilityTests {
    /// Reads a timeline as Ward does and fails on any line that is not a whole event.
    func intactEvents(_ scratch: Scratch, _ id: String) throws -> [Event] {
        let data = try Data(contentsOf: scratch.url.appending(path: "incidents/\(id)/timeline.jsonl"))
        let journal = Journal(data: data, path: "timeline.jsonl")
        #expect(journal.problems.isEmpty, "\(journal.problems.prefix(3))")
        #expect(!journal.tornTail)
        return journal.events
    }

    /// RELIABILITY.md's figures come from the full sizes: `WARD_RELIABILITY=full swift test --filter ReliabilityTests`.
    static let full = ProcessInfo.processInfo.environment["WARD_RELIABILITY"] == "full"

    @Test func writersLoggingAtOnceLoseNothing() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var list: [String] = []
        }
        let failures = Failures()
        let store = scratch.url
        let (writers, each) = Self.full ? (8, 500) : (4, 200)
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for index in 0..<each {
                let result = try? run(["log", "--incident", id, "writer \(writer) note \(index)"], in: store)
                if result?.status != 0 {
                    failures.lock.lock()
                    failures.list.append("writer \(writer) note \(index): \(result?.stderr ?? "did not run")")
                    failures.lock.unlock()
                }
            }
        }
        #expect(failures.list.isEmpty, "\(failures.list.prefix(3))")
        let notes = try intactEvents(scratch, id).filter { $0.kind == "note" }.compactMap { $0["text"] }
        #expect(notes.count == writers * each)
        #expect(Set(notes).count == writers * each)
        for writer in 0..<writers {
            // Each writer's notes appear in the order it wrote them.
            let mine = notes.filter { $0.hasPrefix("writer \(writer) ") }
            #expect(mine == (0..<each).map { "writer \(writer) note \($0)" })
        }
        print("concurrent ward log: \(writers) processes x \(each) notes, \(notes.count) events on disk, \(Set(notes).count) distinct, 0 torn")
    }

    /// The same through the command line: processes changing one action item's owner at once, each change
    /// checked against the item as it stands under the journal's lock. Every acknowledged change is in the
    /// journal, once; none is lost.
    @Test func racingCommandLineChangesOfOneActionItemLoseNone() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        #expect(try run(["action", "add", id, "Rotate the replica credentials", "--owner", "ana"], in: scratch.url).status == 0)
        let item = try #require((try json(try run(["action", "list", "--json"], in: scratch.url).stdout) as? [[String: Any]])?.first?["short_id"] as? String)
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var applied: [String] = [], refused = 0, failed: [String] = []
        }
        let tally = Tally()
        let (processes, each) = Self.full ? (4, 250) : (4, 40)
        let store = scratch.url
        DispatchQueue.concurrentPerform(iterations: processes) { writer in
            for index in 0..<each {
                let owner = "owner-\(writer)-\(index)"
                let result = try? run(["action", "set", item, "--owner", owner], in: store)
                tally.lock.lock()
                if result?.status == 0, result?.stdout.contains("is changed") == true { tally.applied.append(owner) }
                else if result?.status == 0 { tally.refused += 1 } else { tally.failed.append(result?.stderr ?? "did not run") }
                tally.lock.unlock()
            }
        }
        #expect(tally.failed.isEmpty, "\(tally.failed.prefix(3))")
        let owners = try intactEvents(scratch, id).filter { $0.kind == "action" && $0["action"] != nil }.compactMap { $0["owner"] }
        let lost = Set(tally.applied).subtracting(owners)
        #expect(lost.isEmpty && owners.count == tally.applied.count, "lost: \(lost.prefix(3))")
        print("racing ward action set: \(processes) processes x \(each) changes, \(tally.applied.count) applied, \(tally.refused) already so, \(lost.count) lost")
    }

    /// Read-modify-write of one record by processes at once: each change is applied, or refused with a
    /// message because the record changed under it; none is silently lost.
    @Test func racingRewritesOfOneRecordLoseNoUpdate() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        let record = "decisions/0001-counter.md"
        #expect(try run(["rewrite", scratch.url.path, record, "1"], program: "ward-torture").stdout.contains("ok 1"))
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var applied = 0, refused = 0, other: [String] = []
        }
        let tally = Tally()
        let (processes, each) = Self.full ? (4, 250) : (4, 60)
        let path = scratch.url.path
        DispatchQueue.concurrentPerform(iterations: processes) { _ in
            let output = (try? run(["rewrite", path, record, String(each)], program: "ward-torture", timeout: 300))?.stdout ?? ""
            tally.lock.lock()
            for line in output.split(separator: "\n") {
                if line.hasPrefix("ok ") { tally.applied += 1 }
                else if line.contains("was changed by someone else") { tally.refused += 1 }
                else { tally.other.append(String(line)) }
            }
            tally.lock.unlock()
        }
        let text = try #require(scratch.read(record))
        let counter = text.split(separator: "\n").first { $0.hasPrefix("counter: ") }.flatMap { Int($0.dropFirst(9)) }
        #expect(tally.other.isEmpty, "\(tally.other.prefix(3))")
        #expect(tally.applied + tally.refused == processes * each)
        #expect(counter == 1 + tally.applied, "applied \(tally.applied), counter \(counter ?? -1)")
        print("racing read-modify-write: \(processes) processes x \(each) changes, \(tally.applied) applied, \(tally.refused) refused with a message, \((counter ?? 0) - 1 - tally.applied) lost")
    }

    @Test func killingLogWritersAtRandomLosesNoAcknowledgedNote() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        var kills = 0, acknowledged: [String] = [], attempts = 0
        // Calibrate: how long one `ward log` takes here, so kills land across its whole life.
        let span = try killSpan(["log", "--incident", id, "calibration"], in: scratch.url)
        let target = Self.full ? 400 : 200
        while kills < target && attempts < target * 15 {
            attempts += 1
            let text = "note \(attempts)"
            let outcome = try killAtRandom("ward", ["log", "--incident", id, text], in: scratch.url, within: 0...span)
            if outcome.killed { kills += 1 } else if outcome.status == 0 { acknowledged.append(text) }
        }
        #expect(kills >= target, "only \(kills) kills landed in \(attempts) runs")
        let notes = Set(try intactEvents(scratch, id).compactMap { $0["text"] })
        let lost = acknowledged.filter { !notes.contains($0) }
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.prefix(5))")
        print("kill -9 during ward log: \(kills) kills, \(acknowledged.count) acknowledged, \(lost.count) lost, \(notes.count - 1) notes on disk")
        #expect(try run(["log", "--incident", id, "after the storm"], in: scratch.url).status == 0)
        #expect(!scratch.allFiles().contains { $0.hasSuffix(".ward-tmp") })
    }

    /// kill -9 at random moments of two more write paths: a checklist run (a journal append of its own file)
    /// and a new decision (a numbered file made under a lock). Every run or record acknowledged is on disk
    /// whole; the next command and `ward doctor` find nothing torn and no temporary file.
    @Test func killingChecklistRunsAndNewDecisionsLosesNothingAcknowledged() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        let answers = ["backup-verified", "staging-tested", "rollback-written", "peer-reviewed", "row-counts-checked"]
            .flatMap { ["--answer", "\($0)=yes"] }
        let target = Self.full ? 150 : 60
        func span(_ arguments: [String]) throws -> UInt32 { try killSpan(arguments, in: scratch.url) }
        // Checklist runs.
        let runSpan = try span(["check", "run", "schema-change", "--json"] + answers)
        var kills = 0, attempts = 0
        var acknowledged: [String] = []
        while kills < target && attempts < target * 15 {
            attempts += 1
            let outcome = try killAtRandom("ward", ["check", "run", "schema-change", "--json"] + answers, in: scratch.url, within: 0...runSpan)
            if outcome.killed { kills += 1 } else if outcome.status == 0,
                let object = try? json(outcome.stdout) as? [String: Any], let id = object["id"] as? String { acknowledged.append(id) }
        }
        let runsFile = try Data(contentsOf: scratch.url.appending(path: "checklists/runs/schema-change.jsonl"))
        let journal = Journal(data: runsFile, path: "runs")
        #expect(journal.problems.isEmpty && !journal.tornTail, "\(journal.problems.prefix(2))")
        let onDisk = Set(journal.events.map(\.id))
        let lostRuns = acknowledged.filter { !onDisk.contains($0) }
        #expect(kills >= target && lostRuns.isEmpty)
        print("kill -9 during ward check run: \(kills) kills, \(acknowledged.count) acknowledged, \(lostRuns.count) lost, \(onDisk.count) runs on disk, 0 torn")

        // New decisions.
        let adrSpan = try span(["adr", "new", "Calibration"])
        var adrKills = 0, adrAttempts = 0
        var made: [String] = []
        while adrKills < target && adrAttempts < target * 15 {
            adrAttempts += 1
            let outcome = try killAtRandom("ward", ["adr", "new", "Decision \(adrAttempts)"], in: scratch.url, within: 0...adrSpan)
            if outcome.killed { adrKills += 1 } else if outcome.status == 0 { made.append("Decision \(adrAttempts)") }
        }
        #expect(try run(["adr", "new", "After the storm"], in: scratch.url).status == 0)
        let listed = try #require(try json(try run(["adr", "list", "--json"], in: scratch.url).stdout) as? [[String: Any]])
        let titles = Set(listed.compactMap { $0["title"] as? String })
        let lostDecisions = made.filter { !titles.contains($0) }
        #expect(adrKills >= target && lostDecisions.isEmpty, "lost: \(lostDecisions.prefix(3))")
        let doctor = try run(["doctor"], in: scratch.url)
        #expect(doctor.status == 0, "\(doctor.stdout)")
        let leftovers = scratch.allFiles().filter { $0.hasSuffix(".ward-tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        print("kill -9 during ward adr new: \(adrKills) kills, \(made.count) acknowledged, \(lostDecisions.count) lost, doctor clean, \(leftovers.count) temporary files left")
    }

    /// kill -9 at random moments of the other write paths of an incident: status, roles, runbook steps,
    /// action items, the post-mortem draft, declaring. After each, the timeline reads whole; at the end every
    /// acknowledged change is there (counted by its kind), the post-mortem parses, and doctor is clean.
    @Test func killingEveryIncidentWritePathLosesNothingAcknowledged() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        #expect(try run(["runbook", "start", id], in: scratch.url).status == 0)
        let target = Self.full ? 40 : 10
        let paths: [(name: String, kind: String?, arguments: (Int) -> [String])] = [
            ("incident status", "status", { ["incident", "status", id, $0 % 2 == 0 ? "identified" : "investigating"] }),
            ("incident assign", "role", { ["incident", "assign", id, "scribe", "person\($0)"] }),
            ("runbook step", "step", { ["runbook", $0 % 2 == 0 ? "done" : "reopen", id, "stop-actor"] }),
            ("action add", "action", { ["action", "add", id, "Follow-up \($0)", "--owner", "bo"] }),
            ("postmortem draft", nil, { _ in ["postmortem", "draft", id] }),
            ("incident declare", nil, { ["incident", "declare", "Killed declaration \($0)", "--severity", "3"] }),
        ]
        var report: [String] = []
        for path in paths {
            let span = try killSpan(path.arguments(1_000_000), in: scratch.url)
            var kills = 0, attempts = 0, acknowledged = 0
            let before = try intactEvents(scratch, id).filter { $0.kind == path.kind }.count
            while kills < target && attempts < target * 15 {
                attempts += 1
                let outcome = try killAtRandom("ward", path.arguments(attempts), in: scratch.url, within: 0...span)
                // Acknowledged: it said on stdout what it wrote ("already ...; nothing recorded" goes to stderr).
                if outcome.killed { kills += 1 } else if outcome.status == 0,
                    !outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { acknowledged += 1 }
            }
            let events = try intactEvents(scratch, id)
            if let kind = path.kind {
                #expect(events.filter { $0.kind == kind }.count - before >= acknowledged, "\(path.name)")
            }
            #expect(kills >= target, "\(path.name): \(kills) kills in \(attempts) runs")
            report.append("\(path.name) \(kills)")
        }
        let declared = try #require(try json(try run(["incident", "list", "--all", "--json"], in: scratch.url).stdout) as? [[String: Any]])
        #expect(declared.count >= 1)
        // The next run of each path sweeps what a killed one left (a declaration builds its folder aside).
        #expect(try run(["postmortem", "draft", id], in: scratch.url).status == 0)
        #expect(try run(["incident", "declare", "After the storm", "--severity", "3"], in: scratch.url).status == 0)
        let doctor = try run(["doctor"], in: scratch.url)
        #expect(doctor.status == 0, "\(doctor.stdout)")
        let leftovers = scratch.allFiles().filter { $0.hasSuffix(".ward-tmp") || $0.contains(".ward-tmp/") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        print("kill -9 during incident writes: \(report.joined(separator: ", ")) kills; timeline whole after each, 0 acknowledged lost, doctor clean")
    }

    @Test func killingRecordRewritesAtRandomNeverTearsTheRecord() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        let record = "decisions/0001-torture.md"
        #expect(try run(["rewrite", scratch.url.path, record, "1"], program: "ward-torture").stdout.contains("ok 1"))
        var kills = 0, highestAcknowledged = 1, attempts = 0
        let target = Self.full ? 400 : 200
        while kills < target && attempts < target * 10 {
            attempts += 1
            let outcome = try killAtRandom("ward-torture", ["rewrite", scratch.url.path, record, "1000"], in: scratch.url,
                                           within: 2000...80000)
            if outcome.killed { kills += 1 }
            let counters = outcome.stdout.split(separator: "\n").compactMap { $0.hasPrefix("ok ") ? Int($0.dropFirst(3)) : nil }
            highestAcknowledged = max(highestAcknowledged, counters.max() ?? 0)
            let text = try #require(scratch.read(record))
            let counter = text.split(separator: "\n").first { $0.hasPrefix("counter: ") }.flatMap { Int($0.dropFirst(9)) }
            #expect(counter != nil && text.hasSuffix("mid-write.\n"), "torn record after \(attempts) runs")
            #expect((counter ?? 0) >= highestAcknowledged, "acknowledged \(highestAcknowledged), found \(counter ?? -1)")
        }
        #expect(kills >= target)
        print("kill -9 during record rewrites: \(kills) kills, highest acknowledged write \(highestAcknowledged), torn files 0")
        #expect(try run(["rewrite", scratch.url.path, record, "1"], program: "ward-torture").stdout.contains("ok"))
        let leftovers = scratch.allFiles().filter { $0.hasSuffix(".ward-tmp") }
        #expect(leftovers.isEmpty, "temporary files left after the next write: \(leftovers)")
    }

    @Test func aLockLeftByAKilledWriterDoesNotBlockTheNextOne() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        #expect(try run(["adr", "new", "A decision"], in: scratch.url).status == 0)
        let record = "decisions/0001-a-decision.md"
        let holder = Process()
        holder.executableURL = buildDirectory.appending(path: "ward-torture")
        holder.arguments = ["hold-lock", scratch.url.path, record]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        // Wait until it holds the lock, then kill it while it does.
        _ = out.fileHandleForReading.availableData
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let next = try run(["adr", "status", "1", "accepted"], in: scratch.url, timeout: 30)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(scratch.read(record)?.contains("status: accepted") == true)
    }

    /// A real full disk: a small tmpfs filled to the brim. Needs root to mount, as CI has.
    @Test func aFullDiskLeavesEveryRecordAsItWas() throws {
        guard getuid() == 0 else {
            print("skipped: mounting a tmpfs needs root")
            return
        }
        let scratch = Scratch()
        let mount = scratch.url.appending(path: "disk")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        let status = shell("mount -t tmpfs -o size=512k tmpfs '\(mount.path)'")
        try #require(status == 0, "could not mount a tmpfs as root")
        defer { _ = shell("umount '\(mount.path)'") }
        let store = mount.appending(path: "store")
        #expect(try run(["init", store.path]).status == 0)
        let id = try run(["incident", "declare", "Disk full", "--severity", "3"], in: store).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run(["adr", "new", "Keep space"], in: store).status == 0)
        let timeline = store.appending(path: "incidents/\(id)/timeline.jsonl")
        let decision = store.appending(path: "decisions/0001-keep-space.md")
        let timelineBefore = try Data(contentsOf: timeline)
        let decisionBefore = try Data(contentsOf: decision)
        // Fill the disk.
        _ = shell("dd if=/dev/zero of='\(mount.path)/filler' bs=4k 2>/dev/null")

        let big = String(repeating: "x", count: 64 * 1024)
        let log = try run(["log", "--incident", id, big], in: store)
        #expect(log.status != 0)
        #expect(log.stderr.contains("No space left on device (ENOSPC)"), "\(log.stderr)")
        #expect(try Data(contentsOf: timeline) == timelineBefore)

        let status2 = try run(["adr", "status", "1", "accepted"], in: store)
        #expect(status2.status != 0)
        #expect(status2.stderr.contains("ENOSPC"), "\(status2.stderr)")
        #expect(try Data(contentsOf: decision) == decisionBefore)

        let declare = try run(["incident", "declare", "Another", "--severity", "3"], in: store)
        #expect(declare.status != 0 && declare.stderr.contains("ENOSPC"), "\(declare.stderr)")
        let leftovers = (try? FileManager.default.subpathsOfDirectory(atPath: store.path))?.filter { $0.contains(".ward-tmp") } ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")

        // Room again: everything works, nothing was lost.
        try FileManager.default.removeItem(at: mount.appending(path: "filler"))
        #expect(try run(["log", "--incident", id, "space is back"], in: store).status == 0)
        #expect(try run(["doctor"], in: store).status == 0)
    }
}

/// Runs a shell command and returns its exit status.
func shell(_ command: String) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    try? process.run()
    process.waitUntilExit()
    return process.terminationStatus
}
