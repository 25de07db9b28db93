import Foundation
import Histogram
import Base
import Gateway

/// Everything a Lab run measured, aggregated by label set, plus the alert log and the
/// checkers' findings. Expectations and reports read only this.
public final class RunMetrics {
    /// The labels of a client call. Integers index ``tenants``, ``models`` and ``keys``
    /// so the hot path hashes a few integers rather than strings.
    struct CallKey: Hashable {
        var tenant: Int32
        var model: Int32
        var key: Int32
        var provider: Int8      // ProviderKind index, or -1 when no provider was chosen
        var stream: Bool
        var status: Int16
        var errorKind: Int8     // GatewayError.Kind index, or -1
    }

    struct CallStats {
        var count = 0
        var promptTokens = 0
        var completionTokens = 0
        var costMicros: Int64 = 0
        var latency: Histogram<UInt32>?
        var ttft: Histogram<UInt32>?
    }

    struct UpstreamKey: Hashable {
        var provider: Int32     // index into providerNames
        var tenant: Int32       // tenant that owns the key, or -1 for unknown keys
        var status: Int16
    }

    struct UpstreamStats {
        var count = 0
        var billedMicros: Int64 = 0
        var hallucinated = 0
    }

    public internal(set) var tenants: [String] = []
    public internal(set) var models: [String] = []
    public internal(set) var keys: [String] = []
    public internal(set) var providerNames: [String] = []
    public internal(set) var providerKinds: [ProviderKind] = []
    var calls: [CallKey: CallStats] = [:]
    var upstream: [UpstreamKey: UpstreamStats] = [:]
    public internal(set) var alerts: [Alert] = []
    var alertKeys: Set<String> = []
    /// Checker name → findings (the first few are kept with details; all are counted).
    public internal(set) var violations: [String: (count: Int, examples: [String])] = [:]
    /// Alerts handed to plugins, and what became of each.
    public struct Delivery: Sendable {
        public var at: Instant
        public var plugin: String
        public var tenant: String
        public var alertKind: String
        public var failure: String?
    }
    public internal(set) var deliveries: [Delivery] = []
    /// What the mock connector services received, by service and the tenant whose URL it was.
    public struct ConnectorMessage: Sendable {
        public var service: String
        public var tenant: String
        public var url: String
    }
    public internal(set) var connectorMessages: [ConnectorMessage] = []
    /// Messages per (service, tenant), sorted: what reports show (never the URLs, which hold secrets).
    public var connectorMessageCounts: [(service: String, tenant: String, count: Int)] {
        var counts: [String: Int] = [:]
        for c in connectorMessages { counts[c.service + "\u{0}" + c.tenant, default: 0] += 1 }
        return counts.keys.sorted().map { k in
            let parts = k.split(separator: "\u{0}", omittingEmptySubsequences: false)
            return (String(parts[0]), String(parts[1]), counts[k]!)
        }
    }
    /// Every tenant's flags at the start and after each flag step.
    public struct FlagSnapshot: Sendable {
        public var at: Instant
        public var cause: String
        /// Tenant → feature → enabled.
        public var states: [String: [String: Bool]]
    }
    public internal(set) var flagSnapshots: [FlagSnapshot] = []
    /// Grounded answers of the scenario's `rag:` questions, and the ingestion of its corpus.
    public internal(set) var rag: RAGResults?
    /// Each reconciliation of the gateway's counters with the usage ledger, per tenant.
    public struct Reconciliation: Sendable {
        public var at: Instant
        public var tenant: String
        public var before: UsageDrift
        public var after: UsageDrift
        /// Journaled calls the ledger lacked, replayed into it.
        public var replayed: Int
    }
    public internal(set) var reconciliations: [Reconciliation] = []
    /// Journal entries a ledger write refused, per tenant (sent again with the next flush).
    public internal(set) var usageDropped: [String: Int] = [:]
    /// The journal and the crashes, when the scenario keeps a ledger.
    public struct Journal: Sendable {
        public var crashes = 0
        public var tornWrites = 0
        /// Unsynced journal operations a crash lost.
        public var lostOperations = 0
        public var writeErrors = 0
        /// Calls whose journal entries were given up after failed writes (answered all the same).
        public var givenUp = 0
        /// Calls settled but not yet answered when their replica crashed (their entries may or
        /// may not have survived), per tenant: calls and cost.
        public var unanswered: [String: UsageCounters] = [:]
        /// Calls waiting for their provider when their replica crashed: never settled, but
        /// billed by the provider; per tenant: calls and what the provider billed.
        public var lostInFlight: [String: UsageCounters] = [:]
        /// Rows the journal offered the ledger again after a crash (replays, ignored).
        public var replays = 0
        /// Reconciliations postponed (the ledger did not take the journal's entries).
        public var postponed = 0
    }
    public internal(set) var journal = Journal()
    /// Answered calls with their journal ticket done, per tenant: request id → cost (what
    /// the ledger check looks for, when the scenario keeps a ledger).
    var answeredIDs: [String: [String: Int64]] = [:]
    /// Every call settled with a journal entry (answered or not), by request id: what the
    /// ledger may hold, and nothing else.
    var settledIDs: Set<String> = []
    /// The ledger's rows at the end of the run, per tenant: request id → cost.
    var ledgerRows: [String: [String: Int64]] = [:]
    /// The ledger's totals per tenant after the last reconciliation.
    public internal(set) var ledgerTotals: [String: UsageCounters] = [:]
    /// Platform API calls made by scenario steps, in order.
    public internal(set) var apiCalls: [APICallRecord] = []
    /// The Platform API's tenants at the end of the run.
    var platformTenants: [LabPlatform.TenantSnapshot] = []
    public let duration: Nanoseconds
    public let bucketWidth: Nanoseconds
    public let bucketCount: Int
    /// Per tenant index: successes, failures and cost per time bucket.
    var timelineOK: [[Int]] = []
    var timelineError: [[Int]] = []
    var timelineCost: [[Int64]] = []

