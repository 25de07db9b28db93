import Base

extension GatewayNode {
    /// The model name that answers from the tenant's documents (Open WebUI's Doc Chat).
    public static let docChatModel = "doc-chat"

    /// A client's chat call as the driver received it.
    public enum Inbound: Sendable {
        /// The request body (JSON), decoded here.
        case body([UInt8])
        /// An already typed request (the Lab's generated traffic).
        case request(ChatCompletionRequest)
        /// A body that could not be read (too large, broken connection).
        case unreadable(GatewayError)
    }

    /// An admitted call on its way to its provider.
    public struct Call: Hashable, Sendable {
        public var upstream: GatewayCore.UpstreamCall
        public var limit: Limit
        public var context: GatewayCore.CallContext { upstream.context }
        public var request: UpstreamRequest { upstream.request }
    }

    /// A call waiting for the shared rate-limit counters.
    public enum Pending: Hashable, Sendable {
        case chat(GatewayCore.UpstreamCall)
        case docChat(DocChatCall)
    }

    /// The next thing the driver does with a call.
    public enum Step: Hashable, Sendable {
        /// Answer with the reply (a refusal) and carry out the settlement. (Boxed: the
        /// common steps stay small to copy.)
        indirect case respond(Reply, Settlement)
        /// Take the call's place in the shared counters, then ``limited(_:_:now:)``.
        case acquireShared(Pending, RateLimiter.Scopes, promptTokens: Int)
        /// Send the call to its provider, then ``complete(_:result:now:clientClosed:)`` — or,
        /// for a stream whose answer begins well, ``openStream(_:timeToFirstByte:now:)``.
        case send(Call)
        /// Ask the knowledge service for a grounded answer, then ``finishDocChat(_:_:now:)``.
        case answerFromDocuments(DocChatCall)
    }

    // MARK: Admission

    /// What a call is before its limits, decided from the configuration alone: a driver
    /// with a lock works it out from a snapshot of the configuration, without the lock
    /// (``admission(_:core:servesDocChat:authorization:requestID:now:)``), then hands it to
    /// ``receive(_:now:)``.
    public enum Admission: Sendable {
        /// Refused before its provider (its usage is recorded).
        case refused(GatewayCore.Rejection)
        /// Refused with no usage to record (`doc-chat` without a question, a suspended tenant).
        case answered(Reply)
        /// On its way to its provider, once its limits let it.
        case call(GatewayCore.UpstreamCall)
        /// `doc-chat`, once its limits let it.
        case docChat(DocChatCall)
    }

    /// Reads and admits a client's call — authentication, validation, routing, egress —
    /// from the configuration alone.
    public static func admission(_ inbound: Inbound, core: GatewayCore, servesDocChat: Bool, authorization: String?, requestID: String,
                                 now: Instant) -> Admission {
        let request: ChatCompletionRequest
        var body: [UInt8]?
        switch inbound {
        case .unreadable(let e):
            return .refused(core.refuse(e, authorization: authorization, requestID: requestID, now: now))
        case .request(let r):
            request = r
        case .body(let bytes):
            do { request = try WireJSON.decode(ChatCompletionRequest.self, from: bytes) } catch {
                let e = GatewayError(.invalidRequest, status: 400,
                                     message: "The request body is not a valid chat completion request: \(WireJSON.describe(error))")
                return .refused(core.refuse(e, authorization: authorization, requestID: requestID, now: now))
            }
            body = bytes
        }
        if servesDocChat, request.model == docChatModel {
            return docChatAdmission(request, core: core, authorization: authorization, requestID: requestID, now: now)
        }
        switch core.admit(request, body: body, authorization: authorization, requestID: requestID, now: now) {
        case .reject(let r): return .refused(r)
        case .forward(let call): return .call(call)
        }
    }

    /// Receives a client's call: admits it (``admission(_:core:servesDocChat:authorization:requestID:now:)``)
    /// and takes its place in the rate limits.
    public mutating func receive(_ inbound: Inbound, authorization: String?, requestID: String, now: Instant) -> Step {
        receive(Self.admission(inbound, core: core, servesDocChat: servesDocChat, authorization: authorization, requestID: requestID, now: now),
                now: now)
    }

    /// Takes an admitted call's place in the rate limits; settles a refusal.
    public mutating func receive(_ admission: Admission, now: Instant) -> Step {
        switch admission {
        case .refused(let r): return refused(r, now: now)
        case .answered(let reply): return .respond(reply, .empty)
        case .call(let call): return limit(call, now: now)
        case .docChat(let call): return limit(call, now: now)
        }
    }

