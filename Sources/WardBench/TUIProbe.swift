import Foundation
import WardKit
import WardTUI

/// The terminal UI measured without a terminal (first frame, keystrokes) and with one (peak memory in tmux).
enum TUIProbe {
    static let width = 120, height = 40

    /// What `ward` does before its first frame, as `TUIRunner` does it: open the store, load the snapshot,
    /// build the app state, draw the dashboard into a Screen. Prints the frame as text and exits at once, as
    /// the first frame is on screen by then (freeing what was built is the last thing the real TUI does).
    static func firstFrame(_ arguments: Arguments) throws {
        try arguments.refuseUnknown([])
        guard arguments.positional.count == 1 else { throw BenchError("first-frame needs the store's DIR") }
        let state = try load(arguments.positional[0])
        print(Views.render(state).text)
        fflush(nil)
        // Started by `ward-bench run`: how long from its spawn until the frame was drawn and shown.
        if let spawned = ProcessInfo.processInfo.environment["WARD_BENCH_SPAWNED"].flatMap(UInt64.init) {
            FileHandle.standardError.write(Data(String(format: "first frame after %.3f ms\n", Clock.milliseconds(since: spawned)).utf8))
        }
        exit(0)
    }

    static func load(_ directory: String) throws -> AppState {
        let store = try Store(root: URL(fileURLWithPath: directory))
        var state = AppState(snapshot: Snapshot.load(store), width: width, height: height, now: Date())
        state.user = store.author.split(separator: "@").first.map(String.init) ?? store.author
        return state
    }

    struct Latencies: Codable {
        var group: String
        var count: Int
        var p50: Double
        var p99: Double
        var max: Double

        init(_ group: String, _ values: [Double]) {
            self.group = group
            count = values.count
            p50 = percentile(values, 0.5)
            p99 = percentile(values, 0.99)
            max = values.max() ?? .nan
        }
    }

    /// Loads as above, opens the incidents list (all incidents, `a`), then times, each as update plus view
    /// into the Screen: 1,000 scroll keys (j, k, page down, page up, end, home, mixed); the list's filter
    /// keys (severity s, status t, service v, active a, clear x); and typing a search of a few characters,
    /// then backspacing it (the incidents list has no text filter of its own; `/` is the search every
    /// screen offers). Prints p50/p99/max in ms per group and for all keys together.
    static func keys(_ arguments: Arguments) throws {
        try arguments.refuseUnknown(["json"])
        guard arguments.positional.count == 1 else { throw BenchError("keys needs the store's DIR") }
        var state = try load(arguments.positional[0])
        _ = Views.render(state)
        func timed(_ key: Key) -> Double {
            let start = Clock.now()
            _ = App.update(&state, .key(key))
            let screen = Views.render(state)
            let elapsed = Clock.milliseconds(since: start)
            precondition(screen.width == width)
            return elapsed
        }
        _ = timed(.character("2"))
        _ = timed(.character("a"))
        var random = Random(1, stream: 42)
        var scroll: [Double] = []
        for _ in 0..<1000 {
            let roll = random.int(100)
            let key: Key = roll < 60 ? .character("j") : roll < 72 ? .character("k") : roll < 84 ? .pageDown
                : roll < 92 ? .pageUp : roll < 96 ? .end : .home
            scroll.append(timed(key))
        }
        let filter = [Key.character("s"), .character("s"), .character("t"), .character("v"), .character("a"), .character("a"),
                      .character("x"), .character("a")].map(timed)
        var typing = [timed(.character("/"))]
        for character in "kafka" { typing.append(timed(.character(character))) }
        for _ in 0..<5 { typing.append(timed(.backspace)) }
        typing.append(timed(.escape))
        let groups = [Latencies("scroll", scroll), Latencies("filter", filter), Latencies("search", typing),
                      Latencies("all", scroll + filter + typing)]
        if arguments.options["json"] != nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(groups), as: UTF8.self))
        } else {
            for group in groups {
                print(group.group.padding(toLength: 7, withPad: " ", startingAt: 0)
                      + String(format: "%5d keys  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms", group.count, group.p50, group.p99, group.max))
            }
        }
    }

    /// Runs the real `ward --store DIR` in tmux at 120x40, waits for its first frame, opens the incidents
    /// list (all of them), scrolls 200 lines, filters, searches, opens the help, then reads the process's VmHWM. Returns MB, and the
    /// seconds to the first frame as tmux saw it.
    static func peakMemory(ward: String, store: String, home: String) throws -> (megabytes: Double, firstFrame: Double) {
        let tmux = ["/usr/bin/tmux", "-L", "ward-bench", "-f", "/dev/null"]
        func run(_ arguments: [String]) throws -> String {
            let finished = try Spawn.run(tmux + arguments, capture: true)
            guard finished.status == 0 else { throw BenchError("tmux \(arguments.joined(separator: " ")) failed: \(finished.stderr)") }
            return finished.stdout
        }
        _ = try? Spawn.run(tmux + ["kill-server"])
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let start = Clock.now()
        // Several arguments: tmux runs the command itself, no shell in between, so the pane's pid is ward's.
        _ = try run(["new-session", "-d", "-s", "bench", "-x", String(width), "-y", String(height),
                     "/usr/bin/env", "TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC", "HOME=" + home, "WARD_USER=bench@bench",
                     ward, "--store", store])
        defer { _ = try? Spawn.run(tmux + ["kill-server"]) }
        func screen() -> String { (try? run(["capture-pane", "-p", "-t", "bench"])) ?? "" }
        func waitFor(_ text: String, timeout: Double) throws {
            let begun = Clock.now()
            // Polled often at first, then less, so tmux does not take the CPU ward is waited for.
            var pause: UInt32 = 10_000
            while !screen().contains(text) {
                if Clock.seconds(since: begun) > timeout { throw BenchError("ward did not show '\(text)' within \(Int(timeout)) s:\n\(screen())") }
                usleep(pause)
                pause = min(250_000, pause * 3 / 2)
            }
        }
        try waitFor("Incidents", timeout: 300)
        let firstFrame = Clock.seconds(since: start)
        let panePID = try run(["list-panes", "-t", "bench", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(panePID) else { throw BenchError("tmux gave no pane pid: '\(panePID)'") }
        func send(_ keys: [String]) throws { _ = try run(["send-keys", "-t", "bench"] + keys) }
        try send(["2", "a"])
        for _ in 0..<4 { try send(Array(repeating: "j", count: 50)) }
        try send(["NPage", "NPage", "s", "t", "v", "x", "a"])
        try send(["/", "k", "a", "f", "k", "a"])
        try send(["BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "Escape"])
        // Keys are handled in order: once the help the last key asks for is on screen, all were handled
        // (the search runs on every key typed, which takes a while in a large store).
        try send(["?"])
        try waitFor("the seven screens", timeout: 1800)
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        guard command == "ward", let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else {
            throw BenchError("could not read VmHWM of pid \(pid) (\(command))")
        }
        // The ward this started, by its pid; the server goes with the deferred kill-server.
        kill(pid, SIGTERM)
        return (kilobytes / 1024, firstFrame)
    }
}
