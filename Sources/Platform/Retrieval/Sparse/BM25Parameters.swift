import Foundation

/// The free parameters of BM25 and the formula that uses them.
///
/// The scoring follows Lucene's `BM25Similarity` (Lucene 8 and later):
///
/// ```
/// idf(n, N)       = ln(1 + (N - n + 0.5) / (n + 0.5))
/// score(t, d)     = idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))
/// score(q, d)     = Σ over query terms t (with repetition) of score(t, d)
/// ```
///
/// where `N` is the number of indexed chunks, `n` the number containing the term, `tf` the
/// term's frequency in the chunk, `dl` the chunk's length in terms (after stop-word removal)
/// and `avgdl` the mean length. Lucene 8 dropped the classic `(k1 + 1)` numerator factor
/// (LUCENE-8563): it scales every term score by the same constant, so rankings are identical
/// with or without it; scores here are the Lucene ≥ 8 values. Two deliberate differences from
/// Lucene: lengths are exact (Lucene stores `dl` in a lossy one-byte norm, exact only below
/// about 40 terms), and arithmetic is in `Double` rather than `Float`.
public struct BM25Parameters: Sendable, Hashable {
    /// Term-frequency saturation; 0 makes scoring binary. Lucene's default is 1.2.
    public var k1: Double
    /// Length normalisation, from 0 (none) to 1 (full). Lucene's default is 0.75.
    public var b: Double

    /// Creates parameters.
    ///
    /// - Parameters:
    ///   - k1: A finite, non-negative saturation parameter.
    ///   - b: A length-normalisation weight in `0...1`.
    public init(k1: Double = 1.2, b: Double = 0.75) {
        precondition(k1.isFinite && k1 >= 0, "BM25 k1 must be finite and non-negative, got \(k1)")
        precondition(b >= 0 && b <= 1, "BM25 b must be within 0...1, got \(b)")
        self.k1 = k1
        self.b = b
    }

    /// The inverse document frequency `ln(1 + (N - n + 0.5) / (n + 0.5))`; always positive.
    public func idf(documentFrequency n: Int, documentCount N: Int) -> Double {
        log(1 + (Double(N - n) + 0.5) / (Double(n) + 0.5))
    }

    /// One term's contribution `idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))`.
    public func termScore(idf: Double, termFrequency tf: Double, documentLength dl: Double,
                          averageDocumentLength avgdl: Double) -> Double {
        let lengthRatio = avgdl > 0 ? dl / avgdl : 0
        let norm = k1 * (1 - b + b * lengthRatio)
        return idf * tf / (tf + norm)
    }
}
