import Dispatch
import Gateway
import Synchronization

/// The live server's replica: its ``GatewayNode`` behind a lock, its journal's files on an
/// I/O queue (fsync never blocks a request thread), and the calls waiting for their
/// journal writes.
public final class LiveReplica: GatewayReplica, Sendable {
    private let node: Mutex<GatewayNode>
    let files: FileJournalFiles?
    private let io = DispatchQueue(label: "dcoder.usage-journal")
    /// Calls waiting for a journal write to carry their ticket, and the last ticket done.
    private let waiting = Mutex<(doneThrough: UInt64, calls: [(ticket: UInt64, resume: CheckedContinuation<Void, Never>)])>((0, []))

    /// - Parameter files: the journal's files, when the server keeps a usage ledger; the
    ///   node's journal must have been opened on them (``JournalIO/open(_:configuration:)``).
    public init(node: GatewayNode, files: FileJournalFiles?) {
        precondition((node.journal != nil) == (files != nil), "a journal needs its files, and files their journal")
        self.node = Mutex(node)
        self.files = files
    }

    public func withNode<T: Sendable>(_ body: (inout GatewayNode) -> T) -> T {
        node.withLock { body(&$0) }
    }

    public func withFiles<T: Sendable>(_ body: @escaping @Sendable (FileJournalFiles) throws -> T) async throws -> T {
        guard let files else { throw JournalFileError.noJournal }
        return try await withCheckedThrowingContinuation { c in io.async { c.resume(with: Result { try body(files) }) } }
    }

    /// Returns once a journal write carrying `ticket` ended.
    func waitForWrite(_ ticket: UInt64) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = waiting.withLock { w -> Bool in
                if ticket <= w.doneThrough { return true }
                w.calls.append((ticket, c))
                return false
            }
            if now { c.resume() }
        }
    }

    /// Wakes the calls whose tickets are done.
    func writesEnded(through ticket: UInt64) {
        let ready = waiting.withLock { w -> [CheckedContinuation<Void, Never>] in
            w.doneThrough = max(w.doneThrough, ticket)
            let (done, rest) = (w.calls.filter { $0.ticket <= ticket }, w.calls.filter { $0.ticket > ticket })
            w.calls = rest
            return done.map(\.resume)
        }
        for c in ready { c.resume() }
    }
}

extension JournalFileError {
    static let noJournal = JournalFileError(description: "this server keeps no usage journal")
}
