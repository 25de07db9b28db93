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
    /// How the answer was asked for, when it went through the gateway (`doc-chat` in a scenario).
    public var call: Call?

    /// A `doc-chat` call as the client saw it, and the model call it made.
    public struct Call: Sendable {
        /// The `doc-chat` call's request id.
        public var requestID: String
        /// When it was asked, and the status of its reply.
        public var at: Instant
        public var status: Int
        /// Why it failed, if it did.
        public var error: String?
        /// The answering model's call, as the gateway accounted it (`nil`: none was made).
        public var model: UsageRecord?
    }

    /// Scores a grounded answer against a question's gold answers and passages.
    ///
    /// - F1 and exact match: SQuAD's, on the answer without its `[n]` markers.
    /// - Groundedness: the share of sentences supported by the passages they cite (``AnswerScoring``).
    /// - Citation precision: the share of cited chunks that are gold; recall: the share of the
    ///   gold chunks among those retrieved that are cited (one gold chunk per question in our data).
    /// - Hit: a gold chunk among those retrieved.
    public init(question q: RAGQuestion, grounded: KnowledgeBase.GroundedAnswer, call: Call? = nil) {
        let passages = grounded.passages, answer = grounded.answer, citations = grounded.citations
        let plain = AnswerScoring.sentences(answer).map(\.text).joined(separator: " ")
        let texts = Dictionary(passages.map { ($0.number, $0.chunk.text) }, uniquingKeysWith: { a, _ in a })
        let grounding = AnswerScoring.groundedness(answer: answer, passages: texts, answerCitations: citations.map(\.number))
        let goldIDs = Set(passages.filter { q.isGold($0.chunk) }.map(\.chunk.id))
        let cited = citations.map(\.chunk)
        id = q.id; question = q.question; self.answer = answer; self.citations = citations; retrieved = passages.map(\.chunk.id)
        f1 = AnswerScoring.f1(plain, gold: q.answers); exactMatch = AnswerScoring.exactMatch(plain, gold: q.answers)
        groundedness = answer.isEmpty ? 0 : grounding.score; unsupported = grounding.unsupported
        citationPrecision = cited.isEmpty ? 0 : Double(cited.filter(goldIDs.contains).count) / Double(cited.count)
        citationRecall = goldIDs.isEmpty ? 0 : Double(Set(cited).intersection(goldIDs).count) / Double(goldIDs.count)
        hit = !goldIDs.isEmpty
        self.call = call
    }
}

/// Ingestion results and answers of a RAG evaluation, with mean scores.
public struct RAGResults: Sendable {
    /// A document's outcome in the ingestion job.
    public struct Document: Sendable {
        public var name: String
        /// `indexed`, `replaced`, `unchanged` or `failed`.
        public var result: String
        public var chunks: Int
        public var error: String?
        public init(name: String, result: String, chunks: Int, error: String? = nil) {
            self.name = name; self.result = result; self.chunks = chunks; self.error = error
        }
    }

    /// The tracked ingestion job the corpus went in (in a scenario).
    public struct Job: Sendable {
        public var id: String
        /// Its last state as the Platform API showed it (`succeeded`, `partially_failed`, …).
        public var status: String
        public var submittedAt: Instant
        /// When a run of the ingestion service finished it (`nil`: never).
        public var finishedAt: Instant?
    }

    public var job: Job?
    public var documents: [Document] = []
    public var answers: [RAGAnswer] = []

    public init(job: Job? = nil, documents: [Document] = [], answers: [RAGAnswer] = []) {
        self.job = job; self.documents = documents; self.answers = answers
    }

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
