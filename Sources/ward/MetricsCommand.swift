import ArgumentParser
import Foundation
import WardKit

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Time to detect, acknowledge, mitigate and resolve.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw WardError("ward metrics is being written")
    }
}
