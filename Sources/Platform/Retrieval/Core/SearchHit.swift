/// One result of a search: a chunk id, its score and its 1-based rank in the result list.
///
/// Every index orders hits the same way: higher score first, equal scores by ascending `id`
/// (Swift `String` order), so results never depend on insertion or hashing order.
public struct SearchHit: Sendable, Hashable {
    /// The id of the chunk.
    public var id: String
    /// The retriever's score: BM25 for ``BM25Index``, cosine similarity for ``VectorIndex``.
    public var score: Double
    /// The position in the result list, starting at 1.
    public var rank: Int

    /// Creates a hit.
    public init(id: String, score: Double, rank: Int) {
        self.id = id
        self.score = score
        self.rank = rank
    }

    /// Whether `(scoreA, idA)` comes before `(scoreB, idB)`: score descending, then id ascending.
    @inlinable
    public static func ranksBefore(score scoreA: Double, id idA: String, score scoreB: Double, id idB: String) -> Bool {
        if scoreA != scoreB { return scoreA > scoreB }
        return idA < idB
    }
}
