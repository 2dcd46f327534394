import Foundation
import Testing

/// `ward-bench generate`: the benchmark's stores are the same bytes for the same arguments, and Ward reads
/// them as its own: no problems, every incident and decision listed, 40 events a timeline.
@Suite struct GeneratorTests {
    /// Generates a store of 60 incidents and 40 decisions into a new directory of `scratch`.
    func generate(_ scratch: Scratch, _ name: String, seed: Int = 1) throws -> URL {
        let directory = scratch.url.appending(path: name)
        let result = try run(["generate", directory.path, "--incidents", "60", "--decisions", "40", "--seed", String(seed)],
                             program: "ward-bench")
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    /// Every file under `directory`, by relative path, with its bytes.
    func tree(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            files[String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws {
        let scratch = Scratch()
        let first = try tree(try generate(scratch, "a"))
        let second = try tree(try generate(scratch, "b"))
        #expect(first.count > 150)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (path, data) in first where second[path] != data {
            Issue.record("\(path) differs between two runs with the same seed")
        }
        let other = try tree(try generate(scratch, "c", seed: 2))
        #expect(other != first)
    }

    @Test func wardReadsTheGeneratedStoreWithoutProblems() throws {
        let scratch = Scratch()
        let store = try generate(scratch, "store").path

        let doctor = try run(["--store", store, "doctor", "--json"])
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
        let problems = (try json(doctor.stdout) as? [String: Any])?["problems"] as? [Any]
        #expect(problems?.isEmpty == true, "\(doctor.stdout)")

        let incidents = try run(["--store", store, "incident", "list", "--all", "--json"])
        #expect(incidents.status == 0, "\(incidents.stderr)")
        #expect((try json(incidents.stdout) as? [Any])?.count == 60)

        let decisions = try run(["--store", store, "adr", "list", "--json"])
        #expect(decisions.status == 0, "\(decisions.stderr)")
        #expect((try json(decisions.stdout) as? [Any])?.count == 40)

        let ids = try FileManager.default.contentsOfDirectory(atPath: store + "/incidents")
        #expect(ids.count == 60)
        for id in ids {
            let timeline = try String(contentsOfFile: store + "/incidents/\(id)/timeline.jsonl", encoding: .utf8)
            #expect(timeline.split(separator: "\n").count == 40, "\(id)")
            #expect(timeline.hasSuffix("\n"))
        }
    }

    @Test func aDirectoryThatIsNotEmptyIsRefused() throws {
        let scratch = Scratch()
        try Data("keep me\n".utf8).write(to: scratch.url.appending(path: "notes.txt"))
        let result = try run(["generate", scratch.url.path, "--incidents", "5"], program: "ward-bench")
        #expect(result.status == 2)
        #expect(result.stderr.contains("not empty"))
        #expect(scratch.allFiles() == ["notes.txt"])
    }
}
