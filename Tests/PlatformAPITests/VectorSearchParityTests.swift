import Base
import Foundation
import PlatformAPI
import Retrieval
import Storage
import TestSupport
import Testing

/// The same documents and questions give the same top passages on SQLite (dense search in
/// memory) and on PostgreSQL (dense search by pgvector's HNSW index).
@Suite(.serialized) struct VectorSearchParityTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Top passages per question and mode on one backend.
    static func ranking(_ kind: BackendKind) async throws -> [[String]] {
        var out: [[String]] = []
        try await Self.withStore(kind) { store in
            let knowledge = KnowledgeService(clock: { Date(timeIntervalSince1970: 1_780_000_000) })
            let docs = try ["expenses.md", "security.html", "onboarding.txt"].map { name -> SubmittedDocument in
                let data = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/Corpora/handbook/" + name))
                return SubmittedDocument(name: name, format: DocumentFormat.of(fileName: name)!.rawValue, content: Array(data))
            }
            _ = try await knowledge.submit("acme", store: store, id: "job_1", documents: docs)
            let jobs = try await knowledge.runPending("acme", store: store)
            #expect(jobs.first?.status == .succeeded)
            if case .postgres = kind {
                #expect(try await store.nearestChunks(to: HashingEmbedder.embed("expense claims", dimensions: 256), k: 3)?.count == 3)
            } else {
                #expect(try await store.nearestChunks(to: [1, 0], k: 3) == nil)
            }
            for question in ["Within how many days must expense claims be filed?", "How often are provider API keys rotated?",
                             "Where do new engineers get their laptop?", "What is the first response time for a critical incident?",
                             "Who approves claims of 500 euros or more?"] {
                for mode in [KnowledgeBase.Mode.dense, .hybrid] {
                    out.append(try await knowledge.retrieve("acme", store: store, question: question, k: 4, mode: mode).map(\.chunk.id))
                    // Restricted to two documents: only their chunks, ranked alike on both backends.
                    let filtered = try await knowledge.retrieve("acme", store: store, question: question, k: 4, mode: mode,
                                                                filter: .oneOf(field: "document", values: ["security.html", "onboarding.txt"]))
                    #expect(filtered.allSatisfy { $0.chunk.document != "expenses.md" })
                    out.append(filtered.map(\.chunk.id))
                }
            }
        }
        return out
    }

    static func withStore(_ kind: BackendKind, _ body: (any TenantStore) async throws -> Void) async throws {
        let backend: any StorageBackend
        var scratch: PostgresScratch?
        var directory: URL?
        switch kind {
        case .sqlite:
            let d = FileManager.default.temporaryDirectory.appendingPathComponent("parity-\(UUID().uuidString)")
            directory = d
            backend = SQLiteBackend(dataDirectory: d)
        case .postgres(let adminURL):
            let s = try PostgresScratch(adminURL: adminURL)
            try await s.create()
            scratch = s
            backend = try PostgresBackend(url: s.url, configuration: s.configuration)
        }
        do {
            let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
            let provisioner = TenantProvisioner(backend: backend, platform: platform)
            try await provisioner.createTenant(id: TenantID("acme"), name: "Acme", now: Date())
            try await body(try await provisioner.openTenantStore(TenantID("acme"), now: Date()))
        } catch {
            try? await backend.shutdown()
            try? await scratch?.drop()
            if let directory { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
        try await backend.shutdown()
        try await scratch?.drop()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func bothBackendsReturnTheSameTopPassages() async throws {
        let sqlite = try await Self.ranking(.sqlite)
        #expect(sqlite.count == 20 && sqlite.allSatisfy { $0.count == 4 })
        guard let postgres = BackendKind.available.first(where: { if case .postgres = $0 { true } else { false } }) else { return }
        let pg = try await Self.ranking(postgres)
        #expect(pg == sqlite)
    }

    /// Vectors of two models are never mixed: when a tenant's embedding model changes, its
    /// stored documents are embedded again by the new one (from their stored chunks), and
    /// a re-submission with the same bytes is then unchanged.
    @Test func aNewEmbeddingModelReembedsStoredDocuments() async throws {
        try await Self.withStore(.sqlite) { store in
            let knowledge = KnowledgeService(clock: { Date(timeIntervalSince1970: 1_780_000_000) })
            let bytes = Array("# Keys\n\nProvider keys rotate every 90 days.\n\n# Laptops\n\nLaptops come from IT on day one.\n".utf8)
            let doc = SubmittedDocument(name: "a.md", format: "markdown", content: bytes)
            _ = try await knowledge.submit("acme", store: store, id: "job_1", documents: [doc])
            _ = try await knowledge.runPending("acme", store: store)
            let contentHash = KnowledgeBase.contentHash(bytes)
            #expect(try await store.documentHash("a.md") == contentHash)
            let before = try await store.storedChunks().map(\.vector)

            let embedded = Locked<[String]>([])
            await knowledge.useTenantEmbeddings({ _, texts, _, dimensions in
                embedded.withLock { $0 += texts }
                return texts.map { HashingEmbedder.embed("model-b " + $0, dimensions: dimensions) }
            }, space: { _ in "openai/text-embedding-3-small" })
            let hits = try await knowledge.retrieve("acme", store: store, question: "How often do keys rotate?", k: 1, mode: .dense)
            #expect(hits.first?.chunk.document == "a.md")
            #expect(try await store.documentHash("a.md") == contentHash + "@openai/text-embedding-3-small")
            let chunks = try await store.storedChunks()
            #expect(embedded.value.count == chunks.count + 1)  // every chunk, then the question
            #expect(chunks.count == before.count && chunks.map(\.vector) != before)

            _ = try await knowledge.submit("acme", store: store, id: "job_2", documents: [doc])
            let again = try await knowledge.runPending("acme", store: store)
            #expect(again.first?.outcomes.first?.result == .unchanged)
        }
    }
}
