import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import WardKit

/// Records read below an open `incidents/` (listings and summaries after a clone) give what reading them by
/// path gives: the same bytes, the same refusals of links, FIFOs and folders, nothing from outside the store,
/// and the signatures `stat` gives, with or without the kernel's openat2.
@Suite struct RecordDirectoryTests {
    /// A store whose incidents include every odd shape a folder of records can take.
    static func oddStore(_ directory: TemporaryDirectory, outside: TemporaryDirectory) throws -> Store {
        let store = try DerivedCacheTests.populated(directory, count: 3)
        let good = store.incidentIDs()[0]
        outside.write("elsewhere/incident.md", "---\ntitle: Not ours\nseverity: SEV1\nstatus: investigating\ndeclared: 2026-01-01T00:00:00Z\n---\n")
        outside.write("elsewhere/timeline.jsonl", directory.read("incidents/\(good)/timeline.jsonl")!)
        outside.write("secret.md", "---\ntitle: Secret\n---\n")
        let fm = FileManager.default
        // The whole folder is a link out of the store.
        try fm.createSymbolicLink(atPath: directory.path("incidents/2026-01-01-linked-folder"), withDestinationPath: outside.path("elsewhere"))
        // One file is a link out of the store, the other is fine.
        try copyIncident(good, to: "2026-01-02-linked-file", in: directory)
        try fm.removeItem(atPath: directory.path("incidents/2026-01-02-linked-file/incident.md"))
        try fm.createSymbolicLink(atPath: directory.path("incidents/2026-01-02-linked-file/incident.md"), withDestinationPath: outside.path("secret.md"))
        // A FIFO where the timeline should be (it must not hang the read).
        try copyIncident(good, to: "2026-01-03-fifo", in: directory)
        try fm.removeItem(atPath: directory.path("incidents/2026-01-03-fifo/timeline.jsonl"))
        #expect(mkfifo(directory.path("incidents/2026-01-03-fifo/timeline.jsonl"), 0o644) == 0)
        // No timeline at all; a folder where incident.md should be; an empty incident.md.
        try copyIncident(good, to: "2026-01-04-no-timeline", in: directory)
        try fm.removeItem(atPath: directory.path("incidents/2026-01-04-no-timeline/timeline.jsonl"))
        try copyIncident(good, to: "2026-01-05-folder-file", in: directory)
        try fm.removeItem(atPath: directory.path("incidents/2026-01-05-folder-file/incident.md"))
        try fm.createDirectory(atPath: directory.path("incidents/2026-01-05-folder-file/incident.md"), withIntermediateDirectories: false)
        try copyIncident(good, to: "2026-01-06-empty", in: directory)
        directory.write("incidents/2026-01-06-empty/incident.md", "")
        // A link to a folder inside the store counts as a link too.
        try fm.createSymbolicLink(atPath: directory.path("incidents/2026-01-07-inner-link"), withDestinationPath: directory.path("incidents/\(good)"))
        return store
    }

    static func copyIncident(_ id: String, to name: String, in directory: TemporaryDirectory) throws {
        try FileManager.default.copyItem(atPath: directory.path("incidents/\(id)"), toPath: directory.path("incidents/\(name)"))
    }

    /// A read's outcome as text to compare: the bytes, or the error with its path.
    static func outcome(_ result: Result<FileContents?, Error>) -> String {
        switch result {
        case .success(nil): return "absent"
        case let .success(contents?): return "read \(contents.data.count) bytes mode \(contents.mode): " + String(decoding: contents.data, as: UTF8.self)
        case let .failure(error as WardError): return "error at \(error.path ?? "-") line \(error.line.map(String.init) ?? "-"): \(error.message)"
        case let .failure(error): return "error \(error)"
        }
    }

    /// Every way the folder can be read here: as the kernel allows, and with the link checks done by hand.
    static func modes(_ files: StoreFiles) -> [Bool] {
        let kernel = files.recordDirectory(Store.incidentsDirectory)!.opensBeneath
        return kernel ? [true, false] : [false]
    }

