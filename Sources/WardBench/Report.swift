import Foundation
import WardKit

/// The figures, printed as they come in and written as BENCHMARKS.md: the machine, how the stores were
/// made, one table of the issue's targets, and one of how each figure grows with the store.
struct Report {
    /// One figure: Ward's (ms, or MB for memory, p99 ms for keys) and its peer's where it has one.
    struct Row: Sendable {
        var name: String
        /// Incidents in the store; nil for the decision-record rows, measured on their own stores.
        var size: Int?
        var ward: Double
        var peer: Double?
        var wardCommand: String
        var peerCommand: String?
        var note = ""
    }

    /// A target of issue 9 ("Performance at scale"), at 20,000 incidents.
    struct Target: Sendable {
        var name: String
        var measure: String
        var peerName: String?
        var goal: String
        /// Whether the row meets it, and the ratio shown.
        var check: @Sendable (Row) -> (ratio: Double?, pass: Bool)
    }

    static let targetSize = 20_000

    static let targets: [Target] = [
        Target(name: "search", measure: "full-text search", peerName: "rg -l -i", goal: "≤ 0.5x rg") { ratio($0, max: 0.5) },
        Target(name: "list-cached", measure: "incident list --all --json, cache warm", peerName: "rg", goal: "≤ 0.3x rg") { ratio($0, max: 0.3) },
        Target(name: "list-uncached", measure: "incident list --all --json, no cache", peerName: "rg", goal: "≤ 2x rg") { ratio($0, max: 2) },
        Target(name: "adr-index", measure: "adr index, 500 decisions", peerName: "adr generate toc", goal: "≥ 200x faster") { row in
            guard let peer = row.peer else { return (nil, false) }
            return (peer / row.ward, peer / row.ward >= 200)
        },
        Target(name: "adr-list", measure: "adr list, 2,000 decisions", peerName: "adr list", goal: "≤ 2x adr list") { ratio($0, max: 2) },
        Target(name: "log", measure: "log a note", peerName: "bench-append", goal: "≤ 1.5x bench-append") { ratio($0, max: 1.5) },
        Target(name: "first-frame", measure: "TUI first frame (load + draw)", peerName: "rg", goal: "≤ 0.3x rg") { ratio($0, max: 0.3) },
        Target(name: "keys", measure: "TUI keystroke p99 (update + view), scrolling and filtering the list", peerName: nil, goal: "< 4 ms") { ($0.ward, $0.ward < 4) },
        Target(name: "memory", measure: "TUI peak memory (VmHWM)", peerName: nil, goal: "< 150 MB") { ($0.ward, $0.ward < 150) },
    ]

    static func ratio(_ row: Row, max: Double) -> (ratio: Double?, pass: Bool) {
        guard let peer = row.peer, peer > 0 else { return (nil, false) }
        return (row.ward / peer, row.ward / peer <= max)
    }

    let machine: Machine
    let repeats: Int
    let sizes: [Int]
    let ward: String
    var rows: [Row] = []
    var generated: [String] = []

    init(machine: Machine, repeats: Int, sizes: [Int], ward: String) {
        self.machine = machine
        self.repeats = repeats
        self.sizes = sizes
        self.ward = ward
    }

