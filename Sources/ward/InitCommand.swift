import ArgumentParser
import Foundation
import WardKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store.",
        discussion: """
        Writes ward.yaml, the incidents/, decisions/, checklists/ and runbooks/ folders, and adds \
        'merge=union' for timelines and the decision journal to .gitattributes and '.ward/' to .gitignore (keeping what they say), \
        so that teammates' clones merge without conflicts. With --git, the folder becomes a git repository (when it \
        lies in none) and the store's files are committed: 'ward sync' then shares it. \
        An existing store is never touched. A repository that already keeps decision records (.adr-dir, \
        .log4brains.yml, doc/adr, docs/decisions, docs/adr) keeps them there, and new ones take their form.

        Example:
          ward init ~/ops/ward --name "Checkout Platform"
          ward init ~/ops/ward --git
        """
    )

    @Argument(help: "Where to create it (default: this directory).")
    var path: String?

    @Option(help: "The team or store name shown in headers (default: the folder's name).")
    var name: String?

    @Flag(name: .long, help: "Make the folder a git repository (when it lies in none) and commit the store's files.")
    var git = false

    @Flag(name: .long, help: "Print exactly one JSON document on stdout.")
    var json = false

    func run() throws {
        let url = URL(fileURLWithPath: path ?? FileManager.default.currentDirectoryPath).standardizedFileURL
        let found = DecisionDirectory.locate(StoreFiles(root: url), configured: nil)
        var repository: (createdRepository: Bool, commit: String?)?
        let existing = git && FileManager.default.fileExists(atPath: url.appending(path: "ward.yaml").path)
        if existing {
            // An existing store is set up for git: its attributes and ignores completed, its files committed.
            let store = try Store(root: url)
            _ = try store.addGitAttributeLines()
            try store.addGitIgnoreLines()
            repository = try store.setUpGit()
        } else {
            try Store.create(at: url, name: name)
            if git { repository = try Store(root: url).setUpGit() }
        }
        if json {
            var object: [String: JSONValue] = ["path": .string(url.path)]
            if let repository {
                object["git"] = .object(["created_repository": .bool(repository.createdRepository),
                                         "commit": repository.commit.map(JSONValue.string) ?? .null])
            }
            Output.json(.object(object))
        } else {
            Output.line(existing ? "A Ward store was already here: \(url.path)" : "Created a Ward store in \(url.path)")
            if let repository {
                Output.line((repository.createdRepository ? "Made it a git repository" : "In the git repository around it")
                            + (repository.commit.map { "; committed its files (\($0))" } ?? "") + ".")
                Output.line("To share it: git -C \(url.path) remote add origin URL, then 'ward sync' (see the README's 'Working as a team').")
            }
            if !existing, found.source != "default" {
                Output.line("Decision records: \(found.directory)/ (found by \(found.source)); Ward reads and edits them in their own form.")
            }
            if !existing { Output.line("Next: ward incident declare \"What is broken\" --severity 2") }
        }
    }
}
