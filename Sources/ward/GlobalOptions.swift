import ArgumentParser
import Foundation
import WardKit

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store's directory (default: $WARD_STORE, or the nearest ward.yaml above here).", valueName: "PATH"))
    var store: String?

    @Flag(name: .long, help: "Print exactly one JSON document on stdout.")
    var json = false

    /// The store to work on; the bundled demo store, read-only, when none is found.
    /// A change a killed Ward left half made (a supersede, a link, a renumbering) is finished first, unless
    /// `finishingChanges` is false (`ward doctor`, which reports it).
    func openStore(finishingChanges: Bool = true) throws -> Store {
        try GlobalOptions.openStore(store, json: json, finishingChanges: finishingChanges)
    }

    /// `openStore` for a command line read without ArgumentParser (see `LogRequest`).
    static func openStore(_ store: String?, json: Bool, finishingChanges: Bool = true) throws -> Store {
        switch try StoreLocator.locate(explicit: store) {
        case let .store(url):
            let opened = try Store(root: url)
            if finishingChanges, !opened.isReadOnly {
                do {
                    for message in try opened.finishPendingChanges() { Output.note(message) }
                } catch let error as WardError {
                    Output.note("warning: an interrupted change could not be finished: \(error.description); run 'ward doctor'")
                }
            }
            return opened
        case .none:
            if !json {
                Output.note("No Ward store here or above; using the bundled demo store (read-only). Create yours with 'ward init'.")
            }
            return try DemoStore.open()
        }
    }
}

/// A time option or argument as people type it: ISO 8601, 03:14, -5m.
func parseTime(_ text: String?, store: Store, option: String) throws -> Date? {
    guard let text else { return nil }
    do {
        return try Timestamps.parseInput(text, now: store.now())
    } catch let error as WardError {
        throw WardError("\(option): \(error.message)")
    }
}
