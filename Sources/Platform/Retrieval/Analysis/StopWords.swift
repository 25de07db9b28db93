/// Stop-word lists.
public enum StopWords {
    /// Lucene's default English stop set (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, the same 33
    /// words as the older `StopAnalyzer.ENGLISH_STOP_WORDS_SET` and `StandardAnalyzer.STOP_WORDS_SET`).
    ///
    /// It is small on purpose: words such as `"do"`, `"has"`, `"from"` or `"we"` are kept, so
    /// phrase-like queries still match. Matching is exact on lower-cased tokens, before stemming.
    public static let english: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
        "this", "to", "was", "will", "with",
    ]
}
