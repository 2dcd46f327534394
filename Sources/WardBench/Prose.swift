import Foundation
import WardKit

/// The words of generated stores: services, symptoms, causes and the sentences responders write, filled
/// from templates with `{slot}`s. Written for this generator, in the flavour of the seeds' incidents.
///
/// The benchmark word is `kafka`. It appears only in `Prose.kafkaNotes` and `Prose.kafkaDecisionLines`,
/// never in the rest of the vocabulary: the generator puts one of those notes into about 2% of incidents
/// (so into their timelines and, through the generated timeline block, their post-mortems) and one line
/// into 4 of 2,000 decisions (every 500th). `rg -l -i kafka` and `ward search kafka` then find a few
/// percent of the files, as a real query for one component would.
enum Prose {
    static let services = [
        "api", "checkout-web", "payments", "orders", "ledger", "auth", "search", "notifications", "webhooks",
        "realtime", "billing", "postgres", "redis", "gateway", "cdn", "dns", "object-storage", "event-bus",
        "scheduler", "reporting", "merchant-dashboard", "mobile-api", "identity", "rate-limiter", "inventory",
        "shipping", "email", "sms", "fraud-scoring", "tax", "pricing", "catalog", "media", "exports", "analytics",
        "feature-flags", "session-store", "hosted-pages",
    ]

    /// Incident titles: "{symptom}" with `{svc}`, optionally followed by a trigger.
    static let symptoms = [
        "Elevated 5xx on {svc}", "{svc} latency above SLO", "{svc} down after config deploy", "Replica lag on {db}",
        "Queue backlog in {svc}", "TLS certificate expired on {svc}", "{svc} pods crash-looping",
        "Connection pool exhausted in {svc}", "Disk full on {db}", "Memory leak in {svc} workers",
        "Duplicate charges from {svc}", "Missing rows after {svc} migration", "Cross-tenant reads in {svc}",
        "Stale cache served by {svc}", "DNS resolution failures for {svc}", "{svc} error rate doubled",
        "Timeouts between {svc} and {svc2}", "{svc} dropping requests at the load balancer", "Webhook deliveries delayed",
        "Login failures for some merchants", "Checkout conversion dropped", "Scheduled jobs not running on {svc}",
        "Slow queries on {db}", "Deadlocks in {svc} writes", "Rate limiter blocking legitimate traffic",
        "Out-of-memory kills on {svc}", "Partial outage of {svc} in {region}", "Search results empty for some tenants",
        "Emails not sent from {svc}", "Reports showing wrong totals", "Feature flag misfired in {svc}",
        "Inventory counts drifting in {svc}", "Exports stuck in {svc}", "CDN serving stale assets",
        "{svc} autoscaling stuck at minimum", "Backups failing on {db}", "Clock skew on {svc} hosts",
        "Token refresh failing in {svc}", "{svc} health checks flapping", "Secrets rotation broke {svc}",
    ]
    static let triggers = [
        "after deploy", "after config change", "during migration", "after dependency upgrade", "during failover",
        "after certificate rotation", "during traffic spike", "after schema change", "after node upgrade",
        "during maintenance window", "after feature flag rollout", "after provider incident",
    ]
    static let regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1", "ap-northeast-1"]
    static let databases = ["prod-main", "pg-orders-1", "pg-ledger-2", "pg-identity", "redis-sessions", "pg-reporting",
                            "pg-billing-1", "redis-cache-3", "pg-catalog"]
    static let tables = ["orders", "merchants", "invoices", "users", "sessions", "payments", "refunds", "line_items",
                         "webhook_deliveries", "audit_log", "api_keys", "subscriptions"]
    static let metrics = ["p99 latency", "p95 latency", "error rate", "checkout success rate", "queue depth",
                          "CPU", "memory", "connection count", "replica lag", "GC pause time", "request rate",
                          "cache hit ratio"]
    static let dashboards = ["checkout overview", "API golden signals", "database health", "queue consumers",
                             "merchant impact", "node resources", "edge traffic"]
    static let flags = ["new-pricing-engine", "async-webhooks", "split-ledger-writes", "fast-checkout",
                        "tenant-cache-v2", "batch-exports", "edge-auth", "risk-model-7"]
    static let people = [
        "ana", "bo", "chidi", "dara", "emeka", "farah", "goran", "hana", "ines", "jun", "kofi", "lena", "mateo",
        "nadia", "oskar", "priya", "quinn", "rosa", "sami", "tomas", "uma", "vikram", "wen", "xavi", "yara",
        "zeynep", "aiko", "bruno", "chen", "dmitri", "elif", "femi", "greta", "hugo", "isla", "jonas",
    ]
    static let hosts = ["bastion-1", "bastion-2", "ops-jump"]

