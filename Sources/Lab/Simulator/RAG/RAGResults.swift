import Mocks
import Foundation
import Base
import Gateway
import Retrieval

/// A question with its gold answers and gold passages.
public struct RAGQuestion: Sendable {
    public var id: String
    public var question: String
    public var answers: [String]
    /// Gold passages: a document and a span or a quote in it. A chunk is gold when it is of
    /// that document and overlaps the span (or contains the quote).
    public var gold: [Gold]

    public struct Gold: Sendable {
        public var document: String
        public var quote: String?
        public var span: Range<Int>?
        public init(document: String, quote: String? = nil, span: Range<Int>? = nil) { self.document = document; self.quote = quote; self.span = span }
    }

    public init(id: String, question: String, answers: [String], gold: [Gold]) {
        self.id = id; self.question = question; self.answers = answers; self.gold = gold
    }

    func isGold(_ chunk: DocumentChunk) -> Bool {
        gold.contains { g in
            guard g.document == chunk.document else { return false }
            if let q = g.quote { return chunk.text.contains(q) || chunk.indexText.contains(q) }
            if let s = g.span { return chunk.start < s.upperBound && s.lowerBound < chunk.end }
            return true
        }
    }
}

/// One question's grounded answer and its scores.
public struct RAGAnswer: Sendable {
    public var id: String
    public var question: String
    public var answer: String
    public var citations: [KnowledgeBase.Citation]
    public var retrieved: [String]
    public var f1: Double
    public var exactMatch: Double
    public var groundedness: Double
    public var unsupported: [String]
    public var citationPrecision: Double
    public var citationRecall: Double
    /// Whether a gold passage was among the retrieved chunks.
    public var hit: Bool
}

/// Ingestion results and answers of a RAG evaluation, with mean scores.
public struct RAGResults: Sendable {
    public struct Document: Sendable {
        public var name: String
        public var chunks: Int
        public var error: String?
    }
    public var documents: [Document] = []
    public var answers: [RAGAnswer] = []

    public init(documents: [Document] = [], answers: [RAGAnswer] = []) { self.documents = documents; self.answers = answers }

    func mean(_ f: (RAGAnswer) -> Double) -> Double? { answers.isEmpty ? nil : answers.map(f).reduce(0, +) / Double(answers.count) }
    public var f1: Double? { mean(\.f1) }
    public var exactMatch: Double? { mean(\.exactMatch) }
    public var groundedness: Double? { mean(\.groundedness) }
    public var citationPrecision: Double? { mean(\.citationPrecision) }
    public var citationRecall: Double? { mean(\.citationRecall) }
    public var hitAtK: Double? { mean { $0.hit ? 1 : 0 } }

    /// The summary `dcoder rag eval-qa` prints.
    public var summaryJSON: String {
        func n(_ v: Double?) -> JSONValue { v.map { JSONValue.double($0, decimals: 4) } ?? .null }
        let summary: JSONValue = [
            "questions": .int(answers.count), "f1": n(f1), "exact_match": n(exactMatch), "hit_at_k": n(hitAtK),
            "citation_precision": n(citationPrecision), "citation_recall": n(citationRecall), "groundedness": n(groundedness),
        ]
        return summary.serialized(JSONStyle(sortedKeys: false))
    }
}

/// Asks questions of a knowledge base with the Lab's reader model (the mock providers'
/// extractive reader) and scores the answers.
public enum RAGEvaluation {
    /// Grounded answers to `questions` from `knowledge`, each scored (``AnswerScoring``).
    public static func ask(_ questions: [RAGQuestion], of knowledge: KnowledgeBase, topK: Int, mode: KnowledgeBase.Mode) throws -> [RAGAnswer] {
        try questions.map { q in
            let passages = try knowledge.retrieve(q.question, k: topK, mode: mode)
            let prompt = KnowledgeBase.prompt(question: q.question, passages: passages)
            let answer = Reader.answer(Reader.parse(system: prompt.system, user: prompt.user)).text
            let citations = KnowledgeBase.citations(in: answer, passages: passages)
            let plain = AnswerScoring.sentences(answer).map(\.text).joined(separator: " ")
            let texts = Dictionary(uniqueKeysWithValues: passages.map { ($0.number, $0.chunk.text) })
            let grounded = AnswerScoring.groundedness(answer: answer, passages: texts, answerCitations: citations.map(\.number))
            let goldIDs = Set(passages.filter { q.isGold($0.chunk) }.map(\.chunk.id))
            // Recall counts gold passages anywhere in the knowledge base the answer could have cited;
            // here: the gold chunks among those retrieved (one gold chunk per question in our data).
            let cited = citations.map(\.chunk)
            let precision = cited.isEmpty ? 0 : Double(cited.filter { id in passages.contains { $0.chunk.id == id && q.isGold($0.chunk) } }.count) / Double(cited.count)
            let recall = goldIDs.isEmpty ? 0 : Double(Set(cited).intersection(goldIDs).count) / Double(goldIDs.count)
            return RAGAnswer(id: q.id, question: q.question, answer: answer, citations: citations, retrieved: passages.map(\.chunk.id),
                             f1: AnswerScoring.f1(plain, gold: q.answers), exactMatch: AnswerScoring.exactMatch(plain, gold: q.answers),
                             groundedness: grounded.score, unsupported: grounded.unsupported,
                             citationPrecision: precision, citationRecall: recall, hit: !goldIDs.isEmpty)
        }
    }
}
