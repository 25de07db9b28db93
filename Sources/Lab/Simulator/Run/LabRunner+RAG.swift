import Foundation
import Base
import Gateway
import Retrieval
import PlatformAPI

/// A scenario's `rag:` section, the live way: the tenant is provisioned through the Lab's
/// Platform API, its corpus submitted as one tracked ingestion job
/// (`POST /api/v1/tenants/{t}/documents`), the job run by the ingestion service at virtual
/// times (every `ingest_every`, as `dcoder serve` runs it every second), and each question
/// asked, one at a time, as a `doc-chat` call through a gateway replica with the tenant's
/// virtual key (``docChatStep(_:platform:)``). The scores are computed from what each
/// `doc-chat` call answered with: its answer, its citations and the passages behind them.
extension LabRunner {
    /// The `rag:` section's progress through a run.
    struct RAGRun {
        var job: RAGResults.Job?
        var documents: [RAGResults.Document] = []
        var ingestRuns = 0
        var answers: [Int: RAGAnswer] = [:]
    }

    /// The users the section acts as: a platform admin who creates the tenant, and its owner.
    static let ragAdmin = "rag-admin"
    static let ragOwner = "rag-owner"
    /// Runs of the ingestion service before a job still unfinished is given up.
    static let ragIngestRunsMax = 60

    /// Provisions the tenant (unless a step already created it) and submits the corpus as
    /// one ingestion job.
    func ragSubmit(_ spec: RAGSpec, platform: LabPlatform) async {
        let at = clock.now()
        let now = platform.setTime(clock.date(of: at))
        let flow = platform.flow
        var errors: [String] = []
        if let e = await flow.perform(.signIn(user: Self.ragAdmin, tenant: nil, roles: [], platformRoles: ["platform-admin"], expect: 200),
                                      at: at, now: now) { errors.append(e) }
        let exists = (try? await platform.platform.tenants())?.contains { $0.id.rawValue == spec.tenant } ?? false
        if !exists, let e = await flow.perform(.createTenant(as: Self.ragAdmin, id: spec.tenant, name: nil, expect: 201), at: at, now: now) {
            errors.append(e)
        }
        if let e = await flow.perform(.signIn(user: Self.ragOwner, tenant: spec.tenant, roles: ["owner"], platformRoles: [], expect: 200),
                                      at: at, now: now) { errors.append(e) }
        await applyConfiguredQuotas(platform)
        var documents: [JSONValue] = []
        for (path, format) in spec.files {
            guard let data = FileManager.default.contents(atPath: path) else { errors.append("cannot read '\(path)'"); continue }
            documents.append(.object(["name": .string((path as NSString).lastPathComponent), "format": .string(format.rawValue),
                                      "content_base64": .string(data.base64EncodedString())]))
        }
        let body = JSONValue.object(["documents": .array(documents)]).serialized()
        switch await flow.request(Self.ragOwner, "POST", "/api/v1/tenants/\(spec.tenant)/documents", body: body, expect: 202, at: at) {
        case .success(let response):
            if let id = response.json?["id"]?.stringValue {
                ragRun.job = RAGResults.Job(id: id, status: response.json?["status"]?.stringValue ?? "queued", submittedAt: at, finishedAt: nil)
                queue.schedule(at: at + spec.ingestEvery, .ragIngest)
            } else {
                errors.append("the submitted job has no id")
            }
        case .failure(let problem):
            errors.append(problem.message)
        }
        stepLog.append(StepOutcome(at: at, description: "rag: \(Self.ragOwner) submits \(spec.files.count) documents of tenant \(spec.tenant)"
                                       + (ragRun.job.map { " (job \($0.id))" } ?? ""),
                                   error: errors.isEmpty ? nil : errors.joined(separator: "; ")))
    }

