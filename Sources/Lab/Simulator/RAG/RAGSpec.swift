import Mocks
import Config
import Foundation
import Retrieval

/// A scenario's `rag:` section: a corpus ingested into one tenant's knowledge base at the
/// start of the run, and questions answered from it (see Docs/scenarios.md).
public struct RAGSpec: Sendable {
    public var tenant: String
    /// Files of the corpus, with their formats.
    public var files: [(path: String, format: DocumentFormat)]
    public var questions: [RAGQuestion]
    public var topK: Int
    public var mode: KnowledgeBase.Mode
    public var chunkTokens: Int
    public var overlapTokens: Int
    /// Dimensions of the mock embedder.
    public var dimensions: Int
    /// How BM25 and dense hits are fused.
    public var fusion = HybridSearcher.Configuration()
}

extension ScenarioLoader {
    static func parseRAG(_ node: YAMLNode, context: inout ConfigReader.Context) throws -> RAGSpec {
        let f = try node.fields(["tenant", "corpus", "questions", "top_k", "mode", "chunk_tokens", "overlap_tokens", "dimensions", "fusion"])
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
                files.append((p, format))
                if let data = FileManager.default.contents(atPath: p) { context.hasher.update(data: data) }
            }
        }
        guard !files.isEmpty else { throw corpusNode.error("the corpus has no .md, .html, .pdf or .txt file") }
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
        var spec = RAGSpec(tenant: try f.required("tenant").nonEmptyString(), files: files, questions: questions,
                           topK: try f["top_k"]?.int(min: 1, max: 50) ?? 4, mode: mode,
                           chunkTokens: try f["chunk_tokens"]?.int(min: 16, max: 4096) ?? 120,
                           overlapTokens: try f["overlap_tokens"]?.int(min: 0, max: 512) ?? 20,
                           dimensions: try f["dimensions"]?.int(min: 16, max: 4096) ?? 256)
        if let fusion = f["fusion"] { spec.fusion = try parseFusion(fusion) }
        return spec
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

    /// Ingests the spec's corpus and answers its questions (the Lab's reader, mock embedder).
    public static func runRAG(_ spec: RAGSpec) throws -> RAGResults {
        let dims = spec.dimensions
        var knowledge = KnowledgeBase(dimension: dims, parser: DocumentParser(pdf: BuiltinPDFExtractor()),
                                      chunker: Chunker(maxTokens: spec.chunkTokens, overlapTokens: spec.overlapTokens),
                                      configuration: spec.fusion) { texts, _ in
            texts.map { HashingEmbedder.embed($0, dimensions: dims) }
        }
        var results = RAGResults()
        for (path, format) in spec.files {
            let name = (path as NSString).lastPathComponent
            do {
                guard let data = FileManager.default.contents(atPath: path) else { throw DocumentError(name, "cannot read the file") }
                let outcome = try knowledge.ingest(document: name, bytes: Array(data), format: format)
                var n = 0
                if case .added(let c) = outcome { n = c } else if case .replaced(let c) = outcome { n = c }
                results.documents.append(.init(name: name, chunks: n))
            } catch {
                results.documents.append(.init(name: name, chunks: 0, error: "\(error)"))
            }
        }
        results.answers = try RAGEvaluation.ask(spec.questions, of: knowledge, topK: spec.topK, mode: spec.mode)
        return results
    }
}
