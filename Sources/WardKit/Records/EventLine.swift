import Foundation

/// Journal lines as Ward writes them, read in one pass: a flat object without spaces, keys of plain ASCII,
/// values that are strings without escapes, lists of such strings, whole numbers, booleans or null, and the
/// five core keys holding text, with `at` and `recorded` in the canonical form. Such a line becomes its Event
/// without a JSONValue of its own for every member, and its two times are counted straight from their digits.
///
/// Anything else (a space, an escape, a nested object, a fraction, a key given twice, a time in another form,
/// a line that is not JSON at all) gives nil, and the general parser reads the line as always, with its errors.
/// `EventLineTests` holds the two readings to the same events.
struct EventLine {
    private enum Core { case id, at, recorded, by, kind }

    private let base: UnsafePointer<UInt8>
    /// The index of the closing brace.
    private let end: Int
    private var index = 1
    /// Whether the string `stringBytes` read last is all ASCII (worked out as it was scanned).
    private var stringIsASCII = false
    /// The `by` of the line before, taken as it is when this line's is the same.
    private var previousBy: String

    private init(base: UnsafePointer<UInt8>, end: Int, previousBy: String) {
        self.base = base
        self.end = end
        self.previousBy = previousBy
    }

    static func event(_ line: UnsafeBufferPointer<UInt8>) -> Event? {
        var by = ""
        return event(line, previousBy: &by)
    }

    /// `event(_:)` for a journal read line after line: `previousBy` is the `by` of the line before, and
    /// becomes this one's. Most lines of a timeline are by one or two people, and a `user@host` is usually
    /// too long for a String without an allocation of its own.
    static func event(_ line: UnsafeBufferPointer<UInt8>, previousBy: inout String) -> Event? {
        guard let base = line.baseAddress, line.count >= 2, base[0] == UInt8(ascii: "{"), base[line.count - 1] == UInt8(ascii: "}") else {
            return nil
        }
        var reader = EventLine(base: base, end: line.count - 1, previousBy: previousBy)
        guard let event = reader.read() else { return nil }
        previousBy = reader.previousBy
        return event
    }

    /// The members after the core ones of a long line, parsed by the general parser once per process and
    /// shared: a runbook's whole definition is copied into every incident that starts it, and parsing it
    /// again for each of twenty thousand incidents would be a quarter of reading them.
    private static let tails = TailMemo()
    /// Shorter tails are parsed where they are (looking one up would cost about as much).
    private static let sharedTail = 512

