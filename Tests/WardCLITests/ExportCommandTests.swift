import Foundation
import Testing
@testable import WardKit

/// `ward export`: the store as JSON, a post-mortem as a web page, and the file it writes.
@Suite struct ExportCommandTests {
    @Test func theDemoStoreExportsAsOneJSONDocument() throws {
        let scratch = Scratch()
        let result = try run(["export"], in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try json(result.stdout) as? [String: Any])
        #expect(document["format"] as? Int == 1)
        #expect(document["store"] as? String == "Checkout Platform")
        #expect(Timestamps.parseISO(document["exported"] as? String ?? "") != nil)
        #expect((document["problems"] as? [Any])?.isEmpty == true)

        let incidents = try #require(document["incidents"] as? [[String: Any]])
        #expect(incidents.count == 8)
        for incident in incidents {
            let id = try #require(incident["id"] as? String)
            let events = try #require(incident["events"] as? [[String: Any]], "\(id)")
            #expect(events.contains { $0["kind"] as? String == "declared" }, "\(id)")
            #expect(events.allSatisfy { $0["id"] is String && $0["at"] is String && $0["by"] is String }, "\(id)")
            #expect((incident["body"] as? String)?.contains("## ") == true, "\(id)")
            #expect(incident["severity"] is String && incident["times"] is [String: Any], "\(id): the shape of incident show")
        }
        // The events are the timeline's, all of them.
        let first = try #require(incidents.first { ($0["id"] as? String)?.hasPrefix("2026-03-17") == true })
        let timeline = try run(["timeline", "2026-03-17", "--json"], in: scratch.url)
        let events = try #require(try json(timeline.stdout) as? [[String: Any]])
        #expect((first["events"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == events.compactMap { $0["id"] as? String })

        let postmortems = try #require(document["postmortems"] as? [[String: Any]])
        #expect(postmortems.count == 3)
        for postmortem in postmortems {
            #expect(Set(postmortem.keys) == ["incident", "title", "status", "reviewers", "path", "body"])
            #expect((postmortem["body"] as? String)?.contains("## Summary") == true)
        }
        #expect(postmortems.contains { $0["title"] as? String == "Production database deleted by a coding agent" && $0["status"] as? String == "published" })

        let decisions = try #require(document["decisions"] as? [[String: Any]])
        #expect(decisions.count == 19)
        #expect(decisions.map { $0["number"] as? Int } == (1...19).map { $0 })
        #expect(decisions.allSatisfy { ($0["body"] as? String)?.isEmpty == false })
    }

    @Test func aScratchStoreExportsToAFileWhichIsNeverOverwrittenUnasked() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        #expect(try run(["log", "rolled back v412"], in: scratch.url).status == 0)
        let outside = Scratch()
        let target = outside.path("ward.json")