    @Test func readingBelowTheOpenFolderGivesWhatReadingByPathGives() throws {
        let directory = TemporaryDirectory()
        let outside = TemporaryDirectory()
        let store = try Self.oddStore(directory, outside: outside)
        let names = Store.incidentFiles.map { (name: $0, limit: StoreFiles.readLimit) }
        let ids = store.incidentIDs()
        #expect(ids.count == 10)
        for beneath in Self.modes(store.files) {
            let incidents = try #require(store.files.recordDirectory(Store.incidentsDirectory, opensBeneath: beneath))
            for id in ids {
                let below = store.files.read(names, inRecord: id, of: incidents).map(Self.outcome)
                let byPath = store.files.read(names, in: "incidents/" + id).map(Self.outcome)
                #expect(below == byPath, "\(id), openat2 \(beneath)")
                #expect(!below.joined().contains("Not ours") && !below.joined().contains("Secret"), "nothing is read through a link: \(id)")
            }
        }
    }

    @Test func theSignaturesAreWhatStatSaysOfEachFile() throws {
        let directory = TemporaryDirectory()
        let outside = TemporaryDirectory()
        let store = try Self.oddStore(directory, outside: outside)
        let folder = open(directory.path("incidents"), O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        for beneath in Self.modes(store.files) {
            let incidents = try #require(store.files.recordDirectory(Store.incidentsDirectory, opensBeneath: beneath))
            var compared = 0
            for id in store.incidentIDs() {
                let (incident, signatures) = store.loadIncident(id, from: incidents)
                #expect(incident.problems == store.loadIncident(id).problems, "\(id)")
                #expect(IncidentSummary(incident) == IncidentSummary(store.loadIncident(id)), "\(id)")
                for (name, signature) in zip(Store.incidentFiles, signatures) {
                    // A file that was refused has no signature (its entry is never trusted); any other has stat's.
                    guard let signature else { continue }
                    #expect(signature == FileSignature.of(id, "/" + name, in: folder), "\(id)/\(name)")
                    compared += 1
                }
            }
            #expect(compared == 13, "the readable and the missing files have signatures (20 files, 7 refused)")
        }
    }

    @Test func listingsAndSummariesOfAnOddFolderMatchTheFilesColdAndWarm() throws {
        let directory = TemporaryDirectory()
        let outside = TemporaryDirectory()
        let store = try Self.oddStore(directory, outside: outside)
        let direct = store.incidentIDs().map { IncidentSummary(store.loadIncident($0)) }
        try? FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        let cold = store.incidentSummaries()
        #expect(cold == direct)
        #expect(try DerivedCacheTests.reopen(directory).incidentSummaries() == direct)
        // The listing's own cache, built below the open folder and read back, gives each incident's JSON.
        try? FileManager.default.removeItem(atPath: directory.path(".ward/cache"))
        for listings in [store.incidentListings(), try DerivedCacheTests.reopen(directory).incidentListings()] {
            #expect(listings.map { String(decoding: $0.json, as: UTF8.self) } == direct.map(\.jsonText))
            #expect(listings.map(\.id) == direct.map(\.id))
        }
        let problems = direct.flatMap(\.problems).map(\.description).joined(separator: "\n")
        #expect(problems.contains("2026-01-01-linked-folder: is a symbolic link"), "\(problems)")
        #expect(problems.contains("2026-01-02-linked-file/incident.md: is a symbolic link"), "\(problems)")
        #expect(problems.contains("2026-01-03-fifo/timeline.jsonl: is not a regular file"), "\(problems)")
        #expect(problems.contains("2026-01-07-inner-link: is a symbolic link"), "\(problems)")
        #expect(!direct.map(\.title).contains("Not ours") && !direct.map(\.title).contains("Secret"))
    }
}
