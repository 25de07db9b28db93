import Base

/// Reconciliation of a replica's counters with the usage ledger.
///
/// The ledger is the durable record, made from the journal of every answered call; the
/// replica's counters and spend live in memory and die with the process. At start-up and
/// then periodically (``GatewayReplica/reconcile(with:now:attempts:pause:)``):
///
/// 1. the replica takes a **cut** — its counters and spend — at the instant it starts an
///    exclusive flush of its journal, so that the flush delivers exactly the calls the
///    cut counted (a call's counts are taken when its journal write ends);
/// 2. once the flush is in the ledger, it reads each tenant's month-to-date totals: the
///    rows it wrote itself, and the tenant's whole spend;
/// 3. ``GatewayNode/reconcile(_:ledger:now:)`` reports the **drift** — the cut minus the
///    replica's rows: positive when the ledger lacks calls the replica counted (a journal
///    write failed), negative when the replica lost counts (a restart) — and repairs it:
///    the counters move by the difference, the spend becomes the tenant's ledger spend
///    (plus what the replica added since the cut). A non-zero drift raises a
///    `usage_drift` alert; budget thresholds the spend crossed through calls this replica
///    did not see (another replica's) raise theirs — except on the first reconciliation
///    after a start, whose predecessor raised them.
extension GatewayNode {
    /// The replica's counters and spend at one instant.
    public struct ReconciliationCut: Hashable, Sendable {
        public var at: Instant
        var counters: [String: UsageCounters]
        var spend: [String: Int64]
        /// The tenants to ask the ledger about, sorted.
        public var tenants: [String]
    }

    /// Takes the cut (with the exclusive flush, under the same lock).
    public func reconciliationCut(at now: Instant) -> ReconciliationCut {
        let counts = counters.all(at: now)
        let tenants = Set(core.tenants.keys).union(counts.keys).sorted()
        var spend: [String: Int64] = [:]
        for t in tenants { spend[t] = budgets.spent(tenant: t, at: now) }
        return ReconciliationCut(at: now, counters: counts, spend: spend, tenants: tenants)
    }

    /// What one reconciliation found and did.
    public struct Reconciliation: Hashable, Sendable {
        public var at: Instant
        /// Per tenant asked (sorted): the cut minus the ledger's rows of this replica, before repair.
        public var drift: [UsageDrift]
        /// Drift alerts (by tenant), then budget thresholds crossed (by tenant).
        public var alerts: [Alert]
        /// Journaled calls the reconciliation's own flush delivered to the ledger.
        public var replayed: [String: Int]
    }

    /// Reports the drift between the cut and the ledger, and repairs it.
    ///
    /// - Parameter ledger: each tenant's month-to-date totals, read after the cut's flush
    ///   (tenants whose ledger could not be read are left out, and stay unreconciled).
    public mutating func reconcile(_ cut: ReconciliationCut, ledger: [String: LedgerTotals], now: Instant) -> Reconciliation {
        var drift: [UsageDrift] = [], driftAlerts: [Alert] = [], budgetAlerts: [Alert] = []
        for tenant in ledger.keys.sorted() {
            let l = ledger[tenant]!, mine = cut.counters[tenant] ?? UsageCounters()
            let d = UsageDrift(tenant: tenant, calls: mine.calls - l.replica.calls, tokens: mine.tokens - l.replica.tokens,
                               costMicros: mine.costMicros - l.replica.costMicros)
            drift.append(d)
            if !d.isZero {
                counters.add(UsageCounters(calls: -d.calls, tokens: -d.tokens, costMicros: -d.costMicros), tenant: tenant, at: now)
                driftAlerts.append(UsageReconciliation.alert(d, at: now))
            }
            let since = budgets.spent(tenant: tenant, at: now) - (cut.spend[tenant] ?? 0)
            budgetAlerts += budgets.restore(tenant: tenant, spentMicros: l.tenant.costMicros + since, at: now,
                                            budget: core.tenants[tenant]?.budget, alertNewlyCrossed: reconciled.contains(tenant))
            reconciled.insert(tenant)
        }
        return Reconciliation(at: now, drift: drift, alerts: driftAlerts + budgetAlerts, replayed: [:])
    }
}
