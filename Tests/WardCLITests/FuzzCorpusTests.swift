import Foundation
import Testing

/// Every input the fuzzer kept (Tests/Corpus/fuzz/TARGET/), run again through the same parser by ward-fuzz
/// built without the fuzzer: a crash found once can never come back unnoticed.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Corpus/fuzz")
    static let targets = ["frontmatter", "journal", "checklist", "runbook", "markdown", "answers", "archive"]

    @Test(arguments: targets)
    func theKeptCorpusReplaysWithoutACrash(_ target: String) throws {
        let folder = Self.corpus.appending(path: target)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appending(path: $0).path }
        #expect(!files.isEmpty, "no corpus for \(target)")
        // In batches, to stay under the argument-length limit.
        for start in stride(from: 0, to: files.count, by: 500) {
            let batch = Array(files[start..<min(files.count, start + 500)])
            let result = try run([target] + batch, program: "ward-fuzz", timeout: 300)
            #expect(!result.killed && result.status == 0, "\(target): \(result.stderr.suffix(500))")
            #expect(result.stdout.contains("replayed \(batch.count) inputs through \(target)"))
        }
    }
}
