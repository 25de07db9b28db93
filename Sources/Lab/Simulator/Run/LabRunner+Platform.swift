import Base
import Gateway
import Mocks

/// The platform's own calls in the Lab — embeddings and grounded answers — through the
/// first replica that is up, at the mock providers. Platform steps run one at a time on
/// the event loop, so these calls never overlap the simulation's; they take no virtual
/// time (the step's instant), and their journal writes complete at once.
extension LabRunner {
    /// The replica that serves the platform's own calls.
    var platformReplica: LabReplica { replicas.first { $0.up } ?? replicas[0] }

    /// Embeds tenants' documents and questions through their embedding models, accounted
    /// like every call (``TenantEmbedder``, as live).
    var embedder: TenantEmbedder {
        let runner = UncheckedRunner(self)
        return TenantEmbedder(
            core: { runner.value.core },
            send: { call in runner.value.sendUpstream(call.request, tenant: call.context.tenant).result },
            record: { usage, alerts in runner.value.settleInternally(usage, alerts) },
            now: { runner.value.clock.now() },
            requestID: { runner.value.requestIDs.make(prefix: "emb-") })
    }

    /// A completion the platform makes for a tenant (the Platform API's grounded answers):
    /// the node's internal call, answered by the mock provider at once.
    func completeInternally(tenant: String, system: String, user: String) throws -> String {
        let r = platformReplica
        let now = clock.now()
        guard let request = r.node.internalChatRequest(tenant: tenant, system: system, user: user) else {
            throw GatewayError(.modelNotFound, status: 404, message: "tenant '\(tenant)' has no model to answer with")
        }
        let id = requestIDs.make(prefix: "chatcmpl-")
        let finish: GatewayNode.Finish
        switch r.node.admitInternal(request, tenant: tenant, requestID: id, now: now) {
        case .respond(let reply, let settlement):
            finish = GatewayNode.Finish(reply: reply, settlement: settlement)
        case .send(let call):
            finish = r.node.complete(call, result: sendUpstream(call.request, tenant: tenant).result, now: now)
        case .acquireShared, .answerFromDocuments:
            preconditionFailure("the platform's own calls are neither rate-limited nor doc-chat")
        }
        carryOut(finish.settlement, key: platformKey(finish.settlement.usage), replica: r.index)
        completeJournalWrites(r)
        return try finish.reply.completionText()
    }

    /// Sends a platform call to the mock provider at its endpoint, with the oracles' checks.
    func sendUpstream(_ request: UpstreamRequest, tenant: String) -> (result: UpstreamResult, billed: Int64) {
        let now = clock.now()
        guard let m = mockIndex(for: request.provider, endpoint: request.endpoint) else {
            return (.failure(.connection("no host answers at \(request.endpoint.origin)")), 0)
        }
        let reply = mocks[m].handle(request, at: now)
        if let owner = reply.tenantOfKey, owner != tenant {
            metrics.violation("key_isolation", "at \(now): \(mocks[m].profile.name) received \(owner)'s key on a platform call for \(tenant)")
        }
        metrics.record(upstream: .init(provider: mockIDs[m], tenant: reply.tenantOfKey.map { metrics.index(of: $0) } ?? -1, status: Int16(reply.status)),
                       billed: reply.billedMicros, hallucinated: false)
        return (reply.result, reply.billedMicros)
    }

    /// Settles a platform call the embedder made, and answers it at once.
    func settleInternally(_ usage: UsageRecord, _ alerts: [Alert]) {
        let r = platformReplica
        let settlement = r.node.settle(usage, alerts: alerts, limit: .none, now: clock.now())
        carryOut(settlement, key: platformKey(usage), replica: r.index)
        completeJournalWrites(r)
    }

    func platformKey(_ usage: UsageRecord?) -> RunMetrics.CallKey {
        RunMetrics.CallKey(tenant: metrics.index(of: usage?.tenant ?? "-"), model: metrics.index(ofModel: usage?.modelAlias ?? "-"),
                           key: metrics.index(ofKey: usage?.keyID ?? "platform"), provider: -1, stream: false, status: 0, errorKind: -1)
    }
}
