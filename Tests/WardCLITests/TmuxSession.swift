import Foundation
import Testing
import WardKit

/// A program running in a private tmux server: keys in, screen text out. Polls instead of sleeping.
final class TmuxSession {
    let socket = "ward-test-\(UUID().uuidString.prefix(8))"
    let home: Scratch

    init(_ command: String, width: Int = 100, height: Int = 30, home: Scratch = Scratch(), directory: URL? = nil) throws {
        self.home = home
        let environment = "env -i PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") HOME=\(home.url.path) " +
            "TERM=tmux-256color LANG=C.UTF-8 TZ=UTC WARD_USER=tester@tmux"
        let script = "cd '\((directory ?? home.url).path)' && \(environment) \(command)"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", String(width), "-y", String(height), "sh", "-c", script])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        // posix_spawn and waitpid rather than Process: tmux's server forks off the first client, and a
        // command that starts it must not hand it our pipe, which it would hold open forever.
        try spawnAndRead(["tmux", "-L", socket] + arguments, captureOutput: !arguments.contains("new-session"))
    }

    func keys(_ keys: String...) { _ = try? tmux(["send-keys", "-t", "w"] + keys) }
    func type(_ text: String) { _ = try? tmux(["send-keys", "-t", "w", "-l", "--", text]) }
    func screen(escapes: Bool = false) -> String { (try? tmux(["capture-pane", "-p", "-t", "w"] + (escapes ? ["-e"] : []))) ?? "" }
    func resize(_ width: Int, _ height: Int) { _ = try? tmux(["resize-window", "-t", "w", "-x", String(width), "-y", String(height)]) }
    var title: String { ((try? tmux(["display-message", "-p", "-t", "w", "#{pane_title}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    var panePID: Int32 { Int32(((try? tmux(["display-message", "-p", "-t", "w", "#{pane_pid}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }

    /// An xterm mouse press and release at a cell (0-based).
    func click(x: Int, y: Int) {
        let press = "\u{1B}[M" + String(UnicodeScalar(32)) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
        let release = "\u{1B}[M" + String(UnicodeScalar(35)) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
        type(press + release)
    }

    /// Waits until the screen holds `text`; records an issue with the screen when it does not in time.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen().contains(text) { return true }
            usleep(50_000)
        }
        Issue.record("'\(text)' did not appear within \(timeout) s. Screen:\n\(screen())", sourceLocation: sourceLocation)
        return false
    }

    /// How long until the screen holds `text`, or nil.
    func timeUntil(_ text: String, timeout: TimeInterval) -> TimeInterval? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if screen().contains(text) { return Date().timeIntervalSince(start) }
            usleep(20_000)
        }
        return nil
    }
}

/// Runs a program found on PATH and returns what it printed on stdout (nothing when not captured).
func spawnAndRead(_ argv: [String], captureOutput: Bool) throws -> String {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var pipeFDs: [Int32] = [-1, -1]
    if captureOutput {
        guard pipe(&pipeFDs) == 0 else { throw WardTestError("pipe failed") }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    // Nothing else of ours goes with it: a tmux server lives on, and any pipe it inherited (the test
    // runner's own, another test's) would never see its end.
    Subprocess.closeInheritedDescriptors(&actions)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
    if captureOutput { close(pipeFDs[1]) }
    guard spawned == 0 else {
        if captureOutput { close(pipeFDs[0]) }
        throw WardTestError("could not start \(argv[0])")
    }
    var output = Data()
    if captureOutput {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(pipeFDs[0], &buffer, buffer.count)
            if count > 0 { output.append(contentsOf: buffer[0..<count]) } else if count < 0 && errno == EINTR { continue } else { break }
        }
        close(pipeFDs[0])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return String(decoding: output, as: UTF8.self)
}

struct WardTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
