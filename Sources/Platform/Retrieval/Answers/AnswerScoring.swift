import Foundation

/// How a grounded answer is scored against gold answers and passages (documented with its
/// blind spots in Docs/rag.md).
public enum AnswerScoring {
    /// SQuAD's normalisation: lower case, punctuation removed, articles (a, an, the) removed,
    /// whitespace collapsed.
    public static func normalize(_ s: String) -> String {
        let lower = s.lowercased()
        let noPunct = String(lower.unicodeScalars.filter { !CharacterSet.punctuationCharacters.contains($0) && !CharacterSet.symbols.contains($0) })
        return noPunct.split(whereSeparator: { $0.isWhitespace }).filter { !["a", "an", "the"].contains($0) }.joined(separator: " ")
    }

    /// SQuAD exact match: 1 when the normalised answer equals a normalised gold answer.
    public static func exactMatch(_ answer: String, gold: [String]) -> Double {
        gold.contains { normalize($0) == normalize(answer) } ? 1 : 0
    }

    /// SQuAD token F1 against the best gold answer.
    public static func f1(_ answer: String, gold: [String]) -> Double {
        let a = normalize(answer).split(separator: " ")
        return gold.map { g -> Double in
            let b = normalize(g).split(separator: " ")
            guard !a.isEmpty, !b.isEmpty else { return a.isEmpty && b.isEmpty ? 1 : 0 }
            var counts: [Substring: Int] = [:]
            for t in b { counts[t, default: 0] += 1 }
            var common = 0
            for t in a where (counts[t] ?? 0) > 0 { common += 1; counts[t]! -= 1 }
            guard common > 0 else { return 0 }
            let p = Double(common) / Double(a.count), r = Double(common) / Double(b.count)
            return 2 * p * r / (p + r)
        }.max() ?? 0
    }

    /// Citation precision and recall: of the cited chunks, the share that are gold
    /// passages; of the gold passages, the share that are cited. With no citations,
    /// precision is 0 (nothing was supported), recall 0.
    public static func citations(cited: [String], gold: Set<String>) -> (precision: Double, recall: Double) {
        let c = Set(cited)
        guard !c.isEmpty else { return (0, 0) }
        let hit = c.intersection(gold).count
        return (Double(hit) / Double(c.count), gold.isEmpty ? 0 : Double(hit) / Double(gold.count))
    }

    /// Sentences of an answer, with their `[n]` citation markers.
    public struct Sentence: Sendable, Hashable {
        public var text: String
        public var citations: [Int]
    }

    public static func sentences(_ answer: String) -> [Sentence] {
        var out: [Sentence] = []
        var current = ""
        let chars = Array(answer)
        var i = 0
        while i < chars.count {
            current.append(chars[i])
            if ".!?".contains(chars[i]), i + 1 == chars.count || chars[i + 1] == " " {
                out.append(sentence(current)); current = ""
            }
            i += 1
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { out.append(sentence(current)) }
        return out.filter { !$0.text.isEmpty }
    }

    static func sentence(_ raw: String) -> Sentence {
        var cites: [Int] = []
        var text = ""
        var rest = Substring(raw)
        while let open = rest.firstIndex(of: "[") {
            text += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "]"), let n = Int(rest[rest.index(after: open)..<close]) else {
                text += rest[open...open]; rest = rest[rest.index(after: open)...]; continue
            }
            cites.append(n)
            rest = rest[rest.index(after: close)...]
        }
        text += rest
        var clean = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        // A marker before the final stop ("… board [1].") leaves a space before it.
        for mark in [".", ",", ";", ":", "!", "?"] { clean = clean.replacingOccurrences(of: " " + mark, with: mark) }
        return Sentence(text: clean, citations: cites)
    }

    /// Groundedness: the share of answer sentences supported by the passages they cite
    /// (or, for a sentence without a marker, by any cited passage of the answer). A sentence
    /// is supported when at least `threshold` of its content words (stemmed) appear in one
    /// of those passages. Returns the score and the unsupported sentences.
    public static func groundedness(answer: String, passages: [Int: String], answerCitations: [Int] = [],
                                    threshold: Double = 0.8) -> (score: Double, unsupported: [String]) {
        let sentences = sentences(answer)
        guard !sentences.isEmpty else { return (0, []) }
        var unsupported: [String] = []
        for s in sentences {
            let words = contentTerms(s.text)
            guard !words.isEmpty else { continue }
            let sources = (s.citations.isEmpty ? answerCitations : s.citations).compactMap { passages[$0] }
            let best = sources.map { Double(words.intersection(contentTerms($0)).count) / Double(words.count) }.max() ?? 0
            if best < threshold { unsupported.append(s.text) }
        }
        return (Double(sentences.count - unsupported.count) / Double(sentences.count), unsupported)
    }

    static func contentTerms(_ text: String) -> Set<String> {
        Set(Analyzer.english.analyze(text))
    }
}
