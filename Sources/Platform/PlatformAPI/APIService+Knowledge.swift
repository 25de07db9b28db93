import Foundation
import Base
import Retrieval
import Storage

/// Documents, tracked ingestion jobs and grounded answers (RAG).
extension APIService {
    /// Documents arrive in one request, up to this many bytes.
    static let maximumDocumentsBodyBytes = 32 << 20

    static let knowledgeRoutes: [APIRoute] = [
        APIRoute("POST", "/api/v1/tenants/{tenant}/documents", "submitDocuments",
                 "Submit documents for ingestion: {documents: [{name, format (text|markdown|html|pdf, else from the name), content | content_base64}]}; answers 202 with the queued job.",
                 resource: "documents", status: 202, request: Schema.submitDocuments, response: Schema.job) { s, c in try await s.submitDocuments(c) },
        APIRoute("GET", "/api/v1/tenants/{tenant}/documents", "listDocuments", "The tenant's documents and their chunk counts.",
                 resource: "documents", response: Schema.array(Schema.object([:]))) { s, c in try await s.listDocuments(c) },
        APIRoute("GET", "/api/v1/tenants/{tenant}/ingestion-jobs/{job}", "getIngestionJob",
                 "An ingestion job: its state, each document's outcome and error, counts and timings.",
                 resource: "documents", response: Schema.job) { s, c in try await s.showJob(c) },
        APIRoute("POST", "/api/v1/tenants/{tenant}/rag/query", "ragQuery",
                 "Retrieve passages for {question, top_k, mode, filter} and, where a model is configured, a grounded answer with citations.",
                 resource: "rag", request: Schema.ragQuery, response: Schema.object([:])) { s, c in try await s.ragQuery(c) },
    ]

    static func jobView(_ j: IngestionJob) -> JSONValue {
        let f = ISO8601DateFormatter()
        var v: [String: JSONValue] = [
            "id": .string(j.id), "status": .string(j.status.rawValue), "submitted_at": .string(f.string(from: j.submittedAt)),
            "documents": .array(j.documents.map(JSONValue.string)), "attempts": .int(j.attempts),
            "counts": ["total": .int(j.documents.count),
                       "indexed": .int(j.outcomes.filter { $0.result == .indexed || $0.result == .replaced }.count),
                       "unchanged": .int(j.outcomes.filter { $0.result == .unchanged }.count),
                       "failed": .int(j.outcomes.filter { $0.result == .failed }.count)],
            "outcomes": .array(j.outcomes.map { o in
                var m: [String: JSONValue] = ["document": .string(o.document), "result": .string(o.result.rawValue),
                                              "chunks": .int(o.chunks), "milliseconds": .int(o.milliseconds)]
                m["error"] = o.error.map(JSONValue.string) ?? .null
                return .object(m)
            }),
        ]
        v["started_at"] = j.startedAt.map { .string(f.string(from: $0)) } ?? .null
        v["finished_at"] = j.finishedAt.map { .string(f.string(from: $0)) } ?? .null
        return .object(v)
    }

    func submitDocuments(_ context: RouteContext) async throws -> APIResponse {
        let object = try bodyObject(context, limit: Self.maximumDocumentsBodyBytes)
        try checkFields(object, allowed: ["documents"])
        guard let list = object["documents"]?.arrayValue, !list.isEmpty, list.count <= 100 else {
            throw APIProblem.invalid("The body is {\"documents\": [{\"name\", \"content\" or \"content_base64\", \"format\"}]} with 1 to 100 documents.")
        }
        var documents: [SubmittedDocument] = []
        for (i, item) in list.enumerated() {
            guard let d = item.objectValue, let name = d["name"]?.stringValue, !name.isEmpty, name.count <= 200, !name.contains("/") else {
                throw APIProblem.invalid("documents[\(i)] needs a \"name\" (1–200 characters, no '/').")
            }
            try checkFields(d, allowed: ["name", "format", "content", "content_base64"])
            let format: DocumentFormat
            if let f = d["format"]?.stringValue {
                guard let v = DocumentFormat(rawValue: f) else { throw APIProblem.invalid("documents[\(i)].format must be text, markdown, html or pdf.") }
                format = v
            } else {
                guard let v = DocumentFormat.of(fileName: name) else {
                    throw APIProblem.invalid("documents[\(i)]: no format given and none follows from the name '\(name.prefix(60))'.")
                }
                format = v
            }
            let bytes: [UInt8]
            if let text = d["content"]?.stringValue {
                bytes = Array(text.utf8)
            } else if let b64 = d["content_base64"]?.stringValue, let data = Data(base64Encoded: b64) {
                bytes = Array(data)
            } else {
                throw APIProblem.invalid("documents[\(i)] needs \"content\" (text) or \"content_base64\".")
            }
            guard !documents.contains(where: { $0.name == name }) else { throw APIProblem.invalid("documents[\(i)]: '\(name.prefix(60))' is given twice.") }
            documents.append(SubmittedDocument(name: name, format: format.rawValue, content: bytes))
        }
        let job = try await knowledge.submit(context.parameter("tenant"), store: try await store(context), id: "job_" + APIKeyText.hex(random(8)),
                                             documents: documents)
        try await audit(context, "documents.submit", "job:\(job.id)", old: nil, new: .array(documents.map { .string($0.name) }))
        return .json(202, Self.jobView(job))
    }

