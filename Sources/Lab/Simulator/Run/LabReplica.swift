import Base
import Gateway

/// One gateway replica in the Lab: a ``GatewayNode`` on the event loop, its journal on a
/// ``SimulatedDisk``, and the answers waiting for their journal writes.
///
/// The same node steps and journal code as a live process (``GatewayReplica``); what is
/// simulated is only what is outside the process: the disk, time, and crashes.
final class LabReplica: GatewayReplica {
    let index: Int
    var node: GatewayNode
    /// The journal's disk, when the scenario keeps a ledger.
    let disk: SimulatedDisk?
    /// Bumped by a crash: events of the process that died are dropped.
    var incarnation: Int32 = 0
    var up = true
    /// The journal write under way (its fsync ends at a later event), and whether its
    /// bytes were written.
    var write: (write: UsageJournal.Write, started: Bool)?
    /// Answers waiting for a journal write to carry their ticket, in ticket order.
    var waiting: [(ticket: UInt64, answer: PendingAnswer)] = []
    var waitingHead = 0
    /// A random crash waiting for the next journal write, to strike in the middle of it.
    var crashAtNextWrite = false

    /// A settled call's answer, given to its client once its journal entry is durable.
    struct PendingAnswer {
        var key: RunMetrics.CallKey
        var usage: UsageRecord
        var alerts: [Alert]
    }

    init(index: Int, node: GatewayNode, disk: SimulatedDisk?) {
        self.index = index
        self.node = node
        self.disk = disk
    }

    func withNode<T: Sendable>(_ body: (inout GatewayNode) -> T) -> T { body(&node) }

    func withFiles<T: Sendable>(_ body: @escaping @Sendable (SimulatedDisk) throws -> T) async throws -> T {
        guard let disk else { throw SimulatedDisk.WriteError() }
        return try body(disk)
    }

    /// Takes the waiting answers whose tickets are done, in order.
    func takeAnswers(through ticket: UInt64) -> [PendingAnswer] {
        var out: [PendingAnswer] = []
        while waitingHead < waiting.count, waiting[waitingHead].ticket <= ticket {
            out.append(waiting[waitingHead].answer)
            waitingHead += 1
        }
        if waitingHead > 1024, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
        return out
    }

    /// Takes every waiting answer (the process died before giving them).
    func dropAnswers() -> [PendingAnswer] {
        defer { waiting = []; waitingHead = 0 }
        return waiting[waitingHead...].map(\.answer)
    }
}
