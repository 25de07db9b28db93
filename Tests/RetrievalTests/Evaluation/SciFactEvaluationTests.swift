import Foundation
import Testing
@testable import Retrieval

/// End-to-end retrieval quality on the public SciFact split (179 judged test queries).
///
/// Measured with this code: BM25 nDCG@10 0.6790 / Recall@100 0.9207; dense 0.6476 / 0.9134
/// (exactly the cassette README's pytrec_eval replay); hybrid RRF 0.7198 / 0.9413. The floors
/// sit a little below, so a regression in analysis, scoring, fusion or metrics fails here.
@Suite
struct SciFactEvaluationTests {
    @Test func metricsStayAboveFloors() throws {
        let dataset = try BEIRDataset(directory: SciFactLocation.directory)
        let cassette = try EmbeddingCassette(directory: SciFactLocation.directory.appending(path: "embeddings"))
        #expect(dataset.documents.count == 5183)
        #expect(dataset.judgedQueries.count == 179)

        let benchmark = BEIRBenchmark(dataset: dataset, cassette: cassette)
        let searcher = try benchmark.buildSearcher()  // throws on any cassette miss
        #expect(searcher.keyword.count == 5183 && searcher.vectors.count == 5183)

        let floors: [BEIRBenchmark.Method: (ndcg: Double, recall: Double)] = [
            .bm25: (0.670, 0.910),
            .dense: (0.640, 0.905),
            .hybrid: (0.710, 0.930),
        ]
        for method in BEIRBenchmark.Method.allCases {
            let result = try benchmark.evaluate(method, with: searcher)
            let floor = try #require(floors[method])
            #expect(result.queryCount == 179)
            #expect(result.ndcgAt10 >= floor.ndcg, "\(method.rawValue) nDCG@10 \(result.ndcgAt10) fell below \(floor.ndcg)")
            #expect(result.recallAt100 >= floor.recall, "\(method.rawValue) Recall@100 \(result.recallAt100) fell below \(floor.recall)")
        }
    }

    /// The three documents whose titles start with spaces are found only if the text is
    /// stripped exactly as Python's `str.strip()` does before hashing.
    @Test func strippedDocumentTextsHitTheCassette() throws {
        let dataset = try BEIRDataset(directory: SciFactLocation.directory)
        let cassette = try EmbeddingCassette(directory: SciFactLocation.directory.appending(path: "embeddings"))
        for id in ["9291668", "16461149", "17422777"] {
            let document = try #require(dataset.documents.first { $0.id == id })
            #expect(document.title.hasPrefix(" "))
            #expect(cassette.entry(for: document.combinedText, kind: .document)?.id == id)
            #expect(cassette.entry(for: document.title + " " + document.text, kind: .document) == nil)
        }
    }
}
