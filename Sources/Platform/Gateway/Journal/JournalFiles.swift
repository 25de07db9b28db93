import Base

/// The files of a usage journal: the journal itself and its checkpoint.
///
/// The seam the journal's decisions (``UsageJournal``) are carried out on: real files in
/// the live server (`<data>/usage.journal`, `<data>/usage.journal.checkpoint`), a
/// simulated disk in the Lab that tears writes, loses what was not synced and crashes.
/// Every operation is synchronous; the live driver calls them on an I/O queue.
public protocol JournalFiles {
    /// The journal's whole contents.
    func readJournal() throws -> [UInt8]
    /// `count` bytes of the journal from `offset` (fewer at its end).
    func readJournal(from offset: UInt64, count: Int) throws -> [UInt8]
    /// Writes `bytes` at `offset` (the end of the durable journal), not yet durable.
    func writeJournal(_ bytes: [UInt8], at offset: UInt64) throws
    /// Makes everything written to the journal durable (fsync).
    func syncJournal() throws
    /// Cuts the journal to `length` bytes.
    func truncateJournal(to length: UInt64) throws
    /// The checkpoint, if one was recorded and can be read.
    func readCheckpoint() throws -> UInt64?
    /// Replaces the checkpoint atomically (a crash leaves the old value or the new one).
    func writeCheckpoint(_ offset: UInt64) throws
}

/// What each of the journal's decisions means on its files: the same steps in both drivers.
public enum JournalIO {
    /// Opens a journal: keeps whole lines only (a crash may have left half a line, whose call
    /// was never answered) and reads the checkpoint.
    public static func open(_ files: some JournalFiles, configuration: UsageJournal.Configuration = .init()) throws -> UsageJournal {
        let contents = try files.readJournal()
        let whole = contents.lastIndex(of: UInt8(ascii: "\n")).map { UInt64($0 + 1) } ?? 0
        if whole < UInt64(contents.count) { try files.truncateJournal(to: whole) }
        let saved = try? files.readCheckpoint()
        return UsageJournal(length: whole, savedCheckpoint: saved ?? nil, configuration: configuration)
    }

    /// Carries out a write: the bytes at the end of the durable journal, then fsync. A write
    /// that fails is cut off again, so that the next one starts on a line of its own.
    ///
    /// - Returns: Whether the bytes are durable.
    public static func perform(_ write: UsageJournal.Write, on files: some JournalFiles) -> Bool {
        start(write, on: files) && finish(write, on: files)
    }

    /// The first half of ``perform(_:on:)``: the bytes are written, not yet durable (the
    /// Lab lets virtual time pass, and crashes happen, between the halves).
    public static func start(_ write: UsageJournal.Write, on files: some JournalFiles) -> Bool {
        do { try files.writeJournal(write.bytes, at: write.offset); return true } catch {
            try? files.truncateJournal(to: write.offset)
            return false
        }
    }

    /// The second half of ``perform(_:on:)``: fsync.
    public static func finish(_ write: UsageJournal.Write, on files: some JournalFiles) -> Bool {
        do { try files.syncJournal(); return true } catch {
            try? files.truncateJournal(to: write.offset)
            return false
        }
    }

    /// The entries of a flush, by tenant (tenants sorted; each tenant's entries in journal
    /// order). Lines that are not journal lines are skipped and counted.
    public static func read(_ flush: UsageJournal.Flush, from files: some JournalFiles) throws -> (byTenant: [(tenant: String, entries: [JournalEntry])], unreadable: Int) {
        let bytes = try files.readJournal(from: flush.from, count: Int(flush.to - flush.from))
        return entries(in: bytes)
    }

    /// Journal lines grouped by tenant.
    public static func entries(in bytes: [UInt8]) -> (byTenant: [(tenant: String, entries: [JournalEntry])], unreadable: Int) {
        var byTenant: [String: [JournalEntry]] = [:]
        var unreadable = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let e = JournalEntry.parse(line) else { unreadable += 1; continue }
            byTenant[e.tenant, default: []].append(e)
        }
        return (byTenant.keys.sorted().map { ($0, byTenant[$0]!) }, unreadable)
    }

    /// Starts the journal over: empty it durably, then record a checkpoint of 0.
    ///
    /// - Returns: Whether the journal is empty now.
    public static func rotate(_ files: some JournalFiles) -> Bool {
        do {
            try files.truncateJournal(to: 0)
            try files.syncJournal()
        } catch {
            return false
        }
        try? files.writeCheckpoint(0)  // if lost, the old value is past the end: read as 0
        return true
    }
}
