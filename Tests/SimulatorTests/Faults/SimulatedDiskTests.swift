import Testing
@testable import Base
@testable import Gateway
@testable import Simulator

/// The Lab's disk: what the process sees, and what a crash leaves.
@Suite struct SimulatedDiskTests {
    static func disk(seed: UInt64) -> SimulatedDisk { SimulatedDisk(random: Xoshiro256StarStar(seed: seed)) }

    /// Should keep what was synced, whatever the crash.
    @Test(arguments: 0..<20) func syncedDataSurvivesEveryCrash(seed: Int) throws {
        let d = Self.disk(seed: UInt64(seed))
        try d.writeJournal(Array("one\n".utf8), at: 0)
        try d.syncJournal()
        try d.writeCheckpoint(4)
        try d.writeJournal(Array("two two two\n".utf8), at: 4)
        d.crash()
        let after = try d.readJournal()
        #expect(Array(after.prefix(4)) == Array("one\n".utf8))
        // What follows is a prefix of the unsynced write: lost, torn or whole.
        #expect(Array("two two two\n".utf8).starts(with: after.dropFirst(4)))
        #expect([nil, 4].contains(try d.readCheckpoint()))
    }

    /// Should, over many crashes, lose some unsynced writes, tear some and keep some.
    @Test func crashesLoseTearAndKeepUnsyncedWrites() throws {
        var lost = 0, torn = 0, kept = 0
        for seed in 0..<200 {
            let d = Self.disk(seed: UInt64(seed))
            try d.writeJournal(Array("0123456789\n".utf8), at: 0)
            d.crash()
            switch try d.readJournal().count {
            case 0: lost += 1
            case 11: kept += 1
            default: torn += 1
            }
        }
        #expect(lost > 20 && torn > 20 && kept > 20, "lost \(lost), torn \(torn), kept \(kept)")
    }

    /// Should recover, through the live journal code, only whole lines after a torn write.
    @Test func theLiveJournalRecoversWholeLinesAfterATornWrite() throws {
        for seed in 0..<50 {
            let d = Self.disk(seed: UInt64(seed))
            var j = try JournalIO.open(d)
            for n in 0..<3 { _ = j.append(JournalEntry(tenant: "acme", replica: "0", usage: Self.usage(n))) }
            let next = j.nextWrite()
            let w = try #require(next)
            #expect(JournalIO.start(w, on: d))
            d.crash()  // between the write and its fsync
            let reopened = try JournalIO.open(d)
            let lines = JournalIO.entries(in: try d.readJournal())
            let size = try d.readJournal().count
            #expect(lines.unreadable == 0 && reopened.durable == UInt64(size))
            #expect((lines.byTenant.first?.entries.count ?? 0) <= 3)
        }
    }

    static func usage(_ n: Int) -> UsageRecord {
        UsageRecord(requestID: "r\(n)", tenant: "acme", keyID: "k", modelAlias: "chat", provider: .openai, upstreamModel: "m", stream: false,
                    status: 200, errorKind: nil, promptTokens: 1, completionTokens: 1, costMicros: 5, usageSource: .reported,
                    startedAt: .zero, latency: .zero, timeToFirstToken: nil)
    }
}
