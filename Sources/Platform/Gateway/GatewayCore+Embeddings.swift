import Base
/// Embeddings for the platform's own use (RAG ingestion and questions), through the
/// tenant's provider with the tenant's key: the same routing, allowlist and accounting as
/// a chat call, a usage record per call.
extension GatewayCore {
    public struct EmbeddingCall: Hashable, Sendable {
        public var context: CallContext
        public var request: UpstreamRequest
        /// How many vectors the answer must have.
        public var count: Int
        /// Tokens by the gateway's estimate, charged when the provider reports none.
        public var estimatedTokens: Int
    }

    public enum EmbeddingAdmission: Hashable, Sendable {
        case forward(EmbeddingCall)
        case reject(Rejection)
    }

    public struct EmbeddingOutcome: Hashable, Sendable {
        /// The vectors, in input order; `nil` when the call failed (`error`).
        public var vectors: [[Float]]?
        public var error: GatewayError?
        public var usage: UsageRecord
        public var alerts: [Alert]
    }

    /// Admits the embedding of `texts` (at most ``ProviderAdapter/embeddingBatchLimit(_:)``
    /// of the provider) for `tenant` through its model alias `alias`.
    public func admitEmbeddings(_ texts: [String], alias name: String, query: Bool, dimensions: Int?, tenant: String,
                                keyID: String = "platform", requestID: String, now: Instant) -> EmbeddingAdmission {
        let route: Route
        switch resolve(owner: (tenant, keyID), alias: name, validate: { nil }) {
        case .failure(let f): return .reject(Self.refusal(f, keyID: keyID, requestID: requestID, alias: name, stream: false, now: now))
        case .success(let r): route = r
        }
        let provider = route.alias.active, model = route.alias.activeModel
        guard !texts.isEmpty, texts.count <= ProviderAdapter.embeddingBatchLimit(provider),
              let request = ProviderAdapter.makeEmbeddingsRequest(texts, query: query, dimensions: dimensions, model: model, account: route.account) else {
            let why = ProviderAdapter.embeds(provider)
                ? "An embeddings call takes 1 to \(ProviderAdapter.embeddingBatchLimit(provider)) texts; got \(texts.count)."
                : "Model '\(name)' routes to \(provider.displayName), which has no embeddings API; use an OpenAI or Gemini embedding model."
            return .reject(Self.refusal(GatewayError(.invalidRequest, status: 400, message: why, param: "model"), tenant: tenant, keyID: keyID,
                                        provider: provider, model: model, requestID: requestID, alias: name, stream: false, now: now))
        }
        let context = CallContext(
            requestID: requestID, tenant: tenant, keyID: keyID, alias: route.alias.name, provider: provider, upstreamModel: model,
            stream: false, includeUsage: false, startedAt: now, promptText: [],
            price: price(provider: provider, model: model))
        return .forward(EmbeddingCall(context: context, request: request, count: texts.count,
                                      estimatedTokens: texts.reduce(0) { $0 + TokenEstimate.tokens($1) }))
    }

    /// Turns the transport's result into vectors and the call's usage record.
    public func completeEmbeddings(_ call: EmbeddingCall, result: UpstreamResult, now: Instant) -> EmbeddingOutcome {
        var usage = Self.baseUsage(call.context, now: now)
        var alerts: [Alert] = []
        func fail(_ e: GatewayError) -> EmbeddingOutcome {
            Self.fail(e, &usage, call: call.context, alerts: &alerts, now: now)
            return EmbeddingOutcome(vectors: nil, error: e, usage: usage, alerts: alerts)
        }
        let name = call.context.provider.displayName
        let response: UpstreamResponse
        switch result {
        case .failure(.timeout(let after)): return fail(GatewayError(.timeout, status: 504, message: "\(name) did not answer within \(after)."))
        case .failure(.egressDenied(let why)): return fail(GatewayError(.egressDenied, status: 403, message: "Outbound call refused: \(why)."))
        case .failure(.connection(let why)): return fail(GatewayError(.connectionFailed, status: 502, message: "Could not reach \(name): \(why)"))
        case .response(let r): response = r
        }
        guard case .bytes(let body) = response.body else {
            return fail(GatewayError(.upstreamBadResponse, status: 502, message: "\(name) sent no embeddings."))
        }
        if response.status >= 400 {
            let message = (try? ProviderAdapter.decodeError(provider: call.context.provider, body: body).message)
                ?? (body.isEmpty ? "HTTP \(response.status) with an empty body" : String(decoding: body.prefix(200), as: UTF8.self))
            return fail(ProviderAdapter.gatewayError(provider: call.context.provider, status: response.status, message: message,
                                                     retryAfter: ProviderAdapter.retryAfter(response.headers)))
        }
        let decoded: (vectors: [[Float]], promptTokens: Int?)
        do { decoded = try ProviderAdapter.decodeEmbeddings(provider: call.context.provider, body: body) } catch {
            return fail(GatewayError(.upstreamBadResponse, status: 502, message: "\(name) sent embeddings the gateway could not read: \(error)"))
        }
        guard decoded.vectors.count == call.count else {
            return fail(GatewayError(.upstreamBadResponse, status: 502, message: "\(name) returned \(decoded.vectors.count) embeddings for \(call.count) texts."))
        }
        usage.usageSource = decoded.promptTokens == nil ? .estimated : .reported
        Self.charge(&usage, ChatUsage(promptTokens: decoded.promptTokens ?? call.estimatedTokens, completionTokens: 0), price: call.context.price,
                    alerts: &alerts, now: now)
        return EmbeddingOutcome(vectors: decoded.vectors, error: nil, usage: usage, alerts: alerts)
    }
}
