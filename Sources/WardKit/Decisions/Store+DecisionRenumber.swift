import Foundation

/// What `ward adr renumber` did.
public struct Renumbering: Sendable {
    public var decision: Decision
    public var oldPath: String
    /// Other files whose links or `ADR-NNNN` mentions now name the new number.
    public var rewritten: [String]
    /// Set when another record keeps the old number: mentions outside the moved record's linked records were
    /// left alone, since they may mean the other one.
    public var sharedNumberKeptBy: String?
    /// Records that link to the old number, which another record shares too, with no word in the decision
    /// journal of which one they mean: not rewritten; a person checks them.
    public var leftAlone: [String] = []
}

extension Store {
    /// Gives a record a new number (the next free one unless `to` says): renames its file, fixes its title
    /// line, and rewrites every link to it and every `ADR-NNNN` mention of it, all in one change.
    ///
    /// When the old number is shared (two branches each wrote record 7), only the records the moved one links
    /// to and from are rewritten: a mention elsewhere cannot be told apart, and is left for a person.
    public func renumberDecision(_ reference: String, to wanted: Int? = nil) throws -> Renumbering {
        try finishPendingChanges()
        return try files.withLock(decisionsDirectory + "/.numbering") {
            let moved = try findDecision(reference)
            let all = loadDecisions().decisions
            let number = try wanted ?? nextDecisionNumber()
            guard number > 0, number <= Decision.largestNumber else { throw WardError("\(number) is not a record number") }
            if number != moved.number, let taken = listDirectory(decisionsDirectory).first(where: { Decision.number(inFileName: $0) == number }) {
                throw WardError("the number \(number) is taken by \(taken)")
            }
            guard number != moved.number else { return Renumbering(decision: moved, oldPath: moved.path, rewritten: []) }
            let old = moved.number
            let rest = moved.fileName.drop { $0.isNumber }
            let newName = Decision.padded(number) + rest
            let newPath = decisionsDirectory + "/" + newName
            // Judged by file names, so that a twin that does not parse (conflict markers after a merge) counts.
            let sharer = all.first { $0.number == old && $0.path != moved.path }
                ?? listDirectory(decisionsDirectory).first { Decision.number(inFileName: $0) == old && $0 != moved.fileName }
                    .map { Decision.stub(path: decisionsDirectory + "/" + $0, number: old) }
            let mapping = Rewrite(oldNumber: old, newNumber: number, oldFile: moved.fileName, newFile: newName,
                                  directoryName: decisionsDirectory.split(separator: "/").last.map(String.init) ?? "")

            guard let contents = try files.read(moved.path, limit: RecordText.sizeLimit + 1) else {
                throw WardError("disappeared", path: moved.path)
            }
            let ownRecord = try RecordText(contents.data, path: moved.path)
            let ownText = mapping.renumberingTitle(in: mapping.apply(ownRecord.text, format: moved.format), format: moved.format)
            let renamed = try Decision(data: ownRecord.encode(ownText), path: newPath)
            guard renamed.title == moved.title, renamed.number == number else {
                throw WardError("Ward cannot renumber it without changing more than its number; nothing was written", path: moved.path)
            }
            // The renamed record keeps its file's mode (a group-readable record stays group-readable).
            let mode = UInt32(contents.mode & 0o7777)
            var steps: [ChangeSet.Step] = [.write(newPath, before: nil, after: ownRecord.encode(ownText), mode: mode),
                                           .remove(moved.path, before: contents.data, mode: mode)]
            let partners = Set(moved.supersedes + moved.supersededBy + moved.links.map(\.number))
            // A partner number two records share (both branches' record 3 superseding their own record 2): only
            // the one the journal says the moved record was linked with is its partner; with no word from the
            // journal, neither is rewritten, and both are left for a person.
            let sharedPartners = Set(partners.filter { number in all.filter { $0.number == number }.count > 1 })
            let known = sharedPartners.isEmpty ? [] : linkedFiles(of: moved.fileName)
            var rewritten: [String] = [], leftAlone: [String] = []
            for other in all where other.path != moved.path {
                if sharer != nil && !(partners.contains(other.number) && other.path != sharer?.path) { continue }
                if sharedPartners.contains(other.number) && !known.contains(other.fileName) {
                    if other.path != sharer?.path, known.isDisjoint(with: all.filter { $0.number == other.number }.map(\.fileName)) {
                        leftAlone.append(other.path)
                    }
                    continue
                }
                guard let data = try files.read(other.path, limit: RecordText.sizeLimit + 1)?.data else { continue }
                let record = try RecordText(data, path: other.path)
                let updated = mapping.apply(record.text, format: other.format)
                guard updated != record.text else { continue }
                guard let reread = try? Decision(data: record.encode(updated), path: other.path), reread.title == other.title else {
                    throw WardError("Ward cannot rewrite its links to \(old) without changing more of it; nothing was written", path: other.path)
                }
                steps.append(.write(other.path, before: data, after: record.encode(updated)))
                rewritten.append(other.path)
            }
            if sharer == nil {
                // Post-mortems and incident records mention decisions too.
                for id in listDirectory(Self.incidentsDirectory) {
                    for name in ["incident.md", "postmortem.md"] {
                        let path = Self.incidentsDirectory + "/" + id + "/" + name
                        guard let data = try? files.read(path, limit: RecordText.sizeLimit + 1)?.data,
                              let record = try? RecordText(data, path: path) else { continue }
                        let updated = mapping.mentions(in: mapping.files(in: record.text))
                        if updated != record.text {
                            steps.append(.write(path, before: data, after: record.encode(updated)))
                            rewritten.append(path)
                        }
                    }
                }
            }
            var event = decisionEvent("renumbered", renamed, ["from": .number(Double(old)), "from_file": .string(moved.fileName)])
            event.fields["file"] = .string(newName)
            steps.append(historyStep(event))
            try apply(ChangeSet(summary: "renumber \(moved.fileName) to \(newName)", steps: steps))
            return Renumbering(decision: renamed, oldPath: moved.path, rewritten: rewritten, sharedNumberKeptBy: sharer?.path,
                               leftAlone: leftAlone)
        }
    }

