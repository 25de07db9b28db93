import Foundation
import Retrieval
import Storage

/// Tracked ingestion and retrieval for each tenant: jobs and documents live in the tenant's
/// database (chunks with their vectors), the indexes in memory, rebuilt from the database
/// on first use after a start.
///
/// A submitted job is `queued`; ``runPending(_:store:)`` — called by the driver (the live
/// server every second and at start-up, the Lab after each step) — takes every queued job,
/// and every job left `running` by a restart, and processes its documents: a document whose
/// bytes did not change is `unchanged`, a new one `indexed`, a changed one `replaced`, a bad
/// one `failed` with its error; the job ends `succeeded`, `partially_failed` or `failed`.
/// Processing is idempotent, so resuming a job is always safe.
public actor KnowledgeService {
    public struct Settings: Sendable {
        public var dimension: Int
        public var chunker: Chunker
        public var parser: DocumentParser
        /// How BM25 and dense hits are fused (a query may bring its own).
        public var fusion: HybridSearcher.Configuration
        /// Passages a grounded answer (`doc-chat`) is given.
        public var answerPassages: Int
        /// How a grounded answer's passages are retrieved.
        public var answerMode: KnowledgeBase.Mode
        public init(dimension: Int = 256, chunker: Chunker = Chunker(), parser: DocumentParser = DocumentParser(),
                    fusion: HybridSearcher.Configuration = .init(), answerPassages: Int = 4, answerMode: KnowledgeBase.Mode = .hybrid) {
            self.dimension = dimension; self.chunker = chunker; self.parser = parser
            self.fusion = fusion; self.answerPassages = answerPassages; self.answerMode = answerMode
        }
    }

    /// Embeds a tenant's texts through its embedding model, `nil` when it has none.
    public typealias TenantEmbed = @Sendable (_ tenant: String, _ texts: [String], _ query: Bool, _ dimensions: Int) async throws -> [[Float]]?

    public nonisolated let settings: Settings
    let embed: KnowledgeBase.Embed
    /// Set by the driver once the gateway exists (the gateway is built after this service).
    private var tenantEmbed: TenantEmbed?
    /// The embedding model a tenant's vectors come from (`nil`: the default embedder).
    private var tenantSpace: (@Sendable (String) -> String?)?
    /// The space each tenant's stored vectors were last checked against.
    private var checkedSpace: [String: String] = [:]
    let clock: @Sendable () -> Date
    private var bases: [String: KnowledgeBase] = [:]

    /// - Parameter embed: embeds passages and questions for tenants without an embedding
    ///   model (default: the hashing embedder).
    public init(settings: Settings = Settings(), clock: @escaping @Sendable () -> Date,
                embed: KnowledgeBase.Embed? = nil) {
        self.settings = settings
        self.clock = clock
        let dims = settings.dimension
        self.embed = embed ?? { texts, _ in texts.map { HashingEmbedder.embed($0, dimensions: dims) } }
    }

    /// Embeds through each tenant's embedding model from now on (``TenantEmbedder``);
    /// `space` names a tenant's model (`nil`: the default embedder).
    ///
    /// Vectors of different models cannot be compared, so each stored document records the
    /// model its vectors came from (its stored hash is the content's SHA-256, then `@model`
    /// for a tenant model), and documents embedded by another model than the tenant's
    /// current one are embedded again, from their stored chunks, before the next job runs.
    public func useTenantEmbeddings(_ embed: @escaping TenantEmbed, space: @escaping @Sendable (String) -> String?) {
        tenantEmbed = embed
        tenantSpace = space
        checkedSpace = [:]
    }

    /// A document's stored hash: its content's SHA-256, and the embedding model if not the default.
    func storedHash(_ contentHash: String, tenant: String) -> String {
        tenantSpace?(tenant).map { contentHash + "@" + $0 } ?? contentHash
    }

    /// Brings the tenant's stored vectors to its current embedding model (at most once per
    /// model change; a failure is retried next time).
    func refreshSpace(_ tenant: String, store: any TenantStore) async throws {
        guard checkedSpace[tenant] != (tenantSpace?(tenant) ?? "") else { return }
        var base = try await base(tenant, store: store)
        defer { bases[tenant] = base }
        try await reembedIfNeeded(tenant, store: store, base: &base)
    }

    /// Embeds again, with the tenant's current model, every document embedded by another.
    func reembedIfNeeded(_ tenant: String, store: any TenantStore, base: inout KnowledgeBase) async throws {
        let space = tenantSpace?(tenant) ?? ""
        guard checkedSpace[tenant] != space else { return }
        let formats = Dictionary(try await store.documents().map { ($0.name, $0.format) }, uniquingKeysWith: { a, _ in a })
        for (name, entry) in base.documents.sorted(by: { $0.key < $1.key }) {
            let contentHash = String(entry.hash.prefix { $0 != "@" })
            let wanted = storedHash(contentHash, tenant: tenant)
            guard entry.hash != wanted else { continue }
            let chunks = entry.chunks.compactMap { base.chunk($0) }
            let vectors = try await vectors(tenant, chunks.map(\.indexText), query: false)
            let prepared = try base.prepared(document: name, hash: wanted, chunks: chunks, vectors: vectors)
            try await store.replaceDocument(name, format: formats[name] ?? DocumentFormat.text.rawValue, sha256: wanted, chunks: Self.stored(prepared), now: clock())
            try base.index(prepared)
        }
        checkedSpace[tenant] = space
    }

    static func stored(_ prepared: KnowledgeBase.Prepared) -> [StoredChunk] {
        zip(prepared.chunks, prepared.vectors).map { c, v in
            StoredChunk(id: c.id, document: c.document, index: c.index, text: c.text, section: c.section,
                        start: c.start, end: c.end, page: c.page, vector: v)
        }
    }

    /// The vectors of `texts` for `tenant`: its embedding model's, else the default embedder's.
    func vectors(_ tenant: String, _ texts: [String], query: Bool) async throws -> [[Float]] {
        if let tenantEmbed, let v = try await tenantEmbed(tenant, texts, query, settings.dimension) { return v }
        return try embed(texts, query)
    }

    /// The tenant's knowledge base, loaded from its database on first use.
    func base(_ tenant: String, store: any TenantStore) async throws -> KnowledgeBase {
        if let b = bases[tenant] { return b }
        var base = KnowledgeBase(dimension: settings.dimension, parser: settings.parser, chunker: settings.chunker,
                                 configuration: settings.fusion, embed: embed)
        var byDocument: [String: [StoredChunk]] = [:]
        for c in try await store.storedChunks() { byDocument[c.document, default: []].append(c) }
        for (doc, stored) in byDocument.sorted(by: { $0.key < $1.key }) {
            let hash = try await store.documentHash(doc) ?? ""
            let chunks = stored.map { DocumentChunk(document: doc, index: $0.index, text: $0.text, section: $0.section, start: $0.start, end: $0.end, page: $0.page) }
            try base.index(.init(document: doc, hash: hash, chunks: chunks, vectors: stored.map(\.vector)))
        }
        bases[tenant] = base
        return base
    }

    /// Records a queued job for `documents`.
    public func submit(_ tenant: String, store: any TenantStore, id: String, documents: [SubmittedDocument]) async throws -> IngestionJob {
        let job = IngestionJob(id: id, status: .queued, submittedAt: clock(), documents: documents.map(\.name))
        try await store.createJob(job, documents: documents)
        return job
    }

    /// Processes the tenant's queued jobs, and resumes any a restart interrupted.
    @discardableResult
    public func runPending(_ tenant: String, store: any TenantStore) async throws -> [IngestionJob] {
        var done: [IngestionJob] = []
        try? await refreshSpace(tenant, store: store)  // on failure, retried next time; the jobs run regardless
        for var job in try await store.jobs(in: [.queued, .running]) {
            job.status = .running
            job.attempts += 1
            job.startedAt = clock()
            job.outcomes = []
            try await store.updateJob(job)
            var base = try await base(tenant, store: store)
            for document in try await store.jobDocuments(job.id) {
                let started = clock()
                var outcome: IngestionJob.Outcome
                do {
                    guard let format = DocumentFormat(rawValue: document.format) else {
                        throw DocumentError(document.name, "unknown format '\(document.format)'")
                    }
                    let hash = storedHash(KnowledgeBase.contentHash(document.content), tenant: tenant)
                    if try await store.documentHash(document.name) == hash, base.has(document: document.name, hash: hash) {
                        outcome = .init(document: document.name, result: .unchanged, chunks: 0)
                    } else {
                        let chunks = try base.chunks(document: document.name, bytes: document.content, format: format)
                        let vectors: [[Float]]
                        do { vectors = try await self.vectors(tenant, chunks.map(\.indexText), query: false) } catch {
                            throw DocumentError(document.name, "embedding failed: \(error)")
                        }
                        let prepared = try base.prepared(document: document.name, hash: hash, chunks: chunks, vectors: vectors)
                        let stored = Self.stored(prepared)
                        try await store.replaceDocument(document.name, format: format.rawValue, sha256: hash, chunks: stored, now: clock())
                        let result = try base.index(prepared)
                        if case .replaced = result {
                            outcome = .init(document: document.name, result: .replaced, chunks: stored.count)
                        } else {
                            outcome = .init(document: document.name, result: .indexed, chunks: stored.count)
                        }
                    }
                } catch let e as DocumentError {
                    outcome = .init(document: document.name, result: .failed, chunks: 0, error: e.message)
                } catch {
                    outcome = .init(document: document.name, result: .failed, chunks: 0, error: "\(error)")
                }
                outcome.milliseconds = Int(clock().timeIntervalSince(started) * 1000)
                job.outcomes.append(outcome)
            }
            bases[tenant] = base
            let failed = job.outcomes.filter { $0.result == .failed }.count
            job.status = failed == 0 ? .succeeded : (failed == job.outcomes.count ? .failed : .partiallyFailed)
            job.finishedAt = clock()
            try await store.updateJob(job)
            done.append(job)
        }
        return done
    }

    /// The top passages for a question.
    ///
    /// On PostgreSQL the dense half runs in the database (pgvector); BM25 and the fusion are
    /// the same code either way, so both backends rank alike. A filtered search runs dense
    /// in memory, exactly, on both (an HNSW scan filtered afterwards can come back short).
    public func retrieve(_ tenant: String, store: any TenantStore, question: String, k: Int, mode: KnowledgeBase.Mode,
                         filter: MetadataFilter? = nil, fusion: HybridSearcher.Configuration? = nil) async throws -> [KnowledgeBase.Passage] {
        try? await refreshSpace(tenant, store: store)  // on failure, retried by the next call or job run
        let base = try await base(tenant, store: store)
        guard mode != .bm25 else { return try base.retrieve(question, k: k, mode: mode, filter: filter) }
        guard let vector = try await vectors(tenant, [question], query: true).first else {
            throw DocumentError(question, "the embedder returned no vector for the question")
        }
        let depth = mode == .dense ? k : (fusion ?? base.searcher.configuration).vectorDepth
        guard filter == nil, let found = try await store.nearestChunks(to: vector, k: depth) else {
            return try base.retrieve(question, k: k, mode: mode, questionVector: vector, filter: filter, fusion: fusion)
        }
        let hits = found.enumerated().map { SearchHit(id: $1.id, score: $1.score, rank: $0 + 1) }
        return try base.retrieve(question, k: k, mode: mode, questionVector: vector, denseSearch: { _, _ in hits }, fusion: fusion)
    }
}
