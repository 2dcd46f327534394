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
        case "runbook":
            return "started the \(event["title"] ?? event["runbook"] ?? "?") runbook"
        case "step":
            let state = event["state"].flatMap(StepState.init(rawValue:)).map(Store.word) ?? event["state"] ?? "?"
            return "step \(event["step"] ?? "?"): \(state)" + reason + (event["note"].map { ": \($0)" } ?? "")
        case "phase":
            if event["direction"] == "back" { return "back to \(event["to"] ?? "?")" + reason }
            return event["to"].map { "\(event["from"] ?? "?") done, now \($0)" } ?? "\(event["from"] ?? "?") done, runbook finished"
        case "action":
            if let target = event["action"] {
                let changes = ["state", "owner", "due", "type", "title"].compactMap { key in event[key].map { "\(key) \($0)" } }
                return "action \(ActionItem.shortID(target)): " + changes.joined(separator: ", ") + reason
            }
            return (event["source"] == nil || event["source"] == "note" ? "TODO: " : "action item: ") + (event["title"] ?? "")
        case "postmortem":
            let reviewers = event.fields["reviewers"]?.strings ?? []
            return "post-mortem \(event["status"] ?? "?")" + (reviewers.isEmpty ? "" : " (reviewers: \(reviewers.joined(separator: ", ")))") + reason
        case "decision":
            return "proposed decision \(event["path"] ?? event["title"] ?? "?")"
        case "checklist":
            let failed = event.fields["failed"]?.strings ?? []
            let flags = event.fields["red_flags"]?.strings ?? []
            return "ran the \(event["title"] ?? event["checklist"] ?? "?") checklist: \(event["result"] ?? "?")"
                + (failed.isEmpty ? "" : " (failed: \(failed.joined(separator: ", ")))")
                + (flags.isEmpty || flags == failed ? "" : " (red flags: \(flags.joined(separator: ", ")))")
        default:
            let details = event.fields.keys.sorted().compactMap { key in event.fields[key]?.string.map { "\(key)=\($0)" } }
            return ([event.kind] + details).joined(separator: " ")
        }
    }
}
