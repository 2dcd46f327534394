import Foundation
import WardKit

/// `ward-bench generate DIR --incidents N [--decisions M] [--seed S]`: a store of realistic shape and any
/// size, the same bytes for the same arguments. It streams: each incident is planned, written and forgotten;
/// only the decisions' plans (a few hundred bytes each) and their links to incidents stay in memory.
///
/// Chance comes only from `Random` (one stream per record, see there), times from fixed constants, and
/// nothing iterates a dictionary or a directory in an order that is not sorted. Files are written with plain
/// writes: this is a fresh fixture directory, not somebody's store, so Ward's durable write path is not needed.
struct Generator {
    struct Options: Equatable {
        var directory: URL
        var incidents: Int
        var decisions = 2000
        var seed: UInt64 = 1

        /// The command that makes this store, for reports and the runner's marker file.
        var command: String {
            "ward-bench generate \(directory.path) --incidents \(incidents) --decisions \(decisions) --seed \(seed)"
        }
    }

    struct Summary {
        var incidents = 0
        var resolved = 0
        var postmortems = 0
        var decisions = 0
        var checklistRuns = 0
        var kafkaIncidents = 0
        var files = 0
        var bytes = 0
    }

    /// The stores cover six years up to this fixed day (never the clock), so two runs agree.
    static let end = 1_795_132_800  // 2026-11-20T00:00:00Z
    static let span = 6 * 365 * 86400
    static var start: Int { end - span }

    let options: Options
    let root: URL
    var summary = Summary()

    init(_ options: Options) {
        self.options = options
        root = options.directory.standardizedFileURL
    }

    /// Writes the whole store. Refuses a directory that exists and is not empty.
    mutating func run() throws -> Summary {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: root.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BenchError("\(root.path) exists and is not a directory; nothing was written") }
            if let entries = try? manager.contentsOfDirectory(atPath: root.path), !entries.isEmpty {
                throw BenchError("\(root.path) exists and is not empty; give a new directory (nothing was written)")
            }
        }
        guard options.incidents >= 0, options.decisions >= 0, options.incidents < 1 << 20 else {
            throw BenchError("--incidents must be between 0 and 1048575, --decisions at least 0")
        }
        for directory in ["", "incidents", "decisions", "checklists/runs", "runbooks"] {
            try manager.createDirectory(at: root.appending(path: directory), withIntermediateDirectories: true)
        }
        try writeStoreFiles()
        let store = try Store(root: root, author: "bench@generator", now: { Date(timeIntervalSince1970: Double(Generator.end)) })

        let decisions = DecisionPlanner(options).plan()
        // Which decisions each incident's timeline records: the other side of each decision's `incidents`.
        var decisionsOfIncident: [Int: [DecisionPlan]] = [:]
        for decision in decisions {
            for index in decision.incidentIndices { decisionsOfIncident[index, default: []].append(decision) }
        }

        // Incidents depend on nothing but their index, so the cores share them out; the files are the same
        // whichever core writes them.
        let writer = IncidentWriter(options: options, store: store)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let results = Results(workers)
        let links = decisionsOfIncident, options = options
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var part = Summary()
            do {
                for index in stride(from: worker, to: options.incidents, by: workers) {
                    let written = try writer.write(index, decisions: links[index] ?? [])
                    part.incidents += 1
                    part.resolved += written.resolved ? 1 : 0
                    part.postmortems += written.postmortem ? 1 : 0
                    part.kafkaIncidents += written.kafka ? 1 : 0
                    part.files += written.files
                    part.bytes += written.bytes
                }
                results.set(worker, .success(part))
            } catch {
                results.set(worker, .failure(error))
            }
        }
        for result in results.all {
            let part = try result.get()
            summary.incidents += part.incidents
            summary.resolved += part.resolved
            summary.postmortems += part.postmortems
            summary.kafkaIncidents += part.kafkaIncidents
            summary.files += part.files
            summary.bytes += part.bytes
        }

        let decisionFiles = try DecisionWriter(options: options, root: root).write(decisions)
        summary.decisions = decisions.count
        summary.files += decisionFiles.files
        summary.bytes += decisionFiles.bytes

        let runs = try ChecklistRunWriter(options: options, root: root).write()
        summary.checklistRuns = runs.runs
        summary.files += runs.files
        summary.bytes += runs.bytes
        return summary
    }

    /// `ward.yaml` as `ward init` writes it, `.gitignore` and `.gitattributes` as `ward init` writes them.
    mutating func writeStoreFiles() throws {
        let templates = Templates(store: nil)
        let config = try templates.render("ward.yaml", [
            "name": FrontMatterEditor.scalar("Bench \(options.incidents) incidents"),
            "decisions_dir": "decisions", "decisions_format": "madr",
        ])
        try write("ward.yaml", config)
        try write(".gitignore", Store.gitIgnoreLines.map { $0 + "\n" }.joined())
        try write(".gitattributes", Store.gitAttributeLines.map { $0 + "\n" }.joined())
    }

    mutating func write(_ relative: String, _ text: String) throws {
        summary.bytes += try writeFile(root.appending(path: relative), text)
        summary.files += 1
    }

    // MARK: Shared by the writers

    /// The random stream of one record: kinds apart, so incident 3 and decision 3 never share numbers.
    enum Stream: UInt64 {
        case incidentHeader = 1, incidentBody, decision, decisionText, checklistRun, plan
    }

    static func random(_ options: Options, _ stream: Stream, _ index: Int) -> Random {
        Random(options.seed, stream: stream.rawValue << 40 | UInt64(index))
    }

    static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: Double(seconds)) }

    /// `user@host` as Ward records it: a laptop, or one of the bastions.
    static func author(_ person: String, _ random: inout Random) -> String {
        random.chance(0.35) ? person + "@" + random.pick(Prose.hosts) : person + "@" + person + "-laptop"
    }
}

/// What each worker wrote, collected under a lock.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Generator.Summary, Error>?]

    init(_ count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Generator.Summary, Error>) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [Result<Generator.Summary, Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results.map { $0 ?? .failure(BenchError("a worker did not finish")) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Creates `url` holding `text`; returns its size. A plain open/write/close: Foundation's `Data.write` fsyncs
/// every file, which made generating a large store wait on the disk for minutes, and a fixture that is cut
/// short is simply generated again.
func writeFile(_ url: URL, _ text: String) throws -> Int {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BenchError("cannot create \(url.path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var text = text
    return try text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw BenchError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
            offset += written
        }
        return buffer.count
    }
}
