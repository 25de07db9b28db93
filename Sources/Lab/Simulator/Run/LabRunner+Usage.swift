import Base
import Gateway

/// The usage ledger in the Lab: each replica's journal flushed and reconciled by the
/// procedures the live server runs (``GatewayReplica``), restarts, and crashes.
extension LabRunner {
    /// Every replica that is up flushes its journal into the ledger.
    func flushAll() async {
        guard let ledger else { return }
        for r in replicas where r.up { _ = await r.flush(into: ledger) }
        metrics.usageDropped = ledger.refused
    }

    /// Every replica that is up (or only `replica`) reconciles with the ledger; the drift is
    /// reported per tenant, summed over the replicas.
    func reconcileAll(only replica: Int? = nil) async {
        guard let ledger else { return }
        let now = clock.now()
        var before: [String: UsageDrift] = [:]
        var replayed: [String: Int] = [:]
        for r in replicas where r.up && (replica == nil || r.index == replica) {
            guard let done = await r.reconcile(with: ledger, now: { self.clock.now() }) else {
                metrics.journal.postponed += 1
                continue
            }
            done.alerts.forEach(metrics.raise)
            for d in done.drift {
                var sum = before[d.tenant] ?? UsageDrift(tenant: d.tenant, calls: 0, tokens: 0, costMicros: 0)
                sum.calls += d.calls; sum.tokens += d.tokens; sum.costMicros += d.costMicros
                before[d.tenant] = sum
            }
            for (t, n) in done.replayed { replayed[t, default: 0] += n }
        }
        for tenant in before.keys.sorted() {
            metrics.reconciliations.append(.init(at: now, tenant: tenant, before: before[tenant]!,
                                                 after: UsageDrift(tenant: tenant, calls: 0, tokens: 0, costMicros: 0),
                                                 replayed: replayed[tenant] ?? 0))
        }
        metrics.ledgerTotals = ledger.totals
        metrics.usageDropped = ledger.refused
    }

    /// The gateway processes stop gracefully and start again: calls settled so far finish
    /// their journal writes and the journals are flushed (as a live shutdown does); the
    /// in-memory counters, budget spend and local rate-limit state are gone (shared `redis`
    /// counters survive); each replica reopens its journal and reconciles.
    func restartGateway() async {
        for r in replicas where r.up {
            completeJournalWrites(r)
            if let ledger { _ = await r.flush(into: ledger) }
            r.node.restart(journal: try? r.disk.map { try JournalIO.open($0) })
        }
        await reconcileAll()
    }

    /// A random crash (`usage.crashes`): at its instant, or — three in four of those that find no
    /// journal write under way, so that crashes tear writes as often as a test needs — in
    /// the middle of the replica's next write.
    func randomCrash(_ replica: Int) {
        let r = replicas[replica]
        if r.up, r.disk != nil, r.write == nil, crashRandom.nextUnit() < 0.75 {
            r.crashAtNextWrite = true
        } else {
            crash(replica, cause: nil)
        }
    }

    /// A replica dies at once: calls waiting for their provider or their journal write are
    /// never answered, and the disk keeps what a crash leaves of unsynced writes. It starts
    /// again `usage.restart_after` later (1 s without a ledger).
    func crash(_ replica: Int, cause: String?) {
        let r = replicas[replica]
        let now = clock.now()
        if let cause { stepLog.append(StepOutcome(at: now, description: cause, error: r.up ? nil : "replica \(replica) is already down")) }
        guard r.up else { return }
        r.up = false
        r.incarnation += 1
        r.write = nil
        r.crashAtNextWrite = false
        for a in r.dropAnswers() {
            guard let tenant = a.usage.tenant else { continue }
            var c = UsageCounters()
            c.add(a.usage)
            metrics.journal.unanswered[tenant, default: UsageCounters()].add(c)
        }
        if let disk = r.disk {
            disk.crash()
            metrics.journal.crashes = replicas.reduce(0) { $0 + ($1.disk?.crashes ?? 0) }
        } else {
            metrics.journal.crashes += 1
        }
        let downtime = scenario.usage?.restartAfter ?? .seconds(1)
        queue.schedule(at: now + downtime, .recover(replica: Int32(replica), incarnation: r.incarnation))
    }

    /// A crashed replica starts again: its journal as the disk kept it (a torn last line
    /// cut off), nothing in memory; it flushes and reconciles, as a live process does.
    func recover(_ replica: Int, incarnation: Int32) async {
        let r = replicas[replica]
        guard r.incarnation == incarnation, !r.up else { return }
        r.node.restart(journal: try? r.disk.map { try JournalIO.open($0) })
        r.up = true
        if let ledger {
            _ = await r.flush(into: ledger)
            await reconcileAll(only: replica)
        }
    }

    /// At the end of the run: every journal written and flushed (a ledger that refuses
    /// writes is tried again, a bounded number of times), then a last reconciliation.
    func finishLedger() async {
        guard let ledger else { return }
        for r in replicas where r.up {
            completeJournalWrites(r)
            for _ in 0..<200 where !(await r.flush(into: ledger)).complete {}
        }
        await reconcileAll()
        var disks = RunMetrics.Journal()
        for r in replicas {
            guard let d = r.disk else { continue }
            disks.crashes += d.crashes; disks.tornWrites += d.tornWrites; disks.lostOperations += d.lostOperations
            disks.writeErrors += d.writeErrors
        }
        metrics.journal.crashes = max(metrics.journal.crashes, disks.crashes)
        metrics.journal.tornWrites = disks.tornWrites
        metrics.journal.lostOperations = disks.lostOperations
        metrics.journal.writeErrors = disks.writeErrors
        metrics.journal.replays = ledger.duplicates
        metrics.ledgerRows = Dictionary(uniqueKeysWithValues: metrics.tenants.map { ($0, ledger.rows(tenant: $0)) })
    }
}
