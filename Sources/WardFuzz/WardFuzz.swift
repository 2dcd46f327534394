// ward-fuzz: the parsers that read what people and other tools write, under libFuzzer.
//
//   WARD_FUZZ=1 swift build -c release --sanitize=fuzzer -Xswiftc -DWARD_FUZZING --product ward-fuzz --scratch-path .build-fuzz
//   WARD_FUZZ_TARGET=frontmatter .build-fuzz/release/ward-fuzz Tests/Corpus/fuzz/frontmatter -max_total_time=600
//
// Targets: frontmatter, journal, checklist, runbook, markdown, answers, archive. Built without the fuzzer
// (as the test suite builds it), the same program replays corpus files given as arguments, so every input
// the fuzzer ever kept is run again by `swift test`.
import Foundation
import WardKit

/// Feeds one input to one parser. Errors are expected; a crash, a hang or a trap is what is sought.
func feed(_ target: String, _ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    switch target {
    case "frontmatter":
        _ = try? FrontMatterDocument(text, path: "fuzz.md")
        _ = try? RecordText(data, path: "fuzz.md")
        _ = try? IncidentRecord(data: data, path: "fuzz.md")
        _ = try? Decision(data: data, path: "decisions/0001-fuzz.md")
    case "journal":
        let journal = Journal(data: data, path: "timeline.jsonl")
        _ = IncidentState.fold(journal.events, record: nil)
        for (index, event) in journal.events.enumerated() {
            _ = TimelineText.describe(event)
            _ = try? ChecklistRun(event: event, incident: nil, path: "runs.jsonl", line: journal.lines[index])
        }
    case "checklist":
        _ = try? Checklist(name: "fuzz", text: text, path: "checklists/fuzz.md", builtIn: false)
    case "runbook":
        _ = try? Runbook(name: "fuzz", text: text, path: "runbooks/fuzz.md", builtIn: false)
    case "markdown":
        _ = SafeMarkdown.render(text)
    case "answers":
        _ = try? ChecklistAnswers(yaml: text, path: "answers.yaml")
    case "archive":
        _ = try? TarArchive.read(data, source: "fuzz.tar")
    default:
        fatalError("unknown WARD_FUZZ_TARGET \(target)")
    }
}

let fuzzTarget = ProcessInfo.processInfo.environment["WARD_FUZZ_TARGET"] ?? "frontmatter"

#if WARD_FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    feed(fuzzTarget, Data(bytes: bytes, count: count))
    return 0
}
#else
/// Replay: ward-fuzz TARGET FILE... runs each file through TARGET's parser and prints how many.
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let target = arguments.first else {
            FileHandle.standardError.write(Data("usage: ward-fuzz TARGET FILE...\n".utf8))
            exit(2)
        }
        var count = 0
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            feed(target, data)
            count += 1
        }
        print("replayed \(count) inputs through \(target)")
    }
}
#endif
