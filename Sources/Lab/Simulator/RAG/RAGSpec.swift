import Base
import Config
import Foundation
import PlatformAPI
import Retrieval

/// A scenario's `rag:` section: a corpus one tenant submits as a tracked ingestion job
/// through the Platform API, and questions it asks through the gateway's `doc-chat` model
/// (see Docs/scenarios.md). The retrieval settings are the Lab platform's knowledge service's.
public struct RAGSpec: Sendable {
    public var tenant: String
    /// The virtual key the questions are asked with (the tenant's first by default).
    public var key: String
    /// Files of the corpus, with their formats.
    public var files: [(path: String, format: DocumentFormat)]
    public var questions: [RAGQuestion]
    /// When the corpus is submitted.
    public var at: Instant
    /// How often the Lab's ingestion service runs pending jobs (live: every second).
    public var ingestEvery: Nanoseconds
    /// The time between two questions, the first one `askEvery` after the job ends.
    public var askEvery: Nanoseconds
    /// The knowledge service's settings: dimensions of the mock embedder, the chunker, the
    /// fusion, and the passages (`top_k`, `mode`) a grounded answer is given.
    public var knowledge: KnowledgeService.Settings
}

extension ScenarioLoader {
    static func parseRAG(_ node: YAMLNode, tenants: [TenantSpec], duration: Nanoseconds, context: inout ConfigReader.Context) throws -> RAGSpec {
        let f = try node.fields(["tenant", "key", "corpus", "questions", "at", "ingest_every", "ask_every", "top_k", "mode",
                                 "chunk_tokens", "overlap_tokens", "dimensions", "fusion"])
        let tenantNode = try f.required("tenant")
        let tenantID = try tenantNode.nonEmptyString()
        guard let tenant = tenants.first(where: { $0.id == tenantID }) else {
            throw tenantNode.error("no tenant '\(tenantID)' in the scenario's tenants: the questions are doc-chat calls with one of its virtual keys")
        }
        var key = tenant.keys.first ?? ""
        if let k = f["key"] {
            key = try k.nonEmptyString()
            guard tenant.keys.contains(key) else { throw k.error("'\(key)' is not one of tenant \(tenantID)'s virtual keys") }
        }
        guard !key.isEmpty else { throw tenantNode.error("tenant '\(tenantID)' has no virtual key to ask doc-chat with") }
        guard !tenant.aliases.isEmpty else { throw tenantNode.error("tenant '\(tenantID)' has no model alias to answer with (its first alias by name answers)") }
        let corpusNode = try f.required("corpus")
        var files: [(String, DocumentFormat)] = []
        for entry in corpusNode.isSequence ? try corpusNode.list() : [corpusNode] {
            let path = ConfigReader.resolve(try entry.nonEmptyString(), context)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw entry.error("no file or folder '\(path)'") }
            let paths = isDir.boolValue
                ? (try FileManager.default.contentsOfDirectory(atPath: path)).sorted().map { (path as NSString).appendingPathComponent($0) }
                : [path]
            for p in paths {
                guard let format = DocumentFormat.of(fileName: p) else { continue }
                guard FileManager.default.isReadableFile(atPath: p) else { throw entry.error("cannot read '\(p)'") }
                files.append((p, format))
                if let data = FileManager.default.contents(atPath: p) { context.hasher.update(data: data) }
            }
        }
        guard !files.isEmpty else { throw corpusNode.error("the corpus has no .md, .html, .pdf or .txt file") }
        guard files.count <= 100 else { throw corpusNode.error("the corpus has \(files.count) files; one ingestion job takes at most 100") }
        let names = files.map { ($0.0 as NSString).lastPathComponent }
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw corpusNode.error("two files are named '\(twice)'; documents are known by their names")
        }
        let qNode = try f.required("questions")
        let qPath = ConfigReader.resolve(try qNode.nonEmptyString(), context)
        let text = try ConfigReader.readText(qPath, from: qNode)
        context.hasher.update(data: Array(text.utf8))
        let root = try YAMLNode.parse(text, file: qPath)
        var questions: [RAGQuestion] = []
        for q in try root.fields(["questions"]).required("questions").list() {
            let qf = try q.fields(["id", "question", "answers", "gold"])
            var gold: [RAGQuestion.Gold] = []
            for g in try qf["gold"]?.list() ?? [] {
                let gf = try g.fields(["document", "quote"])
                gold.append(.init(document: try gf.required("document").nonEmptyString(), quote: try gf["quote"]?.nonEmptyString()))
            }
            questions.append(RAGQuestion(id: try qf.required("id").nonEmptyString(), question: try qf.required("question").nonEmptyString(),
                                         answers: try qf.required("answers").list().map { try $0.string() }, gold: gold))
        }
        var mode = KnowledgeBase.Mode.hybrid
        if let m = f["mode"] {
            guard let v = KnowledgeBase.Mode(rawValue: try m.string()) else { throw m.error("expected bm25, dense or hybrid") }
            mode = v
        }
        let at = try f["at"]?.duration() ?? .zero
        let ingestEvery = try f["ingest_every"]?.duration() ?? .seconds(1)
        let askEvery = try f["ask_every"]?.duration() ?? .seconds(1)
        for (name, value) in [("ingest_every", ingestEvery), ("ask_every", askEvery)] where value.value < 1_000_000 {
            throw (f[name] ?? node).error("\(name) must be at least 1ms")
        }
        // The job is submitted at `at`, ingested at the next run of the ingestion service,
        // and the questions follow one by one: all of it must fit in the run.
        let needed = at + ingestEvery + Nanoseconds(askEvery.value * Int64(questions.count))
        guard needed.value <= duration.value else {
            throw (f["ask_every"] ?? f["ingest_every"] ?? f["at"] ?? node).error("the questions would end at \(DurationFormat.format(needed)), after the run's \(DurationFormat.format(duration)): "
                + "lengthen the run or shorten at, ingest_every or ask_every")
        }
        let dimensions = try f["dimensions"]?.int(min: 16, max: 4096) ?? 256
        let chunker = Chunker(maxTokens: try f["chunk_tokens"]?.int(min: 16, max: 4096) ?? 120,
                              overlapTokens: try f["overlap_tokens"]?.int(min: 0, max: 512) ?? 20)
        let fusion = try f["fusion"].map(parseFusion) ?? HybridSearcher.Configuration()
        return RAGSpec(tenant: tenantID, key: key, files: files, questions: questions, at: Instant.zero + at, ingestEvery: ingestEvery,
                       askEvery: askEvery,
                       knowledge: .init(dimension: dimensions, chunker: chunker, parser: DocumentParser(pdf: BuiltinPDFExtractor()),
                                        fusion: fusion, answerPassages: try f["top_k"]?.int(min: 1, max: 50) ?? 4, answerMode: mode))
    }

    /// `fusion: {method: rrf|weighted, k: 60, weights: {bm25: 1, dense: 1}, depth: 100}`.
    static func parseFusion(_ node: YAMLNode) throws -> HybridSearcher.Configuration {
        let f = try node.fields(["method", "k", "weights", "depth"])
        let w = try f["weights"]?.fields(["bm25", "dense"])
        do {
            return try HybridSearcher.configuration(method: try f["method"]?.string(), k: try f["k"]?.double(),
                                                    bm25Weight: try w?["bm25"]?.double(), denseWeight: try w?["dense"]?.double(),
                                                    depth: try f["depth"]?.int(min: 1, max: 1000))
        } catch let e as HybridSearcher.ConfigurationError {
            throw node.error("\(e)")
        }
    }
}
