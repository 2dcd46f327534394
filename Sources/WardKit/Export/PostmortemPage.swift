import Foundation

/// A post-mortem as one self-contained HTML page: UTF-8, CSS inline, no script, nothing fetched when it is
/// opened (a Content-Security-Policy says so to the browser too), readable on screen and on paper.
///
/// The front matter becomes a small header table (incident, status, reviewers, and the incident's severity,
/// services and times); the body is Markdown rendered by `SafeMarkdown`, so HTML comments are gone and raw
/// HTML is shown as text. Everything taken from a file is escaped.
public enum PostmortemPage {
    public static func render(_ postmortem: Postmortem, incident: Incident?, storeName: String, exported: Date) -> String {
        let body = SafeMarkdown.render(postmortem.body)
        let status = postmortem.status
        var rows: [(String, String)] = [
            ("Incident", HTMLText.escape(postmortem.incidentID)),
            ("Status", "<span class=\"status status-\(statusClass(status))\">\(HTMLText.escape(status))</span>"),
            ("Reviewers", postmortem.reviewers.isEmpty ? "<span class=\"none\">none yet</span>"
                : HTMLText.escape(postmortem.reviewers.joined(separator: ", "))),
        ]
        if let state = incident?.state {
            rows.append(("Severity", HTMLText.escape(state.severity)))
            if !state.services.isEmpty { rows.append(("Services", HTMLText.escape(state.services.joined(separator: ", ")))) }
            if let commander = state.commander { rows.append(("Commander", HTMLText.escape(commander))) }
            let start = state.milestones[.impactStarted] ?? state.declared
            rows.append(("Impact started", HTMLText.escape(time(start))))
            for milestone in [Milestone.mitigated, .resolved] {
                guard let at = state.milestones[milestone] else { continue }
                let after = Durations.short(at.timeIntervalSince(start))
                rows.append((milestone == .mitigated ? "Mitigated" : "Resolved", HTMLText.escape("\(time(at)) (\(after) after impact started)")))
            }
        }
        let table = rows.map { "<tr><th scope=\"row\">\($0.0)</th><td>\($0.1)</td></tr>" }.joined(separator: "\n")
        // The body's own level-1 heading is the title when it has one; otherwise the page gives it.
        let heading = body.title == nil ? "<h1>\(HTMLText.escape(postmortem.title))</h1>\n" : ""
        let draftNote = status == "published" ? "" :
            "<p class=\"draft-note\">This post-mortem is \(HTMLText.escape(status == "in-review" ? "in review" : status)): it may still change.</p>\n"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
        <meta name="generator" content="Ward">
        <title>\(HTMLText.escape("Post-mortem: " + postmortem.title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <header>
        <p class="kicker">Post-mortem · \(HTMLText.escape(storeName))</p>
        \(heading)<table class="meta">
        <tbody>
        \(table)
        </tbody>
        </table>
        \(draftNote)</header>
        <main>
        \(body.html)
        </main>
        <footer>Exported by Ward from \(HTMLText.escape(postmortem.path)) on \(HTMLText.escape(time(exported))).</footer>
        </body>
        </html>

        """
    }

    static func time(_ date: Date) -> String {
        Timestamps.format(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    static func statusClass(_ status: String) -> String {
        ["draft", "in-review", "published"].contains(status) ? status : "other"
    }

    /// Screen: a readable column, tables that fit, light or dark. Paper: black on white, full width, headers
    /// repeated on each page, no row split across pages, link addresses printed after the link.
    static let css = """
    :root { color-scheme: light dark; --fg: #1d1f23; --muted: #5c6370; --bg: #ffffff; --rule: #d6d9de;
            --stripe: #f5f6f8; --code: #f0f1f4; --accent: #b3261e; --link: #0b57d0; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e3e5e8; --muted: #9aa1ab; --bg: #16181c; --rule: #3a3f47; --stripe: #1d2026;
              --code: #23272e; --accent: #ff8a80; --link: #8ab4f8; }
    }
    * { box-sizing: border-box; }
    html { background: var(--bg); color: var(--fg); }
    body { margin: 0 auto; padding: 2.5rem 1.5rem 4rem; max-width: 60rem;
           font: 16px/1.55 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif;
           overflow-wrap: break-word; }
    h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.2rem 0 1rem; }
    h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--rule); }
    h3 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; }
    h4, h5, h6 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
    p, ul, ol, blockquote, pre, table { margin: 0 0 1rem; }
    ul, ol { padding-left: 1.6rem; }
    li { margin: 0.2rem 0; }
    li.task { list-style: none; text-indent: -1.25em; }
    a { color: var(--link); }
    a:not([href]) { color: inherit; }
    blockquote { margin-left: 0; padding: 0.2rem 1rem; border-left: 4px solid var(--rule); color: var(--muted); }
    code { font: 0.88em/1.4 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
           background: var(--code); padding: 0.1em 0.3em; border-radius: 3px; }
    pre { background: var(--code); padding: 0.8rem 1rem; border-radius: 4px; overflow-x: auto; }
    pre code { padding: 0; background: none; white-space: pre; }
    code.raw-html { white-space: pre-wrap; }
    hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
    table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
    th, td { border: 1px solid var(--rule); padding: 0.35rem 0.55rem; text-align: left; vertical-align: top;
             overflow-wrap: break-word; }
    thead th { background: var(--stripe); }
    tbody tr:nth-child(even) td { background: var(--stripe); }
    main td:first-child { white-space: nowrap; }
    .kicker { margin: 0; color: var(--muted); font-size: 0.85rem; letter-spacing: 0.04em; text-transform: uppercase; }
    table.meta { width: auto; min-width: 22rem; font-size: 0.9rem; }
    table.meta th { background: var(--stripe); font-weight: 600; white-space: nowrap; }
    table.meta td { background: none; }
    .status { font-weight: 600; }
    .status-draft, .status-in-review, .status-other { color: var(--accent); }
    .none { color: var(--muted); font-style: italic; }
    .draft-note { border-left: 4px solid var(--accent); padding: 0.3rem 0.8rem; }
    .image { font-style: italic; }
    footer { margin-top: 3rem; padding-top: 0.6rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.8rem; }
    @media print {
      :root { --fg: #000; --muted: #444; --bg: #fff; --rule: #999; --stripe: #eee; --code: #f3f3f3; --accent: #000; --link: #000; }
      @page { margin: 16mm 14mm; }
      body { max-width: none; padding: 0; font-size: 10.5pt; }
      h1 { font-size: 18pt; }
      h2 { font-size: 13.5pt; }
      h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
      table, pre, blockquote { font-size: 9pt; }
      thead { display: table-header-group; }
      tr, pre, blockquote, li { break-inside: avoid; page-break-inside: avoid; }
      pre { white-space: pre-wrap; overflow-x: visible; }
      pre code { white-space: pre-wrap; }
      a { text-decoration: none; }
      main a[href^="http"]::after, main a[href^="mailto"]::after { content: " <" attr(href) ">"; font-size: 0.85em; overflow-wrap: break-word; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    """
}
