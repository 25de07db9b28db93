import Base
import Foundation
import Gateway
import Logging
@testable import Server
import Synchronization
import Testing

/// The live journal on real files: group commit, flushing to the ledger, crash recovery.
@Suite struct UsageJournalTests {
    /// A ledger idempotent by request id, whose tenants' databases can be down.
    final class FakeLedger: UsageLedger {
        let rows = Mutex<[String: [String]]>([:])
        let failing = Mutex<Set<String>>([])

        func record(tenant: String, _ entries: [JournalEntry]) async throws {
            if failing.withLock({ $0.contains(tenant) }) { throw LiveError("the database is down") }
            rows.withLock { rows in
                for e in entries where !(rows[tenant]?.contains(e.usage.requestID) ?? false) { rows[tenant, default: []].append(e.usage.requestID) }
            }
        }

        func monthToDate(tenant: String, replica: String, at now: Instant) async throws -> LedgerTotals {
            LedgerTotals(tenant: UsageCounters(), replica: UsageCounters())
        }

        var count: Int { rows.withLock { $0.values.reduce(0) { $0 + $1.count } } }
    }

    static func usage(_ n: Int, tenant: String) -> UsageRecord {
        UsageRecord(requestID: "chatcmpl-\(n)", tenant: tenant, keyID: "k", modelAlias: "chat", provider: .openai, upstreamModel: "gpt-4o-mini",
                    stream: false, status: 200, errorKind: nil, promptTokens: 10, completionTokens: 5, costMicros: 42, usageSource: .reported,
                    startedAt: Instant(nanoseconds: 1_780_000_000_000_000_000), latency: .milliseconds(900), timeToFirstToken: nil)
    }

    /// A gateway (a process) with the journal in `dir`.
    static func open(_ dir: URL) throws -> (LiveGateway, ProviderHTTPTransport) {
        let files = try FileJournalFiles(directory: dir)
        let core = GatewayCore(configuration: .init(allowlist: EgressAllowlist(), pricing: PricingTable(source: "test", asOf: "2026-12-01", prices: [:])))
        let transport = ProviderHTTPTransport()
        let gateway = LiveGateway(node: GatewayNode(core: core, replica: "r1", journal: try JournalIO.open(files)), journalFiles: files,
                                  transport: transport, logger: LiveHarness.quiet)
        return (gateway, transport)
    }

    /// Settles a call and returns once its entry is durable.
    static func settle(_ gateway: LiveGateway, _ n: Int, tenant: String) async {
        let settlement = gateway.replica.withNode { $0.settle(usage(n, tenant: tenant), alerts: [], limit: .none, now: .zero) }
        await gateway.carryOut(settlement)
    }

    @Test func appendsAreDurableFlushedOnceAndRecoveredAfterACrash() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = FakeLedger()
        let (gateway, transport) = try Self.open(dir)
        // 200 concurrent calls: each settlement returns once its line is on disk.
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<200 { group.addTask { await Self.settle(gateway, n, tenant: n % 2 == 0 ? "acme" : "globex") } }
        }
        let lines = try String(contentsOf: dir.appendingPathComponent("usage.journal"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        #expect(gateway.counters(tenant: "acme").calls == 100)
        // The database is down: nothing is lost, the checkpoint stays.
        ledger.failing.withLock { $0 = ["globex"] }
        let partial = await gateway.replica.flush(into: ledger)
        #expect(partial.entries == 100 && !partial.complete && partial.failedTenants == ["globex"])  // acme's were written, globex's kept
        #expect(ledger.rows.withLock { $0["acme"]?.count } == 100 && ledger.count == 100)
        ledger.failing.withLock { $0 = [] }
        let flush1 = await gateway.replica.flush(into: ledger)
        #expect(flush1.entries == 200 && flush1.complete)        // acme's again (ignored by the ledger), and globex's
        #expect(ledger.rows.withLock { $0["globex"]?.count } == 100)
        let flush2 = await gateway.replica.flush(into: ledger)
        #expect(flush2.entries == 0 && flush2.complete)

        // A crash mid-write leaves half a line, and an entry after the checkpoint.
        await Self.settle(gateway, 200, tenant: "acme")
        try await transport.shutdown()
        let handle = try FileHandle(forWritingTo: dir.appendingPathComponent("usage.journal"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"v":2,"tenant":"acme","replica":"r1","request_id":"chatcmpl-torn""#.utf8))
        try handle.close()
        let (reopened, transport2) = try Self.open(dir)
        let flush3 = await reopened.replica.flush(into: ledger)
        #expect(flush3.entries == 1 && flush3.complete && flush3.unreadable == 0)  // entry 200, after the checkpoint; the torn line is cut
        #expect(ledger.rows.withLock { $0["acme"]?.last } == "chatcmpl-200")
        await Self.settle(reopened, 201, tenant: "globex")
        let flush4 = await reopened.replica.flush(into: ledger)
        #expect(flush4.entries == 1 && flush4.complete)
        try await transport2.shutdown()
    }
}
