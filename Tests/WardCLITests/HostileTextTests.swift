import Foundation
import Testing
@testable import WardKit

/// Escape sequences and bidi controls typed into every field a person can fill, then every command that
/// shows them: not one raw control byte reaches the terminal, on stdout or stderr.
@Suite struct HostileTextTests {
    /// CSI, OSC 0 (title) and 52 (clipboard), DCS, a C1 CSI, CR, BS, BEL, and a right-to-left override.
    static let payloads = ["\u{1B}[2J\u{1B}[31mred", "\u{1B}]0;owned\u{07}", "\u{1B}]52;c;aGFja2Vk\u{07}", "\u{1B}P1$qm\u{1B}\\",
                           "\u{9B}31m", "over\rwrite", "back\u{08}space", "bell\u{07}", "\u{202E}evil.md"]

    static func hostile(_ index: Int) -> String { "x " + payloads[index % payloads.count] + " y" }

    /// Control bytes and bidi controls other than newline and tab; the escape of C1 in UTF-8 included.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { TerminalSafe.isUnsafe($0) }.map { String(format: "U+%04X", $0.value) }
    }

    @Test func noFieldCanDriveTheTerminal() throws {
        let scratch = Scratch()
        #expect(try run(["init", scratch.url.path]).status == 0)
        func ward(_ arguments: [String]) throws -> RunResult { try run(arguments, in: scratch.url) }
        let id = try ward(["incident", "declare", Self.hostile(0), "--severity", "2", "--commander", Self.hostile(1),
                           "--service", Self.hostile(2)]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!id.isEmpty)
        for index in 0..<Self.payloads.count { _ = try ward(["log", "--incident", id, Self.hostile(index)]) }
        _ = try ward(["log", "--incident", id, "TODO: " + Self.hostile(3)])
        _ = try ward(["incident", "assign", id, "scribe", Self.hostile(4)])
        _ = try ward(["incident", "status", id, "identified", "--reason", Self.hostile(5)])
        _ = try ward(["runbook", "start", id])
        _ = try ward(["runbook", "skip", id, "pause-automation", "--reason", Self.hostile(6)])
        _ = try ward(["action", "add", id, Self.hostile(7), "--owner", Self.hostile(8)])
        _ = try ward(["adr", "new", Self.hostile(0), "--incident", id])
        let answers = ["backup-verified", "staging-tested", "rollback-written", "peer-reviewed", "row-counts-checked"]
            .flatMap { ["--answer", "\($0)=no", "--note", "\($0)=\(Self.hostile(answers_index($0)))"] }
        _ = try ward(["check", "run", "schema-change", "--incident", id] + answers)
        _ = try ward(["check", "run", "schema-change"] + answers)
        _ = try ward(["postmortem", "draft", id])

        var offenders: [String] = []
        for arguments in [["incident", "list", "--all"], ["incident", "show", id], ["timeline", id], ["runbook", "show", id, "--all"],
                          ["action", "list"], ["adr", "list"], ["adr", "show", "1"], ["adr", "index"], ["adr", "graph"],
                          ["check", "history"], ["check", "list"], ["postmortem", "show", id], ["metrics"], ["search", "x"],
                          ["overview"], ["doctor"], ["export"], ["incident", "list", "--all", "--json"], ["timeline", id, "--json"]] {
            let result = try ward(arguments)
            for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] where !Self.rawControls(text).isEmpty {
                offenders.append("ward \(arguments.joined(separator: " ")) \(stream): \(Set(Self.rawControls(text)).sorted())")
            }
        }
        // The words are kept as typed, escaped in JSON and in text: nothing was thrown away to be safe.
        let shown = try ward(["timeline", id, "--json"]).stdout
        #expect(shown.contains("\\u001b") || shown.contains("\\u001B"))
        #expect(try ward(["timeline", id]).stdout.contains("\\u{1B}]52;c;aGFja2Vk\\u{7}"))
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }
}

private func answers_index(_ id: String) -> Int { id.count }

/// New files follow the umask of the person writing: on a bastion with `umask 007` a group can share a store.
@Suite struct UmaskTests {
    @Test func newFilesFollowTheUmask() throws {
        let scratch = Scratch()
        #expect(try run(["init", scratch.url.path]).status == 0)
        let ward = buildDirectory.appending(path: "ward").path
        #expect(shell("umask 027; cd '\(scratch.url.path)' && '\(ward)' incident declare 'Shared' --severity 3 >/dev/null 2>&1") == 0)
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: scratch.path("incidents")).first { !$0.hasPrefix(".") })
        var info = stat()
        #expect(lstat(scratch.path("incidents/\(id)/timeline.jsonl"), &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(lstat(scratch.path("incidents/\(id)"), &info) == 0 && info.st_mode & 0o777 == 0o750)
        #expect(shell("umask 007; cd '\(scratch.url.path)' && '\(ward)' adr new 'Group decision' >/dev/null 2>&1") == 0)
        #expect(lstat(scratch.path("decisions/0001-group-decision.md"), &info) == 0 && info.st_mode & 0o777 == 0o660)
    }
}
