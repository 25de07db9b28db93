/// Combines several retrievers' ranked lists into one ranking.
///
/// Two methods are offered (see ``FusionMethod``): reciprocal rank fusion (the default, with
/// `k = 60` as in Cormack, Clarke & Büttcher, SIGIR 2009), which needs no score calibration,
/// and a weighted sum of min-max normalised scores. Both honour per-list weights and depths,
/// and every fused hit keeps each retriever's rank and score for explanation.
///
/// ```swift
/// let fused = Fusion().fuse([
///     RankedList(retriever: "bm25", hits: keywordHits),
///     RankedList(retriever: "dense", hits: vectorHits, weight: 1.5),
/// ], k: 10)
/// fused[0].contribution(from: "bm25")?.rank
/// ```
public struct Fusion: Sendable, Hashable {
    /// How scores are combined.
    public var method: FusionMethod
    /// The number of leading hits of each list that take part, unless the list sets its own
    /// ``RankedList/depth``; `nil` uses whole lists.
    public var depth: Int?

    /// Creates a fusion.
    ///
    /// - Parameters:
    ///   - method: Reciprocal rank fusion with `k = 60` by default.
    ///   - depth: The default depth per list; `nil` for whole lists.
    public init(method: FusionMethod = .reciprocalRank(k: 60), depth: Int? = nil) {
        self.method = method
        self.depth = depth
    }

    /// Fuses ranked lists and returns the best `k` results. Lists weighted 0 are left out.
    ///
    /// An id missing from a list gets nothing from that list. Fused hits are ordered by fused
    /// score descending, then id ascending.
    ///
    /// - Parameters:
    ///   - lists: The retrievers' results.
    ///   - k: The maximum number of fused hits.
    /// - Returns: The fused hits, ranked from 1.
    public func fuse(_ lists: [RankedList], k: Int) -> [FusedHit] {
        guard k > 0 else { return [] }
        var order: [String] = []  // ids in first-seen order, so nothing depends on hashing
        var contributionsByID: [String: [FusionContribution]] = [:]

        // A list weighted 0 takes no part: its hits would only trail the others at score 0.
        for list in lists where list.weight != 0 {
            let limit = max(0, list.depth ?? depth ?? list.hits.count)
            var seen: Set<String> = []
            var kept: [SearchHit] = []
            for hit in list.hits {
                if kept.count >= limit { break }
                if seen.insert(hit.id).inserted { kept.append(hit) }
            }
            let normaliser = MinMax(kept.map(\.score))
            for (position, hit) in kept.enumerated() {
                let rank = position + 1
                let share: Double
                switch method {
                case let .reciprocalRank(k: constant):
                    share = list.weight / (constant + Double(rank))
                case .minMaxWeightedSum:
                    share = list.weight * normaliser.normalise(hit.score)
                }
                let contribution = FusionContribution(retriever: list.retriever, rank: rank, score: hit.score, fusedScore: share)
                if contributionsByID[hit.id] == nil { order.append(hit.id) }
                contributionsByID[hit.id, default: []].append(contribution)
            }
        }

        var collector = TopKCollector(k: k)
        for id in order {
            let total = contributionsByID[id, default: []].reduce(0) { $0 + $1.fusedScore }
            collector.offer(score: total, id: id)
        }
        return collector.hits().map { hit in
            FusedHit(id: hit.id, score: hit.score, rank: hit.rank, contributions: contributionsByID[hit.id, default: []])
        }
    }
}

/// How ``Fusion`` combines ranked lists.
public enum FusionMethod: Sendable, Hashable {
    /// Reciprocal rank fusion: `score(d) = Σ weight_i / (k + rank_i(d))`, ranks from 1.
    /// `k = 60` is the customary constant; larger values flatten the advantage of top ranks.
    case reciprocalRank(k: Double)
    /// Weighted sum of min-max normalised scores: each list's scores are mapped to `0...1` by
    /// `(s - min) / (max - min)` over its (depth-truncated) hits, then
    /// `score(d) = Σ weight_i * normalised_i(d)`. A list whose hits all score the same maps
    /// them all to 1.
    case minMaxWeightedSum
}

/// Min-max normalisation over one list's scores.
private struct MinMax {
    let minimum: Double
    let range: Double

    init(_ scores: [Double]) {
        let minimum = scores.min() ?? 0
        self.minimum = minimum
        self.range = (scores.max() ?? 0) - minimum
    }

    func normalise(_ score: Double) -> Double {
        range > 0 ? (score - minimum) / range : 1
    }
}