    /// What responders write in the timeline, one sentence each.
    static let observations = [
        "P99 latency on {svc} is at {ms} against a normal of {ms2}.",
        "{svc} error rate is {pct} since {time}; most errors are {code}s from {svc2}.",
        "The {dash} dashboard shows the drop starting at {time}, a minute after the {version} rollout finished.",
        "Logs on {host} show connection timeouts to {db} every few seconds.",
        "{n} of {n2} pods of {svc} are restarting; the last termination reason is OOMKilled.",
        "Replica lag on {db} is {dur} and still growing.",
        "The {queue} queue holds {big} messages; consumers process about {n} per second.",
        "Traffic is normal: {big} requests per minute, no spike before the errors began.",
        "Only tenants in {region} are affected; the other regions look healthy.",
        "Support has {n} tickets open about failed checkouts, all since {time}.",
        "The alert for {metric} on {svc} fired at {time} and paged the primary on call.",
        "{svc2} returns {code} for about {pct} of calls from {svc}.",
        "{table} has {big} rows fewer than in last night's snapshot.",
        "CPU on the {db} primary is pinned at {pct}; the top query is a sequential scan on {table}.",
        "Disk usage on {db} went from {pct} to {pct2} in an hour.",
        "The certificate on {svc} expired at {time}; clients that pin it fail the handshake.",
        "DNS lookups for {svc} fail intermittently from {region}.",
        "The connection pool of {svc} is full: all {n} connections in use, {n2} requests waiting.",
        "Heap on {svc} workers grows by about {n} MB an hour and never comes back down.",
        "Synthetic checks from three regions fail on the {svc} login page.",
        "No deploys in the last two hours; the last change was the {flag} flag at {time}.",
        "The provider's status page reports degraded networking in {region}.",
        "{person} confirms merchants see a spinner, then a generic error, on the payment page.",
        "GC pauses on {svc} reach {ms}; requests queue behind them.",
        "The scheduler skipped {n} runs of the nightly {table} job.",
        "Webhook deliveries are {dur} behind; retries are piling up in {queue}.",
        "The rate limiter rejected {big} requests in the last hour, {pct} of them from our own {svc2}.",
        "The failover to the standby of {db} finished at {time}; writes resumed {n} s later.",
        "Read queries on {table} take {ms} at p99 since the index was rebuilt.",
        "Error budget for {svc} this month is {pct} spent.",
    ]
    static let actions = [
        "Rolled back {svc} to {version}; error rate falling.",
        "Scaled {svc} from {n} to {n2} replicas.",
        "Paused the {flag} flag for all tenants.",
        "Put {svc} in maintenance mode; the gateway answers 503 with the status page link.",
        "Restarted the {svc} workers one at a time.",
        "Failed {db} over to its standby.",
        "Drained {host} and cordoned it for the investigation.",
        "Raised the connection pool of {svc} from {n} to {n2}.",
        "Killed the long-running query on {db} (pid {big}).",
        "Renewed the certificate for {svc} and reloaded the edge proxies.",
        "Purged the CDN cache for the affected paths.",
        "Paused the {queue} consumers so no more messages are lost while we look.",
        "Took a snapshot of {db} before touching anything.",
        "Rotated the credentials of the {svc} service account.",
        "Moved {region} traffic to the other regions at the load balancer.",
        "Replayed {big} messages from the dead-letter queue into {queue}.",
        "Re-ran the {table} backfill for the missing range, in batches of {n}.",
        "Reverted PR {pr}; the revert is deploying now.",
        "Added an index on {table} (tenant_id, created_at) concurrently.",
        "Increased the memory limit of {svc} to {n} GiB as a stopgap.",
    ]
    static let coordination = [
        "Status page updated: degraded performance for {svc}, next update in 30 min.",
        "{person} is talking to the provider's support; ticket opened at {time}.",
        "Asked {person} to join; they wrote the {svc} retry logic.",
        "Holding all deploys until this is resolved.",
        "Next update to the merchant success team at the top of the hour.",
        "{person} takes over investigation of {svc2}; I stay on {svc}.",
        "We agreed not to run anything against {db} until the snapshot finishes.",
        "Customer email drafted with {person}; waiting for sign-off before sending.",
        "Handing the pager to {person} for the night; notes are all here.",
        "Watching for another {dur} before calling it mitigated.",
        "Confirmed with {person} that no data was written to the wrong tenant.",
        "Theory: the {version} release changed the retry policy towards {svc2}. Checking the diff.",
        "Ruled out the network: latency between zones is normal.",
        "Ruled out the {flag} flag: the errors continue with it off.",
        "Reproduced it on staging with the {table} data from last week.",
    ]
    static let causes = [
        "a config change that set the {svc} timeout to {ms}",
        "a migration that dropped rows of {table} whose foreign key was null",
        "a retry storm from {svc2} after a short network blip",
        "an expired certificate nobody was alerted about",
        "a query plan change on {db} after statistics were refreshed",
        "a memory leak in the {svc} websocket handlers",
        "a batch job that ran against production with the wrong credentials",
        "the {flag} flag enabled for every tenant instead of one",
        "a dependency upgrade that changed connection pooling defaults",
        "a disk that filled up with WAL because archiving had been failing for days",
        "a missing tenant filter in a new {svc} endpoint",
        "a race between two writers in the {svc} reconciliation job",
        "a load balancer health check pointing at the wrong port",
        "a DNS record that was deleted during a cleanup",
        "a cron schedule written in local time on a UTC host",
    ]
    static let actionItems = [
        "Add an alert on {metric} for {svc}", "Write a runbook for failing over {db}",
        "Test restores of {db} every week", "Add a tenant filter test to the {svc} CI suite",
        "Put the {svc} timeout under config review", "Load test {svc} at twice the peak traffic",
        "Remove production credentials from CI variables", "Alert 14 days before certificates expire",
        "Make the {table} migration idempotent and resumable", "Cap retries from {svc2} with a budget",
        "Add a canary stage for {svc} deploys", "Document the {queue} replay procedure",
        "Give the migration runner its own database role", "Dashboard for {metric} per tenant",
        "Shorten the TTL on {svc} DNS records", "Soak test {svc} for 24 hours before release",
        "Move the {table} job to its own worker pool", "Check WAL archiving in the morning health report",
    ]
    static let actionTypes = ["mitigate", "prevent", "detect", "process"]
    static let reasons = [
        "rollback finished and error rate back to normal", "root cause found in the {svc} config",
        "traffic moved off the affected nodes", "fix deployed and verified on three merchants",
        "no errors for {dur}", "provider confirmed their incident is over", "backfill complete and counts match",
    ]
    static let stepNotes = [
        "done by {person}", "took {dur}", "confirmed in the {dash} dashboard", "see note at {time}",
        "credentials rotated, old ones revoked", "snapshot {big} kept", "all writers stopped",
    ]
    static let checklistNotes = [
        "Checked by {person}.", "See PR {pr}.", "Restore test on {db} took {dur}.", "Staging copy refreshed at {time}.",
        "Row counts matched: {big} before and after.", "Load test at {n}k requests per second, {metric} flat.",
        "Reviewed with {person} line by line.", "Rollback tried on staging in {dur}.",
    ]
    static let naReasons = [
        "nothing automated touches {svc}", "no data was changed", "not a credentials problem",
        "no replicas involved",
    ]