    /// Admits a call the platform makes for a tenant (``GatewayCore/admitInternal(_:tenant:keyID:requestID:now:)``):
    /// the RAG API's grounded answers and `doc-chat`'s model call; not rate-limited.
    public mutating func admitInternal(_ request: ChatCompletionRequest, tenant: String, keyID: String = "platform", requestID: String,
                                       now: Instant) -> Step {
        switch core.admitInternal(request, tenant: tenant, keyID: keyID, requestID: requestID, now: now) {
        case .reject(let r): return refused(r, now: now)
        case .forward(let call): return .send(Call(upstream: call, limit: .none))
        }
    }

    /// The request of a completion the platform makes for a tenant (a grounded answer): a
    /// system and a user message, to the tenant's first model alias by name; `nil` when the
    /// tenant has none.
    public func internalChatRequest(tenant: String, system: String, user: String) -> ChatCompletionRequest? {
        guard let alias = core.tenants[tenant]?.aliases.keys.sorted().first else { return nil }
        return ChatCompletionRequest(model: alias, messages: [ChatMessage(role: "system", content: system), ChatMessage(role: "user", content: user)])
    }

    /// A call refused before its provider: the error as the reply, the refusal settled.
    mutating func refused(_ r: GatewayCore.Rejection, headers: [HTTPHeader] = [], limit: Limit = .none, now: Instant) -> Step {
        .respond(.error(r.error, requestID: r.usage.requestID, extra: headers), settle(r.usage, alerts: r.alerts, limit: limit, now: now))
    }

    /// The rate-limit step of an admitted call.
    mutating func limit(_ call: GatewayCore.UpstreamCall, now: Instant) -> Step {
        let scopes = anyLimits ? core.rateLimitScopes(tenant: call.context.tenant, keyID: call.context.keyID) : RateLimiter.Scopes([])
        if scopes.entries.isEmpty { return .send(Call(upstream: call, limit: .none)) }
        let tokens = TokenEstimate.promptTokens(call.context.promptText)
        if sharedCounters { return .acquireShared(.chat(call), scopes, promptTokens: tokens) }
        return limited(.chat(call), limiter.acquire(scopes, promptTokens: tokens, now: now), local: true, now: now)
    }

    /// What the shared counters decided; `nil` when they could not be reached, and this
    /// node's own counters decide instead (availability over strictness: the overshoot is
    /// bounded by the number of replicas).
    public mutating func limited(_ pending: Pending, _ decision: RateLimiter.Decision?, now: Instant) -> Step {
        if let decision { return limited(pending, decision, local: false, now: now) }
        let (scopes, tokens) = scopes(of: pending)
        return limited(pending, limiter.acquire(scopes, promptTokens: tokens, now: now), local: true, now: now)
    }

    private func scopes(of pending: Pending) -> (RateLimiter.Scopes, Int) {
        switch pending {
        case .chat(let call):
            return (core.rateLimitScopes(tenant: call.context.tenant, keyID: call.context.keyID), TokenEstimate.promptTokens(call.context.promptText))
        case .docChat(let call):
            return (core.rateLimitScopes(tenant: call.tenant, keyID: call.keyID), TokenEstimate.promptTokens(call.messages))
        }
    }

    /// What the limits decided: a 429 with `retry-after`, or the call goes on.
    mutating func limited(_ pending: Pending, _ decision: RateLimiter.Decision, local: Bool, now: Instant) -> Step {
        switch (pending, decision) {
        case (.chat(let call), .refused(let reason, let retryAfter, let status)):
            return refused(core.throttle(call.context, reason: reason, retryAfter: retryAfter, now: now), headers: status.headers, now: now)
        case (.chat(let call), .granted(let grant, let status)):
            return .send(Call(upstream: call, limit: Limit(grant: grant, headers: status.headers, local: local)))
        case (.docChat(let call), .refused(let reason, let retryAfter, let status)):
            let e = GatewayError(.rateLimited, status: 429,
                                 message: "Rate limit reached: \(reason). Please try again in \(RateLimiter.format(retryAfter)).", retryAfter: retryAfter)
            return .respond(.error(e, requestID: call.requestID, extra: status.headers), .empty)
        case (.docChat(var call), .granted(let grant, let status)):
            call.limit = Limit(grant: grant, headers: status.headers, local: local)
            return .answerFromDocuments(call)
        }
    }

    // MARK: Completion

    /// A call's answer to its client and what the driver settles.
    public struct Finish: Hashable, Sendable {
        public var reply: Reply
        public var settlement: Settlement
        public init(reply: Reply, settlement: Settlement) { self.reply = reply; self.settlement = settlement }
    }

    /// What the provider's answer means: the client's reply, and the call's usage and
    /// alerts — decided from the configuration alone (a driver with a lock works it out
    /// without the lock, then ``settle(_:limit:now:)``s it).
    public struct Answer: Hashable, Sendable {
        public var reply: Reply
        public var usage: UsageRecord
        public var alerts: [Alert]
    }

