import Foundation
import Mocks
import Server
import Logging
import NIOConcurrencyHelpers
import Storage
import Testing

/// The write-ahead journal: group commit, flushing to the ledger, crash recovery.
@Suite struct UsageJournalTests {
    final class FakeLedger: Sendable {
        let rows = NIOLockedValueBox<[String: [String]]>([:])
        /// Tenants whose database is down.
        let failing = NIOLockedValueBox<Set<String>>([])
        func write(_ tenant: String, _ entries: [UsageEntry]) throws {
            if failing.withLockedValue({ $0.contains(tenant) }) { throw LiveError("the database is down") }
            // A ledger is idempotent by request id: keep each id once.
            rows.withLockedValue { rows in
                for e in entries where !(rows[tenant]?.contains(e.requestID) ?? false) { rows[tenant, default: []].append(e.requestID) }
            }
        }
        var count: Int { rows.withLockedValue { $0.values.reduce(0) { $0 + $1.count } } }
    }

    static func entry(_ n: Int) -> UsageEntry {
        UsageEntry(requestID: "chatcmpl-\(n)", at: Date(timeIntervalSince1970: 1_780_000_000), keyID: "k", model: "chat", provider: "openai",
                   upstreamModel: "gpt-4o-mini", stream: false, status: 200, errorKind: nil, promptTokens: 10, completionTokens: 5,
                   costMicros: 42, latencyMicros: 900, usageSource: "reported")
    }

    static func open(_ dir: URL, _ ledger: FakeLedger) throws -> UsageJournal {
        try UsageJournal(directory: dir, ledger: { t, e in try ledger.write(t, e) }, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test func appendsAreDurableFlushedOnceAndRecoveredAfterACrash() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = FakeLedger()
        let journal = try Self.open(dir, ledger)
        // 200 concurrent calls: every append returns once its line is on disk.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 { group.addTask { try await journal.append(tenant: n % 2 == 0 ? "acme" : "globex", entry: Self.entry(n)) } }
            try await group.waitForAll()
        }
        let lines = try String(contentsOf: dir.appendingPathComponent("usage.journal"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        // The database is down: nothing is lost, the checkpoint stays.
        ledger.failing.withLockedValue { $0 = ["globex"] }
        let partial = await journal.flush()
        #expect(partial.count == 200 && !partial.complete)      // acme's were written, globex's kept
        #expect(ledger.rows.withLockedValue { $0["acme"]?.count } == 100 && ledger.count == 100)
        #expect(await journal.unflushedBytes > 0)
        ledger.failing.withLockedValue { $0 = [] }
        let flush1 = await journal.flush()
        #expect(flush1.count == 200 && flush1.complete == true)
        #expect(ledger.rows.withLockedValue { $0["globex"]?.count } == 100)
        let flush2 = await journal.flush()
        #expect(flush2.count == 0 && flush2.complete == true)

        // A crash mid-write leaves half a line and entries after the checkpoint.
        try await journal.append(tenant: "acme", entry: Self.entry(200))
        let handle = try FileHandle(forWritingTo: dir.appendingPathComponent("usage.journal"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"tenant":"acme","entry":{"requestID":"chatcmpl-torn""#.utf8))
        try handle.close()
        let reopened = try Self.open(dir, ledger)
        let flush3 = await reopened.flush()
        #expect(flush3.count == 1 && flush3.complete == true)  // entry 200, after the checkpoint; the torn line is cut
        #expect(ledger.rows.withLockedValue { $0["acme"]?.last } == "chatcmpl-200")
        try await reopened.append(tenant: "globex", entry: Self.entry(201))
        let flush4 = await reopened.flush()
        #expect(flush4.count == 1 && flush4.complete == true)
    }
}
