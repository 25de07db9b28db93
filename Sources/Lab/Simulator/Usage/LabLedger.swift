import Base
import Gateway
import Synchronization

/// The usage ledger in the Lab: each tenant's rows in memory, keyed by request id like the
/// `usage_events` table (recording a row twice adds nothing), with the tenant's and each
/// replica's month-to-date totals kept as rows arrive.
///
/// A write fails at `failureRate` (the tenant database is unreachable): the journal keeps
/// the entries and sends them again with the next flush, as live. The SQL ledger itself
/// is tested on SQLite and PostgreSQL by the storage suite.
public final class LabLedger: UsageLedger {
    struct Row: Hashable { var replica: String; var costMicros: Int64; var tokens: Int; var month: CalendarMonth }
    struct Key: Hashable { var tenant: String; var replica: String?; var month: CalendarMonth }
    struct State {
        var rows: [String: [String: Row]] = [:]
        var totals: [Key: UsageCounters] = [:]
        var random: Xoshiro256StarStar
        /// Rows offered again that were already there (the journal's replays after a crash).
        var duplicates = 0
        /// Entries refused by an injected failure.
        var refused: [String: Int] = [:]
    }

    private let state: Mutex<State>
    let failureRate: Double
    let epoch: Int64

    public init(random: Xoshiro256StarStar, failureRate: Double = 0, epoch: Int64) {
        state = Mutex(State(random: random))
        self.failureRate = failureRate
        self.epoch = epoch
    }

    public struct Unavailable: Error, CustomStringConvertible { public var description: String { "the tenant database did not answer (simulated)" } }

    public func record(tenant: String, _ entries: [JournalEntry]) async throws {
        let epoch = self.epoch, failureRate = self.failureRate
        try state.withLock { s in
            if failureRate > 0, s.random.nextUnit() < failureRate {
                s.refused[tenant, default: 0] += entries.count
                throw Unavailable()
            }
            for e in entries {
                let month = CalendarMonth(of: e.usage.startedAt, epoch: epoch)
                let row = Row(replica: e.replica, costMicros: e.usage.costMicros, tokens: e.usage.promptTokens + e.usage.completionTokens, month: month)
                guard s.rows[tenant, default: [:]].updateValue(row, forKey: e.usage.requestID) == nil else {
                    s.duplicates += 1
                    continue
                }
                var c = UsageCounters()
                c.add(e.usage)
                s.totals[Key(tenant: tenant, replica: nil, month: month), default: UsageCounters()].add(c)
                s.totals[Key(tenant: tenant, replica: e.replica, month: month), default: UsageCounters()].add(c)
            }
        }
    }

    public func monthToDate(tenant: String, replica: String, at now: Instant) async throws -> LedgerTotals {
        let month = CalendarMonth(of: now, epoch: epoch)
        return state.withLock { s in
            LedgerTotals(tenant: s.totals[Key(tenant: tenant, replica: nil, month: month)] ?? UsageCounters(),
                         replica: s.totals[Key(tenant: tenant, replica: replica, month: month)] ?? UsageCounters())
        }
    }

    /// Every tenant's totals over the run.
    var totals: [String: UsageCounters] {
        state.withLock { s in
            var out: [String: UsageCounters] = [:]
            for (key, c) in s.totals where key.replica == nil { out[key.tenant, default: UsageCounters()].add(c) }
            return out
        }
    }

    /// A tenant's rows: request id → cost.
    func rows(tenant: String) -> [String: Int64] { state.withLock { $0.rows[tenant]?.mapValues(\.costMicros) ?? [:] } }

    /// Entries refused by injected failures, per tenant.
    var refused: [String: Int] { state.withLock { $0.refused } }
    var duplicates: Int { state.withLock { $0.duplicates } }
}
