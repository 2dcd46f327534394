import Foundation
import Testing
@testable import WardKit

/// A kill -9 at every step of a two-file decision change: afterwards both files have changed or neither
/// has, once the next Ward command has run; `ward doctor` names any change left half made before that.
@Suite(.serialized) struct DecisionCrashTests {
    /// A store with an accepted MADR record 1 and an accepted adr-tools record 2 linked to it.
    func baseline(_ scratch: Scratch) throws {
        #expect(try run(["init", scratch.url.path]).status == 0)
        try FileManager.default.createDirectory(atPath: scratch.path("decisions"), withIntermediateDirectories: true)
        try "---\nstatus: accepted\ndate: 2026-01-01\nrelates-to: [2]\n---\n# Keep orders in MongoDB\n\nThis is ADR-0001; see ADR-0002.\n"
            .write(toFile: scratch.path("decisions/0001-keep-orders-in-mongodb.md"), atomically: false, encoding: .utf8)
        try "# 2. Use PostgreSQL\n\nDate: 2026-01-02\n\n## Status\n\nAccepted\n\nRelates to [1. Keep orders in MongoDB](0001-keep-orders-in-mongodb.md)\n\n## Context\n\nx\n"
            .write(toFile: scratch.path("decisions/0002-use-postgresql.md"), atomically: false, encoding: .utf8)
    }

    func files(_ scratch: Scratch) -> [String: String] {
        var result: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: scratch.path("decisions"))) ?? [] where name.hasSuffix(".md") {
            result[name] = scratch.read("decisions/" + name)
        }
        return result
    }

    func pending(_ scratch: Scratch) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: scratch.path(".ward/pending"))) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    /// Runs `ward-torture ACTION` with a crash at step 1, 2, ... until it finishes; checks each outcome.
    func sweep(_ action: String, _ argument: String, check: ([String: String], [String: String]) -> Bool) throws -> (steps: Int, halfMade: Int) {
        var halfMade = 0
        for crashAt in 1...400 {
            let scratch = Scratch()
            try baseline(scratch)
            let before = files(scratch)
            let outcome = try run([action, scratch.url.path, String(crashAt), argument], program: "ward-torture")
            if !outcome.killed {
                #expect(outcome.stdout.hasPrefix("ok"), "\(outcome.stdout)")
                #expect(check(before, files(scratch)), "the finished change is wrong")
                #expect(pending(scratch) == 0)
                return (crashAt - 1, halfMade)
            }
            if pending(scratch) > 0 {
                // Half made, maybe: doctor reports it, and changes nothing.
                let middle = files(scratch)
                let doctor = try run(["doctor"], in: scratch.url)
                #expect(doctor.stdout.contains("interrupted") || doctor.stdout.contains("half"), "step \(crashAt): \(doctor.stdout)")
                #expect(files(scratch) == middle)
                halfMade += 1
            }
            // The next command finishes it; then it is all or nothing.
            #expect(try run(["adr", "list"], in: scratch.url).status == 0)
            let after = files(scratch)
            #expect(after == before || check(before, after), "step \(crashAt) left: \(after.keys.sorted())")
            #expect(pending(scratch) == 0, "step \(crashAt)")
            let doctor = try run(["doctor", "--fix"], in: scratch.url)
            #expect(doctor.status == 0, "step \(crashAt): \(doctor.stdout)")
        }
        Issue.record("the change never finished")
        return (0, halfMade)
    }

    @Test func supersedingIsAllOrNothingAcrossAKillAtEveryStep() throws {
        let (steps, halfMade) = try sweep("supersede", "2") { before, after in
            guard let new = after.first(where: { $0.key.hasPrefix("0003-") })?.value, let old = after["0002-use-postgresql.md"] else { return false }
            return new.contains("supersedes: [2]") && old.contains("Superseded by [3. Replacement for 2](0003-replacement-for-2.md)")
                && !old.contains("\nAccepted\n") && after["0001-keep-orders-in-mongodb.md"] == before["0001-keep-orders-in-mongodb.md"]
        }
        print("supersede: kill -9 at each of \(steps) disk-changing steps; \(halfMade) left an interrupted change behind, each finished (begun) or dropped (not begun) by the next command, never half made")
        #expect(steps > 10 && halfMade > 0)
    }

    @Test func renumberingIsAllOrNothingAcrossAKillAtEveryStep() throws {
        let (steps, halfMade) = try sweep("renumber", "0001-keep-orders-in-mongodb.md") { _, after in
            guard let moved = after["0003-keep-orders-in-mongodb.md"], let other = after["0002-use-postgresql.md"] else { return false }
            return after["0001-keep-orders-in-mongodb.md"] == nil && moved.contains("This is ADR-0003; see ADR-0002.")
                && other.contains("Relates to [3. Keep orders in MongoDB](0003-keep-orders-in-mongodb.md)")
        }
        print("renumber: kill -9 at each of \(steps) disk-changing steps; \(halfMade) left an interrupted change behind, each finished (begun) or dropped (not begun) by the next command, never half made")
        #expect(steps > 10 && halfMade > 0)
    }
}