    /// Turns the provider's answer (or the transport's failure) into the client's reply and
    /// the call's usage.
    ///
    /// - Parameter clientClosed: the client of a streamed call went away before the end
    ///   (the Lab's aborted calls); see ``StreamRelay/finish(now:timeToFirstByte:cut:clientClosed:)``.
    public static func answer(_ context: GatewayCore.CallContext, limit: Limit, result: UpstreamResult, core: GatewayCore, now: Instant,
                              clientClosed: Bool = false) -> Answer {
        let outcome = core.complete(context, result: result, now: now, clientClosed: clientClosed)
        let body: Reply.Body
        switch outcome.response {
        case .completion(let c): body = .completion(c)
        case .passthrough(let bytes): body = .json(bytes)
        case .stream(let chunks): body = .events(chunks)
        case .error(let e): body = .error(e)
        }
        return Answer(reply: Reply(body, requestID: context.requestID, extra: limit.headers), usage: outcome.usage, alerts: outcome.alerts)
    }

    /// Settles an answered call (``settle(_:alerts:limit:now:line:)``).
    public mutating func settle(_ answer: Answer, limit: Limit, now: Instant, line: [UInt8]? = nil) -> Finish {
        Finish(reply: answer.reply, settlement: settle(answer.usage, alerts: answer.alerts, limit: limit, now: now, line: line))
    }

    /// Answers and settles a call at once (``answer(_:limit:result:core:now:clientClosed:)``,
    /// then ``settle(_:limit:now:line:)``).
    public mutating func complete(_ call: Call, result: UpstreamResult, now: Instant, clientClosed: Bool = false) -> Finish {
        complete(call.context, limit: call.limit, result: result, now: now, clientClosed: clientClosed)
    }

    /// The same, from what a call keeps once its request is sent (the Lab holds only this
    /// while the provider thinks).
    public mutating func complete(_ context: GatewayCore.CallContext, limit: Limit, result: UpstreamResult, now: Instant,
                                  clientClosed: Bool = false) -> Finish {
        settle(Self.answer(context, limit: limit, result: result, core: core, now: now, clientClosed: clientClosed), limit: limit, now: now)
    }

    // MARK: Streams relayed as they arrive

    /// Begins relaying a provider's SSE stream (the live server, as bytes arrive): the
    /// stream's head for the client, and the state to feed.
    public func openStream(_ call: Call, timeToFirstByte: Nanoseconds?, now: Instant) -> StreamCall {
        StreamCall(call: call, timeToFirstByte: timeToFirstByte, created: now.unixSeconds)
    }

    /// Ends a relayed stream and settles the call.
    ///
    /// - Parameters:
    ///   - cut: why the stream stopped early (the connection broke; the client left and the
    ///     provider did not finish within the drain limit), or `nil` when the provider ended it.
    ///   - clientClosed: the client went away: nothing more is written (the tail is empty),
    ///     and the call is charged what the provider billed (``StreamRelay``).
    /// - Returns: The bytes that end the stream for the client, and the settlement.
    public mutating func closeStream(_ stream: StreamCall, now: Instant, cut: String? = nil, clientClosed: Bool = false) -> (tail: [UInt8], settlement: Settlement) {
        var relay = stream.relay
        let end = relay.finish(now: now, timeToFirstByte: stream.timeToFirstByte, cut: cut, clientClosed: clientClosed)
        let settlement = settle(end.outcome.usage, alerts: end.outcome.alerts, limit: stream.call.limit, now: now)
        guard !clientClosed else { return ([], settlement) }
        var tail = Reply.sse(end.chunks)
        tail += end.outcome.error.map(Reply.sseError) ?? Reply.done
        return (tail, settlement)
    }

    // MARK: Models

    /// `GET /v1/models`: the tenant's model aliases (and `doc-chat` where it is served).
    /// A key limited to some aliases sees only those.
    public func models(authorization: String?, requestID: String, now: Instant) -> Reply {
        switch core.authenticate(authorization, now: now) {
        case .failure(let e):
            return .error(e, requestID: requestID)
        case .success(let owner):
            var models = owner.tenant.aliases.keys.sorted().filter(owner.allows).map { name in
                OpenAIModel(id: name, created: 0, ownedBy: owner.tenant.aliases[name]!.active.rawValue)
            }
            if servesDocChat, owner.tenant.docChat, owner.allows(Self.docChatModel) {
                models.append(OpenAIModel(id: Self.docChatModel, created: 0, ownedBy: "dcoder"))
            }
            return Reply(.models(OpenAIModelList(data: models)), requestID: requestID)
        }
    }
}
