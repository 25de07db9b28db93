import Gateway
import Synchronization

/// Per-tenant totals of the calls this process answered, since it started: what an
/// operator (or a test) reads without a ledger. The ledger's month-to-date totals are the
/// Platform API's usage endpoint; the replica's counters (``GatewayNode/counters``) are
/// what reconciliation compares with them.
public final class UsageBook: Sendable {
    public struct Totals: Sendable, Equatable {
        public var calls = 0
        public var errors = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var costMicros: Int64 = 0
    }

    private let totals = Mutex<[String: Totals]>([:])

    public init() {}

    func add(_ u: UsageRecord) {
        totals.withLock { all in
            var t = all[u.tenant ?? "-", default: Totals()]
            t.calls += 1
            if u.status != 200 { t.errors += 1 }
            t.promptTokens += u.promptTokens
            t.completionTokens += u.completionTokens
            t.costMicros += u.costMicros
            all[u.tenant ?? "-"] = t
        }
    }

    public func totals(for tenant: String) -> Totals { totals.withLock { $0[tenant] ?? Totals() } }
}
