/// One fused result, with what each retriever contributed to it.
public struct FusedHit: Sendable, Hashable {
    /// The id of the chunk.
    public var id: String
    /// The fused score.
    public var score: Double
    /// The position in the fused list, starting at 1.
    public var rank: Int
    /// One entry per input list that returned this id, in input order.
    public var contributions: [FusionContribution]

    /// Creates a fused hit.
    public init(id: String, score: Double, rank: Int, contributions: [FusionContribution]) {
        self.id = id
        self.score = score
        self.rank = rank
        self.contributions = contributions
    }

    /// The contribution of the named retriever, if it returned this id.
    public func contribution(from retriever: String) -> FusionContribution? {
        contributions.first { $0.retriever == retriever }
    }
}

/// What one retriever added to a ``FusedHit``: its own rank and score, and its share of the
/// fused score.
public struct FusionContribution: Sendable, Hashable {
    /// The retriever's name, from ``RankedList/retriever``.
    public var retriever: String
    /// The 1-based position in the retriever's list (after truncation to its depth).
    public var rank: Int
    /// The retriever's own score (BM25, cosine, …).
    public var score: Double
    /// The amount added to the fused score: `weight / (k + rank)` for reciprocal rank fusion,
    /// `weight * normalisedScore` for the min-max weighted sum.
    public var fusedScore: Double

    /// Creates a contribution.
    public init(retriever: String, rank: Int, score: Double, fusedScore: Double) {
        self.retriever = retriever
        self.rank = rank
        self.score = score
        self.fusedScore = fusedScore
    }
}
