import ArgumentParser
import Foundation
import WardKit

@main
struct Ward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ward",
        abstract: "A terminal workbench for incidents and decisions, kept as plain files.",
        discussion: """
        With no command, ward opens its terminal UI on the store it finds (walking up from here, like git), \
        or on the bundled demo store, read-only, when there is none. Press ? in it for the keys.

        Examples:
          ward init                                  create a store in this directory
          ward incident declare "Checkout 500s" --severity 2 --commander ana
          ward log "p99 latency back under 300 ms"   note on the only active incident
          ward timeline                              what happened, oldest first
          ward runbook start                         walk the recovery runbook
          ward postmortem draft                      the post-mortem, from what was recorded
          ward action list                           action items, overdue first
          ward metrics                               TTD, TTA, TTM, TTR with their formulas
          ward adr new "Agents never hold production credentials"
          ward check run schema-change               GO or NO-GO before a risky change
          ward search replica                        every line that mentions it
          ward doctor                                check every file of the store
          ward backup --out ~/backups                an archive, checked by restoring it
        """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, IncidentCommand.self, LogCommand.self, TimelineCommand.self, RunbookCommand.self,
            PostmortemCommand.self, ActionCommand.self, MetricsCommand.self, ExportCommand.self, ADRCommand.self, CheckCommand.self, SearchCommand.self, SyncCommand.self, BackupCommand.self, RestoreCommand.self, DoctorCommand.self, OverviewCommand.self, OpenCommand.self,
        ],
        defaultSubcommand: OpenCommand.self
    )

    /// Errors become one line on stderr: "ward: path:line: what is wrong". Exit status 2, or 1 where a
    /// command reports a verdict (doctor found problems).
    static func main() {
        // Ward starting a git for a sync, in its own place (see Subprocess.becomeChild).
        if CommandLine.arguments.count > 1, CommandLine.arguments[1] == Subprocess.childArgument {
            Subprocess.becomeChild(CommandLine.arguments)
        }
        do {
            let arguments = movingLeadingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
            // A note is the command typed most when it matters most: read without ArgumentParser's start-up.
            if let log = LogRequest(quickly: arguments) {
                try log.run()
                return
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as WardError {
            Output.error(error.description)
            Foundation.exit(2)
        } catch let exit as VerdictExit {
            Foundation.exit(exit.code)
        } catch {
            // Exit 1 is a verdict (NO-GO, doctor's findings); any other failure that is not a usage error
            // exits 2, so a script never mistakes a crash of its own for a NO-GO.
            if exitCode(for: error) == .failure {
                Output.error(fullMessage(for: error))
                Foundation.exit(2)
            }
            Self.exit(withError: error)
        }
    }
}

/// `ward --store PATH log ...` reads as `ward log ... --store PATH`: the options every command takes may
/// also come before the command's name, as people type them.
func movingLeadingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var rest = arguments[...]
    while let first = rest.first {
        if first == "--json" || first.hasPrefix("--store=") {
            leading.append(first)
            rest = rest.dropFirst()
        } else if first == "--store", rest.count >= 2 {
            leading += rest.prefix(2)
            rest = rest.dropFirst(2)
        } else {
            break
        }
    }
    var result = Array(rest)
    result.insert(contentsOf: leading, at: result.firstIndex(of: "--") ?? result.endIndex)
    return result
}

/// Thrown to end a command with a status that is not an error: 1 for "doctor found problems".
struct VerdictExit: Error {
    var code: Int32
}