    func listDocuments(_ context: RouteContext) async throws -> APIResponse {
        let f = ISO8601DateFormatter()
        return .json(200, .array(try await store(context).documents().map { d in
            ["name": .string(d.name), "format": .string(d.format), "chunks": .int(d.chunks), "updated_at": .string(f.string(from: d.updatedAt))]
        }))
    }

    func showJob(_ context: RouteContext) async throws -> APIResponse {
        guard let job = try await store(context).job(id: context.parameter("job")) else {
            throw APIProblem.notFound("No ingestion job '\(context.parameter("job").prefix(60))' in this tenant.")
        }
        return .json(200, Self.jobView(job))
    }

    /// Runs the pending ingestion jobs of every active tenant (the drivers call this).
    public func runIngestion() async {
        for tenant in (try? await platform.tenants()) ?? [] where tenant.status == .active {
            guard let store = try? await tenantStore(tenant.id) else { continue }
            _ = try? await knowledge.runPending(tenant.id.rawValue, store: store)
        }
    }

    /// A grounded answer for a tenant (what the `doc-chat` model alias of the OpenAI-compatible
    /// endpoint answers): the top passages, the answer of the tenant's model, its citations.
    ///
    /// - Parameters:
    ///   - k: passages to answer from (default: the knowledge service's `answerPassages`),
    ///     retrieved the service's `answerMode` way.
    ///   - answer: answers the prompt instead of the service's answerer (the gateway
    ///     passes one that accounts the call to the client's key).
    public func groundedAnswer(tenant: String, question: String, k: Int? = nil,
                               answer custom: (@Sendable (_ system: String, _ user: String) async throws -> String)? = nil) async throws
        -> KnowledgeBase.GroundedAnswer {
        let settings = knowledge.settings
        let passages = try await knowledge.retrieve(tenant, store: try await tenantStore(try TenantID(tenant)), question: question,
                                                    k: k ?? settings.answerPassages, mode: settings.answerMode)
        guard !passages.isEmpty else { return .init(answer: "The knowledge base has no documents to answer from.", citations: [], passages: []) }
        if let custom { return try await KnowledgeBase.answer(question, from: passages, model: custom) }
        guard let answerer else { throw APIProblem(status: 501, title: "No model", detail: "No model is configured to answer.") }
        return try await KnowledgeBase.answer(question, from: passages) { system, user in try await answerer(tenant, system, user) }
    }

    /// A query's `filter`: `{"document": "a.md"}` or `{"document": ["a.md", "b.md"]}`.
    static func metadataFilter(_ value: JSONValue) throws -> MetadataFilter {
        guard let fields = value.objectValue, !fields.isEmpty else {
            throw APIProblem.invalid("\"filter\" is an object of metadata fields, like {\"document\": [\"expenses.md\"]}.")
        }
        var filters: [MetadataFilter] = []
        for (field, wanted) in fields.sorted(by: { $0.key < $1.key }) {
            guard field == "document" else { throw APIProblem.invalid("\"filter\" can name \"document\"; not \"\(field)\".") }
            let names: [String]
            if let one = wanted.stringValue { names = [one] } else if let many = wanted.arrayValue?.compactMap(\.stringValue),
                                                                     many.count == wanted.arrayValue?.count, !many.isEmpty, many.count <= 1000 {
                names = many
            } else {
                throw APIProblem.invalid("\"filter.\(field)\" is a name or a list of 1 to 1000 names.")
            }
            filters.append(.oneOf(field: field, values: Set(names)))
        }
        return filters.count == 1 ? filters[0] : .all(filters)
    }

