import Base

/// `doc-chat`: a chat call answered from the tenant's documents (Open WebUI's Doc Chat).
///
/// The last user message is the question. The node admits the call like any other (the
/// key, suspension, the client's rate limits); the driver asks the knowledge service for a
/// grounded answer, whose model call goes through ``GatewayNode/admitInternal(_:tenant:keyID:requestID:now:)``
/// accounted to the client's key; ``GatewayNode/finishDocChat(_:_:now:)`` writes the answer
/// with its sources and gives the limits back with the tokens the model call used.
public struct DocChatCall: Hashable, Sendable {
    public var requestID: String
    public var tenant: String
    public var keyID: String
    public var question: String
    public var messages: [ChatMessage]
    public var stream: Bool
    public var startedAt: Instant
    public var limit: GatewayNode.Limit
}

/// A grounded answer as the knowledge service gives it: the text, and the passages it cites.
public struct DocChatAnswer: Hashable, Sendable {
    public struct Source: Hashable, Sendable {
        public var number: Int
        public var document: String
        /// Headings from the document's top down to the passage's section.
        public var section: [String]
        public init(number: Int, document: String, section: [String]) { self.number = number; self.document = document; self.section = section }
    }

    public var text: String
    public var sources: [Source]
    /// Prompt and completion tokens of the model call that wrote it (0 when none was made).
    public var tokens: Int

    public init(text: String, sources: [Source], tokens: Int) { self.text = text; self.sources = sources; self.tokens = tokens }

    /// The answer with its sources listed after it, as the client reads it.
    public var renderedText: String {
        var out = text
        if !sources.isEmpty {
            out += "\n\nSources:"
            for s in sources { out += "\n[\(s.number)] \(s.document)" + (s.section.isEmpty ? "" : " › " + s.section.joined(separator: " › ")) }
        }
        return out
    }
}

extension GatewayNode {
    /// Admits a `doc-chat` call: the key, suspension, the question.
    static func docChatAdmission(_ request: ChatCompletionRequest, core: GatewayCore, authorization: String?, requestID: String,
                                 now: Instant) -> Admission {
        let owner: GatewayCore.Authenticated
        switch core.authenticate(authorization, now: now) {
        case .failure(let e): return .refused(core.refuse(e, authorization: authorization, requestID: requestID, now: now))
        case .success(let o): owner = o
        }
        let (tenant, keyID) = (owner.tenant, owner.keyID)
        // In the order of any call's route: suspension, then what the key and the tenant may call.
        if tenant.suspended {
            return .answered(.error(GatewayError(.tenantSuspended, status: 403, message: "Tenant '\(tenant.id)' is suspended."), requestID: requestID))
        }
        func refused(_ e: GatewayError) -> Admission {
            .refused(GatewayCore.refusal(e, tenant: tenant.id, keyID: keyID, requestID: requestID, alias: docChatModel, stream: request.isStream, now: now))
        }
        guard owner.allows(docChatModel) else { return refused(GatewayCore.modelNotAllowed(docChatModel)) }
        guard tenant.docChat else {
            return refused(GatewayError(.modelNotFound, status: 404,
                                        message: "The model '\(docChatModel)' is not enabled for this tenant (flag '\(TenantGatewayConfig.docChatFlag)').",
                                        param: "model"))
        }
        guard let question = request.messages.last(where: { $0.role == "user" })?.text, !question.isEmpty else {
            return .answered(.error(GatewayError(.invalidRequest, status: 400, message: "doc-chat needs a user message to answer."), requestID: requestID))
        }
        return .docChat(DocChatCall(requestID: requestID, tenant: tenant.id, keyID: keyID, question: question, messages: request.messages,
                                    stream: request.isStream, startedAt: now, limit: .none))
    }

    /// The rate-limit step of a `doc-chat` call: the client's limits, as for any call.
    mutating func limit(_ call: DocChatCall, now: Instant) -> Step {
        let scopes = anyLimits ? core.rateLimitScopes(tenant: call.tenant, keyID: call.keyID) : RateLimiter.Scopes([])
        guard !scopes.entries.isEmpty else { return .answerFromDocuments(call) }
        let tokens = TokenEstimate.promptTokens(call.messages)
        if sharedCounters { return .acquireShared(.docChat(call), scopes, promptTokens: tokens) }
        return limited(.docChat(call), limiter.acquire(scopes, promptTokens: tokens, now: now), local: true, now: now)
    }

    /// Answers a `doc-chat` call with the knowledge service's grounded answer (or its
    /// failure), and gives its limits back with the tokens the model call used.
    public mutating func finishDocChat(_ call: DocChatCall, _ answer: Result<DocChatAnswer, GatewayError>, now: Instant) -> Finish {
        switch answer {
        case .failure(let e):
            let release = release(call.limit, tokens: 0, now: now)
            return Finish(reply: .error(e, requestID: call.requestID, extra: call.limit.headers),
                          settlement: Settlement(usage: nil, alerts: [], sharedRelease: release, ticket: nil))
        case .success(let a):
            let release = release(call.limit, tokens: a.tokens, now: now)
            let created = now.unixSeconds, text = a.renderedText
            let body: Reply.Body
            if call.stream {
                body = .events([
                    ChatCompletionChunk(id: call.requestID, created: created, model: Self.docChatModel,
                                        choices: [ChatChunkChoice(delta: ChatDelta(role: "assistant", content: text), finishReason: nil)]),
                    ChatCompletionChunk(id: call.requestID, created: created, model: Self.docChatModel,
                                        choices: [ChatChunkChoice(delta: ChatDelta(), finishReason: "stop")]),
                ])
            } else {
                body = .completion(ChatCompletion(id: call.requestID, created: created, model: Self.docChatModel,
                                                  choices: [ChatChoice(index: 0, message: AssistantMessage(content: text), finishReason: "stop")],
                                                  usage: nil))
            }
            return Finish(reply: Reply(body, requestID: call.requestID, extra: call.limit.headers),
                          settlement: Settlement(usage: nil, alerts: [], sharedRelease: release, ticket: nil))
        }
    }
}