    /// The only sentences with the benchmark word (see the type's comment).
    static let kafkaNotes = [
        "Consumer lag on the kafka topic {svc}.events is {big} messages and climbing.",
        "The kafka brokers in {region} report under-replicated partitions since {time}.",
        "{svc} stopped committing kafka offsets after the rebalance at {time}; it reprocesses the same batch.",
        "One kafka broker ran out of disk; producers in {svc} are retrying with backoff.",
    ]
    static let kafkaDecisionLines = [
        "The same pattern showed up in the kafka consumers of {svc}, where a rebalance replays a whole batch.",
    ]

    /// Decision titles.
    static let decisionTitles = [
        "Use {tech} for {purpose}", "Keep {purpose} in {svc}", "Retire {tech} from {svc}",
        "Every {svc} deploy goes through a canary", "Back up {db} continuously", "Enforce tenant scoping in {svc}",
        "Rate limit {svc} per tenant", "Separate read and write roles for {db}", "Run {svc} in two regions",
        "Alert on {metric} for every service", "Version the {svc} API in the path",
        "Make {table} writes idempotent", "Restore {db} from backup every week", "Move {purpose} to {tech}",
        "Cap retries between {svc} and {svc2}", "Store secrets in the vault, never in CI variables",
        "Schema changes pass the schema-change checklist", "Soak test {svc} before each release",
        "Feature flags expire after 90 days", "Keep staging a masked copy of production",
        "Give {svc} its own database", "Time out calls to {svc2} after {ms}", "Archive {table} after two years",
    ]
    static let tech = ["PostgreSQL", "Redis", "a message queue", "object storage", "the managed load balancer",
                       "gRPC", "OpenTelemetry", "a service mesh", "SQLite for tests", "the vault", "cron in the scheduler",
                       "server-sent events", "a job queue in the database"]
    static let purposes = ["session storage", "audit logs", "webhook retries", "search indexing", "rate limits",
                           "billing events", "exports", "feature flags", "idempotency keys", "tenant configuration"]

