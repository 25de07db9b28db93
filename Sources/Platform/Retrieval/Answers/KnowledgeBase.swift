import Crypto
import Foundation

/// A tenant's knowledge: documents parsed and chunked, chunks indexed for hybrid
/// retrieval (BM25 + dense, fused by RRF), and what a grounded answer needs — numbered
/// passages for the prompt and citations back to document, chunk and offsets.
///
/// Pure and deterministic: embeddings come through the `embed` closure (the tenant's
/// provider live; the mock embedder or a cassette in the Lab), and re-ingesting a document
/// with the same content changes nothing, while a changed one replaces its chunks.
public struct KnowledgeBase: Sendable {
    /// Embeds texts: passages (`query` false) or a question (`query` true), for embedders
    /// (and cassettes) that treat them differently.
    public typealias Embed = @Sendable (_ texts: [String], _ query: Bool) throws -> [[Float]]

    public var searcher: HybridSearcher
    public private(set) var chunks: [String: DocumentChunk] = [:]
    /// Document id → (SHA-256 of its bytes, ids of its chunks).
    public private(set) var documents: [String: (hash: String, chunks: [String])] = [:]
    public var parser: DocumentParser
    public var chunker: Chunker
    let embed: Embed

    public init(dimension: Int, parser: DocumentParser = DocumentParser(), chunker: Chunker = Chunker(),
                configuration: HybridSearcher.Configuration = .init(), embed: @escaping Embed) {
        searcher = HybridSearcher(dimension: dimension, configuration: configuration)
        self.parser = parser
        self.chunker = chunker
        self.embed = embed
    }

    /// What ingesting one document did.
    public enum Outcome: Sendable, Hashable {
        case added(chunks: Int)
        case replaced(chunks: Int)
        case unchanged
    }

    /// A document parsed, chunked and embedded, ready to be stored and indexed.
    public struct Prepared: Sendable {
        public var document: String
        public var hash: String
        public var chunks: [DocumentChunk]
        public var vectors: [[Float]]
        public init(document: String, hash: String, chunks: [DocumentChunk], vectors: [[Float]]) {
            self.document = document; self.hash = hash; self.chunks = chunks; self.vectors = vectors
        }
    }

