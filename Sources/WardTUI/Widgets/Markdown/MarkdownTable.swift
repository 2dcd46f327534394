import WardKit

extension MarkdownRenderer {
    // MARK: Tables

    static func isTableStart(_ text: String, next: String) -> Bool {
        text.contains("|") && isSeparatorRow(next)
    }

    static func isSeparatorRow(_ text: String) -> Bool {
        guard text.contains("|"), text.contains("-") else { return false }
        let cells = splitRow(text)
        return !cells.isEmpty && cells.allSatisfy { cell in
            var rest = Substring(cell)
            if rest.first == ":" { rest = rest.dropFirst() }
            if rest.last == ":" { rest = rest.dropLast() }
            return !rest.isEmpty && rest.allSatisfy { $0 == "-" }
        }
    }

    /// A row's cells, trimmed; outer pipes are optional and `\|` is a pipe inside a cell.
    static func splitRow(_ text: String) -> [String] {
        var chars = Array(trim(text))
        if chars.first == "|" { chars.removeFirst() }
        if chars.last == "|", !(chars.count >= 2 && chars[chars.count - 2] == "\\") { chars.removeLast() }
        var cells: [String] = []
        var current = ""
        var k = 0
        while k < chars.count {
            if chars[k] == "\\", k + 1 < chars.count {
                current.append(chars[k])
                current.append(chars[k + 1])
                k += 2
                continue
            }
            if chars[k] == "|" {
                cells.append(current)
                current = ""
            } else {
                current.append(chars[k])
            }
            k += 1
        }
        cells.append(current)
        return cells.map { trim($0) }
    }

    static func renderTable(header: SourceLine, separator: SourceLine, rows: [SourceLine], width: Int) -> [StyledLine] {
        let headerCells = splitRow(header.text)
        let columns = max(1, headerCells.count)
        let alignments: [Alignment] = splitRow(separator.text).map { cell in
            if cell.count > 1, cell.hasPrefix(":"), cell.hasSuffix(":") { return .center }
            return cell.hasSuffix(":") ? .right : .left
        }
        func cells(of line: SourceLine, style: Style) -> [[Glyph]] {
            var raw = splitRow(line.text)
            if raw.count > columns { raw.removeLast(raw.count - columns) }
            while raw.count < columns { raw.append("") }
            return raw.map { inline($0, line: line.number, base: style) }
        }
        let head = cells(of: header, style: .bold)
        let body = rows.map { cells(of: $0, style: .plain) }
        var natural = Array(repeating: 1, count: columns)
        for row in [head] + body {
            for (column, cell) in row.enumerated() { natural[column] = max(natural[column], glyphWidth(cell)) }
        }
        let separatorWidth = DisplayWidth.of(columnSeparator)
        let widths = fitColumns(natural, into: width - separatorWidth * (columns - 1))

        func rowLine(_ row: [[Glyph]], number: Int) -> StyledLine {
            var spans: [Span] = []
            for column in 0..<columns {
                if column > 0 { spans.append(Span(columnSeparator, .dim)) }
                let cell = fitCell(row[column], width: widths[column])
                let gap = max(0, widths[column] - glyphWidth(cell))
                let alignment = column < alignments.count ? alignments[column] : .left
                let before = alignment == .right ? gap : alignment == .center ? gap / 2 : 0
                if before > 0 { spans.append(Span(String(repeating: " ", count: before))) }
                spans += makeLine(cell, fallback: number).spans
                if gap - before > 0 { spans.append(Span(String(repeating: " ", count: gap - before))) }
            }
            return StyledLine(spans, sourceLine: number)
        }

        var out = [rowLine(head, number: header.number)]
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")
        out.append(StyledLine([Span(rule, .dim)], sourceLine: separator.number))
        for (row, line) in zip(body, rows) { out.append(rowLine(row, number: line.number)) }
        return out
    }

    /// Column widths that fit `available` cells: the content's widths when they fit; otherwise each column keeps
    /// up to 3 cells and the rest of the room is shared in proportion to what each column needs beyond that.
    static func fitColumns(_ natural: [Int], into available: Int) -> [Int] {
        let total = natural.reduce(0, +)
        guard total > available else { return natural }
        guard available >= natural.count else { return natural.map { _ in 1 } }
        var floors = natural.map { min($0, 3) }
        if floors.reduce(0, +) > available { floors = natural.map { _ in 1 } }
        let extra = available - floors.reduce(0, +)
        let excess = zip(natural, floors).map { $0 - $1 }
        let totalExcess = excess.reduce(0, +)
        guard totalExcess > 0, extra > 0 else { return floors }
        var widths = floors
        var remainders: [(fraction: Double, column: Int)] = []
        var used = 0
        for column in natural.indices {
            let share = Double(excess[column]) * Double(extra) / Double(totalExcess)
            let whole = min(excess[column], Int(share))
            widths[column] += whole
            used += whole
            remainders.append((share - Double(whole), column))
        }
        var left = extra - used
        for (_, column) in remainders.sorted(by: { $0.fraction > $1.fraction }) where left > 0 {
            if widths[column] < natural[column] {
                widths[column] += 1
                left -= 1
            }
        }
        return widths
    }

    /// A cell clipped to `width` cells, ending in `…` when something was cut.
    static func fitCell(_ glyphs: [Glyph], width: Int) -> [Glyph] {
        guard glyphWidth(glyphs) > width, let first = glyphs.first else { return glyphs }
        let room = width >= 2 ? width - 1 : width
        var kept: [Glyph] = []
        var used = 0
        for glyph in glyphs {
            let cells = DisplayWidth.of(glyph.character)
            if used + cells > room { break }
            kept.append(glyph)
            used += cells
        }
        if width >= 2 { kept.append(Glyph(character: "…", style: (kept.last ?? first).style, line: first.line)) }
        return kept
    }
}
