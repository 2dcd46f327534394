import Foundation
@testable import WardKit

/// A fresh directory under the system's temporary folder, removed when the test's value goes away.
final class TemporaryDirectory {
    let url: URL

    init() {
        url = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "ward-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ relative: String) -> String { url.appending(path: relative).path }

    func write(_ relative: String, _ text: String) {
        let target = url.appending(path: relative)
        try! FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: target)
    }

    func writeBytes(_ relative: String, _ bytes: [UInt8]) {
        let target = url.appending(path: relative)
        try! FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: target)
    }

    func read(_ relative: String) -> String? {
        (try? Data(contentsOf: url.appending(path: relative))).map { String(decoding: $0, as: UTF8.self) }
    }

    func bytes(_ relative: String) -> Data? { try? Data(contentsOf: url.appending(path: relative)) }

    /// Every file below the directory, relative, sorted.
    func allFiles() -> [String] {
        let walker = FileManager.default.enumerator(atPath: url.path)
        var files: [String] = []
        while let name = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.appending(path: name).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(name) }
        }
        return files.sorted()
    }
}

let fixedNow = Timestamps.parseISO("2026-11-23T03:14:07Z")!

/// A new store in a temporary directory, with a fixed author and clock.
func makeStore(_ directory: TemporaryDirectory, sys: any Syscalls = POSIXSyscalls(),
               now: @escaping @Sendable () -> Date = { fixedNow }) throws -> Store {
    try Store.create(at: directory.url, name: "Test")
    return try Store(root: directory.url, sys: sys, author: "ana@bastion-1", now: now)
}

/// Temporary files anywhere below the directory.
func temporaryFiles(in directory: TemporaryDirectory) -> [String] {
    directory.allFiles().filter { $0.hasSuffix(".ward-tmp") || $0.contains(".ward-tmp/") }
}

/// SplitMix64: random-looking values that are the same on every run, for shuffles and generated input.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
