import Foundation
import Testing
@testable import WardKit

/// Markdown to safe HTML, the post-mortem page, and writing an export file.
@Suite struct SafeMarkdownTests {
    func html(_ markdown: String) -> String { SafeMarkdown.render(markdown).html }

    /// Every tag in `html`, as written (`<a href="...">`, `</p>`).
    static func tags(_ html: String) -> [String] {
        var tags: [String] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { tags.append(String(rest[open...])); break }
            tags.append(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return tags
    }

    /// What a browser would run or fetch: a script or other active element, an event handler, an address
    /// with a scheme other than http, https or mailto. Returns the offending tags.
    static func liveTags(_ html: String) -> [String] {
        let inert: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "code", "pre", "em", "strong",
                                  "s", "del", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "span"]
        return tags(html).filter { tag in
            let name = tag.dropFirst().drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
            if !inert.contains(name) { return true }
            let lower = tag.lowercased()
            if lower.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) != nil { return true }
            if lower.contains("style=") || lower.contains("src=") { return true }
            if let href = lower.range(of: #"href="([^"]*)""#, options: .regularExpression) {
                let value = lower[href].dropFirst(6).dropLast()
                if let colon = value.firstIndex(of: ":"), !value[..<colon].contains("/"),
                   !["http", "https", "mailto"].contains(String(value[..<colon])) { return true }
                if value.contains("&#") || value.contains("&colon") { return true }
            }
            return false
        }
    }

    @Test func commentsAreLeftOutAndTheGeneratedBlocksRender() {
        let out = html("""
        <!-- Blameless: describe what the system allowed. -->

        ## Summary

        <!-- Three to five sentences:
             what happened, to whom, for how long. -->
        The database was restored. <!-- an aside --> All good.

        <!-- ward:begin timeline -->
        | at (UTC) | by | event |
        | --- | --- | --- |
        | 03:14:07 | ana | Declared SEV1 |
        <!-- ward:end timeline -->
        """)
        #expect(!out.contains("<!--") && !out.contains("&lt;!--"))
        #expect(!out.contains("Blameless") && !out.contains("what happened") && !out.contains("aside"))
        #expect(out.contains("<h2>Summary</h2>"))
        #expect(out.contains("<p>The database was restored.  All good.</p>") || out.contains("<p>The database was restored. All good.</p>"), "\(out)")
        #expect(out.contains("<thead><tr><th>at (UTC)</th><th>by</th><th>event</th></tr>"))
        #expect(out.contains("<td>03:14:07</td><td>ana</td><td>Declared SEV1</td>"))
    }

    @Test func rawHTMLIsShownAsTextNeverRun() {
        let out = html("""
        ## Notes

        <script>alert(1)</script>

        Before <img src=x onerror=alert(1)> after, and <b onclick="x()">bold?</b> and p99 < 300 ms & rising.

        <iframe src="https://evil.example/"></iframe>

        The rest still renders: **strong**.
        """)
        #expect(Self.liveTags(out).isEmpty, "\(Self.liveTags(out))")
        #expect(!out.lowercased().contains("<script") && !out.lowercased().contains("<img") && !out.lowercased().contains("<iframe"))
        // Escaped, so the reader sees exactly what was typed.
        #expect(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(out.contains("&lt;img src=x onerror=alert(1)&gt; after"))
        #expect(out.contains("p99 &lt; 300 ms &amp; rising"))
        // An element Ink cannot close does not swallow what follows.
        #expect(out.contains("<strong>strong</strong>"))
    }

    @Test func codeIsEscapedOnceAndKeepsWhatLooksLikeHTML() {
        let out = html("""
        Run `<b>` and `a && b`.

        ```sql
        <!-- ward:begin timeline -->
        SELECT '<script>' FROM t WHERE a < b;
        ```

        ```js" onclick="alert(1)
        x
        ```
        """)
        #expect(out.contains("<code>&lt;b&gt;</code>"))
        #expect(out.contains("<code>a &amp;&amp; b</code>"))
        #expect(out.contains("<pre><code class=\"language-sql\">&lt;!-- ward:begin timeline --&gt;\nSELECT '&lt;script&gt;' FROM t WHERE a &lt; b;"), "\(out)")
        #expect(!out.contains("&amp;lt;"), "escaped twice")
        #expect(!out.contains("onclick"))
        #expect(Self.liveTags(out).isEmpty)
    }

    /// Found by the fuzzer: forty `[` in a row sent Ink down every way of reading them as links, for longer
    /// than anyone would wait. Past three deep they are text; links around them still work.
    @Test func deeplyNestedBracketsAreTextAndLinksStillWork() {
        let out = SafeMarkdown.render("See [the runbook](runbook.md) " + String(repeating: "[", count: 40) + " and [a [b [c [d]]]] end").html
        #expect(out.contains("<a href=\"runbook.md\">the runbook</a>"))
        #expect(out.contains(String(repeating: "[", count: 37)))
        #expect(!out.unicodeScalars.contains { SafeMarkdown.StandIn(rawValue: $0.value) != nil })
    }

    @Test func linksKeepSafeAddressesOnly() {
        let out = html("""
        [dashboard](https://grafana.example/d/1?from=now-1h&to=now) [mail](mailto:oncall@example.com) [runbook](../runbooks/db.md)
        [a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](java&#115;cript:alert(3)) [d](data:text/html,<script>x</script>)
        [e](x" onmouseover="alert(4)) [f](vbscript:msgbox)
        ![graph](https://grafana.example/render.png) ![a" onerror="alert(5)](x.png) ![g](javascript:alert(6))
        """)
        #expect(Self.liveTags(out).isEmpty, "\(Self.liveTags(out))")
        #expect(out.contains("<a href=\"https://grafana.example/d/1?from=now-1h&amp;to=now\">dashboard</a>"))
        #expect(out.contains("<a href=\"mailto:oncall@example.com\">mail</a>"))
        #expect(out.contains("<a href=\"../runbooks/db.md\">runbook</a>"))
        for text in ["javascript:", "vbscript:", "data:", "onmouseover", "onerror=\""] {
            #expect(!Self.tags(out).joined().lowercased().contains(text), "\(text) in \(out)")
        }
        #expect(out.contains("<a>a</a>") && out.contains("<a>f</a>"), "the text of a refused link stays")
        // Images become links, so opening the page fetches nothing.
        #expect(out.contains("<a class=\"image\" href=\"https://grafana.example/render.png\">[image: graph]</a>"))
        #expect(out.contains("<span class=\"image\">[image: g]</span>"))
        #expect(!out.contains("<img"))
    }

    @Test func controlCharactersAreShownNotPassedOn() {
        let out = html("Title \u{1B}]0;owned\u{07} and \u{202E}reversed\r\n")
        #expect(!out.unicodeScalars.contains { TerminalSafe.isUnsafe($0) && $0 != "\n" })
        #expect(out.contains("\\u{1B}"))
    }

    /// Inputs on which Ink 0.6.0 alone loops forever or crashes; each is a plausible post-mortem.
    @Test(arguments: [
        "## Impact\n\n<p99 above 2 s for 40 minutes\n",      // Ink alone: never returns
        "x\n\n<pre",                                           // the same
        "---\n\nThe summary: short.\n   ",                      // Ink alone: index out of bounds (front matter)
        "* first\n* second\n  ",                                // Ink alone: index out of bounds (list)
    ])
    func inputsThatBreakInkAloneRender(_ markdown: String) {
        let out = html(markdown)
        #expect(!out.isEmpty)
        #expect(Self.liveTags(out).isEmpty)
    }

    /// What incident notes are full of reads as typed: SQL, globs, identifiers, Windows paths.
    @Test func codeLikeTextKeepsItsCharacters() {
        let out = html("Ran SELECT * FROM orders WHERE n > 5 * 3; rm -rf /tmp/*; rotated app_rw and DATABASE_HOST; C:\\temp\\x.log\n")
        #expect(out == "<p>Ran SELECT * FROM orders WHERE n &gt; 5 * 3; rm -rf /tmp/*; rotated app_rw and DATABASE_HOST; C:\\temp\\x.log</p>\n", "\(out)")
        let styled = html("* a _real_ and *starred* and **bold** and \\_escaped\\_ word\n")
        #expect(styled == "<ul><li>a <em>real</em> and <em>starred</em> and <strong>bold</strong> and _escaped_ word</li>\n</ul>\n", "\(styled)")
    }

    @Test func actionItemsShowAsBoxes() {
        let out = html("- [ ] alert on 5xx (owner: bo)\n- [x] rotate app_rw\n")
        #expect(out == "<ul><li class=\"task\">☐ alert on 5xx (owner: bo)</li>\n<li class=\"task done\">☑ rotate app_rw</li>\n</ul>\n", "\(out)")
    }

    @Test func aLeadingRuleIsNotTakenForFrontMatter() {
        let out = html("---\nhidden: no\n---\nvisible\n")
        #expect(out.contains("hidden: no") && out.contains("visible"), "\(out)")
        #expect(!out.unicodeScalars.contains { SafeMarkdown.StandIn.all.contains($0) }, "no stand-in is left")
    }

    @Test func anUnclosedCommentIsShownRatherThanHidingTheRest() {
        let out = html("Before <!-- never closed\n\n## After\n")
        #expect(out.contains("&lt;!-- never closed"))
        #expect(out.contains("<h2>After</h2>"))
    }

    /// Random mixes of hostile and ordinary Markdown: the output never holds a live tag.
    @Test func noMixOfPiecesGivesALiveTag() {
        let pieces = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<!--", "-->",
                      "`", "```", "```js\" x=\"", "[l](javascript:alert(1))", "![i](x\" onerror=\"y)", "<a href=\"javascript:x\">",
                      "&#106;avascript:", "\"", "'", "<", ">", "&", "|", "| a | b |\n| --- | --- |\n", "\n", "\n\n", "## h",
                      "* item", "1. one", "> quote", "**b**", "_i_", "[x](", ")", "](", "<style>body{}</style>",
                      "<p onclick=x>", "<p", "<P", "<a", "<pre>", "</code>", "<!-- c -->", "<math><mi xlink:href=\"javascript:x\">",
                      "text", " ", "\u{1B}[2J"]
        var generator = SeededGenerator(seed: 20261123)
        for round in 0..<400 {
            let count = Int.random(in: 1...30, using: &generator)
            let markdown = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let out = html(markdown)
            #expect(Self.liveTags(out).isEmpty, "round \(round): \(markdown.debugDescription) gave \(Self.liveTags(out))")
            #expect(!out.contains("<!--"), "round \(round): \(markdown.debugDescription)")
            #expect(!out.unicodeScalars.contains { SafeMarkdown.StandIn.all.contains($0) }, "round \(round): \(markdown.debugDescription)")
        }
    }
}

