import Base

/// The durable record of every call: a row per call in its tenant's ledger (the
/// `usage_events` table of the tenant's database live; an in-memory table in the Lab).
///
/// Rows are keyed by request id: recording the same entry twice adds nothing, so the
/// journal can replay what a crash left unflushed.
public protocol UsageLedger: Sendable {
    /// Records a tenant's entries; idempotent by request id.
    func record(tenant: String, _ entries: [JournalEntry]) async throws
    /// A tenant's totals for the calendar month (UTC) of `now`: all its rows, and the rows
    /// `replica` wrote.
    func monthToDate(tenant: String, replica: String, at now: Instant) async throws -> LedgerTotals
}

/// A tenant's month-to-date totals in the ledger.
public struct LedgerTotals: Hashable, Sendable {
    /// Every row of the tenant: the spend its budget is measured against.
    public var tenant: UsageCounters
    /// The rows one replica wrote: what that replica's own counters should say.
    public var replica: UsageCounters

    public init(tenant: UsageCounters, replica: UsageCounters) { self.tenant = tenant; self.replica = replica }
}

/// What one flush did.
public struct FlushReport: Hashable, Sendable {
    /// Entries handed to the ledgers (replays of already recorded ones included).
    public var entries = 0
    /// The same, per tenant.
    public var perTenant: [String: Int] = [:]
    /// Whether every durable entry is now in a ledger.
    public var complete = true
    /// Tenants whose ledger refused its entries (kept for the next flush).
    public var failedTenants: [String] = []
    /// Lines that were not journal lines (fragments of failed writes), skipped.
    public var unreadable = 0
    /// Why the journal could not be read, when it could not.
    public var readError: String?

    public init() {}
}
