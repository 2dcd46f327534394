import Foundation
import WardKit

// ward-bench: generates realistic stores and measures Ward against its peers on them (GitHub issue 9).
//
//   ward-bench generate DIR --incidents N [--decisions M=2000] [--seed S=1]
//   ward-bench run [--sizes 1000,5000,20000,50000] [--decisions 2000] [--repeat R=10] [--work DIR=/tmp/ward-bench]
//                  [--ward PATH] [--out BENCHMARKS.md] [--only NAMES]
//   ward-bench first-frame DIR      what the TUI does before its first frame, then exit
//   ward-bench keys DIR             keystroke latencies on the incidents list (p50/p99/max)
//   ward-bench phases DIR           where the time before the first frame goes, step by step

let usage = """
usage: ward-bench generate DIR --incidents N [--decisions M] [--seed S]
       ward-bench run [--sizes N,N,...] [--decisions M] [--repeat R] [--work DIR] [--ward PATH] [--out FILE] [--only NAMES]
       ward-bench first-frame DIR
       ward-bench keys DIR [--json]
       ward-bench phases DIR
"""

/// `--name value` and `--name=value` options, and the rest in order.
struct Arguments {
    var positional: [String] = []
    var options: [String: String] = [:]

    init(_ arguments: [String], flags: Set<String> = []) throws {
        var rest = arguments[...]
        while let first = rest.popFirst() {
            guard first.hasPrefix("--") else { positional.append(first); continue }
            let name = String(first.dropFirst(2))
            if let equals = name.firstIndex(of: "=") {
                options[String(name[..<equals])] = String(name[name.index(after: equals)...])
            } else if flags.contains(name) {
                options[name] = "true"
            } else {
                guard let value = rest.popFirst() else { throw BenchError("--\(name) needs a value") }
                options[name] = value
            }
        }
    }

    func int(_ name: String, default value: Int? = nil) throws -> Int {
        guard let text = options[name] else {
            guard let value else { throw BenchError("--\(name) is required") }
            return value
        }
        guard let number = Int(text.replacingOccurrences(of: "_", with: "")), number >= 0 else {
            throw BenchError("--\(name) must be a whole number, not '\(text)'")
        }
        return number
    }

    func refuseUnknown(_ known: Set<String>) throws {
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw BenchError("unknown option --\(unknown)\n" + usage)
        }
    }
}

func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func generate(_ arguments: Arguments) throws {
    try arguments.refuseUnknown(["incidents", "decisions", "seed"])
    guard arguments.positional.count == 1 else { throw BenchError("generate needs one DIR\n" + usage) }
    let options = Generator.Options(directory: URL(fileURLWithPath: arguments.positional[0]),
                                    incidents: try arguments.int("incidents"), decisions: try arguments.int("decisions", default: 2000),
                                    seed: UInt64(try arguments.int("seed", default: 1)))
    let started = Clock.now()
    var generator = Generator(options)
    let summary = try generator.run()
    let seconds = Clock.seconds(since: started)
    print("""
    \(generator.root.path): \(summary.incidents) incidents (\(summary.resolved) resolved, \(summary.postmortems) post-mortems, \
    \(summary.kafkaIncidents) with 'kafka'), \(summary.decisions) decisions, \(summary.checklistRuns) checklist runs; \
    \(summary.files) files, \(summary.bytes / 1_000_000) MB in \(String(format: "%.1f", seconds)) s
    """)
}

var command = Array(CommandLine.arguments.dropFirst())
let name = command.isEmpty ? "" : command.removeFirst()
do {
    switch name {
    case "generate": try generate(try Arguments(command))
    case "run": try Runner(try Arguments(command)).run()
    case "first-frame": try TUIProbe.firstFrame(try Arguments(command))
    case "keys": try TUIProbe.keys(try Arguments(command, flags: ["json"]))
    case "phases": try Phases.run(try Arguments(command))
    case "-h", "--help", "help": print(usage)
    default:
        say(usage)
        exit(2)
    }
} catch {
    say("ward-bench: \(error)")
    exit(2)
}