@Suite struct PostmortemPageTests {
    let dir = TemporaryDirectory()
    let store: Store
    let id: String

    init() throws {
        store = try makeStore(dir, now: { fixedNow.addingTimeInterval(3600) })
        id = try store.declare(title: "Orders lost", severity: "SEV2", services: ["api"], commander: "ana").id
    }

    func postmortem() throws -> Postmortem {
        let path = "incidents/\(id)/postmortem.md"
        return try Postmortem(data: try #require(try store.files.read(path)).data, path: path, incidentID: id)
    }

    @Test func aDraftBecomesAPageWithItsHeadingsTimelineAndHeader() throws {
        _ = try store.addNote(store.loadIncident(id), text: "Orders table emptied by the cleanup job", at: fixedNow.addingTimeInterval(60), key: true)
        _ = try store.draftPostmortem(store.loadIncident(id))
        let page = PostmortemPage.render(try postmortem(), incident: store.loadIncident(id), storeName: "Test", exported: fixedNow)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<meta charset=\"utf-8\">"))
        #expect(page.contains("<title>Post-mortem: Orders lost</title>"))
        #expect(page.contains("<h1>Orders lost</h1>"))
        for heading in ["Summary", "Impact", "Root causes", "Timeline", "Action items"] {
            #expect(page.contains("<h2>\(heading)</h2>"), "\(heading)")
        }
        #expect(page.contains("<strong>Orders table emptied by the cleanup job</strong>"), "the key event in the timeline table")
        #expect(page.contains("<th scope=\"row\">Status</th><td><span class=\"status status-draft\">draft</span></td>"))
        #expect(page.contains("<th scope=\"row\">Severity</th><td>SEV2</td>"))
        #expect(page.contains("This post-mortem is draft"))
        #expect(!page.contains("<!--"))
        #expect(!page.lowercased().contains("<script"))
        #expect(page.contains("@media print"))
        #expect(!page.contains("http://") && !page.contains("https://"), "nothing to fetch")
    }

    @Test func aHostilePostmortemIsInert() throws {
        dir.write("incidents/\(id)/postmortem.md", """
        ---
        title: "</title><script>alert('t')</script>"
        status: "<b>published</b>"
        reviewers: ["<img src=x onerror=alert(1)>", "bo & co"]
        ---

        ## Summary

        <script>alert(1)</script>

        <img src=x onerror=alert(2)>

        [click](javascript:alert(3))
        """)
        let page = PostmortemPage.render(try postmortem(), incident: store.loadIncident(id), storeName: "<i>Team</i>", exported: fixedNow)
        #expect(page.components(separatedBy: "<title>").count == 2 && page.components(separatedBy: "</title>").count == 2)
        #expect(page.contains("<title>Post-mortem: &lt;/title&gt;&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;</title>"))
        #expect(page.contains("<h1>&lt;/title&gt;&lt;script&gt;"))
        #expect(!page.lowercased().contains("<script") && !page.lowercased().contains("<img"))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;, bo &amp; co"))
        #expect(page.contains("status-other\">&lt;b&gt;published&lt;/b&gt;"))
        #expect(page.contains("Post-mortem · &lt;i&gt;Team&lt;/i&gt;"))
        let main = String(page[page.range(of: "<main>")!.upperBound..<page.range(of: "</main>")!.lowerBound])
        #expect(SafeMarkdownTests.liveTags(main).isEmpty, "\(SafeMarkdownTests.liveTags(main))")
        #expect(page.contains("default-src 'none'"), "a Content-Security-Policy backs the escaping up")
    }
}