    static let errorKinds = GatewayError.Kind.allCases
    static let providerKindList = ProviderKind.allCases

    public init(duration: Nanoseconds, buckets: Int) {
        self.duration = duration
        self.bucketCount = buckets
        self.bucketWidth = Nanoseconds(max(1, (duration.value + Int64(buckets) - 1) / Int64(buckets)))
    }

    static func makeHistogram() -> Histogram<UInt32> {
        // Microseconds from 1 µs to 1 h, three significant digits.
        Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    private var tenantIndex: [String: Int32] = [:]

    func index(of tenant: String) -> Int32 {
        if let i = tenantIndex[tenant] { return i }
        tenantIndex[tenant] = Int32(tenants.count)
        tenants.append(tenant)
        timelineOK.append(Array(repeating: 0, count: bucketCount))
        timelineError.append(Array(repeating: 0, count: bucketCount))
        timelineCost.append(Array(repeating: 0, count: bucketCount))
        return Int32(tenants.count - 1)
    }

    func index(ofModel m: String) -> Int32 {
        if let i = models.firstIndex(of: m) { return Int32(i) }
        models.append(m); return Int32(models.count - 1)
    }

    func index(ofKey k: String) -> Int32 {
        if let i = keys.firstIndex(of: k) { return Int32(i) }
        keys.append(k); return Int32(keys.count - 1)
    }

    func index(ofProvider name: String, kind: ProviderKind) -> Int32 {
        if let i = providerNames.firstIndex(of: name) { return Int32(i) }
        providerNames.append(name); providerKinds.append(kind); return Int32(providerNames.count - 1)
    }

    // MARK: Recording

    func record(call key: CallKey, usage: UsageRecord, at now: Instant) {
        // Mutated in place through the dictionary's accessor: copying the stats out and
        // back would copy both histograms' count arrays on every call.
        Self.add(usage, to: &calls[key, default: CallStats()])
        if key.tenant >= 0 {
            let bucket = min(bucketCount - 1, max(0, Int(now.nanoseconds / bucketWidth.value)))
            let t = Int(key.tenant)
            if usage.status == 200 { timelineOK[t][bucket] += 1 } else { timelineError[t][bucket] += 1 }
            timelineCost[t][bucket] += usage.costMicros
        }
    }

    private static func add(_ usage: UsageRecord, to stats: inout CallStats) {
        stats.count += 1
        stats.promptTokens += usage.promptTokens
        stats.completionTokens += usage.completionTokens
        stats.costMicros += usage.costMicros
        guard usage.status == 200 else { return }
        if stats.latency == nil { stats.latency = makeHistogram() }
        _ = stats.latency!.record(UInt64(max(1, usage.latency.value / 1000)))
        if let t = usage.timeToFirstToken {
            if stats.ttft == nil { stats.ttft = makeHistogram() }
            _ = stats.ttft!.record(UInt64(max(1, t.value / 1000)))
        }
    }

    func record(upstream key: UpstreamKey, billed: Int64, hallucinated: Bool) {
        var s = upstream[key, default: UpstreamStats()]
        s.count += 1
        s.billedMicros += billed
        if hallucinated { s.hallucinated += 1 }
        upstream[key] = s
    }

    /// Records an alert once per condition (see ``Alert/dedupKey``).
    func raise(_ alert: Alert) {
        if alertKeys.insert(alert.dedupKey).inserted { alerts.append(alert) }
    }

    func violation(_ checker: String, _ detail: String) {
        var v = violations[checker] ?? (0, [])
        v.count += 1
        if v.examples.count < 10 { v.examples.append(detail) }
        violations[checker] = v
    }

    // MARK: Queries

    static let knownMetrics: Set<String> = [
        "requests", "errors", "success_rate", "error_rate",
        "latency.p50", "latency.p90", "latency.p95", "latency.p99", "latency.max", "latency.mean",
        "ttft.p50", "ttft.p95", "ttft.p99",
        "tokens.prompt", "tokens.completion", "tokens.total", "cost.usd", "cost.micros",
        "alerts", "upstream.calls", "upstream.billed_micros", "upstream.hallucinations", "violations",
        "api.calls", "tenants", "flag.enabled", "alert.deliveries", "connector.received",
        "drift.calls", "drift.cost_micros", "ledger.calls", "ledger.cost_micros", "usage.replayed", "usage.dropped",
        "journal.crashes", "journal.torn_writes", "journal.lost_operations", "journal.write_errors", "journal.given_up",
        "journal.unanswered", "journal.lost_in_flight", "journal.replays", "usage.postponed",
        "rag.f1", "rag.exact_match", "rag.groundedness", "rag.citation_precision", "rag.citation_recall", "rag.hit_at_k",
        "rag.documents", "rag.questions",
    ]
    static let knownLabels: Set<String> = ["tenant", "provider", "model", "status", "stream", "kind", "key", "checker", "user", "result",
                                           "feature", "plugin", "service", "phase"]

    func labelValue(_ key: CallKey, _ label: String) -> String? {
        switch label {
        case "tenant": return key.tenant >= 0 ? tenants[Int(key.tenant)] : "-"
        case "model": return models[Int(key.model)]
        case "key": return key.key >= 0 ? keys[Int(key.key)] : "-"
        case "provider": return key.provider >= 0 ? Self.providerKindList[Int(key.provider)].rawValue : "-"
        case "stream": return key.stream ? "true" : "false"
        case "status": return String(key.status)
        case "kind": return key.errorKind >= 0 ? Self.errorKinds[Int(key.errorKind)].rawValue : "-"
        default: return nil
        }
    }

    static func matches(_ actual: String?, _ wanted: String) -> Bool {
        guard let a = actual else { return false }
        if wanted.count == 3, wanted.hasSuffix("xx"), let first = wanted.first { return a.count == 3 && a.first == first }
        return a == wanted
    }

    func matchingCalls(_ labels: [(key: String, value: String)]) -> [(CallKey, CallStats)] {
        calls.filter { key, _ in labels.allSatisfy { Self.matches(labelValue(key, $0.key), $0.value) } }
            .sorted { "\($0.key)" < "\($1.key)" }.map { ($0.key, $0.value) }
    }

    func mergedHistogram(_ labels: [(key: String, value: String)], ttft: Bool) -> Histogram<UInt32>? {
        var merged: Histogram<UInt32>?
        for (_, s) in matchingCalls(labels) {
            guard let h = ttft ? s.ttft : s.latency else { continue }
            if merged == nil { merged = Self.makeHistogram() }
            merged!.add(h)
        }
        return merged
    }

    /// The value of a metric over the calls (or alerts, or upstream calls) whose labels
    /// match; `nil` when nothing matches a metric that needs data (latencies, rates).
    public func value(of metric: String, labels: [(key: String, value: String)]) -> Double? {
        switch metric {
        case "requests": return Double(matchingCalls(labels).reduce(0) { $0 + $1.1.count })
        case "drift.calls", "drift.cost_micros", "usage.replayed":
            // Summed over reconciliations: |drift| before or after repair (`phase`), or replays.
            let rows = reconciliations.filter { r in labels.allSatisfy { l in
                switch l.key {
                case "tenant": return r.tenant == l.value
                case "phase": return l.value == "before" || l.value == "after"
                default: return false
                }
            } }
            guard !rows.isEmpty else { return nil }
            let after = labels.contains { $0.key == "phase" && $0.value == "after" }
            return Double(rows.reduce(Int64(0)) { sum, r in
                let d = after ? r.after : r.before
                switch metric {
                case "drift.calls": return sum + Int64(abs(d.calls))
                case "drift.cost_micros": return sum + abs(d.costMicros)
                default: return sum + Int64(r.replayed)
                }
            })
        case "ledger.calls", "ledger.cost_micros":
            let tenants = ledgerTotals.filter { t in labels.allSatisfy { $0.key == "tenant" && $0.value == t.key } }
            return Double(tenants.values.reduce(Int64(0)) { $0 + (metric == "ledger.calls" ? Int64($1.calls) : $1.costMicros) })
        case "journal.crashes": return Double(journal.crashes)
        case "journal.torn_writes": return Double(journal.tornWrites)
        case "journal.lost_operations": return Double(journal.lostOperations)
        case "journal.write_errors": return Double(journal.writeErrors)
        case "journal.given_up": return Double(journal.givenUp)
        case "journal.replays": return Double(journal.replays)
        case "usage.postponed": return Double(journal.postponed)
        case "journal.unanswered", "journal.lost_in_flight":
            let byTenant = metric == "journal.unanswered" ? journal.unanswered : journal.lostInFlight
            return Double(byTenant.filter { t in labels.allSatisfy { $0.key == "tenant" && $0.value == t.key } }.values.reduce(0) { $0 + $1.calls })
        case "usage.dropped":
            return Double(usageDropped.filter { t in labels.allSatisfy { $0.key == "tenant" && $0.value == t.key } }.values.reduce(0, +))
        case "rag.f1": return rag?.f1
        case "rag.exact_match": return rag?.exactMatch
        case "rag.groundedness": return rag?.groundedness
        case "rag.citation_precision": return rag?.citationPrecision
        case "rag.citation_recall": return rag?.citationRecall
        case "rag.hit_at_k": return rag?.hitAtK
        case "rag.questions": return rag.map { Double($0.answers.count) }
        case "rag.documents":
            // Documents of the ingestion job, optionally only those with one outcome (`result=failed`,
            // `indexed`, `replaced`, `unchanged`; `succeeded`: any but failed).
            return rag.map { r in Double(r.documents.filter { d in labels.allSatisfy { l in
                l.key == "result" && (l.value == "succeeded" ? d.result != "failed" : d.result == l.value)
            } }.count) }
        case "flag.enabled":
            // (tenant, feature) pairs on at the end of the run.
            guard let last = flagSnapshots.last else { return nil }
            var n = 0
            for (tenant, row) in last.states {
                for (feature, on) in row where on && labels.allSatisfy({ l in
                    switch l.key {
                    case "tenant": return tenant == l.value
                    case "feature": return feature == l.value
                    default: return false
                    }
                }) { n += 1 }
            }
            return Double(n)
        case "alert.deliveries":
            return Double(deliveries.filter { d in labels.allSatisfy { l in
                switch l.key {
                case "tenant": return d.tenant == l.value
                case "plugin": return d.plugin == l.value
                case "kind": return d.alertKind == l.value
                case "result": return (d.failure == nil ? "delivered" : "failed") == l.value
                default: return false
                }
            } }.count)
        case "connector.received":
            return Double(connectorMessages.filter { c in labels.allSatisfy { l in
                switch l.key {
                case "tenant": return c.tenant == l.value
                case "service": return c.service == l.value
                default: return false
                }
            } }.count)
        case "api.calls":
            // Platform API calls by tenant (named in the path), status, user (who called) and
            // result (pass: the expected status came back).
            return Double(apiCalls.filter { c in labels.allSatisfy { l in
                switch l.key {
                case "tenant": return c.tenant == l.value
                case "status": return Self.matches(String(c.status), l.value)
                case "user": return c.caller == l.value
                case "result": return (c.passed ? "pass" : "fail") == l.value
                default: return false
                }
            } }.count)
        case "tenants":
            // Tenants of the Platform API at the end of the run, by status; a tenant counts only
            // if its own database exists and is migrated.
            return Double(platformTenants.filter { t in t.schemaVersion > 0 && labels.allSatisfy { l in
                switch l.key {
                case "tenant": return t.id == l.value
                case "status": return t.status == l.value
                default: return false
                }
            } }.count)
        case "errors": return Double(matchingCalls(labels).filter { $0.0.status != 200 }.reduce(0) { $0 + $1.1.count })
        case "success_rate", "error_rate":
            let all = matchingCalls(labels)
            let total = all.reduce(0) { $0 + $1.1.count }
            guard total > 0 else { return nil }
            let ok = all.filter { $0.0.status == 200 }.reduce(0) { $0 + $1.1.count }
            return metric == "success_rate" ? Double(ok) / Double(total) : Double(total - ok) / Double(total)
        case "tokens.prompt": return Double(matchingCalls(labels).reduce(0) { $0 + $1.1.promptTokens })
        case "tokens.completion": return Double(matchingCalls(labels).reduce(0) { $0 + $1.1.completionTokens })
        case "tokens.total": return Double(matchingCalls(labels).reduce(0) { $0 + $1.1.promptTokens + $1.1.completionTokens })
        case "cost.micros": return Double(matchingCalls(labels).reduce(Int64(0)) { $0 + $1.1.costMicros })
        case "cost.usd": return Double(matchingCalls(labels).reduce(Int64(0)) { $0 + $1.1.costMicros }) / 1e6
        case "alerts":
            return Double(alerts.filter { a in labels.allSatisfy { l in
                switch l.key {
                case "kind": return a.kind.rawValue == l.value
                case "tenant": return a.tenant == l.value
                case "provider": return a.provider?.rawValue == l.value
                default: return false
                }
            } }.count)
        case "violations":
            return Double(violations.filter { name, _ in labels.allSatisfy { $0.key == "checker" && $0.value == name } }.reduce(0) { $0 + $1.value.count })
        case "upstream.calls", "upstream.billed_micros", "upstream.hallucinations":
            var total = 0.0
            for (k, s) in upstream where labels.allSatisfy({ l in
                switch l.key {
                case "provider": return providerNames[Int(k.provider)] == l.value || providerKinds[Int(k.provider)].rawValue == l.value
                case "tenant": return (k.tenant >= 0 ? tenants[Int(k.tenant)] : "-") == l.value
                case "status": return Self.matches(String(k.status), l.value)
                default: return false
                }
            }) {
                total += metric == "upstream.calls" ? Double(s.count) : metric == "upstream.billed_micros" ? Double(s.billedMicros) : Double(s.hallucinated)
            }
            return total
        default:
            let ttft = metric.hasPrefix("ttft.")
            guard let h = mergedHistogram(labels, ttft: ttft), h.totalCount > 0 else { return nil }
            let stat = metric.split(separator: ".").last!
            let micros: Double
            switch stat {
            case "mean": micros = h.mean
            case "max": micros = Double(h.max)
            default: micros = Double(h.valueAtPercentile(Double(stat.dropFirst())!))
            }
            return micros / 1e6
        }
    }
}
