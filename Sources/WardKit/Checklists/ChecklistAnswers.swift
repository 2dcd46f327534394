import Foundation

/// Answers given ahead of a run, for scripts: from `--answer ITEM=yes|no|na` options and from an answers
/// file, a YAML mapping of item to answer, or to an answer and a note:
///
///     backup-verified: yes
///     staging-tested: no
///     rollback-written:
///       answer: na
///       note: additive column, nothing to roll back
public struct ChecklistAnswers: Sendable, Equatable {
    public var answers: [String: ChecklistAnswer] = [:]
    public var notes: [String: String] = [:]

    public init() {}

    /// Reads an answers file. Errors name the file and the line.
    public init(yaml: String, path: String) throws {
        let fields = try FrontMatterDocument.fields(yaml: yaml, path: path, firstLine: 1)
        for pair in fields.pairs {
            let item = pair.key, node = pair.value
            let line = fields.line(item)
            if let scalar = node.scalar {
                try set(item, scalar, source: "\(path):\(line)")
            } else if let mapping = node.mapping {
                var answer: String?
                for inner in mapping {
                    let line = inner.keyLine, name = inner.key
                    guard let text = inner.value.scalar else {
                        throw WardError("'\(item)' takes 'answer' and 'note', each a plain value", path: path, line: line)
                    }
                    switch name {
                    case "answer": answer = text
                    case "note": try note(item, text, source: "\(path):\(line)")
                    default: throw WardError("'\(item)' has an unknown key '\(name)': use 'answer' and 'note'", path: path, line: line)
                    }
                }
                guard let answer else { throw WardError("'\(item)' has no 'answer'", path: path, line: line) }
                try set(item, answer, source: "\(path):\(line)")
            } else {
                throw WardError("'\(item)' must be yes, no or na, or an 'answer' with a 'note'", path: path, line: line)
            }
        }
    }

    /// Adds `ITEM=ANSWER` as typed on a command line.
    public mutating func add(option: String) throws {
        guard let equals = option.firstIndex(of: "=") else {
            throw WardError("--answer '\(option)' must be ITEM=yes, ITEM=no or ITEM=na")
        }
        try set(String(option[..<equals]), String(option[option.index(after: equals)...]), source: "--answer \(option)")
    }

    /// Adds `ITEM=TEXT` as typed on a command line.
    public mutating func add(noteOption option: String) throws {
        guard let equals = option.firstIndex(of: "=") else { throw WardError("--note '\(option)' must be ITEM=TEXT") }
        try note(String(option[..<equals]), String(option[option.index(after: equals)...]), source: "--note \(option)")
    }

    /// Answers and notes from `other` where this has none; a different answer to one item is refused.
    public mutating func merge(_ other: ChecklistAnswers) throws {
        for (item, answer) in other.answers {
            if let mine = answers[item], mine != answer {
                throw WardError("'\(item)' is answered both \(mine.label) and \(answer.label); give one answer")
            }
            answers[item] = answer
        }
        for (item, text) in other.notes where notes[item] == nil { notes[item] = text }
    }

    private mutating func set(_ item: String, _ text: String, source: String) throws {
        let item = item.trimmingCharacters(in: .whitespaces)
        guard !item.isEmpty else { throw WardError("\(source): the item's id is missing") }
        guard let answer = ChecklistAnswer.parse(text) else {
            throw WardError("\(source): '\(text)' is not an answer; use yes, no or na")
        }
        if let earlier = answers[item], earlier != answer {
            throw WardError("\(source): '\(item)' is already answered \(earlier.label)")
        }
        answers[item] = answer
    }

    private mutating func note(_ item: String, _ text: String, source: String) throws {
        let item = item.trimmingCharacters(in: .whitespaces)
        guard !item.isEmpty else { throw WardError("\(source): the item's id is missing") }
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { notes[item] = notes[item].map { $0 + " " + text } ?? text }
    }
}