@Suite struct ExportFileTests {
    let storeDir = TemporaryDirectory()
    let elsewhere = TemporaryDirectory()
    let store: Store
    let data = Data("{\"format\":1}\n".utf8)

    init() throws { store = try makeStore(storeDir) }

    @Test func writesOutsideTheStoreAtomicallyAndLeavesNothingElse() throws {
        let written = try ExportFile.write(data, to: elsewhere.path("export.json"), force: false, store: store)
        #expect(written == elsewhere.path("export.json"))
        #expect(elsewhere.bytes("export.json") == data)
        #expect(elsewhere.allFiles() == ["export.json"], "no lock folder, no temporary file")
    }

    @Test func aRelativePathIsReadFromTheWorkingDirectory() throws {
        try ExportFile.write(data, to: "out.json", force: false, store: store, workingDirectory: elsewhere.url.path)
        #expect(elsewhere.bytes("out.json") == data)
    }

    @Test func refusesToOverwriteWithoutForceAndKeepsTheModeWithIt() throws {
        elsewhere.write("export.json", "precious\n")
        chmod(elsewhere.path("export.json"), 0o640)
        #expect { try ExportFile.write(data, to: elsewhere.path("export.json"), force: false, store: store) } throws: {
            ($0 as? WardError)?.description == "\(elsewhere.path("export.json")): already exists; nothing was written (--force replaces it)"
        }
        #expect(elsewhere.read("export.json") == "precious\n")
        try ExportFile.write(data, to: elsewhere.path("export.json"), force: true, store: store)
        #expect(elsewhere.bytes("export.json") == data)
        var info = stat()
        stat(elsewhere.path("export.json"), &info)
        #expect(info.st_mode & 0o7777 == 0o640)
        #expect(elsewhere.allFiles() == ["export.json"])
    }

    @Test func refusesTheStoresRecordFoldersButNotItsRoot() throws {
        for place in ["incidents/x.json", "decisions/x.json", "runbooks/x.html", ".ward/x.json", "ward.yaml"] {
            #expect(throws: WardError.self, "\(place)") {
                try ExportFile.write(data, to: storeDir.path(place), force: true, store: store)
            }
        }
        #expect(!storeDir.allFiles().contains { $0.hasSuffix("x.json") || $0.hasSuffix("x.html") })
        // Through a link from outside, the store's folder is still the store's folder.
        try FileManager.default.createSymbolicLink(atPath: elsewhere.path("link"), withDestinationPath: storeDir.path("incidents"))
        #expect { try ExportFile.write(data, to: elsewhere.path("link/x.json"), force: false, store: store) } throws: {
            ($0 as? WardError)?.message.contains("incidents/ folder") == true
        }
        try ExportFile.write(data, to: storeDir.path("export.json"), force: false, store: store)
        #expect(storeDir.bytes("export.json") == data)
        #expect(throws: WardError.self) { try ExportFile.write(data, to: storeDir.path("export.json"), force: false, store: store) }
    }

    @Test func refusesAMissingFolderAFolderAndALink() throws {
        #expect(throws: WardError.self) { try ExportFile.write(data, to: elsewhere.path("no/such/x.json"), force: false, store: store) }
        try FileManager.default.createDirectory(atPath: elsewhere.path("dir"), withIntermediateDirectories: false)
        #expect(throws: WardError.self) { try ExportFile.write(data, to: elsewhere.path("dir"), force: true, store: store) }
        elsewhere.write("real.json", "keep\n")
        try FileManager.default.createSymbolicLink(atPath: elsewhere.path("alias.json"), withDestinationPath: elsewhere.path("real.json"))
        #expect(throws: WardError.self) { try ExportFile.write(data, to: elsewhere.path("alias.json"), force: true, store: store) }
        #expect(elsewhere.read("real.json") == "keep\n")
    }

    /// A failed fsync (or write) ends the export: no file under the name, no temporary file left, and the
    /// fsync is not tried again.
    @Test(arguments: [FaultInjectingSyscalls.Operation.fsync, .write, .rename])
    func aFailedWriteLeavesNoFile(_ operation: FaultInjectingSyscalls.Operation) throws {
        let sys = FaultInjectingSyscalls([.init(operation, call: 1, errno: EIO)])
        elsewhere.write("old.json", "old\n")
        let target = operation == .rename ? "old.json" : "new.json"
        #expect(throws: WardError.self) {
            try ExportFile.write(data, to: elsewhere.path(target), force: true, store: store, sys: sys)
        }
        #expect(operation == .rename ? elsewhere.read("old.json") == "old\n" : elsewhere.read("new.json") == nil)
        #expect(temporaryFiles(in: elsewhere).isEmpty)
        if operation == .fsync { #expect(sys.count(.fsync) == 1) }
    }
}