    static let decisionDrivers = [
        "A mistake here must not reach every tenant at once.", "On-call must be able to undo it in minutes.",
        "It must not add another system the team has to run at 3 a.m.", "Cost stays within this year's budget.",
        "It must work when the provider's console is down.", "Whatever we pick is tested on staging first.",
        "Data loss is not acceptable, even for a few minutes of writes.", "New engineers must understand it in a day.",
    ]
    static let goodConsequences = [
        "Good, because the blast radius of a bad change is smaller.", "Good, because on-call has one procedure to follow.",
        "Good, because it is tested every week rather than trusted.", "Good, because it removes a manual step.",
        "Good, because incidents of this kind are detected in minutes, not hours.",
    ]
    static let badConsequences = [
        "Bad, because deploys take longer.", "Bad, because it costs more to run.",
        "Bad, because there is one more thing to keep up to date.", "Bad, because existing clients must migrate.",
        "Bad, because it needs work from two teams this quarter.",
    ]
    static let lessonsWell = [
        "The alert fired within minutes and paged the right person.", "The rollback took less than five minutes.",
        "Notes in the timeline made the handover easy.", "Support had a message for merchants early.",
        "We took a snapshot before changing anything.",
    ]
    static let lessonsWrong = [
        "Nobody knew which team owned {svc}.", "The runbook for {db} was out of date.",
        "We lost twenty minutes chasing the network.", "The change had no canary stage.",
        "The dashboard for {svc} did not show per-tenant errors.",
    ]

    // MARK: Filling templates

    /// What the slots of one record refer to.
    struct Context {
        var service: String
        var other: String
        var database: String
        var region: String
        /// Seconds since 1970 of the record's start, for `{time}`.
        var clock: Int
    }

