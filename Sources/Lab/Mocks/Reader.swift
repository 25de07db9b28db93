import Foundation
import Base
import Gateway

/// The mock providers' "model": an extractive reader that answers from the context it
/// is given, follows simple format instructions, and can be told to hallucinate.
///
/// It reads the conversation as the Lab's prompt sets (and most RAG prompts) write it:
/// passages on lines that start with `[n]`, and the question after `Question:` (else the
/// last user message is the question). It scores each context sentence by how many of
/// the question's content words (lower-cased, stop words removed, plural `s` stripped)
/// it contains, and answers with the best ones, in passage order.
///
/// Instructions it follows, found anywhere in the system or user text:
/// - "in N sentences" / "in one sentence" (N from one to five): answer with N sentences;
/// - "JSON": answer `{"answer": "...", "citations": [n, ...]}`;
/// - "cite": append ` [n]` (the passage number) after each sentence.
///
/// Without passages it answers with a fixed sentence built from the question's words, so
/// content stays deterministic. A hallucinated answer is a fluent sentence that no
/// passage supports, citing passage 1: exactly what a groundedness scorer must catch.
public enum Reader {
    public struct Answer: Hashable, Sendable {
        public var text: String
        public var citations: [Int]
    }

    struct Passage { var number: Int; var sentences: [String] }

    public struct Prompt: Sendable {
        var passages: [Passage]
        var question: String
        var sentenceCount: Int
        var json: Bool
        var cite: Bool
    }

    /// Parses a conversation (system text and user text) into what the reader needs.
    public static func parse(system: String, user: String) -> Prompt {
        var passages: [Passage] = []
        var question: String?
        for rawLine in user.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("["), let close = line.firstIndex(of: "]"), let n = Int(line[line.index(after: line.startIndex)..<close]) {
                let body = String(line[line.index(after: close)...]).trimmingCharacters(in: .whitespaces)
                passages.append(Passage(number: n, sentences: sentences(body)))
            } else if line.lowercased().hasPrefix("question:") {
                question = String(line.dropFirst("question:".count)).trimmingCharacters(in: .whitespaces)
            }
        }
        let instructions = (system + "\n" + user).lowercased()
        return Prompt(passages: passages, question: question ?? user, sentenceCount: sentenceCount(instructions),
                      json: instructions.contains("json"), cite: instructions.contains("cite"))
    }

    static func sentenceCount(_ text: String) -> Int {
        let words = ["one": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "five": 5, "5": 5]
        for (word, n) in words.sorted(by: { $0.value < $1.value }) {
            if text.contains("in \(word) sentence") { return n }
        }
        return 1
    }

    /// Splits text into sentences at `.`, `!` or `?` followed by a space or the end.
    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            current.append(c)
            if c == "." || c == "!" || c == "?", i + 1 == chars.count || chars[i + 1] == " " {
                let s = current.trimmingCharacters(in: .whitespaces)
                if !s.isEmpty { out.append(s) }
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "was", "were", "be", "by",
        "what", "which", "who", "whom", "when", "where", "why", "how", "does", "do", "did", "it", "its", "that", "this",
        "as", "at", "from", "can", "should", "must", "our", "we", "you", "your", "i", "me", "my", "their", "they", "there",
        "has", "have", "had", "not", "no", "if", "than", "then", "so", "about", "into", "per", "any", "all", "each",
    ]

    /// Content words: lower-cased alphanumeric runs, stop words removed, a plural `s` stripped.
    static func contentWords(_ text: String) -> Set<String> {
        var out = Set<String>()
        for raw in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            var w = String(raw)
            if stopWords.contains(w) { continue }
            if w.count > 3, w.hasSuffix("s"), !w.hasSuffix("ss") { w.removeLast() }
            out.insert(w)
        }
        return out
    }

    /// The faithful answer to a prompt.
    public static func answer(_ p: Prompt) -> Answer {
        let q = contentWords(p.question)
        guard !p.passages.isEmpty else {
            let topic = q.sorted().prefix(4).joined(separator: " ")
            return render(Answer(text: "Here is a short answer about \(topic.isEmpty ? "your request" : topic).", citations: []), p)
        }
        var scored: [(score: Int, passage: Int, order: Int, sentence: String)] = []
        var order = 0
        for passage in p.passages {
            for s in passage.sentences {
                scored.append((contentWords(s).intersection(q).count, passage.number, order, s))
                order += 1
            }
        }
        let best = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }.prefix(p.sentenceCount)
        let chosen = best.sorted { $0.order < $1.order }
        let text = chosen.map { p.cite ? "\(withoutFinalStop($0.sentence)) [\($0.passage)]." : $0.sentence }.joined(separator: " ")
        var citations: [Int] = []
        for c in chosen where !citations.contains(c.passage) { citations.append(c.passage) }
        return render(Answer(text: text, citations: citations), p)
    }

    /// A fluent, unsupported answer that cites passage 1.
    public static func hallucination(_ p: Prompt, variant: UInt64) -> Answer {
        let topics = contentWords(p.question).sorted()
        let topic = topics.isEmpty ? "this" : topics[Int(variant % UInt64(topics.count))]
        let years = ["1987", "2003", "2011", "1994", "2016"]
        let places = ["the Zurich working group", "an internal review board", "the Lisbon committee", "a 2019 audit"]
        let year = years[Int((variant >> 8) % UInt64(years.count))]
        let place = places[Int((variant >> 16) % UInt64(places.count))]
        var sentence = "The \(topic) requirement was introduced in \(year) by \(place)."
        if p.cite, !p.passages.isEmpty { sentence = "The \(topic) requirement was introduced in \(year) by \(place) [\(p.passages[0].number)]." }
        return render(Answer(text: sentence, citations: p.passages.isEmpty ? [] : [p.passages[0].number]), p)
    }

    static func withoutFinalStop(_ s: String) -> String {
        var t = s
        while let last = t.last, last == "." || last == "!" || last == "?" { t.removeLast() }
        return t
    }

    static func render(_ a: Answer, _ p: Prompt) -> Answer {
        guard p.json else { return a }
        let body = JSONValue.object(["answer": .string(a.text), "citations": .array(a.citations.map { .int($0) })])
        return Answer(text: String(decoding: WireJSON.encode(body), as: UTF8.self), citations: a.citations)
    }
}
