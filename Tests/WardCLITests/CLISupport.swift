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

/// Runs a built program to completion (or until `timeout`, then stops it and records an issue), through
/// WardKit's own runner (posix_spawn, pipes read with poll; Foundation's Process crashed the test runner
/// under many concurrent tests). It runs in the test runner's process group, with its own environment plus
/// WARD_USER and TZ, less WARD_STORE.
@discardableResult
func run(_ arguments: [String], program: String = "ward", in directory: URL? = nil, environment extra: [String: String] = [:],
         timeout: TimeInterval = 60) throws -> RunResult {
    var environment = ["WARD_USER": "tester@ci", "TZ": "UTC"]
    for (key, value) in extra { environment[key] = value }
    let finished = try Subprocess.run(buildDirectory.appending(path: program).path, arguments,
                                      in: (directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path,
                                      environment: environment, removing: ["WARD_STORE"], timeout: timeout, ownProcessGroup: false)
    if finished.timedOut { Issue.record("\(program) \(arguments) did not finish within \(timeout) s") }
    // As Foundation's Process said it: the signal's number when a signal ended it.
    return RunResult(status: finished.signal ?? finished.status, killed: finished.signal != nil,
                     stdout: finished.stdout, stderr: finished.stderr)
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
/// The longest wait before `killAtRandom` kills a run of `arguments`, so that kills land across a command's
/// whole life: 1.2 times the fastest of three runs. One run timed while the machine was busy (the suites run
/// in parallel) could be many times the usual, and most kills would then come after the command exited.
func killSpan(_ arguments: [String], in directory: URL) throws -> UInt32 {
    var fastest = Double.infinity
    for _ in 0..<3 {
        let start = Date()
        _ = try run(arguments, in: directory)
        fastest = min(fastest, Date().timeIntervalSince(start))
    }
    return UInt32(max(2000, fastest * 1_000_000 * 1.2))
}

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
