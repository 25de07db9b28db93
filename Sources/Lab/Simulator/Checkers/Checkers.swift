import Base
import Gateway

/// Invariants every run must keep, checked by oracles that watch the simulation from
/// outside the platform code (they do not trust the gateway's own bookkeeping).
enum Checkers {
    static let descriptions: [(name: String, summary: String)] = [
        ("key_isolation", "every provider call carried a key issued to the tenant it was made for"),
        ("no_failover", "every call went to the provider its alias was switched to, never elsewhere"),
        ("billing", "per tenant, the gateway's recorded cost equals what the providers billed, to the micro-dollar (calls a crash cut short accounted apart)"),
        ("steps", "every scripted step applied without error"),
        ("ledger", "at the end, the usage ledger holds every call the gateway answered, once, at the cost it recorded, and no call no replica settled"),
    ]

    static func run(_ m: RunMetrics, steps: [LabRunner.StepOutcome]) -> [LabResult.CheckResult] {
        var billing: [String] = []
        for (t, tenant) in m.tenants.enumerated() {
            let charged = m.calls.filter { $0.key.tenant == Int32(t) }.reduce(Int64(0)) { $0 + $1.value.costMicros }
            let billed = m.upstream.filter { $0.key.tenant == Int32(t) }.reduce(Int64(0)) { $0 + $1.value.billedMicros }
            // Calls a crash cut short: settled but never answered (recorded in the journal, not
            // in the answers), or never settled at all (billed by the provider, unknown to the gateway).
            let unanswered = m.journal.unanswered[tenant]?.costMicros ?? 0, lost = m.journal.lostInFlight[tenant]?.costMicros ?? 0
            if charged + unanswered + lost != billed {
                billing.append("\(tenant): gateway recorded \(charged) µ$" + (unanswered + lost > 0 ? " (+ \(unanswered) µ$ unanswered, \(lost) µ$ lost in flight at crashes)" : "")
                               + ", providers billed \(billed) µ$")
            }
        }
        let failedSteps = steps.compactMap { s in s.error.map { "at \(s.at): \(s.description): \($0)" } }
        var ledger: [String] = []
        for tenant in m.tenants where !m.reconciliations.isEmpty {
            let answered = m.answeredIDs[tenant] ?? [:], rows = m.ledgerRows[tenant] ?? [:]
            let missing = answered.keys.filter { rows[$0] == nil }.sorted()
            let wrong = answered.keys.filter { rows[$0] != nil && rows[$0] != answered[$0] }.sorted()
            let phantom = rows.keys.filter { !m.settledIDs.contains($0) }.sorted()
            if !missing.isEmpty { ledger.append("\(tenant): \(missing.count) answered call(s) missing from the ledger, e.g. \(missing.prefix(3).joined(separator: ", "))") }
            if !wrong.isEmpty { ledger.append("\(tenant): \(wrong.count) call(s) in the ledger at another cost, e.g. \(wrong.prefix(3).joined(separator: ", "))") }
            if !phantom.isEmpty { ledger.append("\(tenant): \(phantom.count) ledger row(s) no replica settled, e.g. \(phantom.prefix(3).joined(separator: ", "))") }
            // Each row counted once in the ledger's totals.
            let totals = m.ledgerTotals[tenant] ?? UsageCounters()
            let cost = rows.values.reduce(Int64(0), +)
            if totals.calls != rows.count || totals.costMicros != cost {
                ledger.append("\(tenant): the ledger's totals (\(totals.calls) calls, \(totals.costMicros) µ$) are not the sum of its \(rows.count) rows (\(cost) µ$)")
            }
        }
        // The ledger check runs only where there is a ledger (a scenario with `usage:`).
        return descriptions.filter { $0.name != "ledger" || !m.reconciliations.isEmpty }.map { name, summary in
            let details: [String]
            switch name {
            case "billing": details = billing
            case "steps": details = failedSteps
            case "ledger": details = ledger
            default:
                let v = m.violations[name]
                details = v.map { v in v.examples + (v.count > v.examples.count ? ["… and \(v.count - v.examples.count) more"] : []) } ?? []
            }
            return LabResult.CheckResult(name: name, summary: summary, passed: details.isEmpty, details: details)
        }
    }
}
