import WardKit

// MARK: - Source lines: splitting, escaping, hiding comments

extension MarkdownRenderer {
    static func splitLines(_ markdown: String, firstLine: Int) -> [SourceLine] {
        var lines: [SourceLine] = []
        var current = ""
        var number = firstLine
        for character in markdown {
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(SourceLine(text: prepare(current), number: number))
                current = ""
                number &+= 1
            } else {
                current.append(character)
            }
        }
        lines.append(SourceLine(text: prepare(current), number: number))
        return lines
    }

    /// Tabs become spaces (stops every 4 cells); control and bidi characters are escaped now, so that widths
    /// measured here are the widths drawn.
    static func prepare(_ line: String) -> String {
        var expanded = line
        if line.contains("\t") {
            expanded = ""
            var column = 0
            for character in line {
                if character == "\t" {
                    let count = 4 - column % 4
                    expanded += String(repeating: " ", count: count)
                    column += count
                } else {
                    expanded.append(character)
                    column += DisplayWidth.of(character)
                }
            }
        }
        return TerminalSafe.clean(expanded, singleLine: true)
    }

    /// Removes `<!-- … -->`, on one line or across several, outside fenced code and inline code. A line left
    /// empty by a comment disappears entirely.
    static func hideComments(_ lines: [SourceLine]) -> [SourceLine] {
        var result: [SourceLine] = []
        var inComment = false
        var fence: Fence?
        var pendingBreak = false
        for line in lines {
            if !inComment {
                let loose = String(line.text.drop(while: { $0 == " " || $0 == ">" }))
                if let open = fence {
                    if closes(open, loose) { fence = nil }
                    result.append(line)
                    continue
                }
                if let open = openFence(loose) {
                    fence = open
                    var copy = line
                    copy.breakBefore = pendingBreak
                    pendingBreak = false
                    result.append(copy)
                    continue
                }
            }
            let chars = Array(line.text)
            var kept: [Character] = []
            var removed = inComment
            var backticks = 0
            var k = 0
            while k < chars.count {
                if inComment {
                    if matches(chars, at: k, "-->") {
                        inComment = false
                        k += 3
                    } else {
                        k += 1
                    }
                    continue
                }
                if chars[k] == "`" {
                    backticks += 1
                } else if backticks % 2 == 0, matches(chars, at: k, "<!--") {
                    inComment = true
                    removed = true
                    k += 4
                    continue
                }
                kept.append(chars[k])
                k += 1
            }
            if removed, kept.allSatisfy({ $0 == " " }) {
                pendingBreak = true
                continue
            }
            result.append(SourceLine(text: String(kept), number: line.number, breakBefore: pendingBreak))
            pendingBreak = false
        }
        return result
    }

    static func matches(_ chars: [Character], at start: Int, _ pattern: String) -> Bool {
        var k = start
        for expected in pattern {
            guard k < chars.count, chars[k] == expected else { return false }
            k += 1
        }
        return true
    }
}
