import Foundation

/// One line of an incident's timeline: something that happened, when, and who recorded it.
public struct Event: Equatable, Hashable, Sendable {
    public var id: String
    /// When it happened (earlier than `recorded` for back-dated events).
    public var at: Date
    /// When it was written.
    public var recorded: Date
    /// `user@host`.
    public var by: String
    public var kind: String
    /// Every other key of the line, kept as it was.
    public var fields: [String: JSONValue]

    /// A new event; its id is made from `recorded` to the millisecond, the times are kept to the second.
    public init(id: String = "", at: Date, recorded: Date, by: String, kind: String, fields: [String: JSONValue] = [:]) {
        self.id = id.isEmpty ? ULID.make(at: recorded) : id
        self.at = Timestamps.wholeSeconds(at)
        self.recorded = Timestamps.wholeSeconds(recorded)
        self.by = by
        self.kind = kind
        self.fields = fields
    }

    public subscript(_ key: String) -> String? { fields[key]?.string }

    /// The event as one JSON line, without the newline: `id`, `at`, `recorded`, `by`, `kind` first, then the
    /// other keys in sorted order.
    public var jsonLine: String {
        var out = "{"
        for (key, value) in [("id", id), ("at", Timestamps.format(at)), ("recorded", Timestamps.format(recorded)),
                             ("by", by), ("kind", kind)] {
            if out.count > 1 { out += "," }
            JSONValue.writeString(key, to: &out)
            out += ":"
            JSONValue.writeString(value, to: &out)
        }
        for key in fields.keys.sorted() where !Event.coreKeys.contains(key) {
            out += ","
            JSONValue.writeString(key, to: &out)
            out += ":"
            fields[key]!.write(to: &out)
        }
        return out + "}"
    }

    static let coreKeys: Set<String> = ["id", "at", "recorded", "by", "kind"]

    /// Parses one journal line. The error says what is wrong; the caller adds the path and line.
    public init(jsonLine line: Substring) throws {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
        } catch {
            throw WardError("is not a JSON object")
        }
        func text(_ key: String) throws -> String {
            guard let value = object[key]?.string, !value.isEmpty else {
                throw WardError("the event has no '\(key)'")
            }
            return value
        }
        func time(_ key: String) throws -> Date {
            let value = try text(key)
            guard let date = Timestamps.parseISO(value) else { throw WardError("'\(key)' is not a time: \(value)") }
            return date
        }
        id = try text("id")
        at = try time("at")
        recorded = try time("recorded")
        by = try text("by")
        kind = try text("kind")
        fields = object.filter { !Event.coreKeys.contains($0.key) }
    }
}

/// A journal read from disk: its events, and what was wrong with the lines that are not events.
public struct Journal: Sendable {
    public var events: [Event]
    /// The file line of each event in `events`.
    public var lines: [Int]
    public var problems: [Problem]
    /// True when the last line has no newline: a writer died while appending it.
    public var tornTail: Bool

    public static let lineLimit = 1 << 20

    public init(data: Data, path: String) {
        events = []
        lines = []
        problems = []
        tornTail = false
        guard !data.isEmpty else { return }
        let bytes = [UInt8](data)
        var rawLines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        if rawLines.last?.isEmpty == true {
            rawLines.removeLast()
        } else {
            tornTail = true
            problems.append(Problem(path: path, line: rawLines.count,
                                    "the last line is incomplete (a writer stopped while adding it); it is ignored, and 'ward doctor --fix' moves it to a side file",
                                    level: .warning))
            rawLines.removeLast()
        }
        var seen: [String: Event] = [:]
        for (index, raw) in rawLines.enumerated() {
            var lineBytes = Array(raw)
            if lineBytes.last == 13 { lineBytes.removeLast() }
            if lineBytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            if lineBytes.count > Journal.lineLimit {
                problems.append(Problem(path: path, line: index + 1, "the event is larger than \(Journal.lineLimit) bytes; it is skipped"))
                continue
            }
            if RecordText.firstInvalidUTF8(lineBytes) != nil {
                problems.append(Problem(path: path, line: index + 1, "is not valid UTF-8; the line is skipped"))
                continue
            }
            let trimmed = Substring(String(decoding: lineBytes, as: UTF8.self))
            do {
                let event = try Event(jsonLine: trimmed)
                // The same event may arrive twice after a git merge; it counts once. Two different events
                // with one id are a real problem: both are kept, and it is reported.
                if let earlier = seen[event.id] {
                    if earlier != event {
                        problems.append(Problem(path: path, line: index + 1, "a different event with the id \(event.id) is already in this timeline"))
                        events.append(event)
                        lines.append(index + 1)
                    }
                } else {
                    seen[event.id] = event
                    events.append(event)
                    lines.append(index + 1)
                }
            } catch let error as WardError {
                problems.append(Problem(path: path, line: index + 1, error.message + "; the line is skipped"))
            } catch {
                problems.append(Problem(path: path, line: index + 1, "\(error); the line is skipped"))
            }
        }
    }
}
