import Base
/// Calls, tokens and cost of one tenant, as a counter (the gateway's) or a sum of ledger rows.
public struct UsageCounters: Hashable, Sendable {
    public var calls = 0
    public var tokens = 0
    public var costMicros: Int64 = 0

    public init(calls: Int = 0, tokens: Int = 0, costMicros: Int64 = 0) {
        self.calls = calls; self.tokens = tokens; self.costMicros = costMicros
    }

    public mutating func add(_ u: UsageRecord) {
        calls += 1
        tokens += u.promptTokens + u.completionTokens
        costMicros += u.costMicros
    }

    public mutating func add(_ c: UsageCounters) {
        calls += c.calls; tokens += c.tokens; costMicros += c.costMicros
    }
}

/// The difference between the gateway's counters and the ledger for one tenant
/// (gateway minus ledger: positive when the ledger is missing events, negative when the
/// gateway lost counts, as after a restart).
public struct UsageDrift: Hashable, Sendable {
    public var tenant: String
    public var calls: Int
    public var tokens: Int
    public var costMicros: Int64

    public init(tenant: String, calls: Int, tokens: Int, costMicros: Int64) {
        self.tenant = tenant; self.calls = calls; self.tokens = tokens; self.costMicros = costMicros
    }

    public var isZero: Bool { calls == 0 && tokens == 0 && costMicros == 0 }
}

extension Alert.Kind {
    /// Reconciliation found the gateway's counters and the usage ledger apart (and repaired it).
    public static let usageDrift: Alert.Kind = "usage_drift"
}

/// The alert of a reconciliation that found drift (the procedure is ``GatewayNode``'s:
/// see `GatewayNode+Reconciliation.swift`).
public enum UsageReconciliation {
    /// The alert a non-zero drift raises.
    public static func alert(_ d: UsageDrift, at now: Instant) -> Alert {
        Alert(kind: .usageDrift, at: now, tenant: d.tenant, provider: nil,
              message: "usage drift repaired: gateway minus ledger was \(d.calls) calls, \(d.tokens) tokens, \(d.costMicros) µ$")
    }
}
