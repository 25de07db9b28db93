/// One retriever's ranked results, as input to ``Fusion``.
public struct RankedList: Sendable, Hashable {
    /// A name for the retriever, reported back in ``FusionContribution/retriever``.
    public var retriever: String
    /// The retriever's hits, best first. Their positions (not their `rank` fields) are the
    /// ranks that fusion uses; a repeated id counts only at its first position.
    public var hits: [SearchHit]
    /// How much this retriever counts in the fused score.
    public var weight: Double
    /// If set, only the first `depth` hits take part; otherwise ``Fusion/depth`` applies.
    public var depth: Int?

    /// Creates a ranked list.
    public init(retriever: String, hits: [SearchHit], weight: Double = 1, depth: Int? = nil) {
        self.retriever = retriever
        self.hits = hits
        self.weight = weight
        self.depth = depth
    }
}
