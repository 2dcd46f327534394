import Foundation
import Testing
@testable import WardKit

/// The malformed corpus (Tests/Corpus/malformed, one file per case, named TARGET--CASE): each file is put where
/// Ward would read it, then every reading command runs. None may crash or hang; `ward doctor` names the file
/// (and its line where there is one); the file is left byte for byte as it was.
@Suite struct MalformedCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Corpus/malformed")
    static let names = ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.contains("--") }.sorted()

    /// Where a file of each target goes in a store with one incident.
    static func place(_ target: String, incident: String) -> String? {
        switch target {
        case "incident.md": return "incidents/\(incident)/incident.md"
        case "timeline.jsonl": return "incidents/\(incident)/timeline.jsonl"
        case "postmortem.md": return "incidents/\(incident)/postmortem.md"
        case "decision.md": return "decisions/0002-malformed.md"
        case "checklist.md": return "checklists/malformed.md"
        case "runbook.md": return "runbooks/malformed.md"
        case "runs.jsonl": return "checklists/runs/malformed.jsonl"
        case "ward.yaml": return "ward.yaml"
        default: return nil
        }
    }

    @Test func theCorpusHasAtLeastFiftyFiles() {
        #expect(Self.names.count >= 50)
    }

    @Test(arguments: names)
    func aMalformedFileIsReportedAndLeftAlone(_ name: String) throws {
        let target = String(name.split(separator: "-", omittingEmptySubsequences: false).prefix { !$0.isEmpty }.joined(separator: "-"))
        let scratch = Scratch()
        let id = try storeWithIncident(scratch)
        #expect(try run(["adr", "new", "A good decision"], in: scratch.url).status == 0)
        let relative = try #require(Self.place(String(name.components(separatedBy: "--")[0]), incident: id), "\(target)")
        let bytes = try Data(contentsOf: Self.corpus.appending(path: name))
        let destination = scratch.url.appending(path: relative)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: destination)

        let doctor = try run(["doctor", "--json"], in: scratch.url, timeout: 30)
        for arguments in [["incident", "list", "--all", "--json"], ["timeline", id], ["adr", "list"], ["check", "list"],
                          ["check", "history"], ["search", "title"], ["metrics"], ["export"], ["overview"]] {
            let result = try run(arguments, in: scratch.url, timeout: 30)
            #expect(!result.killed && result.status < 64 || result.status == 64, "\(name): ward \(arguments.joined(separator: " ")) crashed (\(result.status)): \(result.stderr.prefix(300))")
        }
        #expect(!doctor.killed, "\(name): doctor crashed")
        // 1: problems found; 2: the store itself cannot be opened (ward.yaml); 0 only where all it found are warnings.
        #expect([0, 1, 2].contains(doctor.status), "\(name): doctor exited \(doctor.status)")
        let named = doctor.stdout.contains("\"path\":\"\(relative)\"") || doctor.stderr.contains(relative)
        #expect(named, "\(name): doctor did not name \(relative): \(doctor.stdout.prefix(400)) \(doctor.stderr.prefix(200))")
        #expect(try Data(contentsOf: destination) == bytes, "\(name): the file was changed")
    }
}
