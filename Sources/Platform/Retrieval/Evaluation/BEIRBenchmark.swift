/// Evaluates BM25, dense and hybrid retrieval on a BEIR data set with recorded embeddings.
///
/// Every corpus document becomes one chunk whose text is ``BEIRDataset/Document/combinedText``
/// (title, a space, the text, stripped), indexed for BM25 and embedded from the cassette. Each
/// judged query is run through each method, and nDCG@10 and Recall@100 are averaged over the
/// queries, as BEIR reports them.
///
/// ```swift
/// let benchmark = BEIRBenchmark(dataset: scifact, cassette: cassette)
/// let searcher = try benchmark.buildSearcher()
/// let bm25 = try benchmark.evaluate(.bm25, with: searcher)
/// print(bm25.ndcgAt10, bm25.recallAt100)
/// ```
public struct BEIRBenchmark: Sendable {
    /// A retrieval method under evaluation.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// BM25 over the analysed text.
        case bm25 = "BM25"
        /// Exact cosine similarity of recorded embeddings.
        case dense = "Dense"
        /// Both, fused with the searcher's configuration (reciprocal rank fusion by default).
        case hybrid = "Hybrid RRF"
    }

    /// The averaged metrics of one method.
    public struct Result: Sendable, Hashable {
        /// The method.
        public var method: Method
        /// The number of queries averaged over.
        public var queryCount: Int
        /// Mean nDCG@10.
        public var ndcgAt10: Double
        /// Mean Recall@100.
        public var recallAt100: Double
        /// Mean Recall@10.
        public var recallAt10: Double = 0
    }

    /// The data set.
    public let dataset: BEIRDataset
    /// The recorded document and query embeddings.
    public let cassette: EmbeddingCassette
    /// Further cassettes, tried in order when the first lacks a text (held-out queries…).
    public var moreCassettes: [EmbeddingCassette] = []
    /// How the hybrid searcher is configured (analyzer, BM25 parameters, fusion).
    public var searcherConfiguration: HybridSearcher.Configuration
    /// The BM25 index template (its analyzer and parameters are used).
    public var keywordTemplate: BM25Index

    /// Creates a benchmark.
    public init(dataset: BEIRDataset, cassette: EmbeddingCassette,
                searcherConfiguration: HybridSearcher.Configuration = HybridSearcher.Configuration(),
                keywordTemplate: BM25Index = BM25Index()) {
        self.dataset = dataset
        self.cassette = cassette
        self.searcherConfiguration = searcherConfiguration
        self.keywordTemplate = keywordTemplate
    }

    /// Indexes every corpus document for BM25 and with its recorded embedding.
    ///
    /// - Throws: ``CassetteError`` if a document's embedding was not recorded.
    public func buildSearcher() throws -> HybridSearcher {
        var searcher = HybridSearcher(dimension: cassette.dimension, keyword: keywordTemplate,
                                      configuration: searcherConfiguration)
        for document in dataset.documents {
            let text = document.combinedText
            let vector = try vector(for: text, kind: .document)
            try searcher.upsert(Chunk(id: document.id, text: text), vector: vector)
        }
        return searcher
    }

    /// Runs one method over every judged query and averages the metrics.
    ///
    /// - Throws: ``CassetteError`` if a query's embedding was not recorded (dense and hybrid).
    public func evaluate(_ method: Method, with searcher: HybridSearcher) throws -> Result {
        let queries = dataset.judgedQueries
        var ndcgSum = 0.0
        var recallSum = 0.0
        var recall10Sum = 0.0
        for query in queries {
            let ranking = try rank(query, method: method, searcher: searcher, depth: 100)
            let judgments = dataset.qrels[query.id]
            ndcgSum += RankingMetrics.ndcg(ranking: ranking, judgments: judgments, k: 10)
            recallSum += RankingMetrics.recall(ranking: ranking, judgments: judgments, k: 100)
            recall10Sum += RankingMetrics.recall(ranking: ranking, judgments: judgments, k: 10)
        }
        let count = Double(max(queries.count, 1))
        return Result(method: method, queryCount: queries.count, ndcgAt10: ndcgSum / count, recallAt100: recallSum / count,
                      recallAt10: recall10Sum / count)
    }

    /// The ids of the best `depth` documents for a query under a method.
    public func rank(_ query: BEIRDataset.Query, method: Method, searcher: HybridSearcher, depth: Int) throws -> [String] {
        switch method {
        case .bm25:
            return searcher.keyword.search(query.text, k: depth).map(\.id)
        case .dense:
            let vector = try vector(for: query.text, kind: .query)
            return try searcher.vectors.search(vector, k: depth).map(\.id)
        case .hybrid:
            let vector = try vector(for: query.text, kind: .query)
            return try searcher.search(text: query.text, vector: vector, k: depth).map(\.id)
        }
    }

    /// The recorded vector of a text, from the first cassette that has it.
    func vector(for text: String, kind: EmbeddingCassette.Kind) throws -> [Float] {
        for c in [cassette] + moreCassettes where c.entry(for: text, kind: kind) != nil { return try c.vector(for: text, kind: kind) }
        return try cassette.vector(for: text, kind: kind)  // the miss, as an error naming the text
    }
}
