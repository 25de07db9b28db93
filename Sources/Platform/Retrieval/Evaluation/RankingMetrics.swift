import Foundation

/// Ranking metrics with `trec_eval` (pytrec_eval, as used by BEIR) definitions.
///
/// `ranking` is a list of document ids, best first; `judgments` maps document ids to graded
/// relevance, where grades above 0 are relevant and unjudged documents count as 0.
public enum RankingMetrics {
    /// Normalised discounted cumulative gain at `k`.
    ///
    /// `DCG@k = Σ_{i=1...k} rel_i / log2(i + 1)` with the grade itself as gain (trec_eval's
    /// `ndcg_cut`, linear gain), divided by the DCG of the ideal ordering of all relevant
    /// judgments. Returns 0 when nothing is relevant.
    public static func ndcg(ranking: [String], judgments: [String: Int], k: Int) -> Double {
        guard k > 0 else { return 0 }
        var dcg = 0.0
        var seen: Set<String> = []
        for (index, id) in ranking.prefix(k).enumerated() where seen.insert(id).inserted {
            let grade = judgments[id] ?? 0
            if grade > 0 { dcg += Double(grade) / log2(Double(index + 2)) }
        }
        let ideal = judgments.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
        var idcg = 0.0
        for (index, grade) in ideal.enumerated() {
            idcg += Double(grade) / log2(Double(index + 2))
        }
        return idcg > 0 ? dcg / idcg : 0
    }

    /// Recall at `k`: the share of relevant documents that appear in the first `k` results.
    /// Returns 0 when nothing is relevant.
    public static func recall(ranking: [String], judgments: [String: Int], k: Int) -> Double {
        let relevant = judgments.values.filter { $0 > 0 }.count
        guard relevant > 0, k > 0 else { return 0 }
        let found = Set(ranking.prefix(k)).filter { (judgments[$0] ?? 0) > 0 }.count
        return Double(found) / Double(relevant)
    }
}
