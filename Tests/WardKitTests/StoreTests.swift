import Foundation
import Testing
@testable import WardKit

@Suite struct StoreTests {
    @Test func initWritesTheStoreAndKeepsExistingGitFiles() throws {
        let dir = TemporaryDirectory()
        dir.write(".gitignore", "node_modules/")
        try Store.create(at: dir.url, name: "Team")
        #expect(dir.read(".gitignore") == "node_modules/\n.ward/\n*.ward-tmp\n")
        #expect(dir.read(".gitattributes") == "incidents/*/timeline.jsonl merge=union\n.ward-history.jsonl merge=union\nchecklists/runs/*.jsonl merge=union\n")
        #expect(try Store(root: dir.url).config.name == "Team")
        #expect(throws: WardError.self) { try Store.create(at: dir.url, name: "Again") }
    }

    @Test func storesAreFoundByWalkingUp() throws {
        let dir = TemporaryDirectory()
        try Store.create(at: dir.url, name: nil)
        dir.write("incidents/deep/er/file", "")
        func path(_ found: StoreLocator.Found) -> String? {
            if case let .store(url) = found { return url.standardizedFileURL.path } else { return nil }
        }
        let found = try StoreLocator.locate(explicit: nil, environment: [:], workingDirectory: dir.url.appending(path: "incidents/deep/er"))
        #expect(path(found) == dir.url.standardizedFileURL.path)
        let elsewhere = TemporaryDirectory()
        #expect(try StoreLocator.locate(explicit: nil, environment: [:], workingDirectory: elsewhere.url) == .none)
        #expect(path(try StoreLocator.locate(explicit: nil, environment: ["WARD_STORE": dir.url.path], workingDirectory: elsewhere.url)) == dir.url.standardizedFileURL.path)
        #expect(throws: WardError.self) { try StoreLocator.locate(explicit: elsewhere.url.path, environment: [:]) }
    }

    @Test func declareLogAndFind() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let incident = try store.declare(title: "../../Prod DB deleted\u{0}", severity: "sev1", services: ["api", " "],
                                         commander: "ana", impactStarted: fixedNow.addingTimeInterval(-600))
        #expect(incident.id.hasPrefix("2026-11-23-prod-db-deleted-"))
        #expect(incident.state.severity == "SEV1" && incident.state.commander == "ana" && incident.state.services == ["api"])
        #expect(incident.state.milestones[.impactStarted] == fixedNow.addingTimeInterval(-600))
        #expect(dir.allFiles().filter { $0.hasPrefix("incidents/") } == ["incidents/\(incident.id)/incident.md", "incidents/\(incident.id)/timeline.jsonl"])
        try store.record("note", ["text": .string("hello")], in: incident.id)
        #expect(try store.findIncident(nil).id == incident.id)
        #expect(try store.findIncident("prod-db").state.noteCount == 1)
        #expect(throws: WardError.self) { try store.record("note", ["text": .string("x")], at: fixedNow.addingTimeInterval(3600), in: incident.id) }
        #expect(throws: WardError.self) { try store.declare(title: "x", severity: "SEV9", services: [], commander: nil) }
        #expect(throws: WardError.self) { try store.declare(title: "  ", severity: "SEV1", services: [], commander: nil) }
        let second = try store.declare(title: "Prod DB deleted", severity: "2", services: [], commander: nil)
        #expect(second.id != incident.id)
        #expect { try store.findIncident(nil) } throws: { "\($0)".contains("2 incidents are active") }
        #expect { try store.findIncident("prod-db") } throws: { "\($0)".contains("matches 2") }
    }

    @Test func timesOutsideWhatCanBeReadBackAreRefused() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let incident = try store.declare(title: "T", severity: "2", services: [], commander: nil)
        for text in ["-5000000d", "-99999999999999999999d", "1969-12-31T23:59:59Z", "10000-01-01T00:00:00Z"] {
            #expect(throws: WardError.self, "\(text)") {
                let at = try Timestamps.parseInput(text, now: fixedNow)
                try store.record("note", ["text": .string("x")], at: at, in: incident.id)
            }
        }
        #expect(store.loadIncident(incident.id).events.count == 1)
        #expect(Timestamps.format(Date(timeIntervalSince1970: -1e300)) == "1970-01-01T00:00:00Z")
    }

    @Test func templateOverridesAreReadSafelyAndMustMakeValidRecords() throws {
        let dir = TemporaryDirectory()
        let outside = TemporaryDirectory()
        outside.write("creds", "AWS_SECRET=hunter2\n")
        let store = try makeStore(dir)
        try FileManager.default.createDirectory(atPath: dir.path("templates"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path("templates/incident.md.mustache"), withDestinationPath: outside.path("creds"))
        #expect(throws: WardError.self) { try store.declare(title: "x", severity: "3", services: [], commander: nil) }
        try FileManager.default.removeItem(atPath: dir.path("templates/incident.md.mustache"))
        dir.write("templates/incident.md.mustache", "no front matter at all\n")
        #expect { try store.declare(title: "x", severity: "3", services: [], commander: nil) } throws: { "\($0)".contains("template") }
        dir.write("templates/adr-madr.md.mustache", "---\nstatus: {{{status}}}\n---\nno heading\n")
        #expect { try store.newDecision(title: "x") } throws: { "\($0)".contains("template") }
        #expect(store.incidentIDs().isEmpty)
        #expect(!dir.allFiles().contains { $0.hasPrefix("decisions/") })
    }

    @Test func searchFindsEveryKindOfRecord() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let incident = try store.declare(title: "Replica lag", severity: "2", services: [], commander: nil)
        try store.record("note", ["text": .string("Replica db-2 is 40 s behind")], in: incident.id)
        _ = try store.newDecision(title: "Alert on replica lag")
        let hits = store.search("REPLICA behind")
        #expect(hits.count == 1 && hits[0].kind == "event" && hits[0].line == 2 && hits[0].title == "Replica lag")
        let kinds = Set(store.search("replica").map(\.kind))
        #expect(kinds == ["incident", "event", "decision"])
    }

    @Test func doctorReportsTornTailsAndOrphansAndFixesOnlyWhatIsSafe() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir)
        let incident = try store.declare(title: "T", severity: "2", services: [], commander: nil)
        let timeline = "incidents/\(incident.id)/timeline.jsonl"
        let handle = try FileHandle(forWritingTo: dir.url.appending(path: timeline))
        handle.seekToEndOfFile()
        handle.write(Data("{\"id\":\"01J".utf8))
        try handle.close()
        dir.write("decisions/.0001-x.md.\(StoreFiles.hostTag).999999.zz.ward-tmp", "partial")
        let report = Doctor(store: store).run()
        #expect(report.problems.contains { $0.path == timeline && $0.message.contains("incomplete") })
        #expect(report.problems.contains { $0.path.hasSuffix(".ward-tmp") })
        let fixed = Doctor(store: store).run(fix: true)
        #expect(fixed.fixed.count == 2)
        #expect(temporaryFiles(in: dir).isEmpty)
        // The torn line is moved aside, not deleted: the journal ends whole, the fragment is kept beside it.
        #expect(dir.read(timeline)?.hasSuffix("}\n") == true)
        #expect(dir.read("incidents/\(incident.id)/timeline.torn-20261123T031407Z.txt") == "{\"id\":\"01J\n")
    }
}