    /// A run of the ingestion service; once the job has ended, the questions are scheduled.
    func ragIngest(_ spec: RAGSpec, platform: LabPlatform) async {
        guard let job = ragRun.job else { return }
        let at = clock.now()
        _ = platform.setTime(clock.date(of: at))
        await platform.service.runIngestion()
        ragRun.ingestRuns += 1
        let view: JSONValue
        switch await platform.flow.request(Self.ragOwner, "GET", "/api/v1/tenants/\(spec.tenant)/ingestion-jobs/\(job.id)", expect: 200, at: at) {
        case .success(let response): view = response.json ?? .null
        case .failure(let problem):
            stepLog.append(StepOutcome(at: at, description: "rag: read ingestion job \(job.id)", error: problem.message))
            return
        }
        let status = view["status"]?.stringValue ?? "unknown"
        ragRun.job?.status = status
        if status == "queued" || status == "running" {
            guard ragRun.ingestRuns < Self.ragIngestRunsMax else {
                stepLog.append(StepOutcome(at: at, description: "rag: ingestion job \(job.id)",
                                           error: "still \(status) after \(ragRun.ingestRuns) runs of the ingestion service"))
                return
            }
            queue.schedule(at: at + spec.ingestEvery, .ragIngest)
            return
        }
        ragRun.job?.finishedAt = at
        ragRun.documents = (view["outcomes"]?.arrayValue ?? []).map { o in
            RAGResults.Document(name: o["document"]?.stringValue ?? "", result: o["result"]?.stringValue ?? "",
                                chunks: o["chunks"]?.integerValue ?? 0, error: o["error"]?.stringValue)
        }.sorted { $0.name < $1.name }
        stepLog.append(StepOutcome(at: at, description: "rag: the ingestion service ran job \(job.id): \(status)", error: nil))
        for i in spec.questions.indices {
            queue.schedule(at: at + Nanoseconds(spec.askEvery.value * Int64(i + 1)), .ragQuestion(index: Int32(i)))
        }
    }

    /// Asks one question as a `doc-chat` call with the tenant's virtual key.
    func ragQuestion(_ index: Int, _ spec: RAGSpec) {
        let now = clock.now()
        let question = spec.questions[index]
        let request = ChatCompletionRequest(model: GatewayNode.docChatModel, messages: [ChatMessage(role: "user", content: question.question)])
        let key = RunMetrics.CallKey(tenant: metrics.index(of: spec.tenant), model: metrics.index(ofModel: GatewayNode.docChatModel),
                                     key: metrics.index(ofKey: spec.key), provider: -1, stream: false, status: 0, errorKind: -1)
        let id = requestIDs.make(prefix: "chatcmpl-")
        guard let replica = balance() else {
            ragRun.answers[index] = RAGAnswer(question: question, grounded: .init(answer: "", citations: [], passages: []),
                                              call: .init(requestID: id, at: now, status: 502, error: "no gateway replica is up", model: nil))
            return
        }
        let r = replicas[replica]
        var step = r.node.receive(.request(request), authorization: "Bearer " + spec.key, requestID: id, now: now)
        if case .acquireShared(let pending, let scopes, let tokens) = step {
            step = r.node.limited(pending, sharedLimiter.acquire(scopes, promptTokens: tokens, now: now), now: now)
        }
        switch step {
        case .respond(let reply, let settlement):
            carryOut(settlement, key: key, replica: replica)
            var error = "refused"
            if case .error(let e) = reply.body { error = e.message }
            ragRun.answers[index] = RAGAnswer(question: question, grounded: .init(answer: "", citations: [], passages: []),
                                              call: .init(requestID: id, at: now, status: reply.status, error: error, model: nil))
        case .answerFromDocuments(let call):
            startDocChat(DocChatInFlight(call: call, key: key, replica: replica, incarnation: r.incarnation, question: index))
        case .send, .acquireShared:
            preconditionFailure("the Lab's replicas serve doc-chat when the run has the Platform API")
        }
    }

    /// Scores a finished `doc-chat` call's answer against its question.
    func recordRAGAnswer(_ index: Int, _ d: DocChatInFlight, status: Int, error: String?, usage: UsageRecord?) {
        guard let spec = scenario.rag else { return }
        var grounded = KnowledgeBase.GroundedAnswer(answer: "", citations: [], passages: [])
        if status == 200, case .success(let g) = d.grounded { grounded = g }
        ragRun.answers[index] = RAGAnswer(question: spec.questions[index], grounded: grounded,
                                          call: .init(requestID: d.call.requestID, at: d.call.startedAt, status: status, error: error, model: usage))
    }

    /// The section's results at the end of the run: the job, each document's outcome, and
    /// every question's answer in the questions' order (one never answered scores zero).
    func ragResults(_ spec: RAGSpec) -> RAGResults {
        let answers = spec.questions.indices.map { i in
            ragRun.answers[i] ?? RAGAnswer(question: spec.questions[i], grounded: .init(answer: "", citations: [], passages: []),
                                           call: .init(requestID: "", at: .zero, status: 0, error: "never asked", model: nil))
        }
        return RAGResults(job: ragRun.job, documents: ragRun.documents, answers: answers)
    }
}
