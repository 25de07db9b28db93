import Testing
@testable import Retrieval

@Suite struct FusionTests {
    static func hits(_ pairs: [(String, Double)]) -> [SearchHit] {
        pairs.enumerated().map { SearchHit(id: $1.0, score: $1.1, rank: $0 + 1) }
    }

    let keyword = RankedList(retriever: "bm25", hits: hits([("x", 10), ("y", 5), ("z", 0)]))
    let dense = RankedList(retriever: "dense", hits: hits([("y", 0.9), ("w", 0.3)]))

    /// RRF: score(d) = Σ w / (60 + rank), ranks from 1.
    @Test func reciprocalRankArithmetic() throws {
        let fused = Fusion().fuse([keyword, dense], k: 10)
        #expect(fused.map(\.id) == ["y", "x", "w", "z"])
        #expect(fused.map(\.rank) == [1, 2, 3, 4])
        #expect(abs(fused[0].score - (1.0 / 62 + 1.0 / 61)) < 1e-15)
        #expect(abs(fused[1].score - 1.0 / 61) < 1e-15)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-15)
        #expect(abs(fused[3].score - 1.0 / 63) < 1e-15)

        // Each retriever's rank and score are kept for explanation.
        let y = fused[0]
        #expect(y.contributions.map(\.retriever) == ["bm25", "dense"])
        let fromKeyword = try #require(y.contribution(from: "bm25"))
        #expect(fromKeyword.rank == 2 && fromKeyword.score == 5 && abs(fromKeyword.fusedScore - 1.0 / 62) < 1e-15)
        let fromDense = try #require(y.contribution(from: "dense"))
        #expect(fromDense.rank == 1 && fromDense.score == 0.9)
        #expect(fused[1].contribution(from: "dense") == nil)
    }

    @Test func weightsKAndDepthAreConfigurable() {
        var weighted = dense
        weighted.weight = 2
        var shallow = keyword
        shallow.depth = 1
        let fused = Fusion(method: .reciprocalRank(k: 10)).fuse([shallow, weighted], k: 10)
        // x: 1/11; y: 2/11 (dense rank 1); w: 2/12. z and keyword's y are beyond depth 1.
        #expect(fused.map(\.id) == ["y", "w", "x"])
        #expect(abs(fused[0].score - 2.0 / 11) < 1e-15)
        #expect(abs(fused[1].score - 2.0 / 12) < 1e-15)
        #expect(fused[0].contributions.map(\.retriever) == ["dense"])

        // A fusion-wide default depth applies to lists without their own.
        #expect(Fusion(depth: 1).fuse([keyword, dense], k: 10).map(\.id) == ["x", "y"])
        #expect(Fusion().fuse([keyword, dense], k: 2).map(\.id) == ["y", "x"])
    }

