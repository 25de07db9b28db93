import Base

/// The usage ledger's write-ahead journal, as a state machine: it decides what to write
/// where, what is durable, what to flush into the ledger and when the file starts over;
/// a driver carries the decisions out on a ``JournalFiles`` seam (``JournalIO``).
///
/// Every finished call is appended as a ``JournalEntry`` and is **durable before its
/// answer completes**: the driver answers a call only once ``writeEnded(_:succeeded:)``
/// reported its ticket. Entries appended while a write is under way go out together in
/// the next one (group commit: one write and one fsync for many calls). A flusher moves
/// durable entries into the tenants' ledgers and moves the checkpoint past them once
/// every tenant's ledger took them; after a crash, entries past the checkpoint are
/// flushed again (the ledger is idempotent by request id). When everything is flushed and
/// the journal is larger than ``Configuration/rotateBytes``, it starts over.
///
/// The live server runs it behind a lock, with the file operations on an I/O queue; the
/// Lab runs it on its event loop over a simulated disk that tears writes, loses
/// unsynced data and crashes — the same machine and the same file steps:
///
/// ```swift
/// let ticket = journal.append(entry)              // a call finished
/// if let write = journal.nextWrite() {             // none under way: write what is pending
///     let ok = JournalIO.perform(write, on: files) // write at write.offset, fsync (I/O queue / simulated disk)
///     let done = journal.writeEnded(write, succeeded: ok)   // tickets done: answer those calls
/// }
/// ```
public struct UsageJournal: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// A journal larger than this starts over once everything in it is in the ledgers.
        public var rotateBytes: UInt64
        /// How many times the same entries are written before they are given up (their calls
        /// are answered then, and reconciliation finds them missing from the ledger).
        public var writeAttempts: Int
        public init(rotateBytes: UInt64 = 64 << 20, writeAttempts: Int = 3) {
            self.rotateBytes = rotateBytes; self.writeAttempts = max(1, writeAttempts)
        }
    }

    /// One write: pending lines, at the end of the durable journal. Appends are numbered
    /// (tickets); a write carries a contiguous range of them.
    public struct Write: Hashable, Sendable {
        public var offset: UInt64
        public var bytes: [UInt8]
        public var tickets: ClosedRange<UInt64>
        /// The calls in it, per tenant (what the replica's counters take on when it ends).
        public var counts: [String: UsageCounters]
    }

    /// One flush: the durable bytes between the checkpoint and `to`.
    public struct Flush: Hashable, Sendable {
        public var from: UInt64
        public var to: UInt64
    }

    public let configuration: Configuration
    /// Bytes of the journal known to be on disk.
    public private(set) var durable: UInt64
    /// Bytes of the journal known to be in the ledgers.
    public private(set) var checkpoint: UInt64
    private var pending: [UInt8] = []
    private var pendingCounts: [String: UsageCounters] = [:]
    /// Tickets handed out so far, and the first one not yet in a write.
    private var issued: UInt64 = 0
    private var firstPending: UInt64 = 1
    private var writing = false
    private var flushing = false
    /// Failed attempts at writing the entries at the head of `pending`.
    private var attempts = 0
    /// Writes that failed, since the start (each one's calls were answered all the same).
    public private(set) var failedWrites = 0

    /// A journal recovered from what the files hold.
    ///
    /// - Parameters:
    ///   - length: the journal's whole lines, in bytes (``JournalIO/open(_:configuration:)``
    ///     cuts a torn last line off first: its call was never answered).
    ///   - savedCheckpoint: the checkpoint file's value, if it could be read. One past the
    ///     end means the journal was rotated after it was written and the new value never
    ///     reached the disk: everything is unflushed then (replays are harmless).
    public init(length: UInt64, savedCheckpoint: UInt64?, configuration: Configuration = .init()) {
        self.configuration = configuration
        durable = length
        let saved = savedCheckpoint ?? 0
        checkpoint = saved > length ? 0 : saved
    }

    // MARK: Appends (group commit)

    /// Adds a finished call; returns its ticket, done when a write carrying it ends.
    public mutating func append(_ entry: JournalEntry) -> UInt64 {
        append(line: entry.line(), tenant: entry.tenant, usage: entry.usage)
    }

    /// Adds a finished call whose line the driver encoded already (``JournalEntry/line()``,
    /// outside its lock).
    public mutating func append(line: [UInt8], tenant: String, usage: UsageRecord) -> UInt64 {
        pending += line
        pendingCounts[tenant, default: UsageCounters()].add(usage)
        issued += 1
        return issued
    }

    /// Whether appended entries wait for a write.
    public var hasPending: Bool { !pending.isEmpty }

    /// The next write, unless one is under way or nothing is pending.
    public mutating func nextWrite() -> Write? {
        guard !writing, !pending.isEmpty else { return nil }
        writing = true
        let write = Write(offset: durable, bytes: pending, tickets: firstPending...issued, counts: pendingCounts)
        pending = []
        pendingCounts = [:]
        firstPending = issued + 1
        return write
    }

    /// A write ended. On success its bytes are durable and its tickets done. On failure the
    /// driver cut its bytes off again (``JournalIO/perform(_:on:)``): they go first in the
    /// next write, up to ``Configuration/writeAttempts`` times; then they are given up and
    /// their tickets are done too — the calls are answered (a journal that cannot be
    /// written does not stop the gateway; reconciliation finds them missing).
    ///
    /// - Returns: The tickets done (`nil`: the write is retried), and whether they were
    ///   given up.
    public mutating func writeEnded(_ write: Write, succeeded: Bool) -> (tickets: ClosedRange<UInt64>, givenUp: Bool)? {
        precondition(writing && write.offset == durable, "a write ended that was not the one under way")
        writing = false
        if succeeded {
            durable += UInt64(write.bytes.count)
            attempts = 0
            return (write.tickets, false)
        }
        attempts += 1
        if attempts < configuration.writeAttempts {
            pending = write.bytes + pending
            for (tenant, c) in write.counts { pendingCounts[tenant, default: UsageCounters()].add(c) }
            firstPending = write.tickets.lowerBound
            return nil
        }
        attempts = 0
        failedWrites += 1
        return (write.tickets, true)
    }

    // MARK: Flushing into the ledgers

    /// The next flush, unless one is under way or everything durable is flushed.
    public mutating func nextFlush() -> Flush? {
        guard !flushing, durable > checkpoint else { return nil }
        flushing = true
        return Flush(from: checkpoint, to: durable)
    }

    /// A flush of whatever is durable, even nothing: reconciliation holds it while it reads
    /// the ledger, so that no other flush adds rows meanwhile. `nil` while a flush is under way.
    public mutating func exclusiveFlush() -> Flush? {
        guard !flushing else { return nil }
        flushing = true
        return Flush(from: checkpoint, to: durable)
    }

    /// Whether durable entries are not in the ledgers yet.
    public var hasUnflushed: Bool { durable > checkpoint }

    /// A flush ended: `delivered` when every tenant's ledger took its entries (otherwise the
    /// checkpoint stays and they go again next time).
    ///
    /// - Returns: The checkpoint to record (`<data>/usage.journal.checkpoint`), if it moved.
    public mutating func flushEnded(_ flush: Flush, delivered: Bool) -> UInt64? {
        precondition(flushing, "a flush ended that was not under way")
        flushing = false
        guard delivered, flush.from == checkpoint, flush.to <= durable, flush.to > checkpoint else { return nil }
        checkpoint = flush.to
        return checkpoint
    }

    // MARK: Rotation

    /// Whether the journal should start over now: everything in it is in the ledgers, it is
    /// larger than ``Configuration/rotateBytes``, and no write or flush is under way. If so,
    /// no write starts until ``rotationEnded(succeeded:)``; the driver empties the file
    /// (durably) and then records a checkpoint of 0.
    public mutating func startRotation() -> Bool {
        guard checkpoint == durable, durable > configuration.rotateBytes, !writing, !flushing, pending.isEmpty else { return false }
        writing = true
        return true
    }

    /// The rotation ended: on success the journal is empty; on failure it stays as it was.
    public mutating func rotationEnded(succeeded: Bool) {
        precondition(writing, "a rotation ended that was not under way")
        writing = false
        if succeeded { durable = 0; checkpoint = 0 }
    }
}
