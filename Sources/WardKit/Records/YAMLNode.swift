import Foundation
import Yams

/// A YAML value as Ward reads front matter and settings: text, a list, or a mapping with text keys in their
/// order, each with the line it starts on (1-based within the YAML text). Ward reads every value as text itself
/// (numbers, dates, booleans), so this is all it keeps of what the YAML reader found.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        /// Text, and whether it was written plain (unquoted): only a plain `null`, `~` or nothing is null.
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public struct Pair: Sendable {
        public var key: String
        public var keyLine: Int
        public var value: YAMLNode
    }

    public var value: Value
    public var line: Int

    public init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }

    /// The text of a scalar, nil for a list or a mapping.
    public var scalar: String? {
        if case let .scalar(text, _) = value { return text }
        return nil
    }

    /// Whether YAML reads it as null: nothing, `~` or `null` (any of its three spellings), written plain.
    public var isNull: Bool {
        guard case let .scalar(text, plain) = value, plain else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    public var sequence: [YAMLNode]? {
        if case let .sequence(items) = value { return items }
        return nil
    }

    public var mapping: [Pair]? {
        if case let .mapping(pairs) = value { return pairs }
        return nil
    }

    /// The value of `key` in a mapping (the last, as YAML readers do when a key is given twice in a nested one).
    public subscript(key: String) -> YAMLNode? {
        mapping?.last { $0.key == key }?.value
    }
}

extension YAMLNode: Equatable {
    /// Equal when they hold the same text, lists and keys, wherever they stand and however they are quoted.
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs.value, rhs.value) {
        case let (.scalar(left, _), .scalar(right, _)): return left == right
        case let (.sequence(left), .sequence(right)): return left == right
        case let (.mapping(left), .mapping(right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

extension YAMLNode {
    /// What Yams composed, in Ward's terms. Keys must be text; aliases are refused (no Ward file needs one).
    init(_ node: Node, path: String, firstLine: Int) throws {
        let line = firstLine - 1 + (node.mark?.line ?? 1)
        switch node {
        case let .scalar(scalar):
            self.init(.scalar(scalar.string, plain: scalar.style == .plain), line: line)
        case let .sequence(sequence):
            self.init(.sequence(try sequence.map { try YAMLNode($0, path: path, firstLine: firstLine) }), line: line)
        case let .mapping(mapping):
            var pairs: [Pair] = []
            for (key, value) in mapping {
                let keyLine = firstLine - 1 + (key.mark?.line ?? 1)
                guard case let .scalar(name) = key else { throw WardError("a key is not text", path: path, line: keyLine) }
                pairs.append(Pair(key: name.string, keyLine: keyLine, value: try YAMLNode(value, path: path, firstLine: firstLine)))
            }
            self.init(.mapping(pairs), line: line)
        case .alias:
            throw WardError("an alias (*name) is not used in Ward's files; write the value out", path: path, line: line)
        }
    }
}
