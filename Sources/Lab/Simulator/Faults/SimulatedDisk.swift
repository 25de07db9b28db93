import Base
import Gateway

/// A replica's disk in the Lab: the usage journal's files as a crash leaves them.
///
/// What the process wrote is visible to it at once, but durable only once synced. Until
/// then, writes and truncations are pending in order; a crash (``crash(_:)``) keeps a
/// random prefix of them, the first one not kept possibly torn (a write's first bytes
/// only) — the prefix-consistent model of an append-only file on a journaling file
/// system. The checkpoint is replaced atomically, and the replacement reaches the disk
/// only with the next sync, or is lost. Transient write errors are injected at
/// `writeErrorRate`.
///
/// The journal code on top (``UsageJournal``, ``JournalIO``) is the live server's.
public final class SimulatedDisk: JournalFiles {
    enum Operation { case write(offset: UInt64, bytes: [UInt8]), truncate(UInt64) }
    /// What an operation changed, to undo it: the file's length before, and the bytes it
    /// overwrote (or cut off) at `offset`.
    struct Undo { var countBefore: Int; var offset: Int; var old: [UInt8] }

    /// The journal as the process sees it. What would survive a crash now is this with the
    /// pending operations undone — kept as an undo log rather than a second copy, so that a
    /// sync costs nothing and a write costs its own size.
    private(set) var visible: [UInt8] = []
    private var pending: [Operation] = []
    private var undo: [Undo] = []
    private var checkpointVisible: UInt64?
    private var checkpointDurable: UInt64?
    private var random: Xoshiro256StarStar
    let writeErrorRate: Double
    /// Faults so far, for the report.
    public private(set) var crashes = 0, tornWrites = 0, lostOperations = 0, writeErrors = 0

    public struct WriteError: Error, CustomStringConvertible { public var description: String { "simulated I/O error" } }

    public init(random: Xoshiro256StarStar, writeErrorRate: Double = 0) {
        self.random = random
        self.writeErrorRate = writeErrorRate
    }

    public func readJournal() throws -> [UInt8] { visible }

    public func readJournal(from offset: UInt64, count: Int) throws -> [UInt8] {
        let start = min(Int(offset), visible.count)
        return Array(visible[start..<min(start + count, visible.count)])
    }

    public func writeJournal(_ bytes: [UInt8], at offset: UInt64) throws {
        if writeErrorRate > 0, random.nextUnit() < writeErrorRate {
            writeErrors += 1
            throw WriteError()
        }
        perform(.write(offset: offset, bytes: bytes))
    }

    public func syncJournal() throws {
        pending = []
        undo = []
        checkpointDurable = checkpointVisible
    }

    public func truncateJournal(to length: UInt64) throws { perform(.truncate(length)) }

    public func readCheckpoint() throws -> UInt64? { checkpointVisible }

    public func writeCheckpoint(_ offset: UInt64) throws { checkpointVisible = offset }

    private func perform(_ op: Operation) {
        switch op {
        case .write(let offset, let bytes):
            let at = Int(offset)
            undo.append(Undo(countBefore: visible.count, offset: at, old: at < visible.count ? Array(visible[at..<min(at + bytes.count, visible.count)]) : []))
        case .truncate(let length):
            let at = Int(length)
            undo.append(Undo(countBefore: visible.count, offset: at, old: at < visible.count ? Array(visible[at...]) : []))
        }
        Self.apply(op, to: &visible)
        pending.append(op)
    }

    /// The machine dies: a random prefix of what was not synced survives, the first write
    /// after it possibly torn; an unsynced checkpoint survives or not.
    public func crash() {
        crashes += 1
        // Back to what was synced…
        for u in undo.reversed() {
            if visible.count > u.countBefore { visible.removeSubrange(u.countBefore...) }
            if visible.count < u.offset + u.old.count { visible += [UInt8](repeating: 0, count: u.offset + u.old.count - visible.count) }
            visible.replaceSubrange(u.offset..<(u.offset + u.old.count), with: u.old)
            if visible.count > u.countBefore { visible.removeSubrange(u.countBefore...) }
        }
        // …then what of the rest reached the disk anyway.
        let kept = Int(random.next() % UInt64(pending.count + 1))
        for op in pending.prefix(kept) { Self.apply(op, to: &visible) }
        if kept < pending.count {
            lostOperations += pending.count - kept
            if case .write(let offset, let bytes) = pending[kept], bytes.count > 1, random.nextUnit() < 0.5 {
                let part = 1 + Int(random.next() % UInt64(bytes.count - 1))
                Self.apply(.write(offset: offset, bytes: Array(bytes.prefix(part))), to: &visible)
                tornWrites += 1
            }
        }
        if checkpointVisible != checkpointDurable, random.nextUnit() < 0.5 { checkpointDurable = checkpointVisible }
        checkpointVisible = checkpointDurable
        pending = []
        undo = []
    }

    static func apply(_ op: Operation, to file: inout [UInt8]) {
        switch op {
        case .write(let offset, let bytes):
            let at = Int(offset)
            if file.count < at { file += [UInt8](repeating: 0, count: at - file.count) }
            let overlap = min(bytes.count, file.count - at)
            file.replaceSubrange(at..<(at + overlap), with: bytes.prefix(overlap))
            if overlap < bytes.count { file += bytes[overlap...] }
        case .truncate(let length):
            if Int(length) < file.count { file.removeSubrange(Int(length)...) }
        }
    }
}
