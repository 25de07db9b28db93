/// Keyword and vector search over the same chunks, fused into one ranking.
///
/// The searcher owns a ``BM25Index`` and a ``VectorIndex`` keyed by the same chunk ids. A
/// search runs both with the same filter, takes each one's top ``Configuration/keywordDepth``
/// and ``Configuration/vectorDepth`` hits, and fuses them with ``Configuration/fusion``.
///
/// ```swift
/// var searcher = HybridSearcher(dimension: 384)
/// try searcher.upsert(chunk, vector: embedding)
/// let hits = try searcher.search(text: question, vector: questionEmbedding, k: 10)
/// hits[0].contribution(from: HybridSearcher.keywordRetriever)?.rank
/// ```
public struct HybridSearcher: Sendable {
    /// How the two retrievers are queried and fused.
    public struct Configuration: Sendable, Hashable {
        /// The fusion method; reciprocal rank fusion with `k = 60` by default.
        public var fusion: Fusion
        /// The weight of the keyword (BM25) list.
        public var keywordWeight: Double
        /// The weight of the vector list.
        public var vectorWeight: Double
        /// How many keyword hits take part in fusion.
        public var keywordDepth: Int
        /// How many vector hits take part in fusion.
        public var vectorDepth: Int

        /// Creates a configuration; by default equal weights, depth 100 each, RRF with `k = 60`.
        public init(fusion: Fusion = Fusion(), keywordWeight: Double = 1, vectorWeight: Double = 1,
                    keywordDepth: Int = 100, vectorDepth: Int = 100) {
            self.fusion = fusion
            self.keywordWeight = keywordWeight
            self.vectorWeight = vectorWeight
            self.keywordDepth = keywordDepth
            self.vectorDepth = vectorDepth
        }
    }

    /// A configuration from the settings users write (scenario `rag.fusion`, the API's
    /// `fusion`, `eval-retrieval`'s options); unset ones keep their defaults.
    ///
    /// - Parameters:
    ///   - method: `rrf` (reciprocal rank fusion) or `weighted` (weighted sum of min-max
    ///     normalised scores).
    ///   - k: RRF's constant (1 to 1,000); only with `rrf`.
    ///   - depth: hits of each retriever that take part (1 to 1,000).
    /// - Throws: ``ConfigurationError`` naming the setting and what it accepts.
    public static func configuration(method: String?, k: Double?, bm25Weight: Double?, denseWeight: Double?,
                                     depth: Int?) throws -> Configuration {
        var c = Configuration()
        switch method {
        case nil, "rrf": c.fusion.method = .reciprocalRank(k: k ?? 60)
        case "weighted":
            guard k == nil else { throw ConfigurationError(setting: "k", message: "applies to rrf only") }
            c.fusion.method = .minMaxWeightedSum
        case let other?: throw ConfigurationError(setting: "method", message: "expected rrf or weighted, got '\(other)'")
        }
        if let k, !(1...1000).contains(k) { throw ConfigurationError(setting: "k", message: "must be 1 to 1000") }
        for (name, w) in [("bm25 weight", bm25Weight), ("dense weight", denseWeight)] {
            if let w, !(w >= 0 && w <= 1000) { throw ConfigurationError(setting: name, message: "must be 0 to 1000") }
        }
        c.keywordWeight = bm25Weight ?? 1
        c.vectorWeight = denseWeight ?? 1
        guard c.keywordWeight + c.vectorWeight > 0 else { throw ConfigurationError(setting: "weights", message: "cannot both be 0") }
        if let depth {
            guard (1...1000).contains(depth) else { throw ConfigurationError(setting: "depth", message: "must be 1 to 1000") }
            c.keywordDepth = depth; c.vectorDepth = depth
        }
        return c
    }

    /// A fusion setting out of range.
    public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
        public var setting: String
        public var message: String
        public var description: String { "fusion \(setting): \(message)" }
    }

    /// The retriever name of the keyword list in ``FusedHit/contributions``.
    public static let keywordRetriever = "bm25"
    /// The retriever name of the vector list in ``FusedHit/contributions``.
    public static let vectorRetriever = "dense"

    /// The keyword index.
    public var keyword: BM25Index
    /// The vector index.
    public var vectors: VectorIndex
    /// How searches are run and fused.
    public var configuration: Configuration

    /// Creates an empty searcher.
    public init(dimension: Int, keyword: BM25Index = BM25Index(), configuration: Configuration = Configuration()) {
        self.keyword = keyword
        self.vectors = VectorIndex(dimension: dimension)
        self.configuration = configuration
    }

    /// Creates a searcher over existing indexes, which should hold the same chunk ids.
    public init(keyword: BM25Index, vectors: VectorIndex, configuration: Configuration = Configuration()) {
        self.keyword = keyword
        self.vectors = vectors
        self.configuration = configuration
    }

    /// Adds a chunk and its embedding to both indexes, replacing any chunk with the same id.
    ///
    /// - Throws: ``VectorIndexError`` if the vector is rejected; the keyword index is then left
    ///   unchanged.
    public mutating func upsert(_ chunk: Chunk, vector: [Float]) throws {
        try vectors.upsert(id: chunk.id, vector: vector, metadata: chunk.metadata)
        keyword.upsert(chunk)
    }

    /// Removes a chunk from both indexes.
    ///
    /// - Returns: Whether either index held it.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        let fromKeyword = keyword.remove(id: id)
        let fromVectors = vectors.remove(id: id)
        return fromKeyword || fromVectors
    }

    /// Runs keyword and vector search and fuses the results.
    ///
    /// - Parameters:
    ///   - text: The query text, for BM25.
    ///   - vector: The query embedding, for cosine similarity.
    ///   - k: The maximum number of fused hits.
    ///   - filter: Applied by both retrievers before ranking.
    /// - Returns: Fused hits with each retriever's rank and score.
    /// - Throws: ``VectorIndexError`` if the query vector is rejected.
    public func search(text: String, vector: [Float], k: Int, filter: MetadataFilter? = nil) throws -> [FusedHit] {
        let keywordHits = keyword.search(text, k: configuration.keywordDepth, filter: filter)
        let vectorHits = try vectors.search(vector, k: configuration.vectorDepth, filter: filter)
        return fuse(keywordHits: keywordHits, vectorHits: vectorHits, k: k)
    }

    /// Fuses BM25 hits with dense hits found elsewhere (pgvector), as ``search(text:vector:k:filter:)`` does.
    public func fuse(keywordHits: [SearchHit], vectorHits: [SearchHit], k: Int) -> [FusedHit] {
        configuration.fusion.fuse([
            RankedList(retriever: Self.keywordRetriever, hits: keywordHits,
                       weight: configuration.keywordWeight, depth: configuration.keywordDepth),
            RankedList(retriever: Self.vectorRetriever, hits: vectorHits,
                       weight: configuration.vectorWeight, depth: configuration.vectorDepth),
        ], k: k)
    }
}
