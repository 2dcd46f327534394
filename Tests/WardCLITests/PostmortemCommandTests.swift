import Foundation
import Testing
@testable import WardKit

/// After the incident, from the command line: the post-mortem's review and the action items.
@Suite struct PostmortemCommandTests {
    @Test func aPostmortemGoesThroughReviewAndIsThenLeftAlone() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        try ward(scratch, "incident", "status", "resolved")
        #expect(try ward(scratch, "postmortem", "publish", id, expect: 2).stderr.contains("no post-mortem yet"))
        let drafted = try json(try ward(scratch, "postmortem", "draft", id, "--json").stdout) as? [String: Any]
        #expect(drafted?["path"] as? String == "incidents/\(id)/postmortem.md")
        #expect(try ward(scratch, "postmortem", "publish", id, expect: 2).stderr.contains("send it for review first"))
        #expect(try ward(scratch, "postmortem", "review", id, "--reviewer", "ana", "--reviewer", "bo").stdout.contains("in review by ana, bo"))
        try ward(scratch, "postmortem", "publish", id)
        let path = "incidents/\(id)/postmortem.md"
        let published = scratch.read(path)
        #expect(published?.contains("status: published") == true && published?.contains("reviewers: [ana, bo]") == true)
        try ward(scratch, "log", "--incident", id, "found later")
        #expect(try ward(scratch, "postmortem", "draft", id, expect: 2).stderr.contains("is published"))
        #expect(scratch.read(path) == published)
        #expect(try ward(scratch, "postmortem", "reopen", id, expect: 64).stderr.contains("--reason"))
        try ward(scratch, "postmortem", "reopen", id, "--reason", "a second cause")
        #expect(try ward(scratch, "postmortem", "draft", id).stderr.contains("refreshed"))
        #expect(scratch.read(path)?.contains("found later") == true)
        let timeline = try #require(try json(try ward(scratch, "timeline", id, "--json").stdout) as? [[String: Any]])
        #expect(timeline.filter { $0["kind"] as? String == "postmortem" }.compactMap { $0["status"] as? String } == ["in-review", "published", "draft"])
    }

    @Test func actionItemsAcrossIncidentsOverdueFirst() throws {
        let scratch = Scratch()
        let first = try storeWithIncident(scratch)
        let second = try ward(scratch, "incident", "declare", "Search is slow", "--severity", "3").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try ward(scratch, "log", "--incident", first, "TODO: alert on checkout 5xx")
        try ward(scratch, "action", "add", second, "Index the search table", "--owner", "bo", "--due", "2020-01-01", "--type", "prevent")
        #expect(try ward(scratch, "action", "add", second, "x", "--type", "someday", expect: 2).stderr.contains("unknown type 'someday'"))
        let listed = try #require(try json(try ward(scratch, "action", "list", "--json").stdout) as? [[String: Any]])
        #expect(listed.count == 2)
        #expect(listed[0]["title"] as? String == "Index the search table" && listed[0]["overdue"] as? Bool == true)
        for key in ["id", "incident", "title", "owner", "due", "state"] { #expect(listed[0].keys.contains(key), "\(key)") }
        #expect(listed[1]["incident"] as? String == first && listed[1]["owner"] is NSNull)
        let short = try #require(listed[0]["short_id"] as? String)
        let text = try ward(scratch, "action", "list")
        #expect(text.stdout.contains("OVERDUE") && text.stderr.contains("2 open, 1 overdue"))
        #expect(try ward(scratch, "action", "wontdo", short, expect: 64).stderr.contains("--reason"))
        try ward(scratch, "action", "done", short)
        #expect(try ward(scratch, "action", "done", short).stderr.contains("already so"))
        let open = try #require(try json(try ward(scratch, "action", "list", "--open", "--json").stdout) as? [[String: Any]])
        #expect(open.map { $0["title"] as? String } == ["alert on checkout 5xx"])
        try ward(scratch, "action", "set", String((open[0]["id"] as? String ?? "").suffix(8)), "--owner", "chidi", "--due", "+3d")
        #expect(try ward(scratch, "action", "list", "--owner", "chidi").stdout.contains("alert on checkout 5xx"))
        #expect(try ward(scratch, "action", "done", "zzzzzzzz", expect: 2).stderr.contains("no action item matches"))
    }
}

extension PostmortemCommandTests {
    @Test func sixPeopleClosingOneItemAtOnceWriteOneEvent() throws {
        let scratch = Scratch()
        _ = try storeWithIncident(scratch)
        try ward(scratch, "log", "TODO: one item")
        let short = try #require((try json(try ward(scratch, "action", "list", "--json").stdout) as? [[String: Any]])?.first?["short_id"] as? String)
        final class Outputs: @unchecked Sendable {
            let lock = NSLock()
            var values: [String] = []
            func add(_ value: String) { lock.lock(); values.append(value); lock.unlock() }
        }
        let outputs = Outputs()
        let directory = scratch.url
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            if let result = try? run(["action", "done", short], in: directory) { outputs.add(result.stdout + result.stderr) }
        }
        // Six people close it at once: one closes it; the others hear it was already done (or changed meanwhile).
        let changed = outputs.values.filter { $0.contains("is done.") }
        #expect(changed.count == 1, "\(outputs.values)")
        #expect(outputs.values.count == 6)
        let journal = try #require(scratch.read("incidents/\((try json(try ward(scratch, "action", "list", "--json").stdout) as? [[String: Any]])?.first?["incident"] as? String ?? "")/timeline.jsonl"))
        #expect(journal.components(separatedBy: "\"state\":\"done\"").count - 1 == 1, "one done event, not six")
    }

    @Test func aCSVCannotRunAFormulaInASpreadsheet() throws {
        let scratch = Scratch()
        try ward(scratch, "init", scratch.url.path)
        try ward(scratch, "incident", "declare", "=HYPERLINK(\"http://x\",\"click\")", "--severity", "2")
        let csv = try ward(scratch, "metrics", "--csv").stdout
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""), "\(csv)")
    }
}
