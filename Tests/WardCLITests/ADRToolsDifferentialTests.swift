import Foundation
import Testing
@testable import WardKit

/// Ward against Debian's adr-tools (3.0.0) on the same directories: after Ward creates, supersedes and
/// links records in an adr-tools directory, adr-tools still lists them, builds its table of contents and
/// graph, and sees the same links it would have written itself.
@Suite(.serialized) struct ADRToolsDifferentialTests {
    /// Runs adr-tools in `directory`.
    @discardableResult
    func adr(_ arguments: [String], in directory: URL, expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["adr"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["EDITOR"] = "true"
        environment["VISUAL"] = "true"
        environment["ADR_DATE"] = "2026-01-05"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == status, "adr \(arguments)", sourceLocation: sourceLocation)
        return String(decoding: data, as: UTF8.self)
    }

    /// An adr-tools repository with records 1 to 12; record 3's name holds "12", as adr-tools' own bug needs.
    func adrToolsRepository(_ scratch: Scratch) throws {
        try adr(["init", "doc/adr"], in: scratch.url)
        try adr(["new", "Use PostgreSQL"], in: scratch.url)
        try adr(["new", "Adopt 12 factor config"], in: scratch.url)
        for number in 4...11 { try adr(["new", "Decision number \(number)"], in: scratch.url) }
        try adr(["new", "Use Kafka for events"], in: scratch.url)
    }

    func copy(_ from: Scratch) throws -> Scratch {
        let to = Scratch()
        try FileManager.default.removeItem(at: to.url)
        try FileManager.default.copyItem(at: from.url, to: to.url)
        return to
    }

    func text(_ scratch: Scratch, _ name: String) -> String { scratch.read("doc/adr/" + name) ?? "" }

