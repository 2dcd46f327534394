import ArgumentParser
import Foundation
import WardKit

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write the store to a timestamped archive, then prove it restores.",
        discussion: """
        Writes ward-backup-NAME-TIME.tar (plain tar; 'tar -tf' lists it) into the folder given (default: \
        here), never inside the store and never over a file that exists. Every file except .ward/ and \
        .git/ is archived with its SHA-256 in a manifest. The archive is then read back from disk, restored \
        into a temporary folder and compared file by file; only then is the backup reported as made.

        Examples:
          ward backup --out ~/backups
          ward restore ~/backups/ward-backup-checkout-platform-20261125T031407Z.tar ~/ops/ward-restored
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The folder to write the archive in (default: the current one).", valueName: "DIR")) var out: String?

    func run() throws {
        let store = try global.openStore()
        let report = try Backup.create(store, in: out ?? ".", now: store.now())
        for skipped in report.skipped { Output.note("skipped \(skipped)") }
        let files = report.manifest.files
        let bytes = files.reduce(0) { $0 + $1.size }
        if global.json {
            Output.json(.object([
                "path": .string(report.path), "files": .number(Double(files.count)), "bytes": .number(Double(report.bytes)),
                "verified": .bool(true), "skipped": JSONShapes.strings(report.skipped),
            ]))
        } else {
            Output.line(report.path)
            Output.note("Backed up \(files.count) files (\(bytes) bytes) and checked that they restore byte for byte.")
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new folder (never over an existing one).",
        discussion: """
        Every file is checked against the archive's manifest before the folder is moved into place; a \
        damaged archive restores nothing.

        Example:
          ward restore ward-backup-checkout-platform-20261125T031407Z.tar ~/ops/ward-restored
          ward --store ~/ops/ward-restored doctor
        """
    )
    @Flag(name: .long, help: "Print exactly one JSON document on stdout.") var json = false
    @Argument(help: "The archive 'ward backup' wrote.") var archive: String
    @Argument(help: "A folder that does not exist yet.") var directory: String

    func run() throws {
        let manifest = try Backup.restore(archive: archive, into: directory)
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        if json {
            Output.json(.object(["path": .string(path), "files": .number(Double(manifest.files.count)),
                                 "store": .string(manifest.store), "created": .string(manifest.created)]))
        } else {
            Output.line(path)
            Output.note("Restored \(manifest.files.count) files of \(manifest.store), backed up \(manifest.created) by \(manifest.by). Open it with: ward --store \(path)")
        }
    }
}
