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
@discardableResult
func run(_ arguments: [String], program: String = "ward", in directory: URL? = nil, environment extra: [String: String] = [:],
         timeout: TimeInterval = 60) throws -> RunResult {
    let process = Process()
    process.executableURL = buildDirectory.appending(path: program)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["WARD_USER"] = "tester@ci"
    environment["TZ"] = "UTC"
    environment.removeValue(forKey: "WARD_STORE")
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    final class Box: @unchecked Sendable { var data = Data() }
    let stdout = Box(), stderr = Box()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { stdout.data = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
    if done.wait(timeout: .now() + timeout) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        done.wait()
        Issue.record("\(program) \(arguments) did not finish within \(timeout) s")
    }
    group.wait()
    return RunResult(status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
                     stdout: String(decoding: stdout.data, as: UTF8.self), stderr: String(decoding: stderr.data, as: UTF8.self))
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
    let result = try run(arguments, in: scratch.url)
    #expect(result.status == status, "ward \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
    return result
}
