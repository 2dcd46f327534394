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

    public subscript(_ key: String) -> String? { field(key)?.string }

    /// `fields[key]`. An event has a field or three: comparing their keys (two words each, for short ones)
    /// costs a fraction of hashing `key`, which the fold of a timeline did some hundred times.
    public func field(_ key: String) -> JSONValue? {
        guard fields.count <= 4 else { return fields[key] }
        for (name, value) in fields where name == key { return value }
        return nil
    }

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

    /// An event as a journal line holds it, taken as it is (see `EventLine`).
    init(parsed id: String, at: Date, recorded: Date, by: String, kind: String, fields: [String: JSONValue]) {
        self.id = id
        self.at = at
        self.recorded = recorded
        self.by = by
        self.kind = kind
        self.fields = fields
    }

    /// Parses one journal line. The error says what is wrong; the caller adds the path and line.
    public init(jsonLine line: Substring) throws {
        try self.init(jsonBytes: line.utf8)
    }

    /// `init(jsonLine:)` from the line's UTF-8 bytes: read in one pass when the line is as Ward writes it
    /// (see `EventLine`), else by the general parser.
    init(jsonBytes: some Sequence<UInt8>) throws {
        if let event = jsonBytes.withContiguousStorageIfAvailable({ EventLine.event($0) }) ?? nil {
            self = event
            return
        }
        try self.init(parsingJSON: jsonBytes)
    }

    /// The general parser's reading of a line (see JSONParser), whatever its shape.
    init(parsingJSON jsonBytes: some Sequence<UInt8>) throws {
        // The object's members, in order and without repeated keys (the first one wins): the five core ones
        // are taken out, and what is left are the fields, in a dictionary made once, at its size.
        var members: JSONParser.Members
        do {
            members = try JSONParser.members(of: jsonBytes)
        } catch {
            throw WardError("is not a JSON object")
        }
        func text(_ key: String) throws -> String {
            let position = members.firstIndex { $0.0 == key }
            guard let position, let value = members.remove(at: position).1.string, !value.isEmpty else {
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
        fields = Dictionary(uniqueKeysWithValues: members)
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
        /// Where each event id was first seen, in `events`: made only once an id does not come after the one
        /// before it. Ward writes ids in increasing order, so most journals never need it (twenty thousand
        /// timelines of forty events hashed eight hundred thousand ids).
        var seen: [String: Int]?
        /// The `by` of the last line read the quick way (see `EventLine`).
        var previousBy = ""
        // Each line is read where it lies in `data`, without copying it out (unless it is not ASCII, for the
        // UTF-8 check), and parsed from its bytes.
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            // Room for about as many events as a journal's lines usually come to, so it is not made again as it grows.
            events.reserveCapacity(bytes.count / 200)
            var end = bytes.count
            if bytes[end - 1] != 10 {
                tornTail = true
                let newlines = bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                problems.append(Problem(path: path, line: newlines + 1,
                                        "the last line is incomplete (a writer stopped while adding it); it is ignored, and 'ward doctor --fix' moves it to a side file",
                                        level: .warning))
                end = (bytes.lastIndex(of: 10) ?? -1) + 1
            }
            var start = 0
            var index = -1 // the line number less one
            while start < end {
                index += 1
                let newline = UnsafeRawPointer(memchr(bytes.baseAddress! + start, 10, end - start)!)
                    - UnsafeRawPointer(bytes.baseAddress!)
                var lineEnd = newline
                if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
                let lineBytes = UnsafeBufferPointer(rebasing: bytes[start..<lineEnd])
                start = newline + 1
                if lineBytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                if lineBytes.count > Journal.lineLimit {
                    problems.append(Problem(path: path, line: index + 1, "the event is larger than \(Journal.lineLimit) bytes; it is skipped"))
                    continue
                }
                if !Journal.isASCII(lineBytes) && RecordText.firstInvalidUTF8(Array(lineBytes)) != nil {
                    problems.append(Problem(path: path, line: index + 1, "is not valid UTF-8; the line is skipped"))
                    continue
                }
                do {
                    // The bytes are valid UTF-8, so they are the line's text as it is.
                    let event = try EventLine.event(lineBytes, previousBy: &previousBy) ?? Event(parsingJSON: lineBytes)
                    // While every id comes after the one before, none can repeat: no index of them is needed.
                    if seen == nil {
                        if events.isEmpty || Journal.precedes(events[events.count - 1].id, event.id) {
                            events.append(event)
                            lines.append(index + 1)
                            continue
                        }
                        var first = [String: Int](minimumCapacity: events.count * 2)
                        for (position, earlier) in events.enumerated() where first[earlier.id] == nil { first[earlier.id] = position }
                        seen = first
                    }
                    // The same event may arrive twice after a git merge; it counts once. Two different events
                    // with one id are a real problem: both are kept, and it is reported.
                    // One hash of the id for the usual case, a new one (the rare repeat puts the first back).
                    if let earlier = seen!.updateValue(events.count, forKey: event.id) {
                        seen![event.id] = earlier
                        if events[earlier] != event {
                            problems.append(Problem(path: path, line: index + 1, "a different event with the id \(event.id) is already in this timeline"))
                            events.append(event)
                            lines.append(index + 1)
                        }
                    } else {
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

    /// Whether `left` and `right` are ASCII and `left` comes first in byte order. Only then is `right` surely
    /// not equal to any id before it: beyond ASCII, two ids of different bytes can be the same String (é
    /// written as one character or as e and an accent), and the index, which compares as Strings, decides.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var left = left, right = right
        return left.withUTF8 { a in
            right.withUTF8 { b in
                guard isASCII(a), isASCII(b) else { return false }
                let common = Swift.min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order < 0 || (order == 0 && a.count < b.count)
            }
        }
    }

    /// Whether every byte is ASCII, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        var beyond: UInt64 = 0
        while bytes.count - index >= 8 {
            beyond |= ByteWords.beyondASCII(ByteWords.load(base + index))
            index += 8
        }
        while index < bytes.count {
            beyond |= UInt64(base[index] & 0x80)
            index += 1
        }
        return beyond == 0
    }
}
