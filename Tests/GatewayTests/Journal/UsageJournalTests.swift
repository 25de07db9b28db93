import Testing
@testable import Base
@testable import Gateway

/// The journal's decisions (``UsageJournal``) and their file steps (``JournalIO``), on
/// files in memory.
@Suite struct UsageJournalTests {
    final class MemoryFiles: JournalFiles {
        var journal: [UInt8] = []
        var checkpoint: UInt64?
        var failWrites = false

        func readJournal() throws -> [UInt8] { journal }
        func readJournal(from offset: UInt64, count: Int) throws -> [UInt8] {
            Array(journal[Int(offset)..<min(Int(offset) + count, journal.count)])
        }
        func writeJournal(_ bytes: [UInt8], at offset: UInt64) throws {
            struct Full: Error {}
            if failWrites { journal += bytes.prefix(5); throw Full() }  // a partial write, then the error
            journal = Array(journal.prefix(Int(offset))) + bytes
        }
        func syncJournal() throws {}
        func truncateJournal(to length: UInt64) throws { journal = Array(journal.prefix(Int(length))) }
        func readCheckpoint() throws -> UInt64? { checkpoint }
        func writeCheckpoint(_ offset: UInt64) throws { checkpoint = offset }
    }

    static func entry(_ n: Int, tenant: String = "acme") -> JournalEntry {
        JournalEntry(tenant: tenant, replica: "r1", usage: UsageRecord(
            requestID: "chatcmpl-\(n)", tenant: tenant, keyID: "k\"1", modelAlias: "chat", provider: .anthropic, upstreamModel: "claude",
            stream: true, status: 499, errorKind: .clientClosed, promptTokens: 11, completionTokens: 30, costMicros: 123,
            usageSource: .estimated, startedAt: Instant(nanoseconds: 42), latency: .milliseconds(3), timeToFirstToken: .milliseconds(1)))
    }

    /// Should write a line that reads back as the same entry, and read the first journal's lines.
    @Test func linesRoundTrip() throws {
        let e = Self.entry(1)
        var line = e.line()
        #expect(line.last == UInt8(ascii: "\n"))
        line.removeLast()
        #expect(JournalEntry.parse(line) == e)
        let legacy = #"{"tenant":"acme","entry":{"requestID":"r9","at":0,"keyID":null,"model":"chat","provider":"openai","upstreamModel":"gpt","stream":false,"status":200,"errorKind":null,"promptTokens":1,"completionTokens":2,"costMicros":3,"latencyMicros":4,"usageSource":"reported"}}"#
        let old = try #require(JournalEntry.parse(Array(legacy.utf8)))
        #expect(old.usage.requestID == "r9" && old.usage.costMicros == 3 && old.replica == "")
        #expect(JournalEntry.parse(Array(#"{"v":2,"tenant":"ac"#.utf8)) == nil)
    }

    /// Should cut a torn last line on opening, flush what follows the checkpoint, and
    /// treat a checkpoint past the end as none.
    @Test func recoveryKeepsWholeLinesAndTheCheckpoint() throws {
        let files = MemoryFiles()
        files.journal = Self.entry(1).line() + Self.entry(2).line() + Array(#"{"v":2,"tenant":"acme","req"#.utf8)
        files.checkpoint = UInt64(Self.entry(1).line().count)
        var j = try JournalIO.open(files)
        #expect(files.journal.last == UInt8(ascii: "\n") && j.durable == UInt64(files.journal.count))
        let v1 = j.nextFlush()
        let flush = try #require(v1)
        let read = try JournalIO.read(flush, from: files)
        #expect(read.byTenant.map(\.tenant) == ["acme"] && read.byTenant[0].entries.map(\.usage.requestID) == ["chatcmpl-2"])
        let v2 = j.flushEnded(flush, delivered: true)
        #expect(v2 == j.durable)
        let v3 = j.nextFlush()
        #expect(v3 == nil && !j.hasUnflushed)
        files.checkpoint = 1 << 40  // rotated, and the new checkpoint lost
        #expect(try JournalIO.open(files).checkpoint == 0)
    }

    /// Should cut a failed write off, so that the retry starts on a line of its own.
    @Test func aFailedWriteIsCutOffAndRetried() throws {
        let files = MemoryFiles()
        var j = try JournalIO.open(files)
        _ = j.append(Self.entry(1))
        files.failWrites = true
        let v4 = j.nextWrite()
        let w = try #require(v4)
        #expect(!JournalIO.perform(w, on: files) && files.journal.isEmpty)
        let v5 = j.writeEnded(w, succeeded: false)
        #expect(v5 == nil)
        files.failWrites = false
        let v6 = j.nextWrite()
        let retry = try #require(v6)
        #expect(JournalIO.perform(retry, on: files))
        let v7 = j.writeEnded(retry, succeeded: true)
        #expect(v7?.tickets == 1...1)
        #expect(JournalIO.entries(in: files.journal).byTenant[0].entries == [Self.entry(1)])
    }

    /// Should start over once everything is flushed and the journal is large, and not
    /// while a write waits.
    @Test func aFlushedLargeJournalStartsOver() throws {
        let files = MemoryFiles()
        var j = try JournalIO.open(files, configuration: .init(rotateBytes: 100))
        for n in 0..<3 { _ = j.append(Self.entry(n)) }
        let v8 = j.nextWrite()
        let w = try #require(v8)
        #expect(JournalIO.perform(w, on: files))
        _ = j.writeEnded(w, succeeded: true)
        let v9 = j.startRotation()
        #expect(!v9)  // not flushed yet
        let v10 = j.nextFlush()
        let f = try #require(v10)
        let v11 = j.flushEnded(f, delivered: true)
        #expect(v11 != nil)
        let v12 = j.startRotation()
        #expect(v12)
        _ = j.append(Self.entry(9))
        let v13 = j.nextWrite()
        #expect(v13 == nil)  // no write during the rotation
        #expect(JournalIO.rotate(files))
        j.rotationEnded(succeeded: true)
        #expect(j.durable == 0 && files.journal.isEmpty && files.checkpoint == 0)
        let v14 = j.nextWrite()
        #expect(v14?.offset == 0)
    }
}
