import Base
import Gateway

/// Invariants every run must keep, checked by oracles that watch the simulation from
/// outside the platform code (they do not trust the gateway's own bookkeeping).
enum Checkers {
    static let descriptions: [(name: String, summary: String)] = [
        ("key_isolation", "every provider call carried a key issued to the tenant it was made for"),
        ("no_failover", "every call went to the provider its alias was switched to, never elsewhere"),
        ("billing", "per tenant, the gateway's recorded cost equals what the providers billed, to the micro-dollar"),
        ("steps", "every scripted step applied without error"),
        ("ledger", "after the last reconciliation, per tenant, the usage ledger holds every call the gateway answered, at the cost it recorded"),
    ]

    static func run(_ m: RunMetrics, steps: [LabRunner.StepOutcome]) -> [LabResult.CheckResult] {
        var billing: [String] = []
        for (t, tenant) in m.tenants.enumerated() {
            let charged = m.calls.filter { $0.key.tenant == Int32(t) }.reduce(Int64(0)) { $0 + $1.value.costMicros }
            let billed = m.upstream.filter { $0.key.tenant == Int32(t) }.reduce(Int64(0)) { $0 + $1.value.billedMicros }
            if charged != billed { billing.append("\(tenant): gateway recorded \(charged) µ$, providers billed \(billed) µ$") }
        }
        let failedSteps = steps.compactMap { s in s.error.map { "at \(s.at): \(s.description): \($0)" } }
        var ledger: [String] = []
        for (t, tenant) in m.tenants.enumerated() where !m.reconciliations.isEmpty {
            let rows = m.calls.filter { $0.key.tenant == Int32(t) }
            let calls = rows.reduce(0) { $0 + $1.value.count }, cost = rows.reduce(Int64(0)) { $0 + $1.value.costMicros }
            let l = m.ledgerTotals[tenant] ?? UsageCounters()
            if l.calls != calls || l.costMicros != cost {
                ledger.append("\(tenant): the ledger has \(l.calls) calls, \(l.costMicros) µ$; the gateway answered \(calls) calls, \(cost) µ$")
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