    /// The SHA-256 (hex) of a document's bytes: its identity for idempotent ingestion.
    public static func contentHash(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the knowledge base already has this document with this content.
    public func has(document id: String, hash: String) -> Bool { documents[id]?.hash == hash }

    /// Parses, chunks and embeds a document without indexing it.
    ///
    /// - Throws: ``DocumentError`` for a document that cannot be parsed, has no text or
    ///   cannot be embedded.
    public func prepare(document id: String, bytes: [UInt8], format: DocumentFormat) throws -> Prepared {
        let elements = try parser.parse(bytes, name: id, format: format)
        return try prepare(document: id, hash: Self.contentHash(bytes), chunks: chunker.chunks(elements, document: id))
    }

    /// Embeds chunks made elsewhere.
    public func prepare(document id: String, hash: String, chunks pieces: [DocumentChunk]) throws -> Prepared {
        guard !pieces.isEmpty else { throw DocumentError(id, "no text to index") }
        let vectors: [[Float]]
        do { vectors = try embed(pieces.map(\.indexText), false) } catch { throw DocumentError(id, "embedding failed: \(error)") }
        return try prepared(document: id, hash: hash, chunks: pieces, vectors: vectors)
    }

    /// Parses and chunks a document, for embedding elsewhere (the tenant's provider).
    ///
    /// - Throws: ``DocumentError`` for a document that cannot be parsed or has no text.
    public func chunks(document id: String, bytes: [UInt8], format: DocumentFormat) throws -> [DocumentChunk] {
        let pieces = chunker.chunks(try parser.parse(bytes, name: id, format: format), document: id)
        guard !pieces.isEmpty else { throw DocumentError(id, "no text to index") }
        return pieces
    }

    /// Pairs chunks with vectors embedded elsewhere, checking that there is one each.
    public func prepared(document id: String, hash: String, chunks pieces: [DocumentChunk], vectors: [[Float]]) throws -> Prepared {
        guard vectors.count == pieces.count else { throw DocumentError(id, "the embedder returned \(vectors.count) vectors for \(pieces.count) chunks") }
        return Prepared(document: id, hash: hash, chunks: pieces, vectors: vectors)
    }

    /// Indexes a prepared document, replacing its earlier chunks.
    @discardableResult
    public mutating func index(_ p: Prepared) throws -> Outcome {
        if documents[p.document]?.hash == p.hash { return .unchanged }
        let replaced = documents[p.document] != nil
        remove(document: p.document)
        for (chunk, vector) in zip(p.chunks, p.vectors) {
            do {
                try searcher.upsert(Chunk(id: chunk.id, text: chunk.indexText, metadata: ["document": p.document]), vector: vector)
            } catch {
                throw DocumentError(p.document, "indexing failed: \(error)")
            }
            chunks[chunk.id] = chunk
        }
        documents[p.document] = (p.hash, p.chunks.map(\.id))
        return replaced ? .replaced(chunks: p.chunks.count) : .added(chunks: p.chunks.count)
    }

    /// Parses, chunks, embeds and indexes a document (idempotent by content: the same
    /// bytes change nothing; changed bytes replace the document's chunks).
    @discardableResult
    public mutating func ingest(document id: String, bytes: [UInt8], format: DocumentFormat) throws -> Outcome {
        if has(document: id, hash: Self.contentHash(bytes)) { return .unchanged }
        return try index(prepare(document: id, bytes: bytes, format: format))
    }

    /// Indexes chunks made elsewhere (a data set's own passages), idempotent by `hash`.
    @discardableResult
    public mutating func ingest(document id: String, hash: String, chunks pieces: [DocumentChunk]) throws -> Outcome {
        if has(document: id, hash: hash) { return .unchanged }
        return try index(prepare(document: id, hash: hash, chunks: pieces))
    }

    /// Removes a document and its chunks.
    public mutating func remove(document id: String) {
        for c in documents[id]?.chunks ?? [] {
            _ = searcher.remove(id: c)
            chunks[c] = nil
        }
        documents[id] = nil
    }

    /// How to retrieve.
    public enum Mode: String, Sendable, CaseIterable { case bm25, dense, hybrid }

    /// A retrieved passage.
    public struct Passage: Sendable, Hashable {
        public var number: Int
        public var chunk: DocumentChunk
        public var score: Double
    }

    /// The top `k` chunks for a question.
    ///
    /// - Parameters:
    ///   - denseSearch: Dense hits from elsewhere (pgvector) for a query vector and a
    ///     depth, replacing the in-memory vector index; BM25 and fusion stay here. It must
    ///     apply `filter` itself.
    ///   - filter: Only chunks whose metadata (`document`: the document's name) matches.
    ///   - fusion: Fusion settings for this query instead of the knowledge base's.
    public func retrieve(_ question: String, k: Int, mode: Mode = .hybrid, questionVector: [Float]? = nil,
                         denseSearch: (([Float], Int) throws -> [SearchHit])? = nil, filter: MetadataFilter? = nil,
                         fusion: HybridSearcher.Configuration? = nil) throws -> [Passage] {
        var searcher = self.searcher  // shares the indexes; only the configuration may change
        if let fusion { searcher.configuration = fusion }
        func dense(_ v: [Float], _ depth: Int) throws -> [SearchHit] {
            try denseSearch?(v, depth) ?? searcher.vectors.search(v, k: depth, filter: filter)
        }
        let ids: [(String, Double)]
        switch mode {
        case .bm25:
            ids = searcher.keyword.search(question, k: k, filter: filter).map { ($0.id, $0.score) }
        case .dense:
            let v = try questionVector ?? embed([question], true)[0]
            ids = try dense(v, k).map { ($0.id, $0.score) }
        case .hybrid:
            let v = try questionVector ?? embed([question], true)[0]
            let keywordHits = searcher.keyword.search(question, k: searcher.configuration.keywordDepth, filter: filter)
            let vectorHits = try dense(v, searcher.configuration.vectorDepth)
            ids = searcher.fuse(keywordHits: keywordHits, vectorHits: vectorHits, k: k).map { ($0.id, $0.score) }
        }
        return ids.enumerated().compactMap { i, hit in chunks[hit.0].map { Passage(number: i + 1, chunk: $0, score: hit.1) } }
    }

    /// The question's embedding, as retrieval computes it.
    public func questionVector(_ question: String) throws -> [Float] { try embed([question], true)[0] }

    /// The document text of a chunk, as it was indexed.
    public func chunk(_ id: String) -> DocumentChunk? { chunks[id] }

    /// The prompt of a grounded answer: instructions, numbered passages, the question.
    public static func prompt(question: String, passages: [Passage]) -> (system: String, user: String) {
        let system = "Answer the question using only the numbered passages below, in one sentence, and cite the passages you used as [n]. "
            + "If the passages do not contain the answer, say so."
        var user = "Context:\n"
        for p in passages { user += "[\(p.number)] " + p.chunk.text.replacingOccurrences(of: "\n", with: " ") + "\n" }
        user += "\nQuestion: \(question)"
        return (system, user)
    }

    /// A grounded answer: the model's text, the citations its `[n]` markers make, and the
    /// passages it was given.
    public struct GroundedAnswer: Sendable, Hashable {
        public var answer: String
        public var citations: [Citation]
        public var passages: [Passage]
        public init(answer: String, citations: [Citation], passages: [Passage]) {
            self.answer = answer; self.citations = citations; self.passages = passages
        }
    }

    /// Answers a question from retrieved passages: the prompt (``prompt(question:passages:)``)
    /// to `model`, and the answer's citations (``citations(in:passages:)``).
    ///
    /// The one composition of a grounded answer: `doc-chat`, the Platform API's `rag/query`
    /// and `dcoder rag eval-qa` all answer through it.
    ///
    /// - Parameter model: answers a system and a user message.
    public static func answer(_ question: String, from passages: [Passage],
                              model: (_ system: String, _ user: String) async throws -> String) async rethrows -> GroundedAnswer {
        let prompt = Self.prompt(question: question, passages: passages)
        let text = try await model(prompt.system, prompt.user)
        return GroundedAnswer(answer: text, citations: citations(in: text, passages: passages), passages: passages)
    }

    /// A citation of a grounded answer.
    public struct Citation: Sendable, Hashable {
        public var number: Int
        public var document: String
        public var chunk: String
        public var section: [String]
        public var start: Int
        public var end: Int
        public var page: Int?
    }

    /// The citations an answer's `[n]` markers make, in order of first mention; markers
    /// that name no passage are dropped.
    public static func citations(in answer: String, passages: [Passage]) -> [Citation] {
        var seen: [Int] = []
        for s in AnswerScoring.sentences(answer) { for n in s.citations where !seen.contains(n) { seen.append(n) } }
        return seen.compactMap { n in
            passages.first { $0.number == n }.map {
                Citation(number: n, document: $0.chunk.document, chunk: $0.chunk.id, section: $0.chunk.section,
                         start: $0.chunk.start, end: $0.chunk.end, page: $0.chunk.page)
            }
        }
    }
}
