import Foundation
import Testing
@testable import WardKit

/// The built `ward` and `ward-torture`, beside the test runner in the build folder.
let buildDirectory: URL = {
    let runner = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    var directory = runner.deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appending(path: "ward").path) && directory.path != "/" {
        directory = directory.deletingLastPathComponent()
    }
    return directory
}()

struct RunResult {
    var status: Int32
    var killed: Bool
    var stdout: String
    var stderr: String
}

/// Runs a built program to completion (or until `timeout`, then kills it and records an issue).
///
/// posix_spawn, not Foundation's Process: many tests start programs at once from many threads, and
/// Process.run crashed the test runner under that load (a bad pointer in its argument copying, and a fatal
/// `try!` on EINTR while reading its pipes). Here every descriptor but the three is closed in the child, both
/// pipes are read with poll until the child has exited, and EINTR is retried.
@discardableResult
func run(_ arguments: [String], program: String = "ward", in directory: URL? = nil, environment extra: [String: String] = [:],
         timeout: TimeInterval = 60) throws -> RunResult {
    var environment = ProcessInfo.processInfo.environment
    environment["WARD_USER"] = "tester@ci"
    environment["TZ"] = "UTC"
    environment.removeValue(forKey: "WARD_STORE")
    for (key, value) in extra { environment[key] = value }

    var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
    guard pipe(&out) == 0 else { throw WardTestError("pipe failed") }
    guard pipe(&err) == 0 else { close(out[0]); close(out[1]); throw WardTestError("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out[1], 1)
    posix_spawn_file_actions_adddup2(&actions, err[1], 2)
    closeInheritedDescriptors(&actions)
    if let directory {
        // glibc's posix_spawn_file_actions_addchdir_np (2.29 and later), which Swift's Glibc module does not import.
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            throw WardTestError("this libc cannot start a program in another directory")
        }
        _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory.path)
    }
    let path = buildDirectory.appending(path: program).path
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
    close(out[1])
    close(err[1])
    guard spawned == 0 else {
        close(out[0])
        close(err[0])
        throw WardTestError("could not start \(path): \(String(cString: strerror(spawned)))")
    }
    var stdout = Data(), stderr = Data()
    var open = [out[0], err[0]]
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(timeout)
    var killed = false
    while !open.isEmpty {
        if !killed && Date() > deadline {
            kill(pid, SIGKILL)
            killed = true
            Issue.record("\(program) \(arguments) did not finish within \(timeout) s")
        }
        var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&polls, nfds_t(polls.count), 100)
        if ready < 0 && errno != EINTR { break }
        for entry in polls where entry.revents != 0 {
            let count = read(entry.fd, &buffer, buffer.count)
            if count > 0 {
                if entry.fd == out[0] { stdout.append(contentsOf: buffer[0..<count]) } else { stderr.append(contentsOf: buffer[0..<count]) }
            } else if count == 0 || errno != EINTR {
                close(entry.fd)
                open.removeAll { $0 == entry.fd }
            }
        }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
    // As Foundation's Process said it: the signal's number when a signal ended it.
    return RunResult(status: signaled ? status & 0x7f : (status >> 8) & 0xff, killed: signaled,
                     stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// A fresh directory, removed afterwards.
final class Scratch {
    let url: URL
    init() {
        url = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ relative: String) -> String { url.appending(path: relative).path }
    func read(_ relative: String) -> String? {
        (try? Data(contentsOf: url.appending(path: relative))).map { String(decoding: $0, as: UTF8.self) }
    }
    func allFiles() -> [String] {
        let walker = FileManager.default.enumerator(atPath: url.path)
        var files: [String] = []
        while let name = walker?.nextObject() as? String { files.append(name) }
        return files.sorted()
    }
}

/// A store with one active incident; returns the incident's id.
func storeWithIncident(_ scratch: Scratch) throws -> String {
    #expect(try run(["init", scratch.url.path]).status == 0)
    let declared = try run(["incident", "declare", "Checkout returns 500", "--severity", "2"], in: scratch.url)
    #expect(declared.status == 0, "\(declared.stderr)")
    return declared.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

/// Runs `ward` in a scratch store and expects its exit status (0 unless said), naming the command and its
/// stderr when it differs.
@discardableResult
func ward(_ scratch: Scratch, _ arguments: String..., expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    try ward(in: scratch.url, arguments, expect: status, sourceLocation: sourceLocation)
}

/// `ward(_:_:)` in any folder.
@discardableResult
func ward(in directory: URL, _ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    let result = try run(arguments, in: directory)
    #expect(result.status == status, "ward \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
    return result
}

/// Starts a process and kills it with SIGKILL after a random delay; returns whether it was killed
/// before it finished, and its exit status otherwise.
func killAtRandom(_ program: String, _ arguments: [String], in directory: URL, within microseconds: ClosedRange<UInt32>,
                  environment extra: [String: String] = [:]) throws -> (killed: Bool, status: Int32, stdout: String) {
    let process = Process()
    process.executableURL = buildDirectory.appending(path: program)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["WARD_USER"] = "tester@ci"
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    usleep(UInt32.random(in: microseconds))
    kill(process.processIdentifier, SIGKILL)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationReason == .uncaughtSignal, process.terminationStatus, String(decoding: stdout, as: UTF8.self))
}
