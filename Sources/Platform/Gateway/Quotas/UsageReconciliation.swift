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

    public var isZero: Bool { calls == 0 && tokens == 0 && costMicros == 0 }
}

extension Alert.Kind {
    /// Reconciliation found the gateway's counters and the usage ledger apart (and repaired it).
    public static let usageDrift: Alert.Kind = "usage_drift"
}

/// Reconciliation of the gateway's counters with the usage ledger, the same in both drivers:
///
/// 1. the driver first replays into the ledger every journaled call it lacks (dropped or
///    delayed deliveries), so the ledger is complete;
/// 2. ``drift(gateway:ledger:)`` measures what remains between the gateway's counters and
///    the ledger, per tenant — the drift reported;
/// 3. the driver sets its counters (and each tenant's month-to-date budget spend) to the
///    ledger's values, so the drift after repair is zero.
///
/// The ledger wins because it is the durable record, made from the write-ahead journal of
/// every answered call; the gateway's counters are in memory and die with the process.
public enum UsageReconciliation {
    /// Per tenant present on either side, sorted by tenant: gateway minus ledger.
    public static func drift(gateway: [String: UsageCounters], ledger: [String: UsageCounters]) -> [UsageDrift] {
        Set(gateway.keys).union(ledger.keys).sorted().map { t in
            let g = gateway[t] ?? UsageCounters(), l = ledger[t] ?? UsageCounters()
            return UsageDrift(tenant: t, calls: g.calls - l.calls, tokens: g.tokens - l.tokens, costMicros: g.costMicros - l.costMicros)
        }
    }

    /// The alert a non-zero drift raises.
    public static func alert(_ d: UsageDrift, at now: Instant) -> Alert {
        Alert(kind: .usageDrift, at: now, tenant: d.tenant, provider: nil,
              message: "usage drift repaired: gateway minus ledger was \(d.calls) calls, \(d.tokens) tokens, \(d.costMicros) µ$")
    }
}