    /// Adds a row and prints it.
    mutating func add(_ row: Row) {
        rows.append(row)
        var line = "[\(row.size.map(Self.grouped) ?? "-")] " + row.name.padding(toLength: 14, withPad: " ", startingAt: 0)
            + " ward " + Self.figure(row)
        if let peer = row.peer { line += "  peer " + String(format: "%.1f ms", peer) }
        if let target = Self.targets.first(where: { $0.name == row.name }) {
            let (ratio, pass) = target.check(row)
            if let ratio, target.peerName != nil { line += String(format: "  ratio %.3g", ratio) }
            line += "  (target \(target.goal): \(pass ? "pass" : "FAIL"))"
        }
        if !row.note.isEmpty { line += "  " + row.note }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func figure(_ row: Row) -> String {
        switch row.name {
        case "memory": return String(format: "%.1f MB", row.ward)
        case "keys": return String(format: "p99 %.2f ms", row.ward)
        default: return String(format: "%.1f ms", row.ward)
        }
    }

    static func grouped(_ number: Int) -> String { NumberText.grouped(number) }

    func markdown() -> String {
        var lines = [
            "# Ward benchmarks",
            "",
            "Issue 9, \"Performance at scale\": Ward against the tools people would otherwise use, on generated stores.",
            "Written by `ward-bench run` on \(machine.date); reproduce with",
            "`scripts/bench --sizes \(sizes.map(String.init).joined(separator: ",")) --repeat \(repeats)` (a release build, then `ward-bench run`).",
            "",
            "## Machine",
            "",
            "- `uname -a`: \(machine.uname)",
            "- CPU: \(machine.cpu), \(machine.cores) cores; memory: \(machine.memory)",
            "- \(machine.swift)",
            "- \(machine.ripgrep)",
            "- adr-tools: \(machine.adrTools)",
            "- ward: `\(ward)`",
            "",
            "## Method",
            "",
            "Each figure is the median of \(repeats) whole-process runs (3 for `adr generate toc`, which is slow), each started",
            "with posix_spawn, stdout to /dev/null, timed with CLOCK_MONOTONIC from spawn to exit, after one untimed",
            "warm-up run so the page cache is warm. \"No cache\" runs delete the store's `\(Runner.cacheDirectory)` before",
            "each run (untimed). The TUI's first frame and keystrokes are measured headless by `ward-bench` (the same",
            "`Snapshot.load`, `AppState`, `App.update` and `Views.render` the real TUI runs, into a 120x40 Screen); the",
            "first frame is timed from the spawn of `ward-bench first-frame` until its frame is drawn and printed (it",
            "reports that moment; its exit, which frees what it read, comes after the frame and is not counted).",
            "Each row's peer is timed in the same rounds as Ward's command, one run of each in turn, so that the",
            "ratio compares runs made at the same moments (the `rg` row of the growth table is timed on its own);",
            "`ward log` and bench-append, a few milliseconds each, take \(repeats * 4) rounds.",
            "Keystrokes, each timed as update plus view on the list of all incidents: 1,000 scroll keys (j k, page",
            "up and down, home, end), the list's filter keys (s t v a x), and typing a search (`/kafka`) then",
            "backspacing it; the target (scrolling and filtering the list) is judged on the worse p99 of the first two kinds, and search typing is reported beside it. Peak memory is the",
            "real `ward` in tmux at 120x40 after opening the incidents list, scrolling 200 lines, filtering and",
            "searching (VmHWM from /proc).",
            "",
            "Stores (the same bytes for the same command):",
            "",
        ]
        lines += Array(Set(generated)).sorted().map { "- `\($0)`" }

        let largest = sizes.filter { $0 <= Self.targetSize }.max() ?? sizes.min() ?? Self.targetSize
        lines += ["", "## Targets", ""]
        if largest != Self.targetSize {
            lines.append("The targets are set at \(Self.grouped(Self.targetSize)) incidents, which this run did not measure; the figures below are at \(Self.grouped(largest)).")
            lines.append("")
        }
        lines += ["| target | ward command | ward | peer command | peer | ratio | target | result |",
                  "| --- | --- | ---: | --- | ---: | ---: | --- | --- |"]
        for target in Self.targets {
            guard let row = rows.first(where: { $0.name == target.name && ($0.size == nil || $0.size == largest) }) else { continue }
            let (ratio, pass) = target.check(row)
            let ratioText = target.peerName == nil ? "" : ratio.map { String(format: "%.3g", $0) } ?? "?"
            let size = row.size.map { " (\(Self.grouped($0)) incidents)" } ?? ""
            lines.append("| \(target.measure)\(size) | `\(row.wardCommand)` | \(Self.figure(row)) | "
                         + (row.peerCommand.map { "`\($0)`" } ?? "") + " | " + (row.peer.map { String(format: "%.1f ms", $0) } ?? "")
                         + " | \(ratioText) | \(target.goal) | \(pass ? "pass" : "**fail**") |")
        }
        let notes = rows.filter { !$0.note.isEmpty }
        if !notes.isEmpty {
            lines += ["", "Details:", ""]
            lines += notes.map { "- \($0.name) at \($0.size.map(Self.grouped) ?? "-") incidents: \($0.note)" }
        }

        lines += ["", "## Growth", "",
                  "Each figure at each store size (ms; MB for memory; p99 ms for keys). The last column is how much the",
                  "figure grew from the smallest store to the largest, divided by how much the store grew: 1 or less",
                  "means it grows no faster than the store.", ""]
        let names = ["rg"] + Self.targets.map(\.name).filter { name in rows.contains { $0.name == name && $0.size != nil } }
        lines.append("| measure | " + sizes.map(Self.grouped).joined(separator: " | ") + " | growth / store growth |")
        lines.append("| --- | " + sizes.map { _ in "---:" }.joined(separator: " | ") + " | ---: |")
        for name in names {
            let values = sizes.map { size in rows.first { $0.name == name && $0.size == size }?.ward }
            var growth = ""
            if let first = values.first ?? nil, let last = values.last ?? nil, sizes.count > 1, first > 0 {
                growth = String(format: "%.2f", (last / first) / (Double(sizes.last!) / Double(sizes.first!)))
            }
            lines.append("| \(name) | " + values.map { $0.map { String(format: "%.1f", $0) } ?? "" }.joined(separator: " | ") + " | \(growth) |")
            if name == "log", sizes.contains(where: { size in rows.contains { $0.name == "log" && $0.size == size } }) {
                let peers = sizes.map { size in rows.first { $0.name == "log" && $0.size == size }?.peer }
                lines.append("| bench-append | " + peers.map { $0.map { String(format: "%.1f", $0) } ?? "" }.joined(separator: " | ") + " | |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
