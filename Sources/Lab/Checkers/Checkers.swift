import Platform

/// Invariants every run must keep, checked by oracles that watch the simulation from
/// outside the platform code (they do not trust the gateway's own bookkeeping).
enum Checkers {
    static let descriptions: [(name: String, summary: String)] = [
        ("key_isolation", "every provider call carried a key issued to the tenant it was made for"),
        ("no_failover", "every call went to the provider its alias was switched to, never elsewhere"),
        ("billing", "per tenant, the gateway's recorded cost equals what the providers billed, to the micro-dollar"),
        ("steps", "every scripted step applied without error"),
    ]

    static func run(_ m: RunMetrics, steps: [LabRunner.StepOutcome]) -> [LabResult.CheckResult] {
        var billing: [String] = []
        for (t, tenant) in m.tenants.enumerated() {
            let charged = m.calls.filter { $0.key.tenant == Int32(t) && $0.key.status == 200 }.reduce(Int64(0)) { $0 + $1.value.costMicros }
            let billed = m.upstream.filter { $0.key.tenant == Int32(t) }.reduce(Int64(0)) { $0 + $1.value.billedMicros }
            if charged != billed { billing.append("\(tenant): gateway recorded \(charged) µ$, providers billed \(billed) µ$") }
        }
        let failedSteps = steps.compactMap { s in s.error.map { "at \(s.at): \(s.description): \($0)" } }
        return descriptions.map { name, summary in
            let details: [String]
            switch name {
            case "billing": details = billing
            case "steps": details = failedSteps
            default:
                let v = m.violations[name]
                details = v.map { v in v.examples + (v.count > v.examples.count ? ["… and \(v.count - v.examples.count) more"] : []) } ?? []
            }
            return LabResult.CheckResult(name: name, summary: summary, passed: details.isEmpty, details: details)
        }
    }
}
