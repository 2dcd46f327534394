import ArgumentParser
import Foundation
import WardKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export incidents, post-mortems and decisions.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw WardError("ward export is being written")
    }
}
