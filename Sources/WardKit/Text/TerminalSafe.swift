/// Text from files is untrusted: before it reaches a terminal, every control character (C0 but newline and
/// tab, DEL, C1) and every bidirectional override is shown escaped, as `\u{1B}`, so a record cannot move the
/// cursor, set the window title, write the clipboard or reorder what a person reads.
public enum TerminalSafe {
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    /// Escapes unsafe characters; `singleLine` also escapes newlines and tabs (for table cells and titles).
    public static func clean(_ text: String, singleLine: Bool = false) -> String {
        // Printable ASCII, the common case, is safe as it is.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        guard text.unicodeScalars.contains(where: { isUnsafe($0) || (singleLine && ($0 == "\n" || $0 == "\t")) }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) || (singleLine && (scalar == "\n" || scalar == "\t")) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