    /// A query's `fusion`: `{"method": "rrf"|"weighted", "k": 60, "weights": {"bm25": 1, "dense": 1}, "depth": 100}`.
    static func fusion(_ value: JSONValue) throws -> HybridSearcher.Configuration {
        guard let f = value.objectValue else { throw APIProblem.invalid("\"fusion\" is an object: {method, k, weights: {bm25, dense}, depth}.") }
        if let extra = f.keys.sorted().first(where: { !["method", "k", "weights", "depth"].contains($0) }) {
            throw APIProblem.invalid("\"fusion\" has no field \"\(extra)\" (method, k, weights, depth).")
        }
        if let w = f["weights"], w.objectValue == nil { throw APIProblem.invalid("\"fusion.weights\" is an object: {bm25, dense}.") }
        let weights = f["weights"]?.objectValue ?? [:]
        if let extra = weights.keys.sorted().first(where: { $0 != "bm25" && $0 != "dense" }) {
            throw APIProblem.invalid("\"fusion.weights\" has no field \"\(extra)\" (bm25, dense).")
        }
        func number(_ v: JSONValue?, _ name: String) throws -> Double? {
            guard let v else { return nil }
            guard let n = v.numberValue else { throw APIProblem.invalid("\"\(name)\" must be a number.") }
            return n
        }
        do {
            return try HybridSearcher.configuration(
                method: try f["method"].map { m in guard let s = m.stringValue else { throw APIProblem.invalid("\"fusion.method\" must be a string.") }; return s },
                k: try number(f["k"], "fusion.k"), bm25Weight: try number(weights["bm25"], "fusion.weights.bm25"),
                denseWeight: try number(weights["dense"], "fusion.weights.dense"), depth: try number(f["depth"], "fusion.depth").map { d in
                    guard d == d.rounded(), abs(d) < 1e9 else { throw APIProblem.invalid("\"fusion.depth\" must be a whole number.") }
                    return Int(d)
                })
        } catch let e as HybridSearcher.ConfigurationError {
            throw APIProblem.invalid("\(e)")
        }
    }

    func ragQuery(_ context: RouteContext) async throws -> APIResponse {
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["question", "top_k", "mode", "filter", "fusion"])
        guard let question = object["question"]?.stringValue, !question.isEmpty, question.count <= 4000 else {
            throw APIProblem.invalid("The body needs \"question\" (1–4000 characters).")
        }
        let k = object["top_k"]?.integerValue ?? 4
        guard (1...50).contains(k) else { throw APIProblem.invalid("\"top_k\" must be 1 to 50.") }
        let mode = try object["mode"].map { m -> KnowledgeBase.Mode in
            guard let v = m.stringValue.flatMap(KnowledgeBase.Mode.init(rawValue:)) else { throw APIProblem.invalid("\"mode\" must be bm25, dense or hybrid.") }
            return v
        } ?? .hybrid
        let filter = try object["filter"].map(Self.metadataFilter)
        let fusion = try object["fusion"].map(Self.fusion)
        let tenant = context.parameter("tenant")
        let passages = try await knowledge.retrieve(tenant, store: try await store(context), question: question, k: k, mode: mode,
                                                    filter: filter, fusion: fusion)
        var out: [String: JSONValue] = [
            "question": .string(question),
            "passages": .array(passages.map { p in
                var v: [String: JSONValue] = [
                    "n": .int(p.number), "document": .string(p.chunk.document), "chunk": .string(p.chunk.id),
                    "section": .array(p.chunk.section.map(JSONValue.string)), "start": .int(p.chunk.start),
                    "end": .int(p.chunk.end), "text": .string(p.chunk.text), "score": .double(p.score),
                ]
                v["page"] = p.chunk.page.map { .int($0) } ?? .null
                return .object(v)
            }),
        ]
        if let answerer, !passages.isEmpty {
            let grounded = try await KnowledgeBase.answer(question, from: passages) { system, user in try await answerer(tenant, system, user) }
            out["answer"] = .string(grounded.answer)
            out["citations"] = .array(grounded.citations.map { c in
                ["n": .int(c.number), "document": .string(c.document), "chunk": .string(c.chunk),
                 "start": .int(c.start), "end": .int(c.end)]
            })
        }
        return .json(200, .object(out))
    }
}