    /// Min-max: each list is mapped to 0...1, then weighted scores are summed.
    /// The settings users write: defaults, each setting, and out-of-range values refused by name.
    @Test func configurationFromUserSettings() throws {
        #expect(try HybridSearcher.configuration(method: nil, k: nil, bm25Weight: nil, denseWeight: nil, depth: nil) == HybridSearcher.Configuration())
        let c = try HybridSearcher.configuration(method: "rrf", k: 10, bm25Weight: 2, denseWeight: 0.5, depth: 50)
        #expect(c.fusion.method == .reciprocalRank(k: 10) && c.keywordWeight == 2 && c.vectorWeight == 0.5 && c.keywordDepth == 50 && c.vectorDepth == 50)
        #expect(try HybridSearcher.configuration(method: "weighted", k: nil, bm25Weight: nil, denseWeight: 0, depth: nil).fusion.method == .minMaxWeightedSum)
        for (method, k, bm25, dense, depth, setting) in [
            ("borda", nil, nil, nil, nil, "method"), ("weighted", 60.0, nil, nil, nil, "k"), ("rrf", 0.0, nil, nil, nil, "k"),
            ("rrf", nil, -1.0, nil, nil, "bm25 weight"), ("rrf", nil, 0.0, 0.0, nil, "weights"), ("rrf", nil, nil, nil, 0, "depth"),
        ] as [(String, Double?, Double?, Double?, Int?, String)] {
            #expect(throws: HybridSearcher.ConfigurationError.self) {
                try HybridSearcher.configuration(method: method, k: k, bm25Weight: bm25, denseWeight: dense, depth: depth)
            }
            do { _ = try HybridSearcher.configuration(method: method, k: k, bm25Weight: bm25, denseWeight: dense, depth: depth) } catch let e as HybridSearcher.ConfigurationError {
                #expect(e.setting == setting, "\(e)")
            }
        }
    }

    @Test func aListWeightedZeroTakesNoPart() {
        var silent = dense
        silent.weight = 0
        #expect(Fusion().fuse([keyword, silent], k: 10).map(\.id) == ["x", "y", "z"])
    }

    @Test func minMaxWeightedSum() {
        let fused = Fusion(method: .minMaxWeightedSum).fuse([keyword, dense], k: 10)
        // keyword: x 1, y 0.5, z 0; dense: y 1, w 0. Sums: y 1.5, x 1, w 0, z 0 (tie → id order).
        #expect(fused.map(\.id) == ["y", "x", "w", "z"])
        #expect(fused.map(\.score) == [1.5, 1, 0, 0])
        #expect(fused[0].contribution(from: "bm25")?.fusedScore == 0.5)

        // A list whose scores are all equal maps them all to 1.
        let flat = RankedList(retriever: "flat", hits: Self.hits([("p", 3), ("q", 3)]), weight: 0.5)
        #expect(Fusion(method: .minMaxWeightedSum).fuse([flat], k: 5).map(\.score) == [0.5, 0.5])
    }

    @Test func tiesAndDuplicatesAreDeterministic() {
        let a = RankedList(retriever: "a", hits: Self.hits([("m", 1), ("n", 1), ("m", 0.5)]))
        let b = RankedList(retriever: "b", hits: Self.hits([("n", 1), ("m", 1)]))
        let fused = Fusion().fuse([a, b], k: 10)
        #expect(fused.map(\.id) == ["m", "n"])  // equal RRF scores → ascending id
        #expect(fused[0].contributions.count == 2)  // the repeated "m" in list a counts once
        #expect(Fusion().fuse([], k: 3).isEmpty)
        #expect(Fusion().fuse([a], k: 0).isEmpty)
    }

    @Test func hybridSearcherFusesKeywordAndVectorResults() throws {
        var searcher = HybridSearcher(dimension: 2)
        try searcher.upsert(Chunk(id: "kw", text: "aspirin fever", metadata: ["lang": "en"]), vector: [0, 1])
        try searcher.upsert(Chunk(id: "vec", text: "unrelated words", metadata: ["lang": "en"]), vector: [1, 0.5])
        try searcher.upsert(Chunk(id: "both", text: "aspirin", metadata: ["lang": "de"]), vector: [1, 0])
        // Keyword ranks: kw 1, both 2. Vector ranks: both 1, vec 2, kw 3.
        let hits = try searcher.search(text: "aspirin fever", vector: [1, 0], k: 3)
        #expect(hits.map(\.id) == ["both", "kw", "vec"])
        #expect(hits.first?.contribution(from: HybridSearcher.keywordRetriever)?.rank == 2)
        #expect(hits.first?.contribution(from: HybridSearcher.vectorRetriever)?.rank == 1)
        #expect(abs(hits[0].score - (1.0 / 62 + 1.0 / 61)) < 1e-15)
        let filtered = try searcher.search(text: "aspirin fever", vector: [1, 0], k: 3, filter: .equals(field: "lang", value: "en"))
        #expect(Set(filtered.map(\.id)) == ["kw", "vec"])
        let removed = searcher.remove(id: "both")
        #expect(removed)
        #expect(searcher.keyword.count == 2 && searcher.vectors.count == 2)
    }
}
