import Base
import Gateway
import Logging
import PlatformAPI
import ServiceLifecycle

/// Flushes the usage journal into the tenants' ledgers every second, and once more on
/// shutdown (after the server stopped taking calls).
public struct UsageJournalService: Service {
    let gateway: LiveGateway
    let ledger: any UsageLedger
    let logger: Logger

    public init(gateway: LiveGateway, ledger: any UsageLedger, logger: Logger) {
        self.gateway = gateway; self.ledger = ledger; self.logger = logger
    }

    /// One flush.
    @discardableResult
    public func flushOnce() async -> FlushReport {
        let report = await gateway.replica.flush(into: ledger)
        if let error = report.readError { logger.error("usage journal unreadable", metadata: ["error": .string(error)]) }
        for tenant in report.failedTenants {
            logger.warning("usage ledger write failed; will retry", metadata: ["tenant": .string(tenant)])
        }
        if report.unreadable > 0 {
            logger.warning("usage journal lines skipped (fragments of failed writes)", metadata: ["lines": .stringConvertible(report.unreadable)])
        }
        return report
    }

    public func run() async throws {
        await flushOnce()
        await repeatUntilShutdown(every: .seconds(1)) { await flushOnce() }
        await flushOnce()
    }
}

/// Reconciles the replica's counters with the usage ledger at start-up and then every
/// `every` (``LiveGateway/reconcile(with:)``).
public struct UsageReconcilerService: Service {
    let gateway: LiveGateway
    let ledger: any UsageLedger
    let every: Duration
    let logger: Logger

    public init(gateway: LiveGateway, ledger: any UsageLedger, every: Duration, logger: Logger) {
        self.gateway = gateway; self.ledger = ledger; self.every = every; self.logger = logger
    }

    /// One reconciliation; the drift found per tenant (empty when postponed).
    @discardableResult
    public func reconcileOnce() async -> [UsageDrift] {
        guard let done = await gateway.reconcile(with: ledger) else {
            logger.warning("usage reconciliation postponed: the journal is not fully in the ledgers yet")
            return []
        }
        for d in done.drift {
            logger.info("usage reconciliation", metadata: ["tenant": .string(d.tenant), "drift_calls": .stringConvertible(d.calls),
                                                           "drift_cost_micros": .stringConvertible(d.costMicros)])
        }
        return done.drift
    }

    public func run() async throws {
        await reconcileOnce()
        await repeatUntilShutdown(every: every) { await reconcileOnce() }
    }
}

/// Runs the Platform API's pending ingestion jobs at start-up (resuming any a restart
/// interrupted) and then every second.
public struct IngestionService: Service {
    let service: APIService
    public init(_ service: APIService) { self.service = service }

    public func run() async throws {
        await service.runIngestion()
        await repeatUntilShutdown(every: .seconds(1)) { await service.runIngestion() }
    }
}

/// Runs `body` every `every` until a graceful shutdown, which cancels the wait at once.
func repeatUntilShutdown(every: Duration, _ body: @escaping @Sendable () async -> Void) async {
    try? await cancelWhenGracefulShutdown {
        while true {
            try await Task.sleep(for: every)
            await body()
        }
    }
}