    private mutating func read() -> Event? {
        var id: String?, by: String?, kind: String?
        var at: Date?, recorded: Date?
        // Room for the members most events have, made once rather than grown two or three times.
        var fields = [String: JSONValue](minimumCapacity: 6)
        while index < end {
            // The core members read, the rest of a long line comes from the memo (or the general parser).
            if id != nil, at != nil, recorded != nil, by != nil, kind != nil, end - index > Self.sharedTail {
                let tail = UnsafeBufferPointer(start: base + index, count: end - index)
                guard let shared = Self.tails.fields(tail) else { return nil }
                for (key, value) in shared {
                    guard fields.updateValue(value, forKey: key) == nil else { return nil }
                }
                break
            }
            guard let keyBytes = stringBytes(), !keyBytes.isEmpty, stringIsASCII,
                  index < end, base[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            let coreKey = Self.core(keyBytes)
            guard index < end else { return nil }
            switch base[index] {
            case UInt8(ascii: "\""):
                guard let bytes = stringBytes() else { return nil }
                switch coreKey {
                case .at?, .recorded?:
                    // Counted from the digits; a time in another form goes to the general parser.
                    guard let date = Timestamps.parseCanonical(bytes) else { return nil }
                    if coreKey == .at {
                        guard at == nil else { return nil }
                        at = date
                    } else {
                        guard recorded == nil else { return nil }
                        recorded = date
                    }
                case .id?:
                    guard id == nil, !bytes.isEmpty, let string = text(bytes) else { return nil }
                    id = string
                case .by?:
                    guard by == nil, !bytes.isEmpty, let string = sameAsPreviousBy(bytes) ? previousBy : text(bytes) else { return nil }
                    by = string
                    previousBy = string
                case .kind?:
                    guard kind == nil, !bytes.isEmpty, let string = Self.word(bytes) ?? text(bytes) else { return nil }
                    kind = string
                case nil:
                    guard let string = Self.word(bytes) ?? text(bytes),
                          fields.updateValue(.string(string), forKey: Self.key(keyBytes)) == nil else { return nil }
                }
            case UInt8(ascii: "["):
                guard coreKey == nil, let strings = stringList(),
                      fields.updateValue(.array(strings), forKey: Self.key(keyBytes)) == nil else { return nil }
            default:
                guard coreKey == nil, let value = scalar(), fields.updateValue(value, forKey: Self.key(keyBytes)) == nil else { return nil }
            }
            if index == end { break }
            guard base[index] == UInt8(ascii: ","), index + 1 < end else { return nil }
            index += 1
        }
        guard let id, let at, let recorded, let by, let kind else { return nil }
        return Event(parsed: id, at: at, recorded: recorded, by: by, kind: kind, fields: fields)
    }

    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> String { word(bytes) ?? String(decoding: bytes, as: UTF8.self) }

    /// `bytes` as one of the words Ward writes on most lines (keys, kinds, statuses, milestones, states), or
    /// nil: finding one here costs a fraction of making a String of its bytes, for the same String.
    private static func word(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress, bytes.count >= 2 else { return nil }
        func spells(_ word: StaticString) -> Bool { memcmp(base, word.utf8Start, bytes.count) == 0 }
        switch (bytes.count, base[0]) {
        case (2, UInt8(ascii: "t")): return spells("to") ? "to" : nil
        case (3, UInt8(ascii: "d")): return spells("due") ? "due" : nil
        case (3, UInt8(ascii: "k")): return spells("key") ? "key" : nil
        case (4, UInt8(ascii: "b")): return spells("back") ? "back" : nil
        case (4, UInt8(ascii: "d")): return spells("done") ? "done" : nil
        case (4, UInt8(ascii: "f")): return spells("from") ? "from" : nil
        case (4, UInt8(ascii: "n")): return spells("name") ? "name" : spells("note") ? "note" : spells("next") ? "next" : nil
        case (4, UInt8(ascii: "o")): return spells("open") ? "open" : nil
        case (4, UInt8(ascii: "p")): return spells("path") ? "path" : nil
        case (4, UInt8(ascii: "r")): return spells("role") ? "role" : nil
        case (4, UInt8(ascii: "s")): return spells("step") ? "step" : nil
        case (4, UInt8(ascii: "t")): return spells("text") ? "text" : spells("type") ? "type" : nil
        case (5, UInt8(ascii: "a")): return spells("added") ? "added" : nil
        case (5, UInt8(ascii: "c")): return spells("comms") ? "comms" : nil
        case (5, UInt8(ascii: "o")): return spells("owner") ? "owner" : nil
        case (5, UInt8(ascii: "p")): return spells("phase") ? "phase" : nil
        case (5, UInt8(ascii: "s")): return spells("state") ? "state" : nil
        case (5, UInt8(ascii: "t")): return spells("title") ? "title" : nil
        case (6, UInt8(ascii: "a")): return spells("action") ? "action" : nil
        case (6, UInt8(ascii: "d")): return spells("detect") ? "detect" : nil
        case (6, UInt8(ascii: "f")): return spells("failed") ? "failed" : nil
        case (6, UInt8(ascii: "n")): return spells("number") ? "number" : nil
        case (6, UInt8(ascii: "p")): return spells("phases") ? "phases" : nil
        case (6, UInt8(ascii: "r")): return spells("reason") ? "reason" : spells("result") ? "result" : nil
        case (6, UInt8(ascii: "s")): return spells("status") ? "status" : spells("source") ? "source" : spells("scribe") ? "scribe" : nil
        case (7, UInt8(ascii: "a")): return spells("answers") ? "answers" : nil
        case (7, UInt8(ascii: "p")): return spells("prevent") ? "prevent" : spells("process") ? "process" : nil
        case (7, UInt8(ascii: "r")): return spells("runbook") ? "runbook" : nil
        case (7, UInt8(ascii: "s")): return spells("skipped") ? "skipped" : nil
        case (7, UInt8(ascii: "w")): return spells("wont-do") ? "wont-do" : nil
        case (8, UInt8(ascii: "d")): return spells("declared") ? "declared" : spells("decision") ? "decision" : spells("detected") ? "detected" : nil
        case (8, UInt8(ascii: "m")): return spells("mitigate") ? "mitigate" : nil
        case (8, UInt8(ascii: "r")): return spells("resolved") ? "resolved" : spells("recovery") ? "recovery" : nil
        case (8, UInt8(ascii: "s")): return spells("severity") ? "severity" : spells("services") ? "services" : nil
        case (9, UInt8(ascii: "c")): return spells("commander") ? "commander" : spells("checklist") ? "checklist" : nil
        case (9, UInt8(ascii: "d")): return spells("direction") ? "direction" : spells("data-loss") ? "data-loss" : nil
        case (9, UInt8(ascii: "m")): return spells("milestone") ? "milestone" : spells("mitigated") ? "mitigated" : nil
        case (9, UInt8(ascii: "r")): return spells("reviewers") ? "reviewers" : spells("red_flags") ? "red_flags" : nil
        case (10, UInt8(ascii: "d")): return spells("definition") ? "definition" : nil
        case (10, UInt8(ascii: "i")): return spells("identified") ? "identified" : nil
        case (10, UInt8(ascii: "m")): return spells("monitoring") ? "monitoring" : nil
        case (10, UInt8(ascii: "p")): return spells("postmortem") ? "postmortem" : nil
        case (12, UInt8(ascii: "a")): return spells("acknowledged") ? "acknowledged" : nil
        case (13, UInt8(ascii: "i")): return spells("investigating") ? "investigating" : nil
        case (14, UInt8(ascii: "i")): return spells("impact_started") ? "impact_started" : nil
        default: return nil
        }
    }

    /// The members of `{` + tail + `}` as the general parser reads them, by the tail's bytes.
    final class TailMemo: @unchecked Sendable {
        private struct Entry {
            let bytes: [UInt8]
            let fields: [String: JSONValue]
        }

        private let lock = NSLock()
        /// By a quick hash of the bytes (kilobytes each, eight at a time); the bytes themselves decide.
        private var parsed: [UInt64: [Entry]] = [:]
        private var count = 0

        /// Nil when the tail is not members the general parser reads, or holds a core key (then the whole
        /// line goes to the general parser, which decides). A tail seen before is found without copying it.
        func fields(_ tail: UnsafeBufferPointer<UInt8>) -> [String: JSONValue]? {
            let digest = Self.digest(tail)
            let found = lock.withLock {
                parsed[digest]?.first { entry in
                    entry.bytes.count == tail.count
                        && entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, tail.baseAddress!, tail.count) == 0 }
                }
            }
            if let found { return found.fields }
            let bytes = Array(tail)
            guard let members = try? JSONValue.parseObject([UInt8(ascii: "{")] + bytes + [UInt8(ascii: "}")]),
                  !members.keys.contains(where: Event.coreKeys.contains) else { return nil }
            lock.withLock {
                // A handful of runbooks are the usual; a store with many more only keeps the latest.
                if count >= 64 {
                    parsed.removeAll()
                    count = 0
                }
                parsed[digest, default: []].append(Entry(bytes: bytes, fields: members))
                count += 1
            }
            return members
        }