    /// The record files the decision journal says `fileName` was linked with (superseded, superseding, linked
    /// either way, named when it was created), by their names now (renumberings followed).
    func linkedFiles(of fileName: String) -> Set<String> {
        guard let data = try? files.read(decisionJournalPath)?.data else { return [] }
        let events = Journal(data: data, path: decisionJournalPath).events
        var renamed: [String: String] = [:]
        for event in events where event.kind == "renumbered" {
            if let from = event["from_file"], let to = event["file"] { renamed[from] = to }
        }
        func current(_ name: String) -> String {
            var name = name, seen: Set<String> = []
            while let next = renamed[name], seen.insert(name).inserted { name = next }
            return name
        }
        var pairs: [(String, String)] = []
        for event in events {
            guard let file = event["file"] else { continue }
            for key in ["by_file", "target_file"] { if let other = event[key] { pairs.append((file, other)) } }
            if case .array(let items)? = event.fields["related_files"] {
                for case .string(let other) in items { pairs.append((file, other)) }
            }
        }
        var linked: Set<String> = []
        for (one, two) in pairs {
            let (one, two) = (current(one), current(two))
            if one == fileName { linked.insert(two) }
            if two == fileName { linked.insert(one) }
        }
        return linked
    }
}

/// The text edits of a renumbering: file names in links, numbers in front matter lists and link texts, and
/// `ADR-NNNN` mentions.
struct Rewrite {
    var oldNumber: Int
    var newNumber: Int
    var oldFile: String
    var newFile: String
    var directoryName: String = ""

    func apply(_ text: String, format: DecisionFormat) -> String {
        var text = files(in: text)
        text = mentions(in: text)
        if format == .madr { text = frontMatterLists(in: text) }
        if format == .nygard { text = linkTexts(in: text) }
        return text
    }

    /// `(0007-x.md)` → `(0012-x.md)`, and `(../../decisions/0007-x.md)` where the link goes into the
    /// decisions directory (`directoryName`, its last part).
    func files(in text: String) -> String {
        var text = text.replacingOccurrences(of: "(" + oldFile + ")", with: "(" + newFile + ")")
            .replacingOccurrences(of: "(./" + oldFile + ")", with: "(./" + newFile + ")")
        if !directoryName.isEmpty {
            text = text.replacingOccurrences(of: "/" + directoryName + "/" + oldFile + ")", with: "/" + directoryName + "/" + newFile + ")")
        }
        return text
    }

    /// `ADR-0007` and `ADR-7` (not `ADR-00071`, not `XADR-0007`) → `ADR-0012`.
    func mentions(in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let found = rest.range(of: "ADR-") {
            let before = rest[..<found.lowerBound].last
            out += rest[..<found.upperBound]
            rest = rest[found.upperBound...]
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let boundary = before.map { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "/") } ?? true
            if boundary, !digits.isEmpty, Int(digits) == oldNumber {
                out += Decision.padded(newNumber)
                rest = rest.dropFirst(digits.count)
            }
        }
        return out + rest
    }

    /// In front matter, `supersedes: [3, 7]` → `[3, 12]`, for every list of record numbers.
    func frontMatterLists(in text: String) -> String {
        var text = text
        let keys = ["supersedes", "superseded-by"] + DecisionLink.knownLabels.map(DecisionLink.frontMatterKey)
        guard let document = try? FrontMatterDocument(text, path: ""), let fields = document.fields else { return text }
        for key in keys {
            guard let numbers = try? fields.ints(key), numbers.contains(oldNumber) else { continue }
            let updated = numbers.map { $0 == oldNumber ? newNumber : $0 }
            if let edited = FrontMatterEditor.set(key, to: "[" + updated.map(String.init).joined(separator: ", ") + "]", in: text) {
                text = edited
            }
        }
        return text
    }

    /// In adr-tools link lines to the new file, `[7. Title](0012-...)` → `[12. Title](0012-...)`.
    func linkTexts(in text: String) -> String {
        var lines = FrontMatterEditor.splitKeepingEnds(text)
        for index in lines.indices where lines[index].content.hasSuffix("(" + newFile + ")") {
            lines[index].content = lines[index].content.replacingOccurrences(of: "[\(oldNumber). ", with: "[\(newNumber). ")
        }
        return lines.map { $0.content + $0.ending }.joined()
    }

    /// The record's own title line: `# 7. Title` → `# 12. Title` (adr-tools); other forms have no number there.
    func renumberingTitle(in text: String, format: DecisionFormat) -> String {
        var lines = FrontMatterEditor.splitKeepingEnds(text)
        if let index = lines.firstIndex(where: { $0.content.hasPrefix("# ") }), lines[index].content.hasPrefix("# \(oldNumber). ") {
            lines[index].content = "# \(newNumber). " + lines[index].content.dropFirst("# \(oldNumber). ".count)
        }
        return lines.map { $0.content + $0.ending }.joined()
    }
}
