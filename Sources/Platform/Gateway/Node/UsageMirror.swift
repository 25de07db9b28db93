import Base

/// A replica's own month-to-date counters per tenant (calls, tokens, cost): the gateway's
/// side of the mirrored counters that reconciliation compares with the ledger.
///
/// Counts belong to the calendar month (UTC) of the instant they are added at; a new
/// month starts from zero, as the ledger's month-to-date totals do.
public struct UsageMirror: Hashable, Sendable {
    /// The month counted, as instants: `[start, end)`.
    private var start = Instant(nanoseconds: .max), end = Instant(nanoseconds: .min)
    private var byTenant: [String: UsageCounters] = [:]
    /// Unix nanoseconds of the driver's instant zero.
    let epoch: Int64

    public init(epoch: Int64 = 0) { self.epoch = epoch }

    /// Adds counts of a tenant at `now`.
    public mutating func add(_ counts: UsageCounters, tenant: String, at now: Instant) {
        if now < start || now >= end {
            let month = CalendarMonth(of: now, epoch: epoch)
            (start, end) = (month.start(epoch: epoch), month.next.start(epoch: epoch))
            byTenant = [:]
        }
        byTenant[tenant, default: UsageCounters()].add(counts)
    }

    /// A tenant's counters in the month of `now`.
    public func counters(tenant: String, at now: Instant) -> UsageCounters {
        now >= start && now < end ? byTenant[tenant] ?? UsageCounters() : UsageCounters()
    }

    /// Every tenant's counters in the month of `now`.
    public func all(at now: Instant) -> [String: UsageCounters] {
        now >= start && now < end ? byTenant : [:]
    }
}