        /// A hash of the tail's length and three samples of its bytes: enough to tell a handful of
        /// definitions apart without reading kilobytes twice (the comparison reads them once).
        static func digest(_ tail: UnsafeBufferPointer<UInt8>) -> UInt64 {
            let sample = 64
            guard tail.count > 3 * sample else { return cacheChecksum(UnsafeRawBufferPointer(tail)) }
            func part(_ start: Int) -> UInt64 { cacheChecksum(UnsafeRawBufferPointer(start: tail.baseAddress! + start, count: sample)) }
            let middle = tail.count / 2
            return ((part(0) ^ part(middle)) &* 0x9E37_79B9_7F4A_7C15 ^ part(tail.count - sample)) &* 0x9E37_79B9_7F4A_7C15
                ^ UInt64(tail.count)
        }
    }

    /// Which core key `bytes` spell, by their bytes (no String made for them).
    private static func core(_ bytes: UnsafeBufferPointer<UInt8>) -> Core? {
        func spells(_ word: StaticString) -> Bool {
            bytes.count == word.utf8CodeUnitCount && memcmp(bytes.baseAddress!, word.utf8Start, bytes.count) == 0
        }
        switch bytes.count {
        case 2: return spells("id") ? .id : spells("at") ? .at : spells("by") ? .by : nil
        case 4: return spells("kind") ? .kind : nil
        case 8: return spells("recorded") ? .recorded : nil
        default: return nil
        }
    }

    /// The bytes of the string whose opening quote is at `index`, which then moves past its closing quote;
    /// nil for an escape, a control character or no closing quote.
    ///
    /// Eight bytes at a time (see `ByteWords`): where the first quote is, whether a backslash or a control
    /// character comes before it, and whether any byte before it is beyond ASCII.
    private mutating func stringBytes() -> UnsafeBufferPointer<UInt8>? {
        guard index < end, base[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var special: UInt64 = 0
        var beyond: UInt64 = 0
        @inline(__always) func check(_ word: UInt64) {
            special |= ByteWords.equal(word, UInt8(ascii: "\\")) | ByteWords.below(word, 0x20)
            beyond |= ByteWords.beyondASCII(word)
        }
        var position = start
        var stop: Int?
        // The closing brace is at `end`, so every byte below it may be loaded.
        while end - position >= 8 {
            let word = ByteWords.load(base + position)
            let found = ByteWords.equal(word, UInt8(ascii: "\""))
            if found != 0 {
                // The bytes before the quote are checked; the ones after it count as 'A'.
                let before = found.trailingZeroBitCount / 8
                let kept: UInt64 = before == 0 ? 0 : (1 << UInt64(before * 8)) - 1
                check((word & kept) | (ByteWords.ones &* UInt64(UInt8(ascii: "A")) & ~kept))
                stop = position + before
                break
            }
            check(word)
            position += 8
        }
        if stop == nil {
            while position < end {
                let byte = base[position]
                if byte == UInt8(ascii: "\"") {
                    stop = position
                    break
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                beyond |= UInt64(byte & 0x80)
                position += 1
            }
        }
        guard let stop, special == 0 else { return nil }
        stringIsASCII = beyond == 0
        index = stop + 1
        return UnsafeBufferPointer(start: base + start, count: stop - start)
    }

    private func sameAsPreviousBy(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous = previousBy
        return previous.utf8.count == bytes.count
            && previous.withUTF8 { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }

    /// The text of `bytes`, the string `stringBytes` read last, or nil when they are not valid UTF-8 (the
    /// general parser says so then).
    private func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if stringIsASCII { return String(decoding: bytes, as: UTF8.self) }
        var decoded = String(decoding: bytes, as: UTF8.self)
        let same = decoded.withUTF8 { $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
        return same ? decoded : nil
    }

    /// A list of strings at `index` (its `[`).
    private mutating func stringList() -> [JSONValue]? {
        index += 1
        var items: [JSONValue] = []
        guard index < end else { return nil }
        if base[index] == UInt8(ascii: "]") {
            index += 1
            return items
        }
        while true {
            guard let bytes = stringBytes(), let string = text(bytes), index < end else { return nil }
            items.append(.string(string))
            if base[index] == UInt8(ascii: "]") {
                index += 1
                return items
            }
            guard base[index] == UInt8(ascii: ","), index + 1 < end else { return nil }
            index += 1
        }
    }

    /// `true`, `false`, `null`, or a whole number of up to 15 digits (not -0, no leading zero): exactly a
    /// Double either way.
    private mutating func scalar() -> JSONValue? {
        let rest = UnsafeBufferPointer(start: base + index, count: end - index)
        if rest.starts(with: "true".utf8) {
            index += 4
            return .bool(true)
        }
        if rest.starts(with: "false".utf8) {
            index += 5
            return .bool(false)
        }
        if rest.starts(with: "null".utf8) {
            index += 4
            return .null
        }
        let negative = base[index] == UInt8(ascii: "-")
        var position = negative ? index + 1 : index
        let first = position
        var number = 0
        while position < end, base[position] >= UInt8(ascii: "0"), base[position] <= UInt8(ascii: "9") {
            number = number * 10 + Int(base[position] - UInt8(ascii: "0"))
            position += 1
        }
        let digits = position - first
        guard digits >= 1, digits <= 15, !(base[first] == UInt8(ascii: "0") && (digits > 1 || negative)) else { return nil }
        index = position
        return .number(Double(negative ? -number : number))
    }
}
