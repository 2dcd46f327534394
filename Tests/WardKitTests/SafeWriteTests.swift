import Foundation
import Testing
@testable import WardKit

@Suite struct SafeWriteTests {
    let original = Data("---\nstatus: proposed\n---\n# Keep me\n".utf8)
    let replacement = Data("---\nstatus: accepted\n---\n# Keep me\n".utf8)

    @Test func replaceWritesAndKeepsTheMode() throws {
        let dir = TemporaryDirectory()
        let files = StoreFiles(root: dir.url)
        dir.writeBytes("decisions/0001-a.md", Array(original))
        chmod(dir.path("decisions/0001-a.md"), 0o640)
        try files.replace("decisions/0001-a.md", with: replacement, expecting: .content(ContentHash(original)))
        #expect(dir.bytes("decisions/0001-a.md") == replacement)
        var info = stat()
        stat(dir.path("decisions/0001-a.md"), &info)
        #expect(info.st_mode & 0o7777 == 0o640)
        #expect(temporaryFiles(in: dir).isEmpty)
    }

    @Test func replaceRefusesWhenSomeoneElseChangedTheFile() throws {
        let dir = TemporaryDirectory()
        let files = StoreFiles(root: dir.url)
        dir.writeBytes("a.md", Array(original))
        let loaded = ContentHash(original)
        dir.write("a.md", "changed by a teammate\n")
        #expect(throws: WardError.self) {
            try files.replace("a.md", with: replacement, expecting: .content(loaded))
        }
        #expect(dir.read("a.md") == "changed by a teammate\n")
        #expect(throws: WardError.self) { try files.replace("a.md", with: replacement, expecting: .absent) }
    }

    /// Every system call of a replace, made to fail in turn: the old content stays, the error says what
    /// failed, and no fsync is tried twice.
    @Test(arguments: [FaultInjectingSyscalls.Operation.open, .read, .write, .fsync, .rename, .fchmod, .close, .flock, .mkdir],
          [ENOSPC, EIO, EACCES])
    func everyFailingCallLeavesTheOldContent(operation: FaultInjectingSyscalls.Operation, code: Int32) throws {
        for call in 1...6 {
            for persistent in [false, true] {
                let dir = TemporaryDirectory()
                dir.writeBytes("decisions/0001-a.md", Array(original))
                try FileManager.default.createDirectory(atPath: dir.path(".ward/locks"), withIntermediateDirectories: true)
                let sys = FaultInjectingSyscalls([.init(operation, call: call, errno: code, persistent: persistent)])
                let files = StoreFiles(root: dir.url, sys: sys)
                var failure: WardError?
                do {
                    try files.replace("decisions/0001-a.md", with: replacement, expecting: .content(ContentHash(original)))
                } catch let error as WardError {
                    failure = error
                }
                let now = dir.bytes("decisions/0001-a.md")
                let injected = sys.log.contains { $0.failed }
                if let failure {
                    #expect(injected, "an error without an injected fault: \(failure)")
                    #expect(failure.path == "decisions/0001-a.md" || failure.path?.hasPrefix(".ward") == true)
                    #expect(failure.message.contains(errnoDescription(code)) || failure.message.contains("cannot"), "\(failure)")
                    let afterRename = failure.message.contains("new content is in place")
                    #expect(now == (afterRename ? replacement : original), "\(operation) #\(call): \(failure)")
                } else {
                    // The fault hit a call the replace does not depend on (a close after success, say).
                    #expect(now == replacement || now == original)
                }
                #expect(now == original || now == replacement, "torn file after \(operation) #\(call)")
                #expect(temporaryFiles(in: dir).isEmpty, "temp file left after \(operation) #\(call)")
                let fsyncs = sys.log.filter { $0.operation == .fsync }
                if let firstFailed = fsyncs.firstIndex(where: \.failed) {
                    #expect(fsyncs.count == firstFailed + 1, "an fsync was tried again after it failed")
                }
            }
        }
    }

    @Test func appendWritesOneLineAndSyncsIt() throws {
        let dir = TemporaryDirectory()
        // The locks' folder made beforehand (in a store without one, the first append makes it: see below).
        try FileManager.default.createDirectory(at: dir.url.appending(path: ".ward/locks"), withIntermediateDirectories: true)
        let sys = FaultInjectingSyscalls()
        let files = StoreFiles(root: dir.url, sys: sys)
        try files.append("t.jsonl", line: Data("{\"a\":1}\n".utf8))
        try files.append("t.jsonl", line: Data("{\"a\":2}\n".utf8))
        #expect(dir.read("t.jsonl") == "{\"a\":1}\n{\"a\":2}\n")
        #expect(sys.count(.write) == 2)
        // The work tree's lock, shared, around each append (so that a sync's git never rewrites it meanwhile).
        #expect(sys.count(.flock) == 4)
        // One fsync per line, and one of the directory when the first append created the journal.
        #expect(sys.count(.fsync) == 3)
        // Without the locks' folder, the first append makes .ward/ and .ward/locks/, each synced into its parent.
        let bare = TemporaryDirectory()
        let counting = FaultInjectingSyscalls()
        try StoreFiles(root: bare.url, sys: counting).append("t.jsonl", line: Data("{\"a\":1}\n".utf8))
        #expect(counting.count(.fsync) == 4 && counting.count(.mkdir) == 2)
    }

    @Test func appendClosesATornLastLineBeforeWriting() throws {
        let dir = TemporaryDirectory()
        dir.write("t.jsonl", "{\"a\":1}\n{\"a\":")
        try StoreFiles(root: dir.url).append("t.jsonl", line: Data("{\"a\":2}\n".utf8))
        #expect(dir.read("t.jsonl") == "{\"a\":1}\n{\"a\":\n{\"a\":2}\n")
    }

    @Test(arguments: [ENOSPC, EIO])
    func aFailedOrShortAppendLeavesNoPartialLine(code: Int32) throws {
        for rule in [FaultInjectingSyscalls.Rule(.write, call: 1, errno: code),
                     FaultInjectingSyscalls.Rule(.write, call: 1, errno: code, shortWrite: 5)] {
            let dir = TemporaryDirectory()
            dir.write("t.jsonl", "{\"a\":1}\n")
            let files = StoreFiles(root: dir.url, sys: FaultInjectingSyscalls([rule]))
            #expect(throws: WardError.self) { try files.append("t.jsonl", line: Data("{\"a\":2}\n".utf8)) }
            #expect(dir.read("t.jsonl") == "{\"a\":1}\n")
        }
    }

    @Test func aFailedFsyncOfAnAppendIsReportedAndNotRetried() throws {
        let dir = TemporaryDirectory()
        let sys = FaultInjectingSyscalls([.init(.fsync, call: 1, errno: EIO)])
        let files = StoreFiles(root: dir.url, sys: sys)
        #expect {
            try files.append("t.jsonl", line: Data("{\"a\":2}\n".utf8))
        } throws: { error in
            (error as? WardError)?.message.contains("EIO") == true
        }
        #expect(sys.count(.fsync) == 1)
    }

    @Test func symlinksInsideTheStoreAreNeverFollowed() throws {
        let dir = TemporaryDirectory()
        let outside = TemporaryDirectory()
        outside.write("secret.txt", "do not touch\n")
        let files = StoreFiles(root: dir.url)
        // At the record's name.
        try FileManager.default.createSymbolicLink(atPath: dir.path("a.md"), withDestinationPath: outside.path("secret.txt"))
        #expect(throws: WardError.self) { try files.replace("a.md", with: replacement, expecting: .absent) }
        #expect(throws: WardError.self) { try files.append("a.md", line: Data("x\n".utf8)) }
        // At a directory on the way.
        try FileManager.default.createSymbolicLink(atPath: dir.path("incidents"), withDestinationPath: outside.url.path)
        #expect(throws: WardError.self) { try files.append("incidents/secret.txt", line: Data("x\n".utf8)) }
        #expect(throws: WardError.self) { try files.replace("incidents/new.md", with: replacement, expecting: .absent) }
        // At the lock's name.
        try FileManager.default.createDirectory(atPath: dir.path(".ward/locks"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path(".ward/locks/" + StoreFiles.lockFileName(for: "b.md")),
                                                   withDestinationPath: outside.path("secret.txt"))
        #expect(throws: WardError.self) { try files.replace("b.md", with: replacement, expecting: .absent) }
        // At a temporary file's name (as a dead writer's would be): the sweep removes the link, never its target,
        // and the write goes on through a fresh temporary file of its own.
        let planted = ".c.md.\(StoreFiles.hostTag).999999.zz\(StoreFiles.temporarySuffix)"
        try FileManager.default.createSymbolicLink(atPath: dir.path(planted), withDestinationPath: outside.path("secret.txt"))
        try files.replace("c.md", with: replacement, expecting: .absent)
        #expect(dir.read("c.md") == String(decoding: replacement, as: UTF8.self))
        #expect(outside.read("secret.txt") == "do not touch\n")
        #expect(outside.allFiles() == ["secret.txt"])
    }

    @Test func orphanedTemporaryFilesAreSweptByTheNextWrite() throws {
        let dir = TemporaryDirectory()
        // pid 999999 is above the kernel's default pid_max, so no process has it.
        let host = StoreFiles.hostTag
        dir.write("decisions/.0001-a.md.\(host).999999.abc.ward-tmp", "half written")
        dir.write("decisions/.0002-b.md.\(host).\(getpid()).abc.ward-tmp", "ours, in flight")
        // Another machine's (a store on a shared disk): its writer may be alive; left alone unless a day old.
        dir.write("decisions/.0003-c.md.otherhost.999999.abc.ward-tmp", "someone else's, in flight")
        let files = StoreFiles(root: dir.url)
        #expect(files.orphanedTemporaries(in: "decisions") == ["decisions/.0001-a.md.\(host).999999.abc.ward-tmp"])
        try files.replace("decisions/0004-d.md", with: original, expecting: .absent)
        #expect(dir.read("decisions/.0001-a.md.\(host).999999.abc.ward-tmp") == nil)
        #expect(dir.read("decisions/.0002-b.md.\(host).\(getpid()).abc.ward-tmp") != nil)
        #expect(dir.read("decisions/.0003-c.md.otherhost.999999.abc.ward-tmp") != nil)
    }

    /// A syscall seam that replaces the journal (as git checkout or an editor would) just before the lock.
    final class ReplacingBeforeLock: Syscalls, @unchecked Sendable {
        let real = POSIXSyscalls()
        let journal: String
        var replaced = false
        init(journal: String) { self.journal = journal }
        func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { real.open(path, flags, mode) }
        func close(_ fd: Int32) -> Int32 { real.close(fd) }
        func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { real.read(fd, buffer, count) }
        func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { real.write(fd, buffer, count) }
        func fsync(_ fd: Int32) -> Int32 { real.fsync(fd) }
        func rename(_ from: String, _ to: String) -> Int32 { real.rename(from, to) }
        func mkdir(_ path: String, _ mode: mode_t) -> Int32 { real.mkdir(path, mode) }
        func fchmod(_ fd: Int32, _ mode: mode_t) -> Int32 { real.fchmod(fd, mode) }
        func ftruncate(_ fd: Int32, _ length: off_t) -> Int32 { real.ftruncate(fd, length) }
        func unlink(_ path: String) -> Int32 { real.unlink(path) }
        func rmdir(_ path: String) -> Int32 { real.rmdir(path) }
        func flock(_ fd: Int32, _ operation: Int32) -> Int32 {
            if !replaced {
                replaced = true
                let copy = journal + ".new"
                try! FileManager.default.copyItem(atPath: journal, toPath: copy)
                _ = real.rename(copy, journal)
            }
            return real.flock(fd, operation)
        }
    }

    @Test func anAppendFollowsAJournalReplacedWhileItWaitedForTheLock() throws {
        let dir = TemporaryDirectory()
        dir.write("t.jsonl", "{\"a\":1}\n")
        let files = StoreFiles(root: dir.url, sys: ReplacingBeforeLock(journal: dir.path("t.jsonl")))
        try files.append("t.jsonl", line: Data("{\"a\":2}\n".utf8))
        #expect(dir.read("t.jsonl") == "{\"a\":1}\n{\"a\":2}\n")
    }

    @Test func readsRefuseLinkedDirectoriesAndNeverHangOnAFIFO() throws {
        let dir = TemporaryDirectory()
        let outside = TemporaryDirectory()
        outside.write("inc/incident.md", "outside\n")
        try FileManager.default.createDirectory(atPath: dir.path("incidents"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path("incidents/evil"), withDestinationPath: outside.path("inc"))
        let files = StoreFiles(root: dir.url)
        #expect(throws: WardError.self) { try files.read("incidents/evil/incident.md") }
        #expect(mkfifo(dir.path("fifo.md"), 0o644) == 0)
        #expect { try files.read("fifo.md") } throws: { "\($0)".contains("not a regular file") }
    }

    @Test func aDirectoryIsCreatedWholeOrNotAtAll() throws {
        for call in 1...4 {
            let dir = TemporaryDirectory()
            try FileManager.default.createDirectory(atPath: dir.path("incidents"), withIntermediateDirectories: true)
            let sys = FaultInjectingSyscalls([.init(.fsync, call: call, errno: EIO)])
            let files = StoreFiles(root: dir.url, sys: sys)
            let result = Result {
                try files.createDirectoryAtomically("incidents/x", files: [("a", Data("1".utf8)), ("b", Data("2".utf8))])
            }
            let exists = FileManager.default.fileExists(atPath: dir.path("incidents/x"))
            switch result {
            case .success: #expect(dir.read("incidents/x/a") == "1" && dir.read("incidents/x/b") == "2")
            case .failure:
                // Failing the last fsync (of incidents/) comes after the rename: whole, but unconfirmed.
                #expect(!exists || (dir.read("incidents/x/a") == "1" && dir.read("incidents/x/b") == "2"))
            }
            #expect(temporaryFiles(in: dir).isEmpty)
        }
    }

    @Test func readOnlyStoresRefuseEveryWrite() throws {
        let dir = TemporaryDirectory()
        let files = StoreFiles(root: dir.url, readOnlyReason: "demo")
        #expect(throws: WardError("demo")) { try files.replace("a.md", with: original, expecting: .absent) }
        #expect(throws: WardError("demo")) { try files.append("a.jsonl", line: Data("x\n".utf8)) }
        #expect(dir.allFiles().isEmpty)
    }
}