    /// The numbers drawn so far in one template, so that a second one can follow from the first: "from
    /// {n} to {n2}" grows, "{pct} to {pct2}" too, "{ms} against a normal of {ms2}" is the lower.
    struct Drawn {
        var n = 0, pct = 0, ms = 0
    }

    /// `template` with every `{slot}` filled.
    static func fill(_ template: String, _ context: Context, _ random: inout Random) -> String {
        guard template.contains("{") else { return template }
        var out = ""
        out.reserveCapacity(template.utf8.count + 32)
        var rest = Substring(template)
        var drawn = Drawn()
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            out += slot(rest[rest.index(after: open)..<close], context, &random, &drawn)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    static func slot(_ name: Substring, _ context: Context, _ random: inout Random, _ drawn: inout Drawn) -> String {
        switch name {
        case "svc": return context.service
        case "svc2": return context.other
        case "db": return context.database
        case "region": return context.region
        case "table": return random.pick(tables)
        case "metric": return random.pick(metrics)
        case "dash": return random.pick(dashboards)
        case "flag": return random.pick(flags)
        case "queue": return random.pick(["webhook-retries", "email-outbox", "exports", "ledger-events", "search-index"])
        case "host": return context.service + "-" + random.characters(5, from: Array("0123456789abcdef"))
        case "person": return random.pick(people)
        case "n":
            drawn.n = random.int(2, 64)
            return String(drawn.n)
        case "n2": return String(drawn.n + random.int(1, 64))
        case "big": return NumberText.grouped(random.int(1_200, 2_400_000))
        case "pct":
            drawn.pct = random.int(3, 90)
            return String(drawn.pct) + "%"
        case "pct2": return String(random.int(drawn.pct + 1, 99)) + "%"
        case "ms":
            drawn.ms = random.seconds(120, 9_000)
            return String(drawn.ms) + " ms"
        case "ms2": return String(max(5, drawn.ms / random.int(3, 12))) + " ms"
        case "dur": return Spoken.duration(random.seconds(60, 4 * 3600))
        case "code": return random.pick(["500", "502", "503", "504", "429", "401"])
        case "version": return "v\(random.int(1, 9)).\(random.int(0, 40)).\(random.int(0, 12))"
        case "pr": return "#\(random.int(1_000, 9_999))"
        case "time":
            let seconds = context.clock + random.int(-1800, 5400)
            let minutes = ((seconds % 86400) + 86400) % 86400 / 60
            return String(format: "%02d:%02d", minutes / 60, minutes % 60)
        case "tech": return random.pick(tech)
        case "purpose": return random.pick(purposes)
        default: return "{" + name + "}"
        }
    }

    /// One to two sentences a responder would log.
    static func note(_ context: Context, _ random: inout Random) -> String {
        let pools = [observations, observations, actions, coordination]
        var text = sentence(fill(random.pick(random.pick(pools)), context, &random))
        if random.chance(0.4) { text += " " + sentence(fill(random.pick(random.pick(pools)), context, &random)) }
        return text
    }

    /// A paragraph of `count` sentences, wrapped at 76 columns as people write Markdown.
    static func paragraph(_ count: Int, _ context: Context, _ random: inout Random, from pools: [[String]]? = nil) -> String {
        let pools = pools ?? [observations, actions, coordination]
        let sentences = (0..<count).map { _ in sentence(fill(random.pick(random.pick(pools)), context, &random)) }
        return wrap(sentences.joined(separator: " "))
    }

    /// `text` (already wrapped or not) as lines of at most `width` columns.
    static func wrap(_ text: String, width: Int = 76) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// "Cause one, and cause two", capitalised.
    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}

enum Spoken {
    /// 4000 → "1 h 6 min".
    static func duration(_ seconds: Int) -> String {
        if seconds < 90 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        let minutes = (seconds % 3600) / 60
        return "\(seconds / 3600) h" + (minutes == 0 ? "" : " \(minutes) min")
    }
}
