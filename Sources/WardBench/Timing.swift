import Foundation

/// CLOCK_MONOTONIC, in nanoseconds.
enum Clock {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double { Double(now() - start) / 1e9 }
    static func milliseconds(since start: UInt64) -> Double { Double(now() - start) / 1e6 }
}

/// One finished run of a program.
struct Finished {
    var status: Int32
    /// Wall time from just before posix_spawn to just after waitpid.
    var milliseconds: Double
    /// The child's peak resident set (ru_maxrss), in MB.
    var peakMB: Double
    var stdout: String
    var stderr: String
}

/// Whole-process runs with posix_spawn (not Foundation's Process, whose own overhead would be timed).
enum Spawn {
    /// The environment every measured program gets: UTC, a fixed author, no store from the caller.
    static let environment: [String] = {
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        environment["WARD_USER"] = "bench@bench"
        environment["LANG"] = "C.UTF-8"
        environment.removeValue(forKey: "WARD_STORE")
        return environment.keys.sorted().map { "\($0)=\(environment[$0]!)" }
    }()

    /// Runs `arguments` (the first is the program's path) in `directory`, stdin from /dev/null, stdout to
    /// /dev/null unless `capture`, stderr kept in a file for the message when it fails.
    static func run(_ arguments: [String], in directory: String? = nil, capture: Bool = false) throws -> Finished {
        let scratch = NSTemporaryDirectory() + "ward-bench-\(getpid())-"
        let outPath = scratch + "out", errPath = scratch + "err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let directory {
            // glibc's posix_spawn_file_actions_addchdir_np, which Swift's Glibc module does not import.
            typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
                throw BenchError("this libc cannot start a program in another directory")
            }
            _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        // The moment of the spawn, for a program that reports when it got somewhere (the first frame).
        let start = Clock.now()
        let envp = (environment + ["WARD_BENCH_SPAWNED=\(start)"]).map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchError("could not start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = Clock.milliseconds(since: start)
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let finished = Finished(status: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), milliseconds: elapsed,
                                peakMB: Double(usage.ru_maxrss) / 1024, stdout: capture ? read(outPath) : "", stderr: read(errPath))
        unlink(outPath)
        unlink(errPath)
        return finished
    }

    /// The first line a program prints (for versions), or what went wrong.
    static func firstLine(_ arguments: [String]) -> String {
        guard let finished = try? run(arguments, capture: true) else { return "(\(arguments[0]) not found)" }
        return finished.stdout.split(separator: "\n").first.map(String.init) ?? "(no output)"
    }
}

/// The median of `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The value below which `fraction` of `values` lie (nearest rank).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[max(0, min(sorted.count - 1, rank))]
}
