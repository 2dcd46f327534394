/// An error a person can act on: what went wrong, and where (file and line) when a file is to blame.
public struct WardError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public var path: String?
    public var line: Int?

    public init(_ message: String, path: String? = nil, line: Int? = nil) {
        self.message = message
        self.path = path
        self.line = line
    }

    public var description: String {
        switch (path, line) {
        case let (path?, line?): return "\(path):\(line): \(message)"
        case let (path?, nil): return "\(path): \(message)"
        default: return message
        }
    }
}

/// Something wrong with a file in the store, found while reading it. The file is never changed because of it.
public struct Problem: Equatable, Sendable, Codable {
    public enum Level: String, Sendable, Codable { case error, warning }
    public var path: String
    public var line: Int?
    public var message: String
    public var level: Level

    public init(path: String, line: Int? = nil, _ message: String, level: Level = .error) {
        self.path = path
        self.line = line
        self.message = message
        self.level = level
    }

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        return "\(location): \(level == .warning ? "warning: " : "")\(message)"
    }
}
