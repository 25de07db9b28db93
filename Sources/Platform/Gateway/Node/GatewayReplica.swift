import Base

/// Where a driver keeps one ``GatewayNode``: behind its lock, with its journal's files on
/// its I/O context. The procedures that span several steps and the ledger — flushing the
/// journal, reconciling — are written once, against this.
///
/// The live server's replica keeps the node in a `Mutex` and runs file operations on an
/// I/O queue; the Lab's keeps it in its event loop over a simulated disk and runs them
/// inline.
public protocol GatewayReplica {
    associatedtype Files: JournalFiles
    /// Runs `body` on the node (under the driver's lock).
    func withNode<T: Sendable>(_ body: (inout GatewayNode) -> T) -> T
    /// Runs `body` on the journal's files (on the driver's I/O context).
    func withFiles<T: Sendable>(_ body: @escaping @Sendable (Files) throws -> T) async throws -> T
}

extension GatewayReplica {
    /// Moves the journal's durable entries after the checkpoint into the tenants' ledgers.
    ///
    /// A tenant whose ledger cannot be written keeps its entries for the next flush (the
    /// checkpoint stays); the other tenants' entries are written all the same. When
    /// everything is flushed and the journal is large, it starts over.
    public func flush(into ledger: some UsageLedger) async -> FlushReport {
        guard let flush = withNode({ $0.journal?.nextFlush() }) else {
            var report = FlushReport()
            report.complete = !(withNode { $0.journal?.hasUnflushed ?? false })
            return report
        }
        var report = await deliver(flush, into: ledger)
        await end(flush, delivered: report.failedTenants.isEmpty && report.readError == nil)
        report.complete = report.failedTenants.isEmpty && report.readError == nil && !(withNode { $0.journal?.hasUnflushed ?? false })
        return report
    }

    /// Reads a flush's entries and hands each tenant's to its ledger.
    func deliver(_ flush: UsageJournal.Flush, into ledger: some UsageLedger) async -> FlushReport {
        var report = FlushReport()
        guard flush.to > flush.from else { return report }
        let batch: (byTenant: [(tenant: String, entries: [JournalEntry])], unreadable: Int)
        // Only the read runs on the files' queue, where the journal's writes wait their turn;
        // the lines are parsed after, so that a large flush does not hold calls back.
        do {
            let bytes = try await withFiles { try $0.readJournal(from: flush.from, count: Int(flush.to - flush.from)) }
            batch = JournalIO.entries(in: bytes)
        } catch {
            report.readError = "\(error)"
            return report
        }
        report.unreadable = batch.unreadable
        for (tenant, entries) in batch.byTenant {
            do {
                try await ledger.record(tenant: tenant, entries)
                report.entries += entries.count
                report.perTenant[tenant] = entries.count
            } catch {
                report.failedTenants.append(tenant)
            }
        }
        return report
    }

    /// Ends a flush: records the checkpoint if it moved, and rotates the journal when due.
    func end(_ flush: UsageJournal.Flush, delivered: Bool) async {
        if let checkpoint = withNode({ $0.journal?.flushEnded(flush, delivered: delivered) }) {
            // If this is lost, the entries are flushed again after a restart: harmless.
            _ = try? await withFiles { try $0.writeCheckpoint(checkpoint) }
        }
        if withNode({ $0.journal?.startRotation() ?? false }) {
            let rotated = (try? await withFiles { JournalIO.rotate($0) }) ?? false
            withNode { $0.journal?.rotationEnded(succeeded: rotated) }
        }
    }

    /// Reconciles the replica's counters and spend with the ledger (``GatewayNode/reconcile(_:ledger:now:)``).
    ///
    /// - Parameters:
    ///   - now: the driver's clock.
    ///   - attempts: how many times to try when another flush is under way, with `pause`
    ///     between tries.
    /// - Returns: What it found and did; `nil` when it was postponed (no journal, a flush
    ///   under way, or the ledger did not take the journal's entries: comparing then would
    ///   report the lag as drift).
    public func reconcile(with ledger: some UsageLedger, now: () -> Instant, attempts: Int = 50,
                          pause: () async -> Void = {}) async -> GatewayNode.Reconciliation? {
        guard withNode({ $0.journal != nil }) else { return nil }
        var held: (flush: UsageJournal.Flush, cut: GatewayNode.ReconciliationCut)?
        for attempt in 0..<max(1, attempts) {
            let at = now()
            held = withNode { n in n.journal?.exclusiveFlush().map { ($0, n.reconciliationCut(at: at)) } }
            if held != nil { break }
            if attempt + 1 < attempts { await pause() }
        }
        guard let (flush, cut) = held else { return nil }
        let delivery = await deliver(flush, into: ledger)
        guard delivery.failedTenants.isEmpty, delivery.readError == nil else {
            await end(flush, delivered: false)
            return nil
        }
        let replica = withNode { $0.replica }
        var totals: [String: LedgerTotals] = [:]
        for tenant in cut.tenants {
            if let t = try? await ledger.monthToDate(tenant: tenant, replica: replica, at: cut.at) { totals[tenant] = t }
        }
        await end(flush, delivered: true)
        let at = now()
        var reconciliation = withNode { $0.reconcile(cut, ledger: totals, now: at) }
        reconciliation.replayed = delivery.perTenant
        return reconciliation
    }
}
