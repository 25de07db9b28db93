/// Keeps the best `k` of a stream of `(score, id)` candidates in a bounded binary heap.
///
/// "Best" is ``SearchHit/ranksBefore(score:id:score:id:)``: score descending, id ascending.
/// The heap's root is the worst kept candidate, so each offer costs O(log k).
struct TopKCollector {
    private struct Entry {
        var score: Double
        var id: String
    }

    let k: Int
    private var heap: [Entry] = []

    init(k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(min(self.k, 1024))
    }

    /// True when `a` ranks after `b` (is worse).
    private static func isWorse(_ a: Entry, _ b: Entry) -> Bool {
        SearchHit.ranksBefore(score: b.score, id: b.id, score: a.score, id: a.id)
    }

    mutating func offer(score: Double, id: @autoclosure () -> String) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(Entry(score: score, id: id()))
            siftUp(heap.count - 1)
            return
        }
        guard score >= heap[0].score else { return }
        let entry = Entry(score: score, id: id())
        guard Self.isWorse(heap[0], entry) else { return }
        heap[0] = entry
        siftDown(0)
    }

    /// The kept candidates as hits, best first, ranked from 1.
    func hits() -> [SearchHit] {
        let sorted = heap.sorted { Self.isWorse($1, $0) }
        return sorted.enumerated().map { SearchHit(id: $1.id, score: $1.score, rank: $0 + 1) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isWorse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var worst = parent
            if left < heap.count, Self.isWorse(heap[left], heap[worst]) { worst = left }
            if right < heap.count, Self.isWorse(heap[right], heap[worst]) { worst = right }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
