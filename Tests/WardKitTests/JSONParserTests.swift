import Foundation
import Testing
@testable import WardKit

/// JSONParser against what journal lines were read with before, `JSONDecoder().decode([String: JSONValue].self,
/// from:)`: the same lines accepted, the same values to the bit, on a table of edge cases, the fuzz corpus and
/// seeded random lines.
@Suite struct JSONParserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    // MARK: Helpers

    static func decoder(_ bytes: [UInt8]) -> [String: JSONValue]? {
        try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes))
    }

    static func parser(_ bytes: [UInt8]) -> [String: JSONValue]? {
        try? JSONValue.parseObject(bytes)
    }

    /// Equal, and more: strings and keys byte for byte (not just canonically equivalent), numbers bit for bit
    /// (so 0.0 is not -0.0).
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.number(x), .number(y)): return x.bitPattern == y.bitPattern
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let index = y.index(forKey: key), y[index].key.utf8.elementsEqual(key.utf8),
                      identical(value, y[index].value) else { return false }
            }
            return true
        default: return false
        }
    }

    static func describe(_ bytes: [UInt8]) -> String {
        bytes.prefix(200).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
    }

    /// The decoder traps (a precondition in its error report) when the 513th nested '[' is the last byte, so
    /// it is never asked about text that deep.
    static func decoderCanTake(_ bytes: [UInt8]) -> Bool {
        bytes.lazy.filter { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") }.count <= JSONParser.maximumDepth
    }

    /// What differs between the two (nil when they agree), and whether the parser accepted the text.
    static func compare(_ bytes: [UInt8]) -> (disagreement: String?, accepted: Bool) {
        let new = parser(bytes)
        guard decoderCanTake(bytes) else { return (nil, new != nil) }
        switch (decoder(bytes), new) {
        case (nil, nil): return (nil, false)
        case let (old?, new?) where identical(.object(old), .object(new)): return (nil, true)
        case let (old, new):
            return ("decoder \(old.map { JSONValue.object($0).jsonText } ?? "rejects"), parser \(new.map { JSONValue.object($0).jsonText } ?? "rejects"): \(describe(bytes))", new != nil)
        }
    }

    static func disagreement(_ bytes: [UInt8]) -> String? { compare(bytes).disagreement }

    // MARK: Edge cases

    /// Each case: the text, and the object it is (as JSON text, parsed by the decoder) or nil when rejected.
    static let cases: [(name: String, bytes: [UInt8], object: [String: JSONValue]?)] = [
        ("empty object", b("{}"), [:]),
        ("an event", b(#"{"id":"01A","at":"2026-11-23T03:14:07Z","kind":"note","text":"ok"}"#),
         ["id": .string("01A"), "at": .string("2026-11-23T03:14:07Z"), "kind": .string("note"), "text": .string("ok")]),
        ("all value kinds", b(#"{"s":"x","n":-1.5e2,"t":true,"f":false,"z":null,"a":[1,[]],"o":{"k":{}}}"#),
         ["s": .string("x"), "n": .number(-150), "t": .bool(true), "f": .bool(false), "z": .null,
          "a": .array([.number(1), .array([])]), "o": .object(["k": .object([:])])]),
        // Duplicate keys: the first wins, and a later value is never read, so only its structure must hold.
        ("duplicate key, first wins", b(#"{"a":1,"a":2}"#), ["a": .number(1)]),
        ("duplicate key through an escape", b(#"{"\u0061":2,"a":1}"#), ["a": .number(2)]),
        ("duplicate key, canonically equal", b("{\"e\u{301}\":1,\"\u{E9}\":2}"), ["e\u{301}": .number(1)]),
        ("duplicate key nested", b(#"{"a":{"b":1,"b":2}}"#), ["a": .object(["b": .number(1)])]),
        ("later duplicate with an unrepresentable number", b(#"{"a":1,"a":1e400}"#), ["a": .number(1)]),
        ("later duplicate with a lone surrogate", b(#"{"a":1,"a":"\ud800"}"#), ["a": .number(1)]),
        ("later duplicate with a bad number", b(#"{"a":1,"a":--e+.}"#), ["a": .number(1)]),
        ("later duplicate with invalid UTF-8", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D],
         ["a": .number(1)]),
        ("later duplicate with a bad literal", b(#"{"a":1,"a":tru}"#), nil),
        ("later duplicate with a cut \\u", b(#"{"a":1,"a":"\u12"}"#), nil),
        ("first duplicate bad", b(#"{"a":1e400,"a":1}"#), nil),
        // Numbers.
        ("leading zero", b(#"{"a":01}"#), nil),
        ("negative leading zero", b(#"{"a":-01}"#), nil),
        ("minus zero", b(#"{"a":-0}"#), ["a": .number(-0.0)]),
        ("minus zero point zero", b(#"{"a":-0.0}"#), ["a": .number(-0.0)]),
        ("one point zero", b(#"{"a":1.0}"#), ["a": .number(1)]),
        ("trailing point", b(#"{"a":1.}"#), nil),
        ("leading point", b(#"{"a":.5}"#), nil),
        ("plus sign", b(#"{"a":+1}"#), nil),
        ("exponent forms", b(#"{"a":1E2,"b":1e+2,"c":1e-2,"d":1e05}"#),
         ["a": .number(100), "b": .number(100), "c": .number(0.01), "d": .number(100000)]),
        ("empty exponent", b(#"{"a":1e}"#), nil),
        ("point before exponent", b(#"{"a":1.e5}"#), nil),
        ("hex", b(#"{"a":0x10}"#), nil),
        ("overflow", b(#"{"a":1e400}"#), nil),
        ("largest double", b(#"{"a":1.7976931348623157e308}"#), ["a": .number(.greatestFiniteMagnitude)]),
        ("just past the largest double", b(#"{"a":1.7976931348623159e308}"#), nil),
        ("underflow", b(#"{"a":1e-400}"#), nil),
        ("underflow to zero", b(#"{"a":2e-324}"#), nil),
        ("smallest subnormal", b(#"{"a":4.9e-324}"#), ["a": .number(.leastNonzeroMagnitude)]),
        ("rounds up to the smallest subnormal", b(#"{"a":2.5e-324}"#), ["a": .number(.leastNonzeroMagnitude)]),
        ("zero with a huge exponent", b(#"{"a":0e999}"#), ["a": .number(0)]),
        // The decoder's true-zero check reads the last bytes backwards: these zeros count as underflows.
        ("zero e8 (decoder quirk)", b(#"{"a":0e8}"#), nil),
        ("zero point zero zero e5 (decoder quirk)", b(#"{"a":0.00e5}"#), nil),
        ("zero e22", b(#"{"a":0e22}"#), ["a": .number(0)]),
        ("huge integer", b(#"{"a":123456789012345678901234567890}"#), ["a": .number(1.2345678901234568e29)]),
        ("2^53 + 1 rounds to even", b(#"{"a":9007199254740993}"#), ["a": .number(9007199254740992)]),
        ("long fraction", b(#"{"a":0.30000000000000004441}"#), ["a": .number(0.30000000000000004)]),
        ("NaN", b(#"{"a":NaN}"#), nil),
        ("Infinity", b(#"{"a":Infinity}"#), nil),
        ("-Infinity", b(#"{"a":-Infinity}"#), nil),
        ("number then letters", b(#"{"a":1a}"#), nil),
        // Strings and escapes.
        ("all short escapes", b(#"{"a":"\"\\\/\b\f\n\r\t"}"#), ["a": .string("\"\\/\u{8}\u{C}\n\r\t")]),
        ("unknown escape", b(#"{"a":"\x"}"#), nil),
        ("capital U escape", b(#"{"a":"\U00e9"}"#), nil),
        ("\\u escapes both cases", b(#"{"a":"\u00e9\u00E9"}"#), ["a": .string("\u{E9}\u{E9}")]),
        ("\\u0000", b(#"{"a":"\u0000"}"#), ["a": .string("\u{0}")]),
        ("surrogate pair", b(#"{"a":"\ud83d\ude00"}"#), ["a": .string("\u{1F600}")]),
        ("highest surrogate pair", b(#"{"a":"\uDBFF\uDFFF"}"#), ["a": .string("\u{10FFFF}")]),
        ("lone high surrogate", b(#"{"a":"\ud83d"}"#), nil),
        ("lone low surrogate", b(#"{"a":"\ude00"}"#), nil),
        ("high surrogate then a letter", b(#"{"a":"\ud83dx"}"#), nil),
        ("high surrogate then a non-surrogate escape", b(#"{"a":"\ud83d\u0041"}"#), nil),
        ("swapped surrogates", b(#"{"a":"\ude00\ud83d"}"#), nil),
        ("lone surrogate in a key", b(#"{"\ud800":1}"#), nil),
        ("short \\u", b(#"{"a":"\u12"}"#), nil),
        ("\\u with a sign", b(#"{"a":"\u+123"}"#), nil),
        ("raw tab in a string", b("{\"a\":\"\t\"}"), nil),
        ("raw U+0001 in a string", b("{\"a\":\"\u{1}\"}"), nil),
        ("raw DEL in a string", b("{\"a\":\"\u{7F}\"}"), ["a": .string("\u{7F}")]),
        ("raw LF in a string", b("{\"a\":\"\n\"}"), nil),
        ("non-ASCII text", b("{\"a\":\"caf\u{E9} \u{65E5}\u{672C} \u{1F600} and a longer tail after it\"}"),
         ["a": .string("caf\u{E9} \u{65E5}\u{672C} \u{1F600} and a longer tail after it")]),
        ("invalid UTF-8 in a string", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D], nil),
        ("invalid UTF-8 in a long string", b("{\"a\":\"0123456789abcdef") + [0xFF] + b("0123456789\"}"), nil),
        ("UTF-8 surrogate in a string", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D], nil),
        ("overlong UTF-8 in a string", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0x80, 0x22, 0x7D], nil),
        ("invalid UTF-8 in a key", [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], nil),
        ("invalid UTF-8 outside strings", b(#"{"a":1}"#) + [0xFF], nil),
        ("unclosed string", b(#"{"a":"abc"#), nil),
        ("escaped closing quote", b(#"{"a":"\"}"#), nil),
        // Whitespace, BOM, the top level, what follows it.
        ("surrounding whitespace", b(" \t\r\n{ \"a\" : 1 } \r\n\t"), ["a": .number(1)]),
        ("form feed is not whitespace", b("\u{C}{}"), nil),
        ("vertical tab is not whitespace", b("{}\u{B}"), nil),
        ("UTF-8 BOM", [0xEF, 0xBB, 0xBF] + b(#"{"a":1}"#), ["a": .number(1)]),
        ("UTF-8 BOM after a space", b(" ") + [0xEF, 0xBB, 0xBF] + b("{}"), nil),
        ("two UTF-8 BOMs", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + b("{}"), nil),
        ("UTF-16LE without BOM", Array(#"{"a":"é"}"#.data(using: .utf16LittleEndian)!), ["a": .string("\u{E9}")]),
        ("UTF-16BE without BOM", Array(#"{"a":1}"#.data(using: .utf16BigEndian)!), ["a": .number(1)]),
        ("UTF-32LE without BOM", Array(#"{"a":1}"#.data(using: .utf32LittleEndian)!), ["a": .number(1)]),
        ("UTF-32BE without BOM", Array(#"{"a":1}"#.data(using: .utf32BigEndian)!), ["a": .number(1)]),
        ("UTF-16 with BOM", [0xFF, 0xFE] + Array("{}".data(using: .utf16LittleEndian)!), [:]),
        ("UTF-16 cut short", [0x7B, 0x00, 0x7D], nil),
        ("NUL after the object", b("{}") + [0], nil),
        ("NUL inside", b("{\"a\":") + [0] + b("1}"), nil),
        ("empty input", [], nil),
        ("only whitespace", b("  "), nil),
        ("top-level array", b("[]"), nil),
        ("top-level number", b("1"), nil),
        ("top-level string", b(#""x""#), nil),
        ("top-level null", b("null"), nil),
        ("trailing garbage", b(#"{"a":1}x"#), nil),
        ("two objects", b("{}{}"), nil),
        ("unclosed object", b(#"{"a":1"#), nil),
        ("extra closing brace", b(#"{"a":1}}"#), nil),
        // Commas: the decoder allows one trailing comma, and nothing else.
        ("trailing comma in an object", b(#"{"a":1,}"#), ["a": .number(1)]),
        ("trailing comma after whitespace", b(#"{"a":[1 , ] , }"#), ["a": .array([.number(1)])]),
        ("trailing comma in an array", b(#"{"a":[1,2,]}"#), ["a": .array([.number(1), .number(2)])]),
        ("only a comma in an object", b("{,}"), nil),
        ("only a comma in an array", b(#"{"a":[,]}"#), nil),
        ("two commas", b(#"{"a":[1,,2]}"#), nil),
        ("two trailing commas", b(#"{"a":1,,}"#), nil),
        ("missing comma", b(#"{"a":1 "b":2}"#), nil),
        ("missing colon", b(#"{"a" 1}"#), nil),
        ("unquoted key", b("{a:1}"), nil),
        ("single quotes", b("{'a':1}"), nil),
        ("comment", b(#"{"a":1 /* c */}"#), nil),
        ("literal case", b(#"{"a":True}"#), nil),
        ("cut literal", b(#"{"a":nul"#), nil),
        // Nesting: 512 deep is the limit.
        ("512 deep", b(#"{"a":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"), nil),
        ("513 deep", b(#"{"a":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}"), nil),
        ("513 deep in a skipped duplicate", b(#"{"a":1,"a":"# + String(repeating: "{\"b\":", count: 512) + "1" + String(repeating: "}", count: 512) + "}"), nil),
    ]

    static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: 0..<cases.count)
    func edgeCase(_ index: Int) {
        let example = Self.cases[index]
        let parsed = Self.parser(example.bytes)
        if example.name == "512 deep" {
            // Written out, the expected object would be as deep, so only check its shape.
            var value = parsed?["a"]
            var depth = 1
            while case let .array(inner)? = value, let next = inner.first { value = next; depth += 1 }
            #expect(depth == 511, "\(example.name)")
        } else {
            switch (parsed, example.object) {
            case (nil, nil): break
            case let (got?, expected?):
                #expect(Self.identical(.object(got), .object(expected)), "\(example.name): \(JSONValue.object(got).jsonText)")
            default:
                Issue.record("\(example.name): parser \(parsed == nil ? "rejects" : "accepts") \(Self.describe(example.bytes))")
            }
        }
        #expect(Self.disagreement(example.bytes) == nil, "\(example.name)")
    }

    @Test func deepNestingIsRejectedWithoutACrash() {
        for depth in [513, 514, 1_000, 100_000] {
            for open in ["[", "{\"a\":"] {
                let text = Self.b("{\"a\":" + String(repeating: open, count: depth - 1))
                #expect(Self.parser(text) == nil)
                #expect(Self.parser(text + Self.b(String(repeating: open == "[" ? "]" : "}", count: depth - 1) + "}")) == nil)
            }
        }
        // Exactly 512 nested containers is fine, for arrays and objects.
        let objects = Self.b(String(repeating: "{\"a\":", count: 511) + "{}" + String(repeating: "}", count: 511))
        #expect(Self.parser(objects) != nil)
        #expect(Self.disagreement(objects) == nil)
    }

    /// The old decoder trapped on this line (its error report for the 513th '[' reaches past the end), which
    /// took `ward` down with any journal holding it; the parser rejects it.
    @Test func theLineThatCrashedTheDecoderIsRejected() throws {
        let line = Self.b(#"{"a":"# + String(repeating: "[", count: 512))
        #expect(Self.parser(line) == nil)
        let journal = Journal(data: Data(line + [10]), path: "timeline.jsonl")
        #expect(journal.events.isEmpty)
        #expect(journal.problems.map(\.message) == ["is not a JSON object; the line is skipped"])
    }

    @Test func eventLinesStillSayWhatIsWrong() {
        #expect(throws: WardError.self) { try Event(jsonLine: "[1]") }
        do {
            _ = try Event(jsonLine: #"{"id":"x","at":"#)
            Issue.record("accepted a cut line")
        } catch let error as WardError {
            #expect(error.message == "is not a JSON object")
        } catch {
            Issue.record("\(error)")
        }
        let line = #"{"id":"01KKY28FY009QYN3ZNZ3C3E4AZ","at":"2026-03-17T14:12:40Z","recorded":"2026-03-17T14:12:40Z","by":"ana@bastion-1","kind":"declared","services":["api"],"n":2}"#
        let event = try? Event(jsonLine: Substring(line))
        #expect(event?.fields == ["services": .array([.string("api")]), "n": .number(2)])
        #expect(event?.jsonLine == line.replacingOccurrences(of: #","services":["api"],"n":2"#, with: #","n":2,"services":["api"]"#))
    }

    @Test func theEntryPointsAgree() throws {
        let text = #"{"a":[1,"x"],"b":{"c":null}}"#
        let fromBytes = try JSONValue.parseObject(Array(text.utf8))
        #expect(try JSONValue.parseObject(text) == fromBytes)
        #expect(try JSONValue.parseObject(Substring(text)) == fromBytes)
        #expect(try JSONValue.parseObject(Data(text.utf8)) == fromBytes)
        #expect(try JSONValue.parseObject(text.utf8.lazy.map { $0 }) == fromBytes) // not contiguous
    }

    // MARK: Differential

    static let corpusFolders: [URL] = {
        let fuzz = root.appending(path: "Tests/Corpus/fuzz")
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: fuzz.path)) ?? []
        return targets.sorted().map { fuzz.appending(path: $0) } + [root.appending(path: "Tests/Corpus/malformed")]
    }()

    /// Every file of the fuzz corpus (journals first, but any line of any target may look like JSON), whole
    /// and line by line, with and without a CR at the end.
    @Test(arguments: corpusFolders)
    func theCorpusParsesAsTheDecoderParsesIt(_ folder: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!files.isEmpty)
        var disagreements: [String] = []
        var accepted = 0
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: folder.appending(path: file)))
            var inputs = [bytes]
            for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
                inputs.append(Array(line))
                if line.last == 13 { inputs.append(Array(line.dropLast())) }
            }
            for input in inputs {
                let result = Self.compare(input)
                if let problem = result.disagreement { disagreements.append("\(file): \(problem)") }
                if result.accepted { accepted += 1 }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
        if folder.lastPathComponent == "journal" { #expect(accepted > 500) }
    }

    /// A seeded generator (TestSupport's SplitMix64), so a failure comes back the same every time.
    struct Random {
        var generator: SeededGenerator
        init(state: UInt64) { generator = SeededGenerator(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
    }

    static let eventLines: [[UInt8]] = {
        let incidents = root.appending(path: "data/incidents")
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: incidents.path)) ?? []).sorted()
        return folders.flatMap { folder -> [[UInt8]] in
            guard let data = try? Data(contentsOf: incidents.appending(path: folder + "/timeline.jsonl")) else { return [] }
            return [UInt8](data).split(separator: 10).map(Array.init)
        }
    }()

    static let interestingBytes: [UInt8] = Array("{}[]\",:\\u0123456789abcdefABCDEF.eE+-tfnrlsx /bDd".utf8)
        + [0, 1, 9, 10, 13, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xED, 0xEF, 0xBB, 0xF0, 0xFE, 0xFF]
    static let snippets: [String] = [
        "\\u", "\\ud83d", "\\ude00", "\\u0000", "\\uDBFF\\uDFFF", "1e400", "1e-400", "-0", "0.0", "01", "1.", ".5", "1e",
        "0e8", "true", "false", "null", ",}", ",]", "[[[[", "]]]]", "{\"a\":1}", "\"id\"", "\"kind\"", "\"x\":", "\u{FEFF}",
        "\t", "\r\n", "2.5e-324", "1.7976931348623159e308", "123456789012345678901234567890", "0.1e-5", "\\\"", "\\/",
        "\\x", "\u{E9}", "e\u{301}",
    ]

    /// Real event lines with one to four bytes flipped, replaced, inserted or deleted, snippets inserted, or a
    /// stretch of members repeated (duplicate keys).
    @Test func mutatedEventLinesParseAsTheDecoderParsesThem() {
        #expect(Self.eventLines.count > 100)
        var random = Random(state: 20_261_123)
        var disagreements: [String] = []
        var accepted = 0
        for _ in 0..<30_000 {
            var line = random.pick(Self.eventLines)
            for _ in 0...random.below(4) {
                let position = random.below(line.count + 1)
                switch random.below(7) {
                case 0 where position < line.count: line[position] = UInt8(truncatingIfNeeded: random.next())
                case 1 where position < line.count: line[position] = random.pick(Self.interestingBytes)
                case 2: line.insert(random.pick(Self.interestingBytes), at: position)
                case 3 where position < line.count: line.remove(at: position)
                case 4: line.insert(contentsOf: Array(random.pick(Self.snippets).utf8), at: position)
                case 5 where position < line.count: line[position] ^= UInt8(1 << random.below(8))
                case 6:
                    if let comma = line.firstIndex(of: UInt8(ascii: ",")) {
                        let end = min(line.count - 1, comma + 1 + random.below(60))
                        line.insert(contentsOf: Array(line[comma..<end]), at: comma)
                    }
                default: break
                }
            }
            let result = Self.compare(line)
            if let problem = result.disagreement { disagreements.append(problem) }
            if result.accepted { accepted += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
        #expect(accepted > 3_000) // enough of them stay valid to compare values
    }

    /// Random JSON-ish objects: nesting, every kind of number and escape, duplicate and equivalent keys, odd
    /// whitespace and commas, sometimes cut short, sometimes in UTF-16 or UTF-32 (with or without a byte order
    /// mark, sometimes broken).
    @Test func generatedObjectsParseAsTheDecoderParsesThem() {
        var random = Random(state: 8_259)
        var disagreements: [String] = []
        var accepted = 0
        for _ in 0..<30_000 {
            var generator = Generator(random: random)
            var text = generator.whitespace() + generator.object(depth: 0) + generator.whitespace()
            random = generator.random
            if random.below(30) == 0 { text = "\u{FEFF}" + text }
            var bytes = Array(text.utf8)
            if random.below(20) == 0 {
                bytes = Array(text.data(using: random.pick([.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian, .utf32BigEndian]))!)
                if random.below(3) == 0 { bytes = random.pick([[0xFF, 0xFE], [0xFE, 0xFF], [0, 0, 0xFE, 0xFF], [0xFE, 0xFF, 0, 0]]) + bytes }
                // Broken UTF-16 and UTF-32: a lone surrogate, a byte lost, the text cut.
                if !bytes.isEmpty && random.below(2) == 0 {
                    let position = random.below(bytes.count)
                    switch random.below(3) {
                    case 0: bytes[position] = random.pick([0x00, 0xD8, 0xDC, 0xFF, 0x22, 0x5C])
                    case 1: bytes.remove(at: position)
                    default: bytes.removeLast(position)
                    }
                }
            }
            let result = Self.compare(bytes)
            if let problem = result.disagreement { disagreements.append(problem) }
            if result.accepted { accepted += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
        #expect(accepted > 3_000)
    }

    /// Numbers of every length and exponent, to the bit: the parser's exact fast path and its strtod fallback.
    @Test func numbersMatchTheDecoderToTheBit() {
        var random = Random(state: 754)
        var disagreements: [String] = []
        for _ in 0..<30_000 {
            var generator = Generator(random: random)
            let number = generator.longNumber()
            random = generator.random
            if let problem = Self.disagreement(Array("{\"n\":\(number)}".utf8)) { disagreements.append(problem) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
    }

    // MARK: Events and journals

    /// `Event(jsonLine:)` as it was, on JSONDecoder: the event, or the error's message.
    static func oldEvent(_ line: Substring) -> Result<Event, WardError> {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
        } catch {
            return .failure(WardError("is not a JSON object"))
        }
        func text(_ key: String) throws -> String {
            guard let value = object[key]?.string, !value.isEmpty else { throw WardError("the event has no '\(key)'") }
            return value
        }
        func time(_ key: String) throws -> Date {
            let value = try text(key)
            guard let date = Timestamps.parseISO(value) else { throw WardError("'\(key)' is not a time: \(value)") }
            return date
        }
        do {
            let id = try text("id"), at = try time("at"), recorded = try time("recorded"), by = try text("by")
            let kind = try text("kind")
            var event = Event(id: id, at: at, recorded: recorded, by: by, kind: kind,
                              fields: object.filter { !Event.coreKeys.contains($0.key) })
            (event.at, event.recorded) = (at, recorded) // the line's times as they are, not rounded
            return .success(event)
        } catch {
            return .failure(error as! WardError)
        }
    }

    /// `Journal(data:path:)` as it was: split into lines, each copied out and made a String.
    static func oldJournal(_ data: Data, path: String) -> Journal {
        var journal = Journal(data: Data(), path: path)
        guard !data.isEmpty else { return journal }
        let bytes = [UInt8](data)
        var rawLines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        if rawLines.last?.isEmpty == true {
            rawLines.removeLast()
        } else {
            journal.tornTail = true
            journal.problems.append(Problem(path: path, line: rawLines.count,
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
                journal.problems.append(Problem(path: path, line: index + 1, "the event is larger than \(Journal.lineLimit) bytes; it is skipped"))
                continue
            }
            if RecordText.firstInvalidUTF8(lineBytes) != nil {
                journal.problems.append(Problem(path: path, line: index + 1, "is not valid UTF-8; the line is skipped"))
                continue
            }
            switch oldEvent(Substring(String(decoding: lineBytes, as: UTF8.self))) {
            case let .success(event):
                if let earlier = seen[event.id] {
                    if earlier != event {
                        journal.problems.append(Problem(path: path, line: index + 1, "a different event with the id \(event.id) is already in this timeline"))
                        journal.events.append(event)
                        journal.lines.append(index + 1)
                    }
                } else {
                    seen[event.id] = event
                    journal.events.append(event)
                    journal.lines.append(index + 1)
                }
            case let .failure(error):
                journal.problems.append(Problem(path: path, line: index + 1, error.message + "; the line is skipped"))
            }
        }
        return journal
    }

    static func sameJournal(_ a: Journal, _ b: Journal) -> Bool {
        a.tornTail == b.tornTail && a.lines == b.lines && a.problems == b.problems && a.events.count == b.events.count
            && zip(a.events, b.events).allSatisfy { $0 == $1 && identical(.object($0.fields), .object($1.fields)) }
    }

    /// Whole journals, made of real lines, mutated lines, blank and CRLF lines, duplicates, a torn tail, an
    /// oversized line: the events, their line numbers and every problem as before.
    @Test func journalsReadAsBefore() {
        var random = Random(state: 4_627)
        let extras: [[UInt8]] = [[], Array("  \t".utf8), [13], Array("not json".utf8), [0xC3, 0x28],
                                 Array("{\"id\":\"x\",\"at\":\"2026-02-30T00:00:00Z\"}".utf8)]
        var differences: [String] = []
        for round in 0..<400 {
            var data: [UInt8] = []
            for _ in 0..<random.below(12) {
                var line = random.below(6) == 0 ? random.pick(extras) : random.pick(Self.eventLines)
                if random.below(3) == 0, !line.isEmpty {
                    let position = random.below(line.count)
                    switch random.below(4) {
                    case 0: line[position] = random.pick(Self.interestingBytes)
                    case 1: line.remove(at: position)
                    case 2: line.insert(contentsOf: Array(random.pick(Self.snippets).utf8), at: position)
                    default: line.insert(contentsOf: Array(line[position...].prefix(40)), at: position)
                    }
                }
                data += line + (random.below(5) == 0 ? [13, 10] : [10])
                if random.below(8) == 0, let last = data.split(separator: 10).last { data += Array(last) + [10] } // the same line twice
            }
            if round % 100 == 0 { data += Array(repeating: UInt8(ascii: "a"), count: Journal.lineLimit + 1) + [10] }
            if random.below(4) == 0 { data += random.pick(Self.eventLines).prefix(random.below(80)) } // torn
            let path = "incidents/x/timeline.jsonl"
            let new = Journal(data: Data(data), path: path)
            let old = Self.oldJournal(Data(data), path: path)
            if !Self.sameJournal(new, old) {
                differences.append("round \(round): \(new.problems.map(\.message)) vs \(old.problems.map(\.message))")
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(3))")
    }

    /// Event lines one by one, real and mutated: the same event or the same error message.
    @Test func eventsAreMadeAsBefore() {
        var random = Random(state: 3_339)
        var differences: [String] = []
        for _ in 0..<10_000 {
            var line = random.pick(Self.eventLines)
            if random.below(2) == 0 {
                let position = random.below(line.count)
                switch random.below(4) {
                case 0: line[position] = random.pick(Self.interestingBytes)
                case 1: line.remove(at: position)
                case 2: line.insert(contentsOf: Array(random.pick(Self.snippets).utf8), at: position)
                default: line.insert(contentsOf: Array(line[position...].prefix(random.below(80))), at: position)
                }
            }
            guard let text = String(validating: line, as: UTF8.self) else { continue }
            let old = Self.oldEvent(Substring(text))
            let new = Result { try Event(jsonLine: Substring(text)) }.mapError { $0 as! WardError }
            switch (old, new) {
            case let (.success(a), .success(b)) where a == b && Self.identical(.object(a.fields), .object(b.fields)): break
            case let (.failure(a), .failure(b)) where a.message == b.message: break
            default: differences.append("\(old) vs \(new): \(text)")
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(3))")
    }

    struct Generator {
        var random: Random

        mutating func number() -> String {
            var text = random.below(4) == 0 ? "-" : ""
            switch random.below(10) {
            case 0: text += "0"
            case 1: text += String(repeating: "0", count: 1 + random.below(3)) + String(random.below(100))
            default:
                text += String(1 + random.below(9))
                for _ in 0..<random.below(random.below(3) == 0 ? 40 : 8) { text += String(random.below(10)) }
            }
            if random.below(3) == 0 {
                text += "."
                for _ in 0..<random.below(random.below(3) == 0 ? 30 : 6) { text += String(random.below(10)) }
            }
            if random.below(3) == 0 {
                text += random.pick(["e", "E"]) + random.pick(["", "+", "-"])
                for _ in 0..<random.below(5) { text += String(random.below(10)) }
                if random.below(4) == 0 { text += random.pick(["308", "324", "400", "3000", "22", "23", "16"]) }
            }
            if random.below(20) == 0 { text += random.pick([".", "e", "-", "+", "x", "0"]) }
            return text
        }

        mutating func longNumber() -> String {
            var text = random.below(2) == 0 ? "-" : ""
            let integerDigits = random.below(20)
            if integerDigits == 0 {
                text += "0"
            } else {
                text += String(1 + random.below(9))
                for _ in 1..<integerDigits { text += String(random.below(random.below(3) == 0 ? 1 : 10)) }
            }
            if random.below(2) == 0 {
                text += "."
                for _ in 0...random.below(25) { text += String(random.below(random.below(3) == 0 ? 1 : 10)) }
            }
            if random.below(2) == 0 {
                text += random.pick(["e", "E", "e-", "e+", "E-"]) + String(random.below(random.pick([10, 25, 40, 330, 400])))
            }
            return text
        }

        mutating func string() -> String {
            var text = "\""
            for _ in 0..<random.below(12) {
                switch random.below(14) {
                case 0: text += random.pick(["\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\x", "\\'", "\\U0041"])
                case 1:
                    let unit = random.below(3) == 0 ? random.below(0x10000)
                        : random.pick([0, 0x1F, 0x7F, 0xE9, 0xD83D, 0xDE00, 0xDBFF, 0xDFFF, 0xFEFF, 0x2028])
                    text += String(format: "\\u%04x", unit)
                case 2: text += "\\ud83d" + random.pick(["\\ude00", "\\u0041", "", "x", "\\", "\\u", "\\uDE0"])
                case 3: text += random.pick(["\u{E9}", "e\u{301}", "\u{65E5}\u{672C}", "\u{1F600}", "\u{7F}", "\u{1}", "\t", "\u{0}", "\u{FEFF}"])
                case 4: text += String(repeating: random.pick(["abcdefgh", "0123456789"]), count: 1 + random.below(3))
                default: text += String(UnicodeScalar(UInt8(0x20 + random.below(0x5F))))
                }
            }
            return text + (random.below(30) == 0 ? "" : "\"")
        }

        mutating func whitespace() -> String {
            random.below(4) == 0 ? random.pick([" ", "\t", "\n", "\r", "  ", "\u{B}", "\u{C}"]) : ""
        }

        mutating func value(depth: Int) -> String {
            switch random.below(depth > 4 ? 6 : 9) {
            case 0, 1: return number()
            case 2, 3: return string()
            case 4: return random.pick(["true", "false", "null", "tru", "nul", "True", "NaN", "Infinity", "-Infinity"])
            case 5: return random.pick(["[]", "{}", "[ ]", "{ }"])
            case 6, 7: return object(depth: depth + 1)
            default:
                var text = "[" + whitespace()
                let count = random.below(5)
                for index in 0..<count {
                    text += value(depth: depth + 1) + whitespace()
                    if index < count - 1 || random.below(5) == 0 { text += "," + whitespace() }
                }
                return text + "]"
            }
        }

        mutating func key() -> String {
            random.below(3) == 0 ? string()
                : "\"" + random.pick(["a", "b", "id", "kind", "\u{E9}", "e\u{301}", "\\u0061", "", "\\u00e9"]) + "\""
        }

        mutating func object(depth: Int) -> String {
            var text = "{" + whitespace()
            let count = random.below(6)
            for index in 0..<count {
                text += key() + whitespace() + ":" + whitespace() + value(depth: depth) + whitespace()
                if index < count - 1 || random.below(6) == 0 { text += "," + whitespace() }
            }
            return text + "}"
        }
    }
}
