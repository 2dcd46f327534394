import Foundation

/// `ward-bench run`: generates each store once into the work directory, measures Ward and its peer on each,
/// prints each figure as it is measured and writes the report (see Report).
///
/// Every figure is the median of whole-process runs (posix_spawn, stdout to /dev/null, CLOCK_MONOTONIC),
/// after one untimed warm-up run so the page cache is warm.
struct Runner {
    /// Bump when the generator's output changes, so stores made by an older generator are made again.
    static let generatorVersion = "2"
    /// Where Ward keeps its derived cache in a store; removed before each "without cache" run.
    static let cacheDirectory = ".ward/cache"
    static let rows = ["search", "list-cached", "list-uncached", "adr-index", "adr-list", "log", "first-frame", "keys", "memory"]

    var sizes: [Int]
    var decisions: Int
    var repeats: Int
    var work: URL
    var ward: String
    var out: String
    var only: Set<String>
    /// This program, and bench-append beside it.
    let bench: String
    let benchAppend: String
    let rg = "/usr/bin/rg"
    let adr = "/usr/bin/adr"

    init(_ arguments: Arguments) throws {
        try arguments.refuseUnknown(["sizes", "decisions", "repeat", "work", "ward", "out", "only"])
        guard arguments.positional.isEmpty else { throw BenchError("run takes no arguments, only options\n" + usage) }
        sizes = try (arguments.options["sizes"] ?? "1000,5000,20000,50000").split(separator: ",").map {
            guard let size = Int($0.trimmingCharacters(in: .whitespaces)), size > 0 else { throw BenchError("--sizes: '\($0)' is not a size") }
            return size
        }
        decisions = try arguments.int("decisions", default: 2000)
        repeats = max(1, try arguments.int("repeat", default: 10))
        work = URL(fileURLWithPath: arguments.options["work"] ?? "/tmp/ward-bench").standardizedFileURL
        bench = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let directory = URL(fileURLWithPath: bench).deletingLastPathComponent()
        ward = arguments.options["ward"].map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? directory.appending(path: "ward").path
        benchAppend = directory.appending(path: "bench-append").path
        out = arguments.options["out"] ?? "BENCHMARKS.md"
        only = Set((arguments.options["only"] ?? Self.rows.joined(separator: ",")).split(separator: ",").map(String.init))
        if let unknown = only.subtracting(Self.rows).sorted().first {
            throw BenchError("--only: unknown '\(unknown)'; the rows are \(Self.rows.joined(separator: ", "))")
        }
        for program in [ward, benchAppend, rg] where !FileManager.default.isExecutableFile(atPath: program) {
            throw BenchError("\(program) is missing (build with 'swift build -c release', or give --ward PATH)")
        }
    }

