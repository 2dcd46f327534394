import Foundation

/// A Ward store: a directory with `ward.yaml` at its root. Reads are plain; every write goes through `files`.
public final class Store: Sendable {
    public let root: URL
    public let config: StoreConfig
    public let files: StoreFiles
    public let templates: Templates
    /// Who writes: `user@host`.
    public let author: String
    /// The clock, replaceable in tests.
    public let now: @Sendable () -> Date
    public let isDemo: Bool
    /// Where the decision records live, and what said so (see `DecisionDirectory`).
    public let decisionsLocation: DecisionDirectory.Found
    public var decisionsDirectory: String { decisionsLocation.directory }

    public var isReadOnly: Bool { files.readOnlyReason != nil }

    /// Opens the store at `root`. Fails with the path and line when `ward.yaml` cannot be read.
    public init(root: URL, sys: any Syscalls = POSIXSyscalls(), readOnlyReason: String? = nil, isDemo: Bool = false,
                author: String = Identity.current(), now: @escaping @Sendable () -> Date = { Date() }) throws {
        let root = root.standardizedFileURL
        let files = StoreFiles(root: root, sys: sys, readOnlyReason: readOnlyReason)
        guard let data = try files.read("ward.yaml") else {
            throw WardError("no ward.yaml here: this is not a Ward store (create one with 'ward init')", path: root.path)
        }
        config = try StoreConfig(data: data.data, path: "ward.yaml")
        self.root = root
        self.files = files
        self.isDemo = isDemo
        self.author = author
        self.now = now
        templates = Templates(store: files)
        decisionsLocation = DecisionDirectory.locate(files, configured: config.decisionsDirectory)
    }

    /// Creates a store at `root` (which may exist and hold other files, such as a git repository's).
    @discardableResult
    public static func create(at root: URL, name: String?, sys: any Syscalls = POSIXSyscalls()) throws -> [String] {
        let files = StoreFiles(root: root, sys: sys)
        if try files.read("ward.yaml") != nil {
            throw WardError("a Ward store already exists here; nothing was changed", path: root.appending(path: "ward.yaml").path)
        }
        try createRoot(root, sys: sys)
        let templates = Templates(store: nil)
        let storeName = name ?? root.standardizedFileURL.lastPathComponent
        // A repository that already keeps decision records keeps them where they are, in their form.
        let found = DecisionDirectory.locate(files, configured: nil)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: files.path(found.directory))) ?? []
        let records = existing.filter { Decision.number(inFileName: $0) != nil }.compactMap { name in
            (try? files.read(found.directory + "/" + name)).flatMap { $0 }.flatMap { try? Decision(data: $0.data, path: name) }
        }
        let format = DecisionDirectory.inferFormat(of: records, found: found)
        let config = try templates.render("ward.yaml", ["name": FrontMatterEditor.scalar(storeName),
                                                        "decisions_dir": FrontMatterEditor.scalar(found.directory),
                                                        "decisions_format": format.rawValue])
        var written: [String] = []
        for directory in ["incidents", found.directory, "checklists", "runbooks"] {
            try files.makeDirectories(directory)
        }
        for line in gitAttributeLines { try appendLineIfMissing(files, ".gitattributes", line) }
        for line in gitIgnoreLines { try appendLineIfMissing(files, ".gitignore", line) }
        written += [".gitattributes", ".gitignore"]
        try files.replace("ward.yaml", with: Data(config.utf8), expecting: .absent)
        written.append("ward.yaml")
        return written
    }

    /// mkdir -p for the store's own directory, which lies outside any store yet.
    private static func createRoot(_ root: URL, sys: any Syscalls) throws {
        var path = ""
        for component in root.standardizedFileURL.pathComponents where component != "/" {
            path += "/" + component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw WardError("is not a directory", path: path) }
                continue
            }
            if sys.mkdir(path, 0o777) != 0 && errno != EEXIST {
                throw WardError("could not create it: \(errnoDescription(errno)); nothing was changed", path: path)
            }
        }
    }

    /// The journals git merges by keeping both sides' lines: `.gitattributes` holds one line for each.
    public static let gitAttributeLines = ["incidents/*/timeline.jsonl merge=union", decisionJournalName + " merge=union",
                                           "checklists/runs/*.jsonl merge=union"]

    /// What git should never take: the derived cache, and a writer's temporary files (a crash can leave one).
    public static let gitIgnoreLines = [".ward/", "*" + StoreFiles.temporarySuffix]

    /// The lines of `gitAttributeLines` that `.gitattributes` lacks (a store made by an older Ward).
    public func missingGitAttributeLines() -> [String] {
        let text = (try? files.read(".gitattributes")).flatMap { $0 }.map { String(decoding: $0.data, as: UTF8.self) } ?? ""
        let present = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        return Self.gitAttributeLines.filter { !present.contains($0) }
    }

    /// Adds the missing `merge=union` lines to `.gitattributes`, keeping whatever it says.
    public func addGitAttributeLines() throws -> [String] {
        let missing = missingGitAttributeLines()
        for line in missing { try Self.appendLineIfMissing(files, ".gitattributes", line) }
        return missing
    }

    /// Adds the missing `gitIgnoreLines` to `.gitignore`, keeping whatever it says.
    public func addGitIgnoreLines() throws {
        for line in Self.gitIgnoreLines { try Self.appendLineIfMissing(files, ".gitignore", line) }
    }

    /// Adds `line` to a file such as `.gitignore`, keeping whatever it already says.
    static func appendLineIfMissing(_ files: StoreFiles, _ name: String, _ line: String) throws {
        let current = try files.read(name)
        let text = current.map { String(decoding: $0.data, as: UTF8.self) } ?? ""
        if text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == line }) { return }
        let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
        try files.replace(name, with: Data((text + separator + line + "\n").utf8),
                          expecting: current.map { .content($0.hash) } ?? .absent)
    }

    /// A path relative to the store root, for messages.
    public func relative(_ url: URL) -> String {
        let full = url.standardizedFileURL.path
        let prefix = root.path + "/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }

    /// Names of the entries of a store directory, sorted; hidden and temporary files left out.
    func listDirectory(_ relative: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: files.path(relative))) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }
}
