import Base
import Gateway

/// The simulator's agenda: events ordered by time, ties broken by the order in which
/// they were scheduled (a sequence number), exactly like SwiftNIO's embedded event loop.
///
/// A binary min-heap stored in one array; `schedule` and `pop` are O(log n) with no
/// allocation once the array has grown. Ordering by (time, sequence) makes every run
/// process the same events in the same order, which is what makes runs reproducible.
public struct EventQueue<Payload> {
    @usableFromInline struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var payload: Payload
        @inlinable init(time: Int64, sequence: UInt64, payload: Payload) {
            self.time = time; self.sequence = sequence; self.payload = payload
        }
        @inlinable func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    public var nextTime: Instant? { heap.first.map { Instant(nanoseconds: $0.time) } }

    /// Schedules an event; events at the same instant run in scheduling order.
    @inlinable public mutating func schedule(at time: Instant, _ payload: Payload) {
        let entry = Entry(time: time.nanoseconds, sequence: nextSequence, payload: payload)
        nextSequence &+= 1
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if !heap[child].precedes(heap[parent]) { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest event.
    @inlinable public mutating func pop() -> (time: Instant, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            let n = heap.count
            while true {
                let left = 2 * parent + 1
                if left >= n { break }
                let right = left + 1
                var best = left
                if right < n, heap[right].precedes(heap[left]) { best = right }
                if !heap[best].precedes(heap[parent]) { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return (Instant(nanoseconds: top.time), top.payload)
    }
}
