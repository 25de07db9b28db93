import Foundation
import Logging
import Base
import Gateway
import PlatformAPI
import ServiceLifecycle
import Storage

/// The usage ledger's write-ahead journal.
///
/// Every call's usage entry is appended to `<data>/usage.journal` and made durable (fsync)
/// **before** the call's answer completes, so a crash — `kill -9` included — loses no entry
/// of a call whose client saw the answer. Appends from concurrent calls share one write
/// and one fsync (group commit). A flusher moves journaled entries into each tenant's
/// ledger (the `usage_events` table of its database) in batches, idempotently by request
/// id, and records how far it got in `<data>/usage.journal.checkpoint`; on start-up the
/// entries after the checkpoint are flushed again. When everything is flushed, a journal
/// over 64 MiB starts over.
public actor UsageJournal {
    struct Line: Codable {
        var tenant: String
        var entry: UsageEntry
    }

    public typealias Ledger = @Sendable (_ tenant: String, _ entries: [UsageEntry]) async throws -> Void

    private let path: String
    private let checkpointPath: String
    private let ledger: Ledger
    private let logger: Logger
    private let io = DispatchQueue(label: "dcoder.usage-journal")
    private let handle: FileHandle
    /// Bytes of the journal known to be on disk.
    private var durable: UInt64
    private var checkpoint: UInt64
    private var pending: [(bytes: [UInt8], done: CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    private var flushing = false
    private static let rotateBytes: UInt64 = 64 << 20

    /// Opens (or creates) the journal in `directory`; a torn last line from a crash is cut off.
    public init(directory: URL, ledger: @escaping Ledger, logger: Logger) throws {
        path = directory.appendingPathComponent("usage.journal").path
        checkpointPath = path + ".checkpoint"
        self.ledger = ledger
        self.logger = logger
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forUpdatingAtPath: path) else { throw LiveError("cannot open the usage journal at \(path)") }
        handle = h
        let data = try h.readToEnd() ?? Data()
        // Keep whole lines only: a crash may have left half a line (its call was never answered).
        let whole = data.lastIndex(of: UInt8(ascii: "\n")).map { UInt64($0 - data.startIndex + 1) } ?? 0
        if whole < UInt64(data.count) { try h.truncate(atOffset: whole) }
        try h.seek(toOffset: whole)
        durable = whole
        let saved = (try? String(contentsOfFile: checkpointPath, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        // A checkpoint past the end means the journal was rotated after it was written (and the
        // new "0" never reached the disk): everything is unflushed then. Replays are harmless.
        checkpoint = saved > whole ? 0 : saved
    }

    /// Appends an entry and returns once it is on disk.
    public func append(tenant: String, entry: UsageEntry) async throws {
        var bytes = try Array(JSONEncoder().encode(Line(tenant: tenant, entry: entry)))
        bytes.append(UInt8(ascii: "\n"))
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((bytes, done))
            if !writing {
                writing = true
                Task { await self.writeLoop() }
            }
        }
    }

    /// Writes whatever is pending in one write and one fsync, until nothing is.
    private func writeLoop() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            var joined: [UInt8] = []
            for item in batch { joined += item.bytes }
            let bytes = joined, handle = self.handle, written = self.durable
            let result: Result<Void, any Error> = await withCheckedContinuation { c in
                io.async {
                    c.resume(returning: Result {
                        do {
                            try handle.write(contentsOf: bytes)
                            try handle.synchronize()
                        } catch {
                            // Cut a partial write off, so the next batch starts on a line of its own.
                            try? handle.truncate(atOffset: written)
                            try? handle.seek(toOffset: written)
                            throw error
                        }
                    })
                }
            }
            if case .success = result { durable += UInt64(bytes.count) }
            for item in batch { item.done.resume(with: result) }
        }
        writing = false
    }

    /// Moves the journaled entries after the checkpoint into the tenants' ledgers.
    ///
    /// A tenant whose ledger cannot be written keeps its entries for the next flush (the
    /// checkpoint stays); the other tenants' entries are written all the same.
    ///
    /// - Returns: How many entries were handed to the ledgers (replays included), and whether
    ///   every journaled entry is now in a ledger.
    @discardableResult
    public func flush() async -> (count: Int, complete: Bool) {
        guard !flushing else { return (0, false) }
        guard durable > checkpoint else { return (0, true) }
        flushing = true
        defer { flushing = false }
        let from = checkpoint, to = durable
        let data: Data
        do {
            let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? reader.close() }
            try reader.seek(toOffset: from)
            data = try reader.read(upToCount: Int(to - from)) ?? Data()
        } catch {
            logger.error("usage journal unreadable", metadata: ["error": .string("\(error)")])
            return (0, false)
        }
        var byTenant: [String: [UsageEntry]] = [:]
        var count = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let l = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            byTenant[l.tenant, default: []].append(l.entry)
            count += 1
        }
        var failed = false
        for (tenant, entries) in byTenant.sorted(by: { $0.key < $1.key }) {
            do { try await ledger(tenant, entries) } catch {
                // Kept for the next flush: nothing is lost, the checkpoint stays.
                logger.warning("usage ledger write failed; will retry", metadata: ["tenant": .string(tenant), "error": .string("\(error)")])
                failed = true
            }
        }
        guard !failed else { return (count, false) }
        checkpoint = to
        let text = String(to)
        io.sync { try? Data(text.utf8).write(to: URL(fileURLWithPath: checkpointPath), options: .atomic) }
        if checkpoint == durable, durable > Self.rotateBytes, !writing, pending.isEmpty {
            do {
                try handle.truncate(atOffset: 0)
                try handle.synchronize()
                durable = 0
                checkpoint = 0
                io.sync { try? Data("0".utf8).write(to: URL(fileURLWithPath: checkpointPath), options: .atomic) }
            } catch {
                logger.warning("usage journal rotation failed", metadata: ["error": .string("\(error)")])
            }
        }
        return (count, true)
    }

    /// Entries written but not yet flushed (bytes), for tests and metrics.
    public var unflushedBytes: UInt64 { durable - checkpoint }

    /// The ledger row of a gateway usage record.
    public static func entry(_ u: UsageRecord) -> UsageEntry {
        UsageEntry(requestID: u.requestID, at: Date(timeIntervalSince1970: Double(u.startedAt.nanoseconds) / 1e9), keyID: u.keyID,
                   model: u.modelAlias, provider: u.provider?.rawValue, upstreamModel: u.upstreamModel, stream: u.stream,
                   status: u.status, errorKind: u.errorKind?.rawValue, promptTokens: u.promptTokens, completionTokens: u.completionTokens,
                   costMicros: u.costMicros, latencyMicros: u.latency.value / 1_000, usageSource: u.usageSource.rawValue)
    }
}

