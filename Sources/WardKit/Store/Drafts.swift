import Foundation

/// Text a person was typing when Ward stopped (an SSH drop, a kill, q with the input open), kept per store
/// under `$XDG_STATE_HOME/ward/drafts/` (or `~/.local/state/ward/drafts/`) and offered back next time.
/// It lives outside the store, so a read-only store keeps drafts too and none of them is committed.
public struct Drafts: Sendable {
    public struct Draft: Sendable, Equatable {
        public var purpose: String
        public var text: String
        /// What the text is for, where that matters: the incident, runbook and step of a note or a reason.
        public var context: [String: String]

        public init(purpose: String, text: String, context: [String: String] = [:]) {
            self.purpose = purpose
            self.text = text
            self.context = context
        }
    }

    let files: StoreFiles
    let folder: String
    let name: String

    public init(storeRoot: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        // Rooted at a directory that exists (the state home, or HOME), so the folders below it can be made.
        let file = ContentHash(Data(storeRoot.standardizedFileURL.path.utf8)).description + ".json"
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            files = StoreFiles(root: URL(fileURLWithPath: state))
            folder = "ward/drafts"
        } else {
            files = StoreFiles(root: URL(fileURLWithPath: environment["HOME"] ?? NSTemporaryDirectory()))
            folder = ".local/state/ward/drafts"
        }
        name = folder + "/" + file
    }

    public func load() -> Draft? {
        guard let contents = try? files.read(name),
              let object = try? JSONDecoder().decode([String: String].self, from: contents.data),
              let purpose = object["purpose"], let text = object["text"], !text.isEmpty else { return nil }
        return Draft(purpose: purpose, text: text, context: object.filter { !["purpose", "text"].contains($0.key) })
    }

    /// Saves `draft`, or clears the saved one when `draft` is nil.
    public func save(_ draft: Draft?) throws {
        let current = try files.read(name)
        if draft == nil && current == nil { return }
        try files.makeDirectories(folder)
        var object: [String: JSONValue] = ["purpose": .string(draft?.purpose ?? ""), "text": .string(draft?.text ?? "")]
        for (key, value) in draft?.context ?? [:] where key != "purpose" && key != "text" { object[key] = .string(value) }
        let json = JSONValue.object(object).jsonText
        try files.replace(name, with: Data((json + "\n").utf8), expecting: current.map { .content($0.hash) } ?? .absent)
    }

    /// Other kept state beside the typed text (`kind` names it: "checklists"), as the TUI encoded it; nil
    /// when there is none.
    public func loadKept(_ kind: String) -> Data? {
        (try? files.read(keptName(kind))).flatMap { $0 }?.data
    }

    /// Saves other kept state, or removes it when `data` is nil.
    public func saveKept(_ kind: String, _ data: Data?) throws {
        let path = keptName(kind)
        let current = try files.read(path)
        guard let data else {
            if let current { try files.remove(path, expecting: current.hash, missingIsFine: true) }
            return
        }
        if current?.data == data { return }
        try files.makeDirectories(folder)
        try files.replace(path, with: data, expecting: current.map { .content($0.hash) } ?? .absent)
    }

    /// Removes kept state only if it still holds `expected`: what another session kept since is left alone.
    public func removeKept(_ kind: String, ifStill expected: Data) throws {
        let path = keptName(kind)
        guard let current = try files.read(path), current.data == expected else { return }
        try files.remove(path, expecting: current.hash, missingIsFine: true)
    }

    func keptName(_ kind: String) -> String {
        String(name.dropLast(5)) + "." + kind + ".json"
    }
}
