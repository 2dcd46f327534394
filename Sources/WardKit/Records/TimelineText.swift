/// One-line descriptions of timeline events, for the command line and the screens.
public enum TimelineText {
    public static func describe(_ event: Event) -> String {
        let reason = event["reason"].map { " (\($0))" } ?? ""
        switch event.kind {
        case "declared":
            let services = event.fields["services"]?.strings ?? []
            return "declared \(event["severity"] ?? "?"): \(event["title"] ?? "")"
                + (services.isEmpty ? "" : " [\(services.joined(separator: ", "))]")
                + (event["commander"].map { ", commander \($0)" } ?? "")
        case "note":
            return event["text"] ?? ""
        case "status":
            return "status \(event["status"] ?? "?")" + reason
        case "severity":
            return "severity \(event["severity"] ?? "?")" + reason
        case "role":
            let name = event["name"] ?? ""
            return name.isEmpty ? "\(event["role"] ?? "?") freed" : "\(event["role"] ?? "?") → \(name)"
        case "milestone":
            return (event["milestone"] ?? "?").replacingOccurrences(of: "_", with: " ")
        default:
            let details = event.fields.keys.sorted().compactMap { key in event.fields[key]?.string.map { "\(key)=\($0)" } }
            return ([event.kind] + details).joined(separator: " ")
        }
    }
}
