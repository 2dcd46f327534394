import ArgumentParser
import Foundation
import WardKit

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Commit the store's changes, pull, push (git).",
        discussion: """
        Commits the store's changed files (only those) with a message saying what changed \
        ("INC 2026-11-23-prod-db-deleted: 12 notes, status mitigated"), takes in the remote's commits \
        (fast-forward, rebase, or a merge where a rebase would conflict), and pushes. Timelines and the \
        decision journal merge line by line (merge=union), so two responders' notes never conflict.

        It never forces and never discards: on a conflict it undoes its own merge, names the files and \
        says what to do; without a remote or network it keeps the commit here and says so within --timeout.

        Exit status: 0 synced (or nothing to do, or committed in a repository with no remote), \
        3 the remote could not be reached (committed here), 4 a conflict (committed here, nothing merged), \
        5 blocked until a person acts (a rebase of their own in progress, a detached HEAD), 2 an error.

        Examples:
          ward sync
          ward sync --status
          ward sync --timeout 5 --json
        """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Only show the sync state (ahead, behind, changes not committed, last sync); no network.")
    var status = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the remote, per fetch or push.", valueName: "SECONDS"))
    var timeout: Double = 20

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout: give a number of seconds between 1 and 3600") }
    }

    func run() throws {
        let store = try global.openStore()
        if store.isDemo { throw WardError("the demo store is read-only and in no repository: create your own with 'ward init --git'") }
        if status {
            guard let state = store.syncStatus() else {
                throw WardError("not in a git repository, so there is nothing to sync with; 'ward init --git' sets one up", path: store.root.path)
            }
            if global.json {
                Output.json(Self.json(state))
            } else {
                Output.line(state.phrase(now: store.now()))
            }
            return
        }
        Subprocess.forwardTerminationSignals()
        Subprocess.startChildrenThroughThisProgram()
        let report = try store.sync(timeout: timeout) { step in
            if !global.json { Output.note(step + "...") }
        }
        if global.json {
            Output.json(Self.json(report))
        } else {
            if let recovered = report.recovered { Output.note(recovered) }
            if !report.committed.isEmpty {
                Output.note("Committed:")
                for item in report.committed { Output.note("  " + item) }
            }
            if !report.conflicts.isEmpty {
                Output.note("Conflicting files:")
                for file in report.conflicts { Output.note("  " + file) }
            }
            (report.succeeded ? Output.line : Output.error)(report.message)
            if !report.advice.isEmpty {
                Output.note(report.conflicts.isEmpty ? "Next:" : "To resolve:")
                for step in report.advice { Output.note("  " + step) }
            }
        }
        if let code = Self.exitCodes[report.outcome], code != 0 { throw VerdictExit(code: code) }
    }

    static let exitCodes: [SyncReport.Outcome: Int32] = [.synced: 0, .upToDate: 0, .localOnly: 0, .offline: 3, .conflict: 4, .blocked: 5]

    static func json(_ report: SyncReport) -> JSONValue {
        .object([
            "outcome": .string(report.outcome.rawValue),
            "message": .string(report.message),
            "commit": report.commit.map(JSONValue.string) ?? .null,
            "committed": .array(report.committed.map(JSONValue.string)),
            "received": .number(Double(report.received)),
            "integration": report.integration.map(JSONValue.string) ?? .null,
            "pushed": .number(Double(report.pushed)),
            "remote": report.remote.map(JSONValue.string) ?? .null,
            "conflicts": .array(report.conflicts.map(JSONValue.string)),
            "left_out": .array(report.leftOut.map(JSONValue.string)),
            "duplicate_decision_numbers": .array(report.duplicateDecisions.map(JSONValue.string)),
            "advice": .array(report.advice.map(JSONValue.string)),
            "recovered": report.recovered.map(JSONValue.string) ?? .null,
        ])
    }

    static func json(_ state: SyncStatus) -> JSONValue {
        .object([
            "branch": state.branch.map(JSONValue.string) ?? .null,
            "upstream": state.upstream.map(JSONValue.string) ?? .null,
            "ahead": .number(Double(state.ahead)),
            "behind": .number(Double(state.behind)),
            "uncommitted": .number(Double(state.uncommitted)),
            "in_progress": state.operationInProgress.map(JSONValue.string) ?? .null,
            "last_sync": state.lastSync.map { .string(Timestamps.format($0)) } ?? .null,
            "last_outcome": state.lastOutcome.map(JSONValue.string) ?? .null,
        ])
    }
}