/// Flushes the journal every second, and once more on shutdown.
public struct UsageJournalService: Service {
    let journal: UsageJournal
    public init(_ journal: UsageJournal) { self.journal = journal }

    public func run() async throws {
        await journal.flush()
        await repeatUntilShutdown(every: .seconds(1)) { await journal.flush() }
        await journal.flush()  // the last one, after the server stopped taking calls
    }
}

/// Reconciles the gateway's counters with the usage ledger at start-up and then every
/// `every`: flushes the journal (so the ledger has every journaled call), reads each
/// tenant's month-to-date spend from its ledger, and hands it to
/// ``LiveGateway/reconcile(ledgerMonthToDate:)``, which reports and repairs the drift.
public struct UsageReconcilerService: Service {
    let gateway: LiveGateway
    let journal: UsageJournal
    let monthToDate: @Sendable (_ tenant: String) async throws -> Int64
    let every: Duration
    let logger: Logger

    public init(gateway: LiveGateway, journal: UsageJournal, every: Duration, logger: Logger,
                monthToDate: @escaping @Sendable (_ tenant: String) async throws -> Int64) {
        self.gateway = gateway; self.journal = journal; self.every = every; self.logger = logger; self.monthToDate = monthToDate
    }

    /// One reconciliation; the drift found per tenant.
    @discardableResult
    public func reconcileOnce() async -> [UsageDrift] {
        // Only a complete ledger is compared: otherwise its lag would look like drift.
        guard await journal.flush().complete else {
            logger.warning("usage reconciliation postponed: the journal is not fully in the ledgers yet")
            return []
        }
        var ledger: [String: Int64] = [:]
        for tenant in gateway.tenantIDs {
            do { ledger[tenant] = try await monthToDate(tenant) } catch {
                logger.warning("usage reconciliation skipped a tenant", metadata: ["tenant": .string(tenant), "error": .string("\(error)")])
            }
        }
        let drift = gateway.reconcile(ledgerMonthToDate: ledger)
        for d in drift {
            logger.info("usage reconciliation", metadata: ["tenant": .string(d.tenant), "drift_cost_micros": .stringConvertible(d.costMicros)])
        }
        return drift
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

/// Keeps the gateway's limits and budgets equal to the configuration model's quotas: at
/// start-up and then every two seconds, each tenant's effective quotas (platform defaults
/// and its overrides, set through the Platform API) are laid over the serve file's.
public struct QuotaSyncService: Service {
    let gateway: LiveGateway
    let service: APIService
    let every: Duration

    public init(gateway: LiveGateway, service: APIService, every: Duration = .seconds(2)) {
        self.gateway = gateway; self.service = service; self.every = every
    }

    public func syncOnce() async {
        for tenant in gateway.tenantIDs {
            if let quotas = try? await service.effectiveQuotas(tenant: tenant) { gateway.applyQuotas(tenant: tenant, quotas) }
        }
    }

    public func run() async throws {
        await syncOnce()
        await repeatUntilShutdown(every: every) { await syncOnce() }
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
