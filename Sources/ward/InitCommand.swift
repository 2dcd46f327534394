import ArgumentParser
import Foundation
import WardKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store.",
        discussion: """
        Writes ward.yaml, the incidents/, decisions/, checklists/ and runbooks/ folders, and adds \
        'merge=union' for timelines and the decision journal to .gitattributes and '.ward/' to .gitignore (keeping what they say). \
        An existing store is never touched. A repository that already keeps decision records (.adr-dir, \
        .log4brains.yml, doc/adr, docs/decisions, docs/adr) keeps them there, and new ones take their form.

        Example:
          ward init ~/ops/ward --name "Checkout Platform"
        """
    )

    @Argument(help: "Where to create it (default: this directory).")
    var path: String?

    @Option(help: "The team or store name shown in headers (default: the folder's name).")
    var name: String?

    @Flag(name: .long, help: "Print exactly one JSON document on stdout.")
    var json = false

    func run() throws {
        let url = URL(fileURLWithPath: path ?? FileManager.default.currentDirectoryPath).standardizedFileURL
        let found = DecisionDirectory.locate(StoreFiles(root: url), configured: nil)
        try Store.create(at: url, name: name)
        if json {
            Output.json(.object(["path": .string(url.path)]))
        } else {
            Output.line("Created a Ward store in \(url.path)")
            if found.source != "default" {
                Output.line("Decision records: \(found.directory)/ (found by \(found.source)); Ward reads and edits them in their own form.")
            }
            Output.line("Next: ward incident declare \"What is broken\" --severity 2")
        }
    }
}
