import CWardSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What to signal to stop the program `Subprocess.run` is waiting for (the latest, when several run at
/// once): its process group (negative) or its pid; 0: none. For `stopRunning` and the signal handlers
/// `forwardTerminationSignals` installs.
private let runningTarget = Atomic<Int32>(0)

/// Another program run to its end, bounded in time: its exit status and what it printed.
///
/// posix_spawn, not Foundation's Process (which crashed under concurrent use here: a bad pointer in its argument
/// copying, and a fatal `try!` on EINTR while reading its pipes). The program runs in a process group of its
/// own, which is killed whole when the time is up (git starts ssh and its remote helpers; killing git alone
/// would leave them holding the pipes). Standard input is /dev/null: nothing ever waits for a person.
public struct Subprocess: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Killed because `timeout` passed.
    public var timedOut: Bool
    /// The signal that ended it, if one did (`status` is then 128 + its number).
    public var signal: Int32?

    public var succeeded: Bool { status == 0 && !timedOut }

    /// The last line of standard error that says something (git puts the reason last), or of standard output.
    public var reason: String {
        let lines = (stderr + "\n" + stdout).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.last { !$0.isEmpty && !$0.hasPrefix("hint:") } ?? "exit status \(status)"
    }

    /// The first argument that makes the `ward` program start another in its place (see `diesWithParent`).
    public static let childArgument = "--ward-internal-exec-dying-with-parent"

    /// The program that starts a child dying with its parent: set by the `ward` program to itself, which
    /// handles `childArgument` first thing (`becomeChild`). Nil: children are started directly.
    nonisolated(unsafe) public static var trampoline: String?

    /// Makes the running program the trampoline (it must handle `childArgument` first thing): through
    /// /proc/self/exe, the program itself even if its file has since been replaced or removed (an upgrade).
    public static func startChildrenThroughThisProgram() {
        trampoline = FileManager.default.isExecutableFile(atPath: "/proc/self/exe") ? "/proc/self/exe" : nil
    }

    /// The child side of the trampoline: asks for SIGTERM when the parent goes (kill -9 included), then
    /// becomes the program. `arguments`: [self, childArgument, parent's pid, program, its arguments...].
    public static func becomeChild(_ arguments: [String]) -> Never {
        guard arguments.count >= 4 else { _exit(127) }
        _ = ward_die_with_parent(SIGTERM)
        // The parent may have gone before the request was made: then the program must not start at all.
        guard String(getppid()) == arguments[2] else { _exit(125) }
        let argv = arguments.dropFirst(3).map { strdup($0) } + [nil]
        execv(arguments[3], argv)
        let message = "ward: cannot run \(arguments[3]): \(String(cString: strerror(errno)))\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(127)
    }

    /// Runs `executable` with `arguments` in `directory`, with this process's environment less `removing`,
    /// plus `environment`. `ownProcessGroup`: started in a group of its own, stopped whole on a timeout.
    /// With `diesWithParent` (and a `trampoline`), it is stopped when this process ends in any way, even
    /// kill -9: a git that rewrites the work tree must not outlive the Ward that holds the lock for it.
    public static func run(_ executable: String, _ arguments: [String], in directory: String,
                           environment extra: [String: String] = [:], removing: Set<String> = [], timeout: TimeInterval,
                           diesWithParent: Bool = false, ownProcessGroup: Bool = true) throws -> Subprocess {
        if diesWithParent, let trampoline {
            return try run(trampoline, [childArgument, String(getpid()), executable] + arguments, in: directory,
                           environment: extra, removing: removing, timeout: timeout, ownProcessGroup: ownProcessGroup)
        }
        var environment = ProcessInfo.processInfo.environment
        for key in removing { environment.removeValue(forKey: key) }
        for (key, value) in extra { environment[key] = value }
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw WardError("cannot run \(executable): \(String(cString: strerror(errno)))") }
        guard pipe(&err) == 0 else {
            close(out[0]); close(out[1])
            throw WardError("cannot run \(executable): \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        // Nothing else of this process goes with it (a lock, a pipe another thread reads).
        closeInheritedDescriptors(&actions)
        // glibc's posix_spawn_file_actions_addchdir_np (2.29 and later), which Swift's Glibc module does not import.
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let chdirSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            throw WardError("this C library cannot start a program in another directory")
        }
        _ = unsafeBitCast(chdirSymbol, to: AddChdir.self)(&actions, directory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own (0: its pid), so the whole of it can be stopped.
        // Signals this process ignores (a terminal's SIGHUP, a caller's SIGTERM) are the child's to handle
        // again: the parent-death signal must reach it.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF)
        if ownProcessGroup {
            flags |= Int16(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, flags)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(out[1])
        close(err[1])
        guard spawned == 0 else {
            close(out[0]); close(err[0])
            throw WardError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        // The whole group when it has one of its own; otherwise the program alone.
        let target = ownProcessGroup ? -pid : pid
        runningTarget.store(target, ordering: .sequentiallyConsistent)
        defer { runningTarget.store(0, ordering: .sequentiallyConsistent) }
        var collected: [[UInt8]] = [[], []]
        var open = [out[0], err[0]]
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.contains(where: { $0 >= 0 }) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 {
                timedOut = true
                break
            }
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            for (index, entry) in polled.enumerated() where entry.fd >= 0 && entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index] += buffer[0..<count]
                } else if count == 0 || errno != EINTR {
                    close(entry.fd)
                    open[index] = -1
                }
            }
        }
        for fd in open where fd >= 0 { close(fd) }
        // The pipes are closed; the program may still run (it closed them itself): it gets what time is left.
        var status: Int32 = 0
        var reaped = false
        var pause: UInt32 = 200
        while !reaped && !timedOut {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) { reaped = true; break }
            if deadline.timeIntervalSinceNow <= 0 { timedOut = true; break }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        if !reaped {
            // Politely, then not: a program that ignores the first signal is not waited for long.
            kill(target, SIGTERM)
            let grace = Date().addingTimeInterval(1)
            while !reaped {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno != EINTR) { reaped = true; break }
                if Date() > grace {
                    kill(target, SIGKILL)
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    reaped = true
                }
                usleep(20_000)
            }
        }
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        let exit = signaled ? 128 + (status & 0x7f) : (status >> 8) & 0xff
        return Subprocess(status: timedOut ? 124 : exit, stdout: String(decoding: collected[0], as: UTF8.self),
                          stderr: String(decoding: collected[1], as: UTF8.self), timedOut: timedOut,
                          signal: signaled ? status & 0x7f : nil)
    }

    /// Closes every descriptor above 2 in the child: glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and
    /// later, which Swift's Glibc module does not import), found at run time, or else each descriptor open now.
    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(name), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
    }

    /// Stops the program being waited for, and all it started (Ward is leaving: a git left running on its own
    /// would go on rewriting the work tree with no lock held).
    public static func stopRunning() {
        let target = runningTarget.load(ordering: .sequentiallyConsistent)
        if target != 0 { kill(target, SIGTERM) }
    }

    /// Until the process ends, SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill, a dropped SSH link) stop the program
    /// being waited for before they end this process, as they would have without the process group of its own.
    public static func forwardTerminationSignals() {
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in
                let target = runningTarget.load(ordering: .sequentiallyConsistent)
                if target != 0 { kill(target, SIGTERM) }
                Glibc.signal(received, SIG_DFL)
                raise(received)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
