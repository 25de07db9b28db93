import Base
import Gateway
import Retrieval
import PlatformAPI

/// `doc-chat` in the Lab: the node admits the call like any other, the Platform API's
/// knowledge service retrieves the passages (``APIService/groundedAnswer(tenant:question:k:answer:)``,
/// as live) and the answering model is the tenant's first alias at its mock provider, called
/// through the node's internal call accounted to the client's key. The model call takes the
/// mock's simulated time: the grounded answer is written at once, but the model call is
/// completed and settled, and the `doc-chat` call finished (``GatewayNode/finishDocChat(_:_:now:)``),
/// in a later event, when the provider's answer arrives — so its tokens, cost and latency
/// are accounted like any other call's.
extension LabRunner {
    /// A `doc-chat` call between its admission and its answer.
    struct DocChatInFlight {
        var call: DocChatCall
        /// The client's view of the call (its model is `doc-chat`), for the run's metrics.
        var key: RunMetrics.CallKey
        var replica: Int
        var incarnation: Int32
        /// The `rag:` question it asks, if it is one.
        var question: Int?
        /// The knowledge service's answer, once it was asked.
        var grounded: Result<KnowledgeBase.GroundedAnswer, any Error>?
        /// The answering model's call while the provider thinks.
        var model: InFlight?
    }

    /// Answers an admitted `doc-chat` call in events of its own: the knowledge service is
    /// asked at once (the next event at this instant), the call finished when the model's
    /// answer arrives.
    func startDocChat(_ d: DocChatInFlight) {
        let slot: Int
        if let free = freeDocChats.popLast() { slot = Int(free) } else { slot = docChats.count; docChats.append(nil) }
        docChats[slot] = d
        queue.schedule(at: clock.now(), .docChat(slot: Int32(slot)))
    }

    /// The next step of a `doc-chat` call: ask the knowledge service, or finish once the
    /// model's answer has arrived.
    func docChatStep(_ slot: Int, platform: LabPlatform?) async {
        guard var d = docChats[slot] else { return }
        // (A replica that crashed since the admission asks nothing: the call is dropped below.)
        if d.grounded == nil, let platform, replicas[d.replica].incarnation == d.incarnation {
            let delay = await ask(&d, platform: platform)
            docChats[slot] = d
            queue.schedule(at: clock.now() + delay, .docChat(slot: Int32(slot)))
            return
        }
        docChats[slot] = nil
        freeDocChats.append(Int32(slot))
        finishDocChat(d)
    }

    /// Asks the knowledge service for the grounded answer now.
    ///
    /// - Returns: how long the answering model takes (zero when none was called).
    func ask(_ d: inout DocChatInFlight, platform: LabPlatform) async -> Nanoseconds {
        let now = clock.now()
        _ = platform.setTime(clock.date(of: now))
        let runner = UncheckedRunner(self)
        let call = d.call, key = d.key, replica = d.replica
        let model = Locked<ModelCall?>(nil)
        do {
            d.grounded = .success(try await platform.service.groundedAnswer(tenant: call.tenant, question: call.question) { system, user in
                try runner.value.callAnsweringModel(for: call, key: key, replica: replica, system: system, user: user, into: model)
            })
        } catch {
            d.grounded = .failure(error)
        }
        guard let sent = model.value else { return .zero }
        d.model = sent.inFlight
        return sent.delay
    }

    /// The answering model's call, sent at the replica's node and answered by the mock provider.
    struct ModelCall: @unchecked Sendable {  // held only on the runner's loop
        var inFlight: InFlight
        var delay: Nanoseconds
    }

    /// Sends a grounded-answer prompt to the tenant's answering model (its first alias), as
    /// the node's internal call accounted to the client's key.
    ///
    /// - Returns: the model's text, as it will arrive.
    /// - Throws: when the call is refused or the provider fails (the `doc-chat` call then fails).
    func callAnsweringModel(for call: DocChatCall, key: RunMetrics.CallKey, replica: Int, system: String, user: String,
                            into sent: Locked<ModelCall?>) throws -> String {
        let r = replicas[replica]
        let now = clock.now()
        guard let request = r.node.internalChatRequest(tenant: call.tenant, system: system, user: user) else {
            throw GatewayError(.modelNotFound, status: 404, message: "tenant '\(call.tenant)' has no model to answer with")
        }
        let id = requestIDs.make(prefix: "chatcmpl-")
        switch r.node.admitInternal(request, tenant: call.tenant, keyID: call.keyID, requestID: id, now: now) {
        case .respond(let reply, let settlement):
            carryOut(settlement, key: key, replica: replica)
            return try reply.completionText()
        case .send(let c):
            checkActiveProvider(c.context, now: now)
            let (result, delay, billed) = upstream(c.request, trueTenant: call.tenant, now: now)
            sent.withLock {
                $0 = ModelCall(inFlight: InFlight(context: c.context, limit: c.limit, result: result, key: key, replica: replica,
                                                  incarnation: r.incarnation, billed: billed, clientClosed: false),
                               delay: delay)
            }
            // What the node will make of the answer when it arrives (``finishDocChat``
            // completes it then); the knowledge service needs the text now to cite.
            let answer = GatewayNode.answer(c.context, limit: c.limit, result: result, core: r.node.core, now: now + delay)
            return try answer.reply.completionText()
        case .acquireShared, .answerFromDocuments:
            preconditionFailure("the platform's own calls are neither rate-limited nor doc-chat")
        }
    }

    /// The model's answer has arrived: the model call is completed and settled, and the
    /// `doc-chat` call answered with the grounded answer and its sources (or a 502).
    func finishDocChat(_ d: DocChatInFlight) {
        let r = replicas[d.replica]
        guard r.incarnation == d.incarnation else {
            // The process died while the provider thought: billed, never settled, never answered.
            if let m = d.model {
                metrics.journal.lostInFlight[m.context.tenant, default: UsageCounters()].add(UsageCounters(calls: 1, costMicros: m.billed))
            }
            if let q = d.question { recordRAGAnswer(q, d, status: 502, error: "the replica crashed before answering", usage: nil) }
            return
        }
        let now = clock.now()
        var usage: UsageRecord?
        if let m = d.model {
            let finish = r.node.complete(m.context, limit: m.limit, result: m.result, now: now)
            carryOut(finish.settlement, key: m.key, replica: d.replica)
            usage = finish.settlement.usage
        }
        let answer: Result<DocChatAnswer, GatewayError>
        switch d.grounded {
        case .success(let g):
            answer = .success(DocChatAnswer(text: g.answer, sources: g.citations.map { .init(number: $0.number, document: $0.document, section: $0.section) },
                                            tokens: usage.map { $0.promptTokens + $0.completionTokens } ?? 0))
        case .failure(let e):
            answer = .failure(GatewayError(.serverError, status: 502, message: "doc-chat could not answer: \(e)"))
        case nil:
            answer = .failure(GatewayError(.serverError, status: 502, message: "doc-chat could not answer: no knowledge service"))
        }
        let finish = r.node.finishDocChat(d.call, answer, now: now)
        carryOut(finish.settlement, key: d.key, replica: d.replica)
        if let q = d.question {
            var error: String?
            if case .error(let e) = finish.reply.body { error = e.message }
            recordRAGAnswer(q, d, status: finish.reply.status, error: error, usage: usage)
        }
    }
}
