import Foundation

/// Any JSON value, for event fields Ward keeps without needing to understand them.
public enum JSONValue: Equatable, Hashable, Sendable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// The object in one JSON text (a journal line), parsed straight from its UTF-8 bytes with exactly the
    /// outcome of `JSONDecoder().decode([String: JSONValue].self, from:)`, much faster: see JSONParser for
    /// what that accepts. Invalid UTF-8 is an error, never a crash.
    public static func parseObject<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: try JSONParser.members(of: bytes))
    }

    /// The object in one JSON text given as a string.
    public static func parseObject(_ text: some StringProtocol) throws -> [String: JSONValue] {
        try parseObject(text.utf8)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case .null: try container.encodeNil()
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    public var string: String? { if case let .string(value) = self { value } else { nil } }
    public var bool: Bool? { if case let .bool(value) = self { value } else { nil } }
    public var double: Double? { if case let .number(value) = self { value } else { nil } }
    /// A whole number that an Int holds exactly; nil for any other value, such as a hand-written 1e300 or
    /// 2.5 (`Int(_:)` of a Double out of range stops the program).
    public var int: Int? {
        if case let .number(value) = self, value.rounded() == value, abs(value) < 9e15 { Int(value) } else { nil }
    }
    public var strings: [String]? {
        guard case let .array(values) = self else { return nil }
        let strings = values.compactMap(\.string)
        return strings.count == values.count ? strings : nil
    }

    /// Compact JSON text with keys sorted, every control, C1 and bidi character escaped as \uXXXX, and
    /// other non-ASCII text left readable.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case let .string(value): JSONValue.writeString(value, to: &out)
        case let .number(value):
            if value.rounded() == value && abs(value) < 1e15 { out += String(Int64(value)) } else { out += "\(value)" }
        case let .bool(value): out += value ? "true" : "false"
        case .null: out += "null"
        case let .array(values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case let .object(values):
            out += "{"
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeString(key, to: &out)
                out += ":"
                values[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ value: String, to out: inout String) {
        // Printable ASCII without quotes or backslashes, the common case, goes out as it is.
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            out += "\""
            out += value
            out += "\""
            return
        }
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if TerminalSafe.isUnsafe(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
