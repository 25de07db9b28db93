import Foundation
import Testing
@testable import Retrieval

@Suite struct RankingMetricsTests {
    let judgments = ["d2": 1, "d3": 2, "d9": 1, "bad": 0]

    /// DCG uses the grade as gain and log2(rank + 1) as discount; IDCG sorts all relevant grades.
    @Test func ndcgOnToyRanking() {
        let ranking = ["d1", "d2", "d3", "d4"]
        // DCG@3 = 0 + 1/log2(3) + 2/log2(4); IDCG@3 = 2 + 1/log2(3) + 1/log2(4).
        let dcg = 1 / log2(3.0) + 2 / 2
        let idcg = 2 + 1 / log2(3.0) + 1 / 2
        #expect(abs(RankingMetrics.ndcg(ranking: ranking, judgments: judgments, k: 3) - dcg / idcg) < 1e-12)
        // Cut at 1: nothing relevant in first place.
        #expect(RankingMetrics.ndcg(ranking: ranking, judgments: judgments, k: 1) == 0)
        // The ideal ranking scores 1.
        #expect(abs(RankingMetrics.ndcg(ranking: ["d3", "d2", "d9"], judgments: judgments, k: 10) - 1) < 1e-12)
        #expect(abs(RankingMetrics.ndcg(ranking: ["d3", "d9", "d2", "x"], judgments: judgments, k: 10) - 1) < 1e-12)
    }

    @Test func ndcgWithSingleRelevantDocument() {
        // Binary relevance at rank 3: 1/log2(4) / 1 = 0.5.
        #expect(RankingMetrics.ndcg(ranking: ["a", "b", "r"], judgments: ["r": 1], k: 10) == 0.5)
        #expect(RankingMetrics.ndcg(ranking: ["a", "b", "r"], judgments: ["r": 1], k: 2) == 0)
    }

    @Test func recallCountsRelevantDocumentsInTopK() {
        let ranking = ["d1", "d2", "bad", "d3", "x"]
        #expect(RankingMetrics.recall(ranking: ranking, judgments: judgments, k: 2) == 1.0 / 3)
        #expect(RankingMetrics.recall(ranking: ranking, judgments: judgments, k: 4) == 2.0 / 3)
        #expect(RankingMetrics.recall(ranking: ranking + ["d9"], judgments: judgments, k: 100) == 1)
    }

    @Test func queriesWithoutRelevantDocumentsScoreZero() {
        #expect(RankingMetrics.ndcg(ranking: ["a"], judgments: ["a": 0], k: 10) == 0)
        #expect(RankingMetrics.recall(ranking: ["a"], judgments: [:], k: 10) == 0)
        #expect(RankingMetrics.ndcg(ranking: [], judgments: ["a": 1], k: 10) == 0)
    }
}

@Suite struct QrelsTests {
    @Test func parsesBEIRTSVWithHeader() throws {
        let qrels = try Qrels(tsv: "query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t42\t2\r\n3\t7\t0\n\n")
        #expect(qrels["1"] == ["31715818": 1, "42": 2])
        #expect(qrels["3"] == ["7": 0])
        #expect(qrels["missing"] == [:])
    }

    @Test func rejectsMalformedLines() {
        #expect(throws: DatasetError(code: .malformedLine, message: "")) { try Qrels(tsv: "1\t2\n") }
        #expect(throws: DatasetError(code: .malformedLine, message: "")) { try Qrels(tsv: "1\t2\tx\n") }
    }
}