    func run() throws {
        let machine = Machine.describe()
        var report = Report(machine: machine, repeats: repeats, sizes: sizes, ward: ward)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let perSize = !only.isDisjoint(with: ["search", "list-cached", "list-uncached", "log", "first-frame", "keys", "memory"])
        for size in sizes where perSize {
            let store = try prepare("store-\(size)", incidents: size, decisions: decisions, report: &report)
            try measure(size: size, store: store, report: &report)
        }
        if only.contains("adr-index") {
            let store = try prepare("adr-500", incidents: 100, decisions: 500, report: &report, adrDir: true)
            let wardRun = try time([ward, "--store", store, "adr", "index"])
            let adrRun = try time([adr, "generate", "toc"], in: store, repeats: 3)
            report.add(Report.Row(name: "adr-index", size: nil, ward: wardRun, peer: adrRun,
                                  wardCommand: "ward --store \(store) adr index", peerCommand: "cd \(store) && adr generate toc"))
        }
        if only.contains("adr-list") {
            let store = try prepare("adr-2000", incidents: 100, decisions: 2000, report: &report, adrDir: true)
            let wardRun = try time([ward, "--store", store, "adr", "list"])
            let adrRun = try time([adr, "list"], in: store)
            report.add(Report.Row(name: "adr-list", size: nil, ward: wardRun, peer: adrRun,
                                  wardCommand: "ward --store \(store) adr list", peerCommand: "cd \(store) && adr list"))
        }
        try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: out))
        say("wrote \(out)")
    }

    /// The figures of one store size. Each row's peer is timed in the same rounds as Ward, one run of each in
    /// turn, so a machine that slows down for a while slows both.
    func measure(size: Int, store: String, report: inout Report) throws {
        let rgArguments = [rg, "-l", "-i", "kafka", store]
        if !only.isDisjoint(with: ["search", "list-cached", "list-uncached", "first-frame"]) {
            let rgRun = try time(rgArguments, accept: [0, 1])
            report.add(Report.Row(name: "rg", size: size, ward: rgRun, peer: nil, wardCommand: "rg -l -i kafka \(store)", peerCommand: nil))
        }
        let rgCommand = "rg -l -i kafka \(store)"
        if only.contains("search") {
            let (run, peer) = try timeInTurn([ward, "--store", store, "search", "kafka", "--json"], against: rgArguments)
            report.add(Report.Row(name: "search", size: size, ward: run, peer: peer,
                                  wardCommand: "ward --store \(store) search kafka --json", peerCommand: rgCommand))
        }
        let list = [ward, "--store", store, "incident", "list", "--all", "--json"]
        let listCommand = "ward --store \(store) incident list --all --json"
        if only.contains("list-cached") {
            let (run, peer) = try timeInTurn(list, against: rgArguments)
            report.add(Report.Row(name: "list-cached", size: size, ward: run, peer: peer, wardCommand: listCommand, peerCommand: rgCommand))
        }
        if only.contains("list-uncached") {
            let cache = store + "/" + Self.cacheDirectory
            let (run, peer) = try timeInTurn(list, against: rgArguments) { try? FileManager.default.removeItem(atPath: cache) }
            report.add(Report.Row(name: "list-uncached", size: size, ward: run, peer: peer,
                                  wardCommand: "rm -rf \(cache); " + listCommand, peerCommand: rgCommand))
        }
        if only.contains("log") {
            try measureLog(size: size, store: store, report: &report)
        }
        if only.contains("first-frame") {
            let (run, peer) = try timeFirstFrame(store, against: rgArguments)
            report.add(Report.Row(name: "first-frame", size: size, ward: run, peer: peer,
                                  wardCommand: "ward-bench first-frame \(store)", peerCommand: rgCommand))
        }
        if only.contains("keys") {
            let finished = try Spawn.run([bench, "keys", store, "--json"], capture: true)
            guard finished.status == 0, let groups = try? JSONDecoder().decode([TUIProbe.Latencies].self, from: Data(finished.stdout.utf8)),
                  let worst = groups.filter({ $0.group == "scroll" || $0.group == "filter" }).max(by: { $0.p99 < $1.p99 }) else {
                throw BenchError("ward-bench keys \(store) failed: \(finished.stderr)")
            }
            // The target is the list's keys, scrolling and filtering: the worse of the two kinds counts. Typing a
            // search (which reads timelines) is reported beside it, not hidden in an overall p99.
            let detail = groups.map { "\($0.group) " + String(format: "p50 %.2f / p99 %.2f / max %.2f ms", $0.p50, $0.p99, $0.max) }
            report.add(Report.Row(name: "keys", size: size, ward: worst.p99, peer: nil, wardCommand: "ward-bench keys \(store)",
                                  peerCommand: nil, note: "p99 of the worse list kind (\(worst.group)); " + detail.joined(separator: "; ")))
        }
        if only.contains("memory") {
            let (megabytes, firstFrame) = try TUIProbe.peakMemory(ward: ward, store: store, home: work.appending(path: "home").path)
            report.add(Report.Row(name: "memory", size: size, ward: megabytes, peer: nil,
                                  wardCommand: "ward --store \(store) (in tmux 120x40: 2, a, 200 x j, filters, /kafka)",
                                  peerCommand: nil, note: String(format: "first frame in tmux after %.2f s", firstFrame)))
        }
    }

    /// `ward log` against bench-append on the same timeline of an incident that exists; the timeline is put
    /// back as it was afterwards (bench-append's lines are not events).
    func measureLog(size: Int, store: String, report: inout Report) throws {
        let ids = try FileManager.default.contentsOfDirectory(atPath: store + "/incidents").filter { !$0.hasPrefix(".") }.sorted()
        guard let id = ids.first else { throw BenchError("\(store) has no incidents") }
        let timeline = store + "/incidents/" + id + "/timeline.jsonl"
        let original = try Data(contentsOf: URL(fileURLWithPath: timeline))
        defer { try? original.write(to: URL(fileURLWithPath: timeline)) }
        let text = "benchmark note: replica lag back under one second"
        // A run is a few milliseconds, where a moment's noise weighs most: four times the rounds.
        let (wardRun, appendRun) = try timeInTurn([ward, "--store", store, "log", "--incident", id, text],
                                                  against: [benchAppend, timeline, text], repeats: repeats * 4)
        report.add(Report.Row(name: "log", size: size, ward: wardRun, peer: appendRun,
                              wardCommand: "ward --store \(store) log --incident \(id) \"\(text)\"",
                              peerCommand: "bench-append \(timeline) \"\(text)\""))
    }

    /// The TUI's first frame: the median, over `repeats` runs after one warm-up, of the time from the spawn of
    /// `ward-bench first-frame` until its frame is drawn (what it reports; its exit, which frees what it read,
    /// comes after the frame and is not counted).
    func timeFirstFrame(_ store: String, against peer: [String]) throws -> (Double, Double) {
        var times: [Double] = []
        var peerTimes: [Double] = []
        for round in 0...repeats {
            let peerRun = try Spawn.run(peer)
            guard peerRun.status == 0 || peerRun.status == 1 else { throw BenchError("\(peer.joined(separator: " ")) failed: \(peerRun.stderr.prefix(2000))") }
            if round > 0 { peerTimes.append(peerRun.milliseconds) }
            let finished = try Spawn.run([bench, "first-frame", store])
            guard finished.status == 0, let line = finished.stderr.split(separator: "\n").last(where: { $0.hasPrefix("first frame after ") }),
                  let milliseconds = Double(line.dropFirst("first frame after ".count).split(separator: " ").first ?? "") else {
                throw BenchError("ward-bench first-frame \(store) failed: \(finished.stderr.prefix(2000))")
            }
            if round > 0 { times.append(milliseconds) }
        }
        return (median(times), median(peerTimes))
    }

    /// The medians of `arguments` and of `peer` (exit 0 or 1), run in turn: a warm-up of each, then `repeats`
    /// rounds of one run each; `before` runs (untimed) before each of Ward's.
    func timeInTurn(_ arguments: [String], against peer: [String], repeats: Int? = nil,
                    before: () -> Void = {}) throws -> (Double, Double) {
        var times: [Double] = []
        var peerTimes: [Double] = []
        for round in 0...(repeats ?? self.repeats) {
            before()
            let finished = try Spawn.run(arguments)
            guard finished.status == 0 else {
                throw BenchError("\(arguments.joined(separator: " ")) exited with \(finished.status): \(finished.stderr.prefix(2000))")
            }
            let peerRun = try Spawn.run(peer)
            guard peerRun.status == 0 || peerRun.status == 1 else {
                throw BenchError("\(peer.joined(separator: " ")) exited with \(peerRun.status): \(peerRun.stderr.prefix(2000))")
            }
            if round > 0 {
                times.append(finished.milliseconds)
                peerTimes.append(peerRun.milliseconds)
            }
        }
        return (median(times), median(peerTimes))
    }

    /// The median of `repeats` runs after one warm-up, in ms.
    func time(_ arguments: [String], in directory: String? = nil, repeats: Int? = nil, accept: Set<Int32> = [0]) throws -> Double {
        var times: [Double] = []
        for round in 0...(repeats ?? self.repeats) {
            let finished = try Spawn.run(arguments, in: directory)
            guard accept.contains(finished.status) else {
                throw BenchError("\(arguments.joined(separator: " ")) exited with \(finished.status): \(finished.stderr.prefix(2000))")
            }
            if round > 0 { times.append(finished.milliseconds) }
        }
        return median(times)
    }

    /// The store `name` in the work directory, generated unless a marker beside it says it was made with the
    /// same arguments by this generator.
    func prepare(_ name: String, incidents: Int, decisions: Int, report: inout Report, adrDir: Bool = false) throws -> String {
        let directory = work.appending(path: name)
        let options = Generator.Options(directory: directory, incidents: incidents, decisions: decisions, seed: 1)
        let marker = work.appending(path: name + ".generated")
        let expected = options.command + "\ngenerator " + Self.generatorVersion + "\n"
        report.generated.append(options.command)
        if (try? String(contentsOf: marker, encoding: .utf8)) == expected {
            say("using \(directory.path) (\(options.command))")
            return directory.path
        }
        // Only a store this program made (its marker says so) is removed to be made again.
        if FileManager.default.fileExists(atPath: directory.path) {
            guard FileManager.default.fileExists(atPath: marker.path) else {
                throw BenchError("\(directory.path) exists and was not generated by ward-bench (no \(marker.lastPathComponent)); move it or pick another --work")
            }
            try FileManager.default.removeItem(at: directory)
        }
        try? FileManager.default.removeItem(at: marker)
        say("generating: \(options.command)")
        let started = Clock.now()
        var generator = Generator(options)
        _ = try generator.run()
        // adr-tools finds the records through `.adr-dir` where it runs; Ward reads ward.yaml and ignores it.
        if adrDir { try Data("decisions\n".utf8).write(to: directory.appending(path: ".adr-dir")) }
        say(String(format: "  generated in %.1f s", Clock.seconds(since: started)))
        // Files changed in the last two seconds are not trusted by the derived cache (their times could hide a
        // change, see FileSignature.isRecent), so a store measured the moment it is written would be read in
        // full every time: let it settle first, as a real store has.
        Thread.sleep(forTimeInterval: 2.5)
        try Data(expected.utf8).write(to: marker)
        return directory.path
    }
}
