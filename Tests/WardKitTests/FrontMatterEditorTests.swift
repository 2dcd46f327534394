import Foundation
import Testing
@testable import WardKit

@Suite struct FrontMatterEditorTests {
    let handWritten = """
    ---
    # Reviewed at the Tuesday architecture sync
    tags: [database, safety]   # keep these short
    status: proposed  # waiting for the DB team
    date: 2026-11-20
    decision-makers:
      - ana
      - bo
    custom-key: kept as it is
    ---
    # Keep backups restorable

    Body text, *exactly* as written.

    """

    /// Lines that differ between two texts, as (line number, old, new).
    func diff(_ old: String, _ new: String) -> [(Int, String, String)] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        guard a.count == b.count else { return [(-1, "\(a.count) lines", "\(b.count) lines")] }
        var changes: [(Int, String, String)] = []
        for index in a.indices where a[index] != b[index] {
            changes.append((index + 1, String(a[index]), String(b[index])))
        }
        return changes
    }

    @Test func changingOneFieldChangesOneLine() throws {
        let edited = try #require(FrontMatterEditor.set("status", to: "accepted", in: handWritten))
        let changes = diff(handWritten, edited)
        #expect(changes.count == 1)
        #expect(changes.first?.0 == 4)
        #expect(changes.first?.2 == "status: accepted  # waiting for the DB team")
        let parsed = try FrontMatterDocument(edited, path: "x.md")
        #expect(try parsed.fields?.string("status") == "accepted")
        #expect(try parsed.fields?.strings("decision-makers") == ["ana", "bo"])
        #expect(parsed.fields?.keys == ["tags", "status", "date", "decision-makers", "custom-key"])
    }

    @Test func aBlockListIsReplacedWholeAndNothingElse() throws {
        let edited = try #require(FrontMatterEditor.set("decision-makers", to: "[ana, bo, chidi]", in: handWritten))
        #expect(edited == handWritten.replacingOccurrences(of: "decision-makers:\n  - ana\n  - bo\n", with: "decision-makers: [ana, bo, chidi]\n"))
    }

    @Test func anAbsentKeyIsAddedLast() throws {
        let edited = try #require(FrontMatterEditor.set("superseded-by", to: "[7]", in: handWritten))
        #expect(edited == handWritten.replacingOccurrences(of: "custom-key: kept as it is\n", with: "custom-key: kept as it is\nsuperseded-by: [7]\n"))
    }

    @Test func crlfAndByteOrderMarkAreKept() throws {
        let windows = "\u{FEFF}" + handWritten.replacingOccurrences(of: "\n", with: "\r\n")
        let edited = try #require(FrontMatterEditor.set("status", to: "rejected", in: windows))
        #expect(edited.hasPrefix("\u{FEFF}---\r\n"))
        #expect(edited == windows.replacingOccurrences(of: "status: proposed  # waiting", with: "status: rejected  # waiting"))
        let added = try #require(FrontMatterEditor.set("new", to: "x", in: windows))
        #expect(added.contains("custom-key: kept as it is\r\nnew: x\r\n---\r\n"))
    }

    @Test func noFrontMatterMeansNoEdit() {
        #expect(FrontMatterEditor.set("status", to: "accepted", in: "# 1. Title\n\nDate: x\n") == nil)
    }

    @Test(arguments: ["plain", "has: colon", "# hash", "yes", "123", "-dash", "quote\"s", "back\\slash", "", " padded ",
                      "line\nbreak", "ESC\u{1B}[31m", "日本語", "null"])
    func scalarsReadBackAsTheSameText(value: String) throws {
        let text = "---\nkey: \(FrontMatterEditor.scalar(value))\n---\n"
        let parsed = try FrontMatterDocument(text, path: "x.md")
        #expect(try parsed.fields?.string("key") ?? "" == value)
    }

    @Test func listsReadBackAsTheSameValues() throws {
        let values = ["a", "b, c", "[x]", "it's", "7"]
        let text = "---\nkey: \(FrontMatterEditor.list(values))\n---\n"
        #expect(try FrontMatterDocument(text, path: "x.md").fields?.strings("key") == values)
    }

    @Test func nygardStatusIsEditedInItsOwnSection() throws {
        let nygard = "# 2. Use PostgreSQL\n\nDate: 2026-03-02\n\n## Status\n\nAccepted\n\nAmended by [5. X](0005-x.md)\n\n## Context\n\nWhy.\n"
        let edited = try #require(DecisionEditing.settingStatus(.deprecated, in: nygard, format: .nygard))
        #expect(edited == nygard.replacingOccurrences(of: "\nAccepted\n", with: "\nDeprecated\n"))
        // adr-tools leaves a superseded record with only its link line: the status goes first.
        let linkOnly = "# 1. A\n\nDate: 2026-01-01\n\n## Status\n\nSuperseded by [2. B](0002-b.md)\n\n## Context\n"
        let fixed = try #require(DecisionEditing.settingStatus(.superseded, in: linkOnly, format: .nygard))
        #expect(fixed == "# 1. A\n\nDate: 2026-01-01\n\n## Status\n\nSuperseded\n\nSuperseded by [2. B](0002-b.md)\n\n## Context\n")
        let linked = try #require(DecisionEditing.addingStatusLink("Superseded by [3. C](0003-c.md)", in: nygard))
        #expect(linked.contains("Amended by [5. X](0005-x.md)\n\nSuperseded by [3. C](0003-c.md)\n\n## Context"))
    }
}
