import Foundation
import Testing
@testable import WardKit

/// `ward backup` and `ward restore`: an archive that restores byte for byte, or an error and nothing made.
@Suite struct BackupTests {
    @Test func sha256MatchesTheStandardsVectors() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// A store with an incident, a note, a decision, a checklist run, a file with its own mode, and the
    /// things a backup leaves out.
    func populatedStore(_ dir: TemporaryDirectory) throws -> Store {
        let store = try makeStore(dir)
        let incident = try store.declare(title: "Orders lost", severity: "SEV2", services: ["orders"], commander: "ana")
        _ = try store.addNote(incident, text: "replica lag 40 s")
        _ = try store.newDecision(title: "Backups are restored every month")
        let checklist = try store.checklist(named: "schema-change")
        _ = try store.recordChecklistRun(checklist, answers: Dictionary(uniqueKeysWithValues: checklist.items.map { ($0.id, .yes) }))
        dir.write("notes/private.md", "kept to the group\n")
        chmod(dir.path("notes/private.md"), 0o640)
        dir.write(".ward/cache/derived", "not a record")
        dir.write("incidents/.x.host.1.abc.ward-tmp", "a dead writer's temporary file")
        return store
    }

    func files(under root: String) -> [String: (Data, mode_t)] {
        var result: [String: (Data, mode_t)] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let name = walker?.nextObject() as? String {
            var info = stat()
            guard lstat(root + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            result[name] = (FileManager.default.contents(atPath: root + "/" + name) ?? Data(), info.st_mode & 0o777)
        }
        return result
    }

    @Test func aBackupRestoresByteForByteWithModesAndLeavesOutWhatIsNotARecord() throws {
        let dir = TemporaryDirectory(), out = TemporaryDirectory()
        let store = try populatedStore(dir)
        let report = try Backup.create(store, in: out.url.path, now: fixedNow)
        #expect(report.path == out.url.path + "/ward-backup-test-20261123T031407Z.tar")
        #expect(report.manifest.files.map(\.path).contains("notes/private.md"))
        #expect(!report.manifest.files.contains { $0.path.hasPrefix(".ward/") || $0.path.hasSuffix(".ward-tmp") })
        let target = out.url.path + "/restored"
        let manifest = try Backup.restore(archive: report.path, into: target)
        #expect(manifest == report.manifest)
        let original = files(under: dir.url.path).filter { !$0.key.hasPrefix(".ward/") && !$0.key.hasSuffix(".ward-tmp") }
        let restored = files(under: target)
        #expect(Set(original.keys) == Set(restored.keys))
        for (path, (data, mode)) in original {
            #expect(restored[path]?.0 == data && restored[path]?.1 == mode, "\(path)")
        }
        #expect(restored["notes/private.md"]?.1 == 0o640)
        let reopened = try Store(root: URL(fileURLWithPath: target))
        #expect(Doctor(store: reopened).run().problems.filter { $0.level == .error }.isEmpty)
        #expect(reopened.loadChecklistRuns().runs.count == 1 && reopened.loadIncidents().count == 1)
    }

    @Test func systemTarReadsTheArchiveIncludingLongAndUnicodeNames() throws {
        let long = String(repeating: "päth-", count: 30) + "/" + String(repeating: "ñ", count: 100) + ".md"
        let entries = [TarArchive.Entry(path: "top", mode: 0o755, isDirectory: true),
                       TarArchive.Entry(path: "top/" + long, data: Data("x\n".utf8), mode: 0o600)]
        let archive = TarArchive.write(entries, mtime: 1_700_000_000)
        #expect(try TarArchive.read(archive, source: "t.tar") == entries)
        let dir = TemporaryDirectory()
        try archive.write(to: dir.url.appending(path: "t.tar"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-tf", dir.path("t.tar")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(listing.split(separator: "\n").map(String.init) == ["top/", "top/" + long])
    }

    @Test func aDamagedOrTruncatedArchiveRestoresNothing() throws {
        let dir = TemporaryDirectory(), out = TemporaryDirectory()
        let report = try Backup.create(try populatedStore(dir), in: out.url.path, now: fixedNow)
        let good = try Data(contentsOf: URL(fileURLWithPath: report.path))
        let text = String(decoding: good, as: UTF8.self)
        let noteOffset = try #require(text.range(of: "replica lag 40 s")).lowerBound.utf16Offset(in: text)
        var flipped = good
        flipped[noteOffset] ^= 0x01
        var badHeader = good
        badHeader[600] ^= 0x20
        for (name, data, words) in [("flipped", flipped, "differs from what was backed up"), ("header", badHeader, "checksum"),
                                    ("truncated", good.prefix(good.count / 2), "truncated"), ("empty", Data(), "truncated")] {
            let archive = out.url.path + "/\(name).tar"
            try data.write(to: URL(fileURLWithPath: archive))
            let error = try #require(throws: WardError.self) { try Backup.restore(archive: archive, into: out.url.path + "/r-\(name)") }
            #expect(error.description.contains(words), "\(name): \(error.description)")
            #expect(!FileManager.default.fileExists(atPath: out.url.path + "/r-\(name)"))
            #expect(throws: WardError.self) { try Backup.verify(data, source: name) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.url.path).filter { $0.contains("ward-restore") }.isEmpty)
    }

    @Test func hostileArchivesCannotWriteOutsideTheNewFolder() throws {
        let out = TemporaryDirectory()
        let manifest = Data(#"{"format":1,"store":"x","created":"2026","by":"x","files":[],"directories":[]}"#.utf8)
        let base = [TarArchive.Entry(path: "top", mode: 0o755, isDirectory: true),
                    TarArchive.Entry(path: "top/" + Backup.manifestName, data: manifest, mode: 0o644)]
        for path in ["top/../../escaped", "/etc/escaped", "top/a/../../escaped", "top/./x", "top//x", "top/a\u{1B}[2Jb"] {
            let archive = TarArchive.write(base + [TarArchive.Entry(path: path, data: Data("x".utf8), mode: 0o644)], mtime: 0)
            let file = out.url.path + "/hostile.tar"
            try archive.write(to: URL(fileURLWithPath: file))
            let error = try #require(throws: WardError.self) { try Backup.restore(archive: file, into: out.url.path + "/r") }
            #expect(!error.description.contains("\u{1B}"))
            #expect(!FileManager.default.fileExists(atPath: out.url.path + "/r"))
        }
        #expect(!FileManager.default.fileExists(atPath: out.url.deletingLastPathComponent().path + "/escaped"))
        // A symbolic link entry (type 2), written by hand.
        var link = TarArchive.header(name: "top/link", size: 0, type: "2", mode: 0o777, mtime: 0)
        link.replaceSubrange(157..<168, with: Data("/etc/passwd".utf8))
        var bytes = [UInt8](link)
        for index in 148..<156 { bytes[index] = 32 }
        let sum = bytes.reduce(0) { $0 + Int($1) }
        let checksum = Array((String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8)).utf8)
        bytes.replaceSubrange(148..<154, with: checksum)
        bytes[154] = 0
        var archive = TarArchive.write(base, mtime: 0)
        archive.insert(contentsOf: bytes, at: archive.count - 1024)
        let error = try #require(throws: WardError.self) { try TarArchive.read(archive, source: "link.tar") }
        #expect(error.description.contains("a link, a device"))
    }

    @Test func aRestoreNeverGoesOverAFolderThatExists() throws {
        let dir = TemporaryDirectory(), out = TemporaryDirectory()
        let report = try Backup.create(try populatedStore(dir), in: out.url.path, now: fixedNow)
        let live = out.url.path + "/live"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        let error = try #require(throws: WardError.self) { try Backup.restore(archive: report.path, into: live) }
        #expect(error.message.contains("already exists"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: live).isEmpty)
        #expect(throws: WardError.self) { try Backup.restore(archive: report.path, into: dir.url.path) }
    }

    @Test func aBackupIsNeverWrittenIntoTheStoreOrOverAnotherFile() throws {
        let dir = TemporaryDirectory(), out = TemporaryDirectory()
        let store = try populatedStore(dir)
        let inside = try #require(throws: WardError.self) { try Backup.create(store, in: dir.path("notes"), now: fixedNow) }
        #expect(inside.message.contains("inside the store"))
        let first = try Backup.create(store, in: out.url.path, now: fixedNow)
        let before = try Data(contentsOf: URL(fileURLWithPath: first.path))
        dir.write("notes/later.md", "written after the first backup\n")
        let again = try #require(throws: WardError.self) { try Backup.create(store, in: out.url.path, now: fixedNow) }
        #expect(again.message.contains("already exists"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.path)) == before)
    }

    @Test(arguments: [FaultInjectingSyscalls.Operation.write, .fsync, .open])
    func aFailedWriteLeavesNoArchiveAndNoTemporaryFile(_ operation: FaultInjectingSyscalls.Operation) throws {
        let dir = TemporaryDirectory(), out = TemporaryDirectory()
        let store = try populatedStore(dir)
        let faults = FaultInjectingSyscalls([.init(operation, call: 1, errno: operation == .write ? ENOSPC : EIO)])
        let error = try #require(throws: WardError.self) { try Backup.create(store, in: out.url.path, now: fixedNow, sys: faults) }
        #expect(error.message.contains("nothing was written"))
        #expect(faults.log.filter { $0.operation == .fsync && $0.failed }.count <= 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.url.path).isEmpty)
    }

    @Test func aHeaderWithANegativeModeIsRefusedNotACrash() throws {
        var header = [UInt8](TarArchive.header(name: "top/a", size: 0, type: "0", mode: 0o644, mtime: 0))
        header.replaceSubrange(100..<108, with: Array("-000001\0".utf8))
        for index in 148..<156 { header[index] = 32 }
        let sum = header.reduce(0) { $0 + Int($1) }
        header.replaceSubrange(148..<154, with: Array((String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8)).utf8))
        header[154] = 0
        let archive = Data(header) + Data(count: 1024)
        let error = try #require(throws: WardError.self) { try TarArchive.read(archive, source: "neg.tar") }
        #expect(error.description.contains("mode is not an octal number"))
    }

    @Test func privateFoldersComeBackPrivateAndUnarchivableNamesAreSaid() throws {
        let dir = TemporaryDirectory(), out = TemporaryDirectory()
        let store = try populatedStore(dir)
        dir.write("private/keys.md", "secret\n")
        chmod(dir.path("private/keys.md"), 0o600)
        chmod(dir.path("private"), 0o700)
        dir.write("notes/bad\nname.md", "x\n")
        let report = try Backup.create(store, in: out.url.path, now: fixedNow)
        #expect(report.skipped.contains { $0.contains("control character") })
        let target = out.url.path + "/restored"
        _ = try Backup.restore(archive: report.path, into: target)
        var info = stat()
        #expect(lstat(target + "/private", &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(lstat(target + "/private/keys.md", &info) == 0 && info.st_mode & 0o777 == 0o600)
    }
}
