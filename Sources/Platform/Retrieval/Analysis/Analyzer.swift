/// Turns text into index terms: tokenize, drop stop words, stem.
///
/// The default, ``english``, mirrors Lucene's `EnglishAnalyzer` pipeline (standard tokenizer,
/// possessive filter, lower-casing, ``StopWords/english``, Porter stemming) closely enough that
/// BM25 over it lands near Lucene's published numbers; see ``Tokenizer`` for where the
/// tokenization differs.
///
/// ```swift
/// Analyzer.english.analyze("Generalizations of the relational oscillators")
/// // ["gener", "relat", "oscil"]
/// ```
public struct Analyzer: Sendable {
    /// Splits text into lower-cased tokens.
    public var tokenizer: Tokenizer
    /// Lower-cased tokens dropped before stemming.
    public var stopWords: Set<String>
    /// Whether tokens are reduced with the Porter stemmer.
    public var stems: Bool

    /// Creates an analyzer.
    ///
    /// - Parameters:
    ///   - tokenizer: The tokenizer.
    ///   - stopWords: Lower-cased tokens to drop; empty keeps every token.
    ///   - stems: Whether to apply ``PorterStemmer``.
    public init(tokenizer: Tokenizer = Tokenizer(), stopWords: Set<String> = StopWords.english, stems: Bool = true) {
        self.tokenizer = tokenizer
        self.stopWords = stopWords
        self.stems = stems
    }

    /// Lucene-`EnglishAnalyzer`-like analysis: Lucene's 33 English stop words and Porter stemming.
    public static let english = Analyzer()

    /// Returns the index terms of `text`, in text order, duplicates kept.
    public func analyze(_ text: String) -> [String] {
        let stemmer = PorterStemmer()
        var terms: [String] = []
        for token in tokenizer.tokenize(text) where !stopWords.contains(token) {
            terms.append(stems ? stemmer.stem(token) : token)
        }
        return terms
    }
}