        let written = try run(["export", "--out", target], in: scratch.url)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout == target + "\n")
        #expect(written.stderr.contains("Exported 1 incident, 0 post-mortems and 0 decision records"))
        let text = try #require(outside.read("ward.json"))
        let document = try #require(try json(text) as? [String: Any])
        let incident = try #require((document["incidents"] as? [[String: Any]])?.first)
        #expect(incident["id"] as? String == id)
        #expect((incident["events"] as? [[String: Any]])?.contains { $0["text"] as? String == "rolled back v412" } == true)
        #expect(outside.allFiles() == ["ward.json"], "nothing else is left beside it")

        // Again: refused, one line naming the file, and the file as it was.
        let before = outside.read("ward.json")
        #expect(try run(["log", "a second note"], in: scratch.url).status == 0)
        let again = try run(["export", "--out", target], in: scratch.url)
        #expect(again.status == 2)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr == "ward: \(target): already exists; nothing was written (--force replaces it)\n")
        #expect(outside.read("ward.json") == before)

        let forced = try run(["export", "--out", target, "--force", "--json"], in: scratch.url)
        #expect(forced.status == 0, "\(forced.stderr)")
        let summary = try #require(try json(forced.stdout) as? [String: Any])
        #expect(summary["path"] as? String == target && summary["incidents"] as? Int == 1 && summary["format"] as? String == "json")
        #expect(outside.read("ward.json")?.contains("a second note") == true)
    }

    @Test func refusesToWriteAmongTheStoresRecords() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        // The derived cache under .ward/cache/ may be written by any read; the records may not be touched.
        func records() -> [String] { scratch.allFiles().filter { !$0.hasPrefix(".ward/cache") } }
        let before = records()
        for place in ["incidents/export.json", "incidents/\(id)/export.html", "decisions/export.json"] {
            let result = try run(["export", "--out", place], in: scratch.url)
            #expect(result.status == 2, "\(place)")
            #expect(result.stderr.hasPrefix("ward: \(place): is inside the store's"), "\(place): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(records() == before)
        #expect(try run(["export", "--out", "exports.json"], in: scratch.url).status == 0, "beside ward.yaml is fine")
    }

    @Test func aPostmortemBecomesOneSelfContainedPage() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        #expect(try run(["log", "--key", "p99 < 300 ms again after the rollback"], in: scratch.url).status == 0)
        #expect(try run(["log", "TODO: alert on 5xx ratio per deploy"], in: scratch.url).status == 0)
        #expect(try run(["postmortem", "draft"], in: scratch.url).status == 0)
        let result = try run(["export", "--postmortem", id, "--out", "pm.html"], in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(scratch.read("pm.html"))
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<meta charset=\"utf-8\">"))
        #expect(page.contains("<title>Post-mortem: Checkout returns 500</title>"))
        for heading in ["Summary", "Impact", "Root causes", "Resolution", "Action items", "Timeline"] {
            #expect(page.contains("<h2>\(heading)</h2>"), "\(heading)")
        }
        // The timeline: a list (or table) with an item per event, the key event in bold, the text escaped once.
        let timeline = try #require(page.range(of: "<h2>Timeline</h2>").map { page[$0.upperBound...] })
        let section = timeline[..<(timeline.range(of: "<h2>")?.lowerBound ?? timeline.endIndex)]
        #expect(section.contains("<li>") || section.contains("<tr>"), "\(section)")
        #expect(section.contains("<strong>p99 &lt; 300 ms again after the rollback</strong>"), "\(section)")
        #expect(section.contains("Checkout returns 500"), "the declaration is in it: \(section)")
        #expect(page.contains("alert on 5xx ratio per deploy"))
        #expect(!page.contains("<!--"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.contains("src=") && !page.contains("<link"), "nothing is fetched")
        #expect(page.contains("<style>") && page.contains("@media print"))

        // To stdout when there is no --out; --json needs a file for the page.
        let stdout = try run(["export", "--postmortem", id], in: scratch.url)
        #expect(stdout.status == 0 && stdout.stdout.hasPrefix("<!DOCTYPE html>"))
        let json = try run(["export", "--postmortem", id, "--json"], in: scratch.url)
        #expect(json.status == 2 && json.stdout.isEmpty && json.stderr.contains("--out"))
    }

    @Test func aHostilePostmortemExportsInert() throws {
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        let hostile = """
        ---
        incident: \(id)
        title: "Outage </title><script>alert('title')</script>"
        status: draft
        reviewers: ["<img src=x onerror=alert('reviewer')>"]
        ---

        ## Summary

        <script>alert(1)</script>

        An image: <img src=x onerror="alert(2)"> and a [link](javascript:alert(3)).

        ![chart](https://attacker.example/pixel.png)

        <iframe src="https://attacker.example/"></iframe>
        """
        try Data(hostile.utf8).write(to: scratch.url.appending(path: "incidents/\(id)/postmortem.md"))
        let result = try run(["export", "--postmortem", id], in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let page = result.stdout
        #expect(page.contains("<title>Post-mortem: Outage &lt;/title&gt;&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</title>"))
        #expect(page.components(separatedBy: "</title>").count == 2)
        let lower = page.lowercased()
        for live in ["<script", "<img", "<iframe", "<link", "<object", "<embed"] {
            #expect(!lower.contains(live), "\(live)")
        }
        // No tag carries an event handler, a source to fetch, or a script address.
        for tag in tags(in: lower) {
            #expect(tag.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(tag)")
            #expect(!tag.contains("src=") && !tag.contains("javascript:"), "\(tag)")
        }
        // Escaped, not stripped: the reader sees what was typed.
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("&lt;img src=x onerror=alert(&#39;reviewer&#39;)&gt;"))
        #expect(page.contains("<a class=\"image\" href=\"https://attacker.example/pixel.png\">[image: chart]</a>"))
    }

    @Test func mistakesAreOneLineAndExitTwo() throws {
        let scratch = Scratch()
        let elsewhere = Scratch()
        let id = try storeWithIncident(scratch)
        for (arguments, words) in [
            (["export", "--postmortem", id], "no post-mortem yet"),
            (["export", "--postmortem", "nope"], "no incident matches"),
            (["export", "--force"], "--out"),
            (["export", "--out", "no/such/folder/x.json"], "no folder"),
            (["export", "--out", elsewhere.url.path], "is a folder"),
        ] {
            let result = try run(arguments, in: scratch.url)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func theDemoStoresPostmortemExportsOutsideIt() throws {
        let scratch = Scratch()
        let result = try run(["export", "--postmortem", "2026-03-17", "--out", "pm.html"], in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(scratch.read("pm.html"))
        #expect(page.contains("<h1>Production database deleted by a coding agent</h1>"))
        #expect(page.contains("<td>14:10:05</td><td>chidi</td><td><strong>A coding agent in my terminal"))
        #expect(!page.contains("<!--") && !page.contains("ward:begin"))
        #expect(scratch.allFiles() == ["pm.html"])
    }
}

/// Every tag in an HTML text, as written.
private func tags(in html: String) -> [String] {
    var tags: [String] = []
    var rest = html[...]
    while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
        tags.append(String(rest[open...close]))
        rest = rest[rest.index(after: close)...]
    }
    return tags
}
