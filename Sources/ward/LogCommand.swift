import ArgumentParser
import Foundation
import WardKit

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Append a note to an incident's timeline, durably (on disk before ward says so).",
        discussion: """
        Examples:
          ward log "replica lag 40 s on db-2"
          ward log --incident prod-db --at 03:10 --key "agent ran DROP DATABASE"
          ward log --at -5m "paged by checkout-5xx alert"
          ward log "TODO: add an alert on replica lag"    becomes an action item

        Secrets (private keys, cloud keys, tokens, passwords in URLs and password= pairs) are replaced by \
        [REDACTED kind] before the note is written; --keep-secrets writes the note as typed.
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("When it happened, if earlier: 03:10, -5m, or ISO 8601.", valueName: "TIME")) var at: String?
    @Flag(help: "Mark it as a key event (starred in the timeline and the post-mortem).") var key = false
    @Flag(help: "Write the note as typed even if it looks like it holds a secret.") var keepSecrets = false
    @Argument(help: "The note.") var text: [String]

    func run() throws {
        let store = try global.openStore()
        let note = text.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw WardError("the note is empty") }
        let found = try store.findIncident(incident)
        let recorded = try store.addNote(found, text: note, at: try parseTime(at, store: store, option: "--at"), key: key,
                                         keepSecrets: keepSecrets)
        warnAboutHidden(recorded)
        report(recorded, incident: found.id, json: global.json)
    }
}

struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Print an incident's timeline, oldest first.",
        discussion: """
        Each line: when it happened (and when it was recorded, where different), who, what. Key events \
        are marked with *.

        Example:
          ward timeline prod-db --json
        """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Its id or any unique part of it (default: the only active incident).") var incident: String?

    func run() throws {
        let store = try global.openStore()
        let found = try store.findIncident(incident)
        if global.json {
            Output.json(.array(found.events.map(JSONShapes.event)))
            return
        }
        Output.line("\(found.id)  \(found.state.title)")
        for event in found.events {
            let star = event.fields["key"]?.bool == true ? "*" : " "
            var when = Timestamps.format(event.at)
            if event.recorded.timeIntervalSince(event.at) >= 60 {
                when += " (recorded \(Timestamps.format(event.recorded)))"
            }
            Output.line("\(star) \(when)  \(event.by)  \(TimelineText.describe(event))")
        }
        warnAboutProblems(found.problems)
    }
}
