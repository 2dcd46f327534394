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
        try LogRequest(store: global.store, json: global.json, incident: incident, at: at, key: key,
                       keepSecrets: keepSecrets, text: text).run()
    }
}

/// What `ward log` was asked to do, however its command line was read.
struct LogRequest: Equatable {
    var store: String?
    var json = false
    var incident: String?
    var at: String?
    var key = false
    var keepSecrets = false
    var text: [String] = []

    func run() throws {
        let store = try GlobalOptions.openStore(self.store, json: json)
        let note = text.joined(separator: " ").trimmed
        guard !note.isEmpty else { throw WardError("the note is empty") }
        let id = try store.findIncidentID(incident)
        let recorded = try store.addNote(to: id, text: note, at: try parseTime(at, store: store, option: "--at"), key: key,
                                         keepSecrets: keepSecrets)
        warnAboutHidden(recorded)
        report(recorded, incident: id, json: json)
    }
}

extension LogRequest {
    /// `ward log` read without ArgumentParser, whose start-up (reflection over every command's options) is
    /// most of the time a note takes. `arguments` are the command line after `movingLeadingGlobalOptions`;
    /// they are read here only when they are exactly `log`, the options it documents (each at most once, a
    /// value after it or after `=`), and words of text. Anything else (help, a misspelt option, a word
    /// starting with `-` outside `--at`'s value, no text) gives nil, and ArgumentParser reads the command
    /// line as always, with its messages. `QuickLogTests` holds the two readings to the same answers.
    init?(quickly arguments: [String]) {
        guard arguments.first == "log" else { return nil }
        var rest = arguments.dropFirst()
        var seen: [String] = []
        var onlyText = false
        while let argument = rest.popFirst() {
            if onlyText || !argument.hasPrefix("-") {
                text.append(argument)
                continue
            }
            if argument == "--" {
                onlyText = true
                continue
            }
            var name = argument
            var attached: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                attached = String(argument[argument.index(after: equals)...])
            }
            guard !seen.contains(name) else { return nil }
            seen.append(name)
            switch name {
            case "--json", "--key", "--keep-secrets":
                guard attached == nil else { return nil }
                if name == "--json" { json = true } else if name == "--key" { key = true } else { keepSecrets = true }
            case "--store", "--incident", "--at":
                guard let value = attached ?? rest.popFirst() else { return nil }
                // Only --at takes any value as it comes (-5m); for the others ArgumentParser decides.
                if name != "--at" && attached == nil && value.hasPrefix("-") { return nil }
                if name == "--store" { store = value } else if name == "--incident" { incident = value } else { at = value }
            default:
                return nil
            }
        }
        guard !text.isEmpty else { return nil }
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
