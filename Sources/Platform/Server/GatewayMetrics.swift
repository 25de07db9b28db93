import Crypto
import Base
import Gateway
import Prometheus

/// The live server's Prometheus metrics, served at `GET /metrics` in the text format.
///
/// A registry of its own per gateway (no global metrics system), so that two gateways in
/// one process (tests, replicas) keep their numbers apart. Labels are tenant ids, provider
/// names and status codes: bounded sets, never request data.
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    public init() {}

    /// Counts a finished call.
    func record(_ u: UsageRecord) {
        let tenant = u.tenant ?? "-"
        registry.makeCounter(name: "dcoder_gateway_requests_total",
                             labels: [("tenant", tenant), ("provider", u.provider?.rawValue ?? "-"), ("status", String(u.status))],
                             help: "Calls answered by the gateway, by tenant, provider and HTTP status.").increment()
        if u.costMicros > 0 {
            registry.makeCounter(name: "dcoder_gateway_cost_micro_dollars_total", labels: [("tenant", tenant)],
                                 help: "Spend recorded by the gateway, in micro-dollars.").increment(by: u.costMicros)
        }
        let tokens = u.promptTokens + u.completionTokens
        if tokens > 0 {
            registry.makeCounter(name: "dcoder_gateway_tokens_total", labels: [("tenant", tenant)],
                                 help: "Prompt and completion tokens recorded by the gateway.").increment(by: Int64(tokens))
        }
    }

    /// Records one reconciliation: per tenant, the drift found before repair (gateway minus
    /// ledger) and a running count of repairs.
    func record(_ drift: [UsageDrift]) {
        registry.makeCounter(name: "dcoder_usage_reconciliations_total", help: "Reconciliations of the gateway's counters with the usage ledger.")
            .increment()
        for d in drift {
            registry.makeGauge(name: "dcoder_usage_drift_cost_micro_dollars", labels: [("tenant", d.tenant)],
                               help: "Month-to-date spend drift found by the last reconciliation, before repair (gateway minus ledger).")
                .set(Double(d.costMicros))
            if !d.isZero {
                registry.makeCounter(name: "dcoder_usage_drift_repairs_total", labels: [("tenant", d.tenant)],
                                     help: "Reconciliations that found and repaired drift.").increment()
            }
        }
    }

    /// Whether an `Authorization` header carries `token` (compared in constant time).
    static func authorized(_ header: String?, token: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = SHA256.hash(data: Array(header.utf8.dropFirst(7))), wanted = SHA256.hash(data: Array(token.utf8))
        return zip(given, wanted).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The Prometheus text exposition.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
