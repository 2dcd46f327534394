import Foundation
import Testing
@testable import WardKit

/// `ward metrics` as the real binary prints it, on the demo store and on a store made for the test.
@Suite struct MetricsCommandTests {
    /// The demo's database deletion: impact 14:06:10, detected 14:08:02, acknowledged 14:09:15, mitigated
    /// 17:21:00, resolved 19:30:00 (2026-03-17, UTC).
    static let demoDatabase = "2026-03-17-production-database-deleted-by-a-coding-agent-q7wz"
    static let demoOpen = "2026-11-25-delayed-webhook-deliveries-for-some-merchants-r2qg"

    /// Splits CSV as RFC 4180 reads it: quoted fields may hold commas, doubled quotes and line ends.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field); field = ""
            } else if character == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test func theDemoStoreTextShowsEveryFigureUnderItsFormula() throws {
        let scratch = Scratch()
        let result = try run(["metrics"], in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        for formula in ["TTD = detected − impact started", "TTA = acknowledged − detected",
                        "TTM = mitigated − impact started", "TTR = resolved − impact started"] {
            #expect(text.contains(formula), "\(formula)")
        }
        #expect(text.hasPrefix("Checkout Platform: 8 incidents"))
        #expect(text.contains("TTR: 1 of 8 incidents is still open: \(Self.demoOpen)"))
        #expect(text.contains("Median TTR by severity"))
        #expect(text.contains("█"))
        #expect(text.contains("Median TTR per month, 2026-03 to 2026-11"))
        #expect(text.contains("MTTD  mean") && text.contains("missed"))
        #expect(text.contains("nearest rank"))
        // The database deletion's row, by hand: TTD 1m 52s, TTA 1m 13s, TTM 3h 14m 50s, TTR 5h 23m 50s.
        let row = try #require(text.split(separator: "\n").first { $0.contains(Self.demoDatabase) })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .contains("\(Self.demoDatabase) SEV1 1m 1m 3h 14m 5h 23m Production database deleted"))
        // The open incident's TTR says so.
        let open = try #require(text.split(separator: "\n").first { $0.contains(Self.demoOpen) && $0.contains("SEV3") })
        #expect(open.contains(" open "))
        // The recovery runbook's first phase: 14:17:30 to 14:25:20 is 7m 50s.
        let disconnect = try #require(text.split(separator: "\n").first { $0.hasPrefix("  Disconnect") })
        #expect(disconnect.split(separator: " ").prefix(3) == ["Disconnect", "1", "7m"])
        #expect(result.stderr.contains("demo store"))
    }

    @Test func theDemoStoreJSONIsOneDocumentWithEveryKey() throws {
        let scratch = Scratch()
        let result = try run(["metrics", "--json"], in: scratch.url)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let document = try #require(try json(result.stdout) as? [String: Any])
        for key in ["incidents", "by_severity", "by_month", "phases", "targets", "formulas", "missing"] {
            #expect(document[key] != nil, "\(key)")
        }
        let incidents = try #require(document["incidents"] as? [[String: Any]])
        #expect(incidents.count == 8)
        for incident in incidents {
            for key in ["id", "severity", "title", "impact_started", "detected", "acknowledged", "mitigated", "resolved",
                        "ttd", "tta", "ttm", "ttr"] {
                #expect(incident.keys.contains(key), "\(key)")
            }
        }
        let database = try #require(incidents.first { $0["id"] as? String == Self.demoDatabase })
        #expect(database["ttd"] as? Int == 112)    // 14:08:02 − 14:06:10
        #expect(database["tta"] as? Int == 73)     // 14:09:15 − 14:08:02
        #expect(database["ttm"] as? Int == 11690)  // 17:21:00 − 14:06:10
        #expect(database["ttr"] as? Int == 19430)  // 19:30:00 − 14:06:10
        #expect(database["impact_started"] as? String == "2026-03-17T14:06:10Z")
        let open = try #require(incidents.first { $0["id"] as? String == Self.demoOpen })
        #expect(open["ttr"] is NSNull && open["resolved"] is NSNull)
        #expect(open["ttm"] as? Int == 8760)       // 08:18:00 − 05:52:00

        let formulas = try #require(document["formulas"] as? [String: String])
        #expect(formulas == ["ttd": "detected - impact_started", "tta": "acknowledged - detected",
                             "ttm": "mitigated - impact_started", "ttr": "resolved - impact_started"])
        let targets = try #require(document["targets"] as? [String: [String: Any]])
        #expect(targets["mttd"]?["target"] as? Int == 60 && targets["mttd"]?["met"] as? Bool == false)
        #expect(targets["mttr"]?["target"] as? Int == 300 && targets["mttr"]?["mean"] is Double)
        let missing = try #require(document["missing"] as? [String: [String: [String]]])
        #expect(missing["ttr"] == ["open": [Self.demoOpen]])
        let bySeverity = try #require(document["by_severity"] as? [String: [String: Any]])
        #expect(Set(bySeverity.keys) == ["SEV1", "SEV2", "SEV3"])
        #expect(bySeverity.values.map { $0["incidents"] as? Int ?? 0 }.reduce(0, +) == 8)
        let sev3 = try #require(bySeverity["SEV3"]?["ttr"] as? [String: Any])
        #expect(sev3["count"] as? Int == 0 && sev3["median"] is NSNull)
        let byMonth = try #require(document["by_month"] as? [String: [String: Any]])
        #expect(byMonth["2026-03"]?["incidents"] as? Int == 1)
        let phases = try #require(document["phases"] as? [String: [String: Any]])
        #expect(phases["Disconnect"]?["median"] as? Int == 470)
    }

    @Test func theDemoStoreCSVHasAHeaderAndOneRowPerIncident() throws {
        let scratch = Scratch()
        let result = try run(["metrics", "--csv"], in: scratch.url)
        #expect(result.status == 0)
        let rows = Self.parseCSV(result.stdout)
        #expect(rows.first == ["id", "severity", "status", "title", "impact_started", "detected", "acknowledged", "mitigated",
                               "resolved", "ttd", "tta", "ttm", "ttr"])
        #expect(rows.count == 9)
        #expect(rows.dropFirst().allSatisfy { $0.count == 13 })
        let database = try #require(rows.first { $0.first == Self.demoDatabase })
        #expect(Array(database.suffix(4)) == ["112", "73", "11690", "19430"])
        let open = try #require(rows.first { $0.first == Self.demoOpen })
        #expect(open.last == "" && open[8] == "")
    }

    @Test func sinceUntilAndSeverityFilter() throws {
        let scratch = Scratch()
        func ids(_ arguments: [String]) throws -> [String] {
            let result = try run(["metrics", "--json"] + arguments, in: scratch.url)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let document = try #require(try json(result.stdout) as? [String: Any])
            return (document["incidents"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try ids(["--since", "2026-10-01"]) == ["2026-10-06-database-connections-exhausted-at-03-00-y7fu", Self.demoOpen])
        // The cross-tenant reads started on 2026-05-19, long before they were found: May is where they count.
        let may = try ids(["--since", "2026-05-01", "--until", "2026-05-31"])
        #expect(may == ["2026-05-12-migrated-orders-lost-or-duplicated-h2xe", "2026-07-21-cross-tenant-reads-via-a-query-parameter-m6pd"])
        // --until takes in the whole day.
        #expect(try ids(["--until", "2026-03-17"]) == [Self.demoDatabase])
        #expect(try ids(["--severity", "3"]).count == 1)
        #expect(try ids(["--severity", "SEV1"]).count == 4)

        let text = try run(["metrics", "--since", "2026-10-01"], in: scratch.url)
        #expect(text.stdout.hasPrefix("Checkout Platform: 2 incidents") && text.stdout.contains("since 2026-10-01"))
        let none = try run(["metrics", "--since", "2027-01-01"], in: scratch.url)
        #expect(none.status == 0 && none.stdout.contains("No incident matches"))

        for (arguments, words) in [(["--since", "2026-13-01"], "--since"), (["--until", "June"], "--until"),
                                   (["--since", "2026-06-01", "--until", "2026-05-01"], "before"),
                                   (["--severity", "9"], "unknown severity"), (["--csv", "--json"], "choose one")] {
            let result = try run(["metrics"] + arguments, in: scratch.url)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            // One line says what is wrong (the demo store's note may come before it).
            let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("ward: ") }
            #expect(errors.count == 1 && errors[0].contains(words), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aScratchStoreIsMeasuredQuotedInCSVAndCheckedAgainstItsTargets() throws {
        let scratch = Scratch()
        #expect(try run(["init", scratch.url.path]).status == 0)
        let title = "Checkout \"500s\", then timeouts"
        let declared = try run(["incident", "declare", title, "--severity", "2", "--started", "2026-01-10T10:00:00Z"], in: scratch.url)
        #expect(declared.status == 0, "\(declared.stderr)")
        let id = declared.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for (milestone, time) in [("detected", "10:04:00"), ("acknowledged", "10:05:30"), ("mitigated", "10:20:00"), ("resolved", "11:00:00")] {
            let result = try run(["incident", "time", id, milestone, "--at", "2026-01-10T\(time)Z"], in: scratch.url)
            #expect(result.status == 0, "\(milestone): \(result.stderr)")
        }
        #expect(try run(["incident", "status", id, "resolved"], in: scratch.url).status == 0)
        // A second incident, declared with no impact-start time and still open.
        let second = try run(["incident", "declare", "Slow search", "--severity", "3"], in: scratch.url)
        let secondID = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let csv = try run(["metrics", "--csv"], in: scratch.url)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.contains("\"Checkout \"\"500s\"\", then timeouts\""))
        let rows = Self.parseCSV(csv.stdout)
        #expect(rows.count == 3)
        let row = try #require(rows.first { $0.first == id })
        #expect(row[3] == title)
        #expect(Array(row.suffix(4)) == ["240", "90", "1200", "3600"])
        let open = try #require(rows.first { $0.first == secondID })
        #expect(open[4] == "" && open[9] == "")

        let text = try run(["metrics"], in: scratch.url).stdout
        #expect(text.contains("TTD: 1 of 2 incidents has no impact started time: \(secondID)"))
        #expect(text.contains("TTR: 1 of 2 incidents is still open: \(secondID)"))

        // Targets from ward.yaml: TTD 4m against 10m is met, TTR 1h against 5m is missed.
        let config = try #require(scratch.read("ward.yaml"))
        try Data(config.replacingOccurrences(of: "mttd: 1m", with: "mttd: 10m").utf8).write(to: scratch.url.appending(path: "ward.yaml"))
        let document = try #require(try json(try run(["metrics", "--json"], in: scratch.url).stdout) as? [String: Any])
        let targets = try #require(document["targets"] as? [String: [String: Any]])
        #expect(targets["mttd"]?["target"] as? Int == 600 && targets["mttd"]?["mean"] as? Int == 240 && targets["mttd"]?["met"] as? Bool == true)
        #expect(targets["mttr"]?["target"] as? Int == 300 && targets["mttr"]?["mean"] as? Int == 3600 && targets["mttr"]?["met"] as? Bool == false)
        let metText = try run(["metrics"], in: scratch.url).stdout
        let mttd = try #require(metText.split(separator: "\n").first { $0.hasPrefix("  MTTD") })
        #expect(mttd.split(separator: " ") == ["MTTD", "mean", "4m", "target", "10m", "met"])

        // A target Ward cannot read is an error naming ward.yaml.
        try Data(config.replacingOccurrences(of: "mttr: 5m", with: "mttr: soon").utf8).write(to: scratch.url.appending(path: "ward.yaml"))
        let bad = try run(["metrics"], in: scratch.url)
        #expect(bad.status == 2 && bad.stderr.contains("ward.yaml") && bad.stderr.contains("mttr"), "\(bad.stderr)")
    }

    @Test func helpShowsAnExample() throws {
        let help = try run(["metrics", "--help"])
        #expect(help.stdout.contains("ward metrics --since"))
        #expect(help.stdout.contains("nearest-rank"))
    }
}