    @Test func adrToolsIsInstalled() throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/adr"), "install adr-tools (apt-get install adr-tools); .ci/run does")
    }

    @Test func afterWardSupersedesAndLinksAdrToolsSeesWhatItWouldHaveWritten() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/adr") else { return }
        let tools = Scratch()
        try adrToolsRepository(tools)
        let ward = try copy(tools)
        #expect(try run(["init", "--name", "Team"], in: ward.url).status == 0)
        #expect(ward.read("ward.yaml")?.contains("dir: doc/adr") == true && ward.read("ward.yaml")?.contains("format: nygard") == true)

        // The same work, once with adr-tools and once with Ward.
        try adr(["new", "-s", "2", "Use PostgreSQL 16"], in: tools.url)
        try adr(["link", "13", "Amends", "11", "Amended by"], in: tools.url)
        try adr(["link", "13", "Clarifies", "4", "Clarified by"], in: tools.url)
        #expect(try run(["adr", "new", "Use PostgreSQL 16", "--supersedes", "2"], in: ward.url).status == 0)
        #expect(try run(["adr", "status", "13", "accepted"], in: ward.url).status == 0)
        #expect(try run(["adr", "link", "13", "amends", "11"], in: ward.url).status == 0)
        #expect(try run(["adr", "link", "13", "clarifies", "4"], in: ward.url).status == 0)

        // adr-tools reads both directories the same way: the list, the table of contents, every link.
        #expect(try adr(["list"], in: ward.url) == adr(["list"], in: tools.url))
        #expect(try adr(["generate", "toc"], in: ward.url) == adr(["generate", "toc"], in: tools.url))
        let graph = try adr(["generate", "graph"], in: ward.url)
        #expect(graph == (try adr(["generate", "graph"], in: tools.url)))
        #expect(graph.contains("_13 -> _2 [label=\"Supersedes\"") && graph.contains("_13 -> _11 [label=\"Amends\"")
                && graph.contains("_13 -> _4 [label=\"Clarifies\""))
        // Ward reads what adr-tools wrote as it reads its own.
        for store in [tools, ward] {
            if store === tools { #expect(try run(["init", "--name", "Tools"], in: tools.url).status == 0) }
            let shown = try run(["adr", "show", "2", "--json"], in: store.url)
            let record = try #require(try json(shown.stdout) as? [String: Any])
            #expect(record["status"] as? String == "superseded" && record["superseded_by"] as? [Int] == [13])
            let links = try #require(try json(try run(["adr", "show", "13", "--json"], in: store.url).stdout) as? [String: Any])
            #expect((links["links"] as? [String: [Int]]) == ["amends": [11], "clarifies": [4]])
            #expect(try run(["doctor"], in: store.url).status == 0)
        }
        // adr-tools keeps numbering after Ward's records, and Ward after adr-tools'.
        try adr(["new", "After Ward"], in: ward.url)
        #expect(ward.read("doc/adr/0014-after-ward.md") != nil)
        #expect(try run(["adr", "new", "After adr-tools"], in: ward.url).stdout.contains("0015-after-adr-tools.md"))
    }

    @Test func adrToolsOwnBugsDoNotHappenHere() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/adr") else { return }
        let tools = Scratch()
        try adrToolsRepository(tools)
        try adr(["new", "Retire record twelve"], in: tools.url)  // 13
        let ward = try copy(tools)
        #expect(try run(["init"], in: ward.url).status == 0)
        let before = text(ward, "0003-adopt-12-factor-config.md")

        // adr-tools finds "12" in the first file name holding it: record 3, not record 12.
        try adr(["new", "-s", "12", "Replace twelve"], in: tools.url)
        #expect(text(tools, "0003-adopt-12-factor-config.md").contains("Superseded by"))
        #expect(try run(["adr", "new", "Replace twelve", "--supersedes", "12"], in: ward.url).status == 0)
        #expect(text(ward, "0003-adopt-12-factor-config.md") == before)
        #expect(text(ward, "0012-use-kafka-for-events.md").contains("Superseded by [14. Replace twelve](0014-replace-twelve.md)"))

        // adr-tools leaves "Proposed" beside "Superseded by"; Ward refuses to supersede a proposed record,
        // and reads adr-tools' leftover as superseded.
        let proposed = try #require(ward.read("doc/adr/0013-retire-record-twelve.md"))
        try proposed.replacingOccurrences(of: "\nAccepted\n", with: "\nProposed\n")
            .write(toFile: ward.path("doc/adr/0013-retire-record-twelve.md"), atomically: false, encoding: .utf8)
        let refused = try run(["adr", "new", "Replace thirteen", "--supersedes", "13"], in: ward.url)
        #expect(refused.status != 0 && refused.stderr.contains("only an accepted decision can be superseded"))
        #expect(ward.allFiles().filter { $0.contains("replace-thirteen") }.isEmpty)

        // Titles with &, |, / and quotes: adr-tools' sed breaks on "|"; Ward's records stay whole.
        let title = "Use A & B | \"C\" / 'D' [v2]"
        try adr(["new", title], in: tools.url, expect: 1)
        let broken = try adr(["list"], in: tools.url).split(separator: "\n").last.map(String.init) ?? ""
        #expect(tools.read(broken)?.isEmpty == true, "adr-tools writes an empty file for a title with |")
        let made = try run(["adr", "new", title], in: ward.url)
        #expect(made.status == 0)
        let path = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(ward.read(path)?.hasPrefix("# 15. \(title)\n") == true)
        #expect(try adr(["generate", "toc"], in: ward.url).contains("* [15. \(title)](\(path.split(separator: "/").last!))"))
        #expect(try run(["adr", "status", "15", "accepted"], in: ward.url).status == 0)
        #expect(try run(["adr", "new", "Use E", "--supersedes", "15"], in: ward.url).status == 0)
        let graph = try adr(["generate", "graph"], in: ward.url)
        #expect(graph.contains("_16 -> _15 [label=\"Supersedes\", weight=0]"), "\(graph)")
        #expect(try run(["doctor"], in: ward.url).status == 0)
    }
}
