import Foundation

/// Turns any title into a safe file-name part: lower-case ASCII letters, digits and single hyphens.
/// Compatibility forms are folded first (a full-width solidus becomes "/", and then a hyphen), so nothing
/// in the result can name a parent directory, a hidden file, a path separator or a control character.
public enum Slug {
    public static func make(_ title: String, maxBytes: Int = 48) -> String {
        let folded = title.precomposedStringWithCompatibilityMapping
            .applyingTransform(.stripDiacritics, reverse: false) ?? title
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.lowercased().unicodeScalars {
            let isAlnum = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if isAlnum {
                if pendingHyphen && !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        if slug.utf8.count > maxBytes {
            slug = String(slug.prefix(maxBytes))
            while slug.hasSuffix("-") { slug.removeLast() }
        }
        return slug.isEmpty ? "untitled" : slug
    }
}
