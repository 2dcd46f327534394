import Foundation
import Testing
@testable import WardKit

/// PlainYAML reads front matter without Yams. Whatever it reads, it must read exactly as Yams does (the same
/// keys in order, text byte for byte, quoted or plain, lists and mappings, lines); whatever it cannot, it must
/// leave to Yams. Held to that on every file Ward ships, on generated stores' files, on a table of edge cases,
/// the fuzz corpus, and seeded mutations of all of those.
@Suite struct PlainYAMLTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The same in every way Ward can see: kinds, text byte for byte, plain or quoted, keys, lines.
    static func identical(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        switch (a.value, b.value) {
        case let (.scalar(x, plainX), .scalar(y, plainY)):
            // An empty value's line is where Yams found the next thing; messages use its key's line instead.
            return x.utf8.elementsEqual(y.utf8) && plainX == plainY && (a.isNull || a.line == b.line)
        case let (.sequence(x), .sequence(y)):
            return a.line == b.line && x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.mapping(x), .mapping(y)):
            return x.count == y.count && zip(x, y).allSatisfy {
                $0.key.utf8.elementsEqual($1.key.utf8) && $0.keyLine == $1.keyLine && identical($0.value, $1.value)
            }
        default:
            return false
        }
    }

    /// Checks one text; returns whether PlainYAML read it.
    @discardableResult
    static func check(_ yaml: String, _ label: String) -> Bool {
        guard let plain = PlainYAML.mapping(yaml, firstLine: 2) else { return false }
        do {
            let composed = try FrontMatterDocument.composed(yaml: yaml, path: "x.md", firstLine: 2)
            let expected = YAMLNode(.mapping(composed.pairs), line: plain.line)
            #expect(identical(plain, expected), "\(label): PlainYAML read \(plain), Yams \(expected)\n\(yaml)")
        } catch {
            Issue.record("\(label): PlainYAML read what Yams refuses (\(error))\n\(yaml)")
        }
        return true
    }

    /// The YAML of a file: its front matter, or the whole of a ward.yaml.
    static func yaml(of text: String, name: String) -> String? {
        if name.hasSuffix(".yaml") || name.hasSuffix(".yaml.mustache") { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return nil }
        return lines[1..<end].joined(separator: "\n")
    }

    static func shippedTexts() -> [(String, String)] {
        var texts: [(String, String)] = []
        for folder in ["data", "templates"] {
            let base = root.appending(path: folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker {
                guard let text = try? String(contentsOf: base.appending(path: relative), encoding: .utf8),
                      let yaml = yaml(of: text, name: relative), !yaml.contains("{{") else { continue }
                texts.append(("\(folder)/\(relative)", yaml))
            }
        }
        return texts
    }

    @Test func everyFileWardShipsIsReadAsYamsReadsIt() {
        let texts = Self.shippedTexts()
        #expect(texts.count > 20)
        var read = 0
        for (label, yaml) in texts where Self.check(yaml, label) { read += 1 }
        // Ward's own files are what the fast reader is for: it must not leave them to Yams.
        #expect(read == texts.count, "read \(read) of \(texts.count)")
    }

    @Test func edgeCases() {
        let cases: [String] = [
            "", "# only a comment", "title: x", "title:", "title: ", "title: ~", "title: null", "title: 'null'",
            "title: \"\"", "title: ''", "title: a # comment", "title: a#b", "title: C# and F#", "title: 'it''s'",
            "title: \"say \\\"hi\\\" \\\\ / \\/\"", "title: \"tab\\there\\nnew line\"", "title: \"\\u00e9\"", "title: \"\\x41\"",
            "title: 'a' # c", "title: 'a'b", "title: \"a\"  ", "title: Why ? because", "title: a: b", "title: a:",
            "title: a :b", "title: [not a list", "title: x [y]", "title: {a: b}", "title: &anchor x", "title: *alias",
            "title: !tag x", "title: |\n  block", "title: >\n  folded", "title: -5", "title: - x", "title: @x", "title: `x`",
            "title: %x", "title: ?x", "title: ,x", "title: 2026-11-23T03:14:07Z", "title: 1e3", "title: 0x1F", "title: yes",
            "services: [a, b]", "services: []", "services: [ a , b ]", "services: [a,b]", "services: ['a', \"b\"]",
            "services: [a, b,]", "services: [a, [b]]", "services: [a b]", "services: [a:b]", "services: [a#b]",
            "services: [a, b] # c", "services: [a, b]x", "services: [a, 'b]", "services: [, a]", "services: [a,, b]",
            "services:\n  - a\n  - b", "services:\n- a\n- b", "services:\n  - a\n  -b", "services:\n  -\n  - b",
            "services:\n  - a\n    continued", "services:\n  - [x, y]\n  - 'q'", "services:\n  - a: 1\n    b: 2\n  - a: 3",
            "severities:\n  - name: SEV1\n    meaning: Data lost\n  - name: SEV2\n    meaning: 'quoted'",
            "decisions:\n  dir: docs/adr\n  format: nygard", "decisions: {dir: x}", "a:\n  b:\n    c: d\n  e: f\ng: h",
            "a:\n  b: c\n d: e", "a: b\n  c: d", "title: multi\n  line plain", "title: x\ntitle: y", "a: 1\nb: 2\na: 3",
            "  indented: x", "title:\tx", "title: x\t", "title: x\r", "\ttitle: x", "key with space: x", "-key: x",
            ".key: x", "ké: x", "k.e_y-1: x", "1: x", "a.b: c", "title: naïve café 日本語 🚀", "title: \u{85}x",
            "title: x\u{2028}y", "title: \u{FEFF}x", "title: x\u{9F}", "? complex\n: value", "title: x\n\n\n# c\nb: y",
            "title: x\n---\nb: y", "title: x\n...", "title:x", "title:  two spaces", "title: trailing   ",
            "a:\n\n  - x\n\n  - y", "a:\n  # comment\n  - x", "a:\n  - x\n  # comment\nb: y", "a:\n  - x\n b: y",
            "list:\n  - a\n  - - b", "list:\n  - 'a' # c\n  - \"b\"", "x: 'a\n  b'", "x: \"a\n  b\"", "x: [a,\n  b]",
            "actions:\n  - title: Add an alert\n    owner: bo\n    due: 2026-12-01\n    state: open",
            "reviewers: [\"Zoë #1\", \"@ana\", \"o'neil, j\"]", "status: in-review", "title: The end.",
        ]
        var read = 0
        for yaml in cases where Self.check(yaml, "case") { read += 1 }
        #expect(read > 40, "the cases Ward writes are read, not only left to Yams: \(read)")
    }

    @Test func theFuzzCorpusAndMutationsOfEverythingAgree() throws {
        var texts = Self.shippedTexts().map(\.1)
        let corpus = Self.root.appending(path: "Tests/Corpus/fuzz/frontmatter")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? [] {
            if let data = FileManager.default.contents(atPath: corpus.appending(path: name).path) {
                texts.append(String(decoding: data, as: UTF8.self))
            }
        }
        var random = SeededGenerator(seed: 11)
        let pieces = [" ", "  ", ":", ": ", "-", "- ", "#", " #", "'", "\"", "[", "]", ",", "\n", "\n  ", "\n- ", "{", "\\",
                      "~", "null", "é", "\t", "a", "key: ", "?", "&", "*", "!", "|", ">"]
        var read = 0
        for base in texts where !base.isEmpty {
            for _ in 0..<60 {
                var bytes = Array(base.utf8)
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = Int.random(in: 0...bytes.count, using: &random)
                    if Bool.random(using: &random), at < bytes.count {
                        bytes.remove(at: at)
                    } else {
                        bytes.insert(contentsOf: pieces.randomElement(using: &random)!.utf8, at: at)
                    }
                }
                if Self.check(String(decoding: bytes, as: UTF8.self), "mutation") { read += 1 }
            }
        }
        #expect(read > 500, "enough mutations are read, not only left to Yams: \(read)")
    }

    @Test func generatedStoresAreReadWithoutYams() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory)
        let incident = try store.declare(title: "Checkout: 500s on \"pay\" — naïve #1", severity: "2", services: ["api", "db, primary"],
                                         commander: "ana")
        _ = try store.newDecision(title: "Use 'quotes' & colons: here", supersedes: [])
        for file in directory.allFiles() where file.hasSuffix(".md") || file == "ward.yaml" {
            guard let text = directory.read(file), let yaml = Self.yaml(of: text, name: file) else { continue }
            #expect(Self.check(yaml, file), "\(file) as Ward writes it is read without Yams:\n\(yaml)")
        }
        _ = incident
    }
}
