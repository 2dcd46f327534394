import Foundation

/// A typed link between two decision records, other than supersedes: "relates to", "amends",
/// "clarifies", their inverses, or any pair a team made with `adr link` (kept by its label).
public struct DecisionLink: Sendable, Equatable, Hashable {
    /// Lower-case, as a sentence would say it: `amends`, `amended by`, `relates to`.
    public var label: String
    public var number: Int

    public init(_ label: String, _ number: Int) {
        self.label = DecisionLink.normalise(label)
        self.number = number
    }

    /// The link types Ward knows, each with its inverse; `relates to` is its own inverse.
    public static let known: [(forward: String, inverse: String)] = [
        ("relates to", "relates to"), ("amends", "amended by"), ("clarifies", "clarified by"),
    ]

    /// The labels people may type: `relates-to`, `Amends`, `clarified_by`.
    public static func normalise(_ label: String) -> String {
        label.lowercased().replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
            .split(separator: " ").joined(separator: " ")
    }

    /// The label the other record carries: `amends` ↔ `amended by`. Nil for a label Ward does not know.
    public static func inverse(of label: String) -> String? {
        let label = normalise(label)
        for pair in known {
            if pair.forward == label { return pair.inverse }
            if pair.inverse == label { return pair.forward }
        }
        return nil
    }

    /// Every known label, forward and inverse.
    public static var knownLabels: [String] {
        var labels: [String] = []
        for pair in known where !labels.contains(pair.forward) { labels.append(pair.forward) }
        for pair in known where !labels.contains(pair.inverse) { labels.append(pair.inverse) }
        return labels
    }

    /// The front matter key of a MADR record: `amended-by`.
    public static func frontMatterKey(_ label: String) -> String {
        normalise(label).replacingOccurrences(of: " ", with: "-")
    }

    /// How a line in an adr-tools record starts: `Amended by`.
    public static func sentence(_ label: String) -> String {
        let label = normalise(label)
        return label.prefix(1).uppercased() + label.dropFirst()
    }
}
