import Config
import AsyncHTTPClient
import Flags
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Base
import Gateway
import PlatformAPI

/// The gateway as an HTTP server: the live driver of ``GatewayCore``.
///
/// Each request is decoded, admitted by the core (authentication, validation, routing,
/// egress), sent by ``ProviderHTTPTransport``, and completed by the core, exactly as the
/// Lab's simulator does with a mock provider instead of HTTP. Streams are relayed chunk
/// by chunk through the core's ``StreamRelay``. This type owns only what is live: the
/// lock around the configuration, the system clock, request ids from system entropy,
/// HTTP framing and logging.
public final class LiveGateway: Sendable {
    let ids: NIOLockedValueBox<IDGenerator>
    let transport: ProviderHTTPTransport
    let clock = SystemTimeSource()
    let logger: Logger
    let maxRequestBytes: Int
    let accessLog: AccessLog
    public let usage = UsageBook()
    /// Tenants reconciled at least once by this process.
    private let reconciledTenants = NIOLockedValueBox<Set<String>>([])
    /// Prometheus metrics, served at `GET /metrics` to the bearer of `metricsToken`.
    public let metrics = GatewayMetrics()
    let metricsToken: String?
    /// Alerts raised while serving, each condition once (the alert sinks arrive with budgets' API).
    public let alerts = AlertLog()
    /// The `redis` counter policy, when configured; the local limiter is its fallback while
    /// Redis cannot be reached.
    let sharedLimiter: RedisRateLimiter?
    /// This replica's configuration, counters and spend: every call's steps (``GatewayNode``).
    let node: NIOLockedValueBox<GatewayNode>
    /// A snapshot of the configuration (copy-on-write: no lock held while it is used).
    var core: GatewayCore { node.withLockedValue { $0.core } }
    var anyLimits: Bool { node.withLockedValue { $0.anyLimits } }
    /// The serve file's limits and budgets, over which the configuration model's quotas lie.
    private let fileQuotas: [String: (limits: RateLimits, budget: Budget?)]
    let flags: FlagsConfig?
    /// The process's flags (shared with the Platform API when it is served).
    public let flagRegistry: FlagRegistry
    /// Alert sinks and other plugins, when a tenant configures an integration.
    let plugins: LivePlugins?
    /// The usage ledger's journal, when the server keeps a ledger (with the Platform API).
    let journal: UsageJournal?
    let platformAPI: PlatformAPIRoutes?

    /// Builds the gateway from a configuration; refused accounts are logged as alerts.
    /// - Parameter accessLog: one JSON line per call (see ``AccessLog``).
    ///   - platformAPI: the Platform API's routes, when the configuration enables it.
    public init(config: ServeConfig, transport: ProviderHTTPTransport, logger: Logger, accessLog: AccessLog = AccessLog(enabled: false),
                platformAPI: PlatformAPIRoutes? = nil, flags flagRegistry: FlagRegistry? = nil, plugins: LivePlugins? = nil,
                journal: UsageJournal? = nil, sharedLimiter: RedisRateLimiter? = nil) throws {
        let allowlist: EgressAllowlist
        do { allowlist = try EgressAllowlist(config.platform.allowlist) } catch { throw LiveError("platform.egress_allowlist: \(error)") }
        var core = GatewayCore(configuration: .init(allowlist: allowlist, pricing: config.platform.pricing, upstreamTimeout: config.platform.upstreamTimeout))
        metricsToken = config.metricsToken
        let now = clock.now()
        for t in config.tenants {
            let alerts: [Alert]
            do { alerts = try core.upsertTenant(t.gatewayConfig(), at: now) } catch { throw LiveError("tenant '\(t.id)': \(error)") }
            for a in alerts { logger.warning("alert", metadata: Self.metadata(a)) }
        }
        self.fileQuotas = core.tenants.mapValues { ($0.limits, $0.budget) }
        self.node = NIOLockedValueBox(GatewayNode(core: core, sharedCounters: sharedLimiter != nil))
        self.ids = NIOLockedValueBox(IDGenerator(seed: systemSeed()))
        self.transport = transport
        self.logger = logger
        self.maxRequestBytes = config.maxRequestBytes
        self.accessLog = accessLog
        self.flags = config.flags
        self.flagRegistry = flagRegistry ?? FlagRegistry(FlagBook(definitions: config.flags?.definitions ?? FlagDefinitions()))
        self.plugins = plugins
        self.journal = journal
        self.sharedLimiter = sharedLimiter
        self.platformAPI = platformAPI
    }

    /// The routes: the OpenAI-compatible API and the health probes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: OpenAIErrorMiddleware(platformAPI: platformAPI))
        router.get("/healthz") { _, _ in Self.json(status: .ok, #"{"status":"ok"}"#) }
        // Prometheus metrics name every tenant: only for the bearer of `server.metrics_token`.
        router.get("/metrics") { [metrics, metricsToken] request, _ in
            guard let metricsToken else {
                return Self.errorResponse(GatewayError(.unknownURL, status: 404, message: "Metrics are off: set server.metrics_token."), requestID: "-")
            }
            guard GatewayMetrics.authorized(request.headers[.authorization], token: metricsToken) else {
                return Self.errorResponse(GatewayError(.invalidAPIKey, status: 401, message: "Metrics need the metrics token as a bearer token."), requestID: "-")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        // Ready once the configuration is loaded and the listener is up (the router exists
        // only then); the tenant count tells an operator what was loaded.
        router.get("/readyz") { [self] _, _ in
            Self.json(status: .ok, #"{"status":"ready","tenants":\#(core.tenants.count)}"#)
        }
        router.get("/v1/models") { [self] request, _ in models(request) }
        router.post("/v1/chat/completions") { [self] request, _ in await chat(request) }
        if let flags { FlagsRoutes(environmentKey: flags.environmentKey, registry: flagRegistry).add(to: router) }
        platformAPI?.add(to: router)
        return router
    }

    // MARK: Models

    func models(_ request: Request) -> Response {
        let requestID = ids.withLockedValue { $0.make(prefix: "req_") }
        switch core.authenticate(request.headers[.authorization]) {
        case .failure(let e):
            return Self.errorResponse(e, requestID: requestID)
        case .success(let owner):
            var models = owner.tenant.aliases.keys.sorted().map { name in
                OpenAIModel(id: name, created: 0, ownedBy: owner.tenant.aliases[name]!.active.rawValue)
            }
            // With the Platform API, the tenant's documents answer through `doc-chat`.
            if platformAPI != nil { models.append(OpenAIModel(id: Self.docChatModel, created: 0, ownedBy: "dcoder")) }
            let list = OpenAIModelList(data: models)
            return Self.bytesResponse(status: .ok, contentType: "application/json", WireJSON.encode(list), requestID: requestID)
        }
    }

    // MARK: Chat completions

    func chat(_ request: Request) async -> Response {
        let started = clock.now()
        let requestID = ids.withLockedValue { $0.make(prefix: "chatcmpl-") }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: maxRequestBytes) } catch {
            let tooLarge = error is NIOTooManyBytesError || (error as? HTTPError)?.status == .contentTooLarge
            let e = tooLarge
                ? GatewayError(.requestTooLarge, status: 413, message: "The request body is larger than \(maxRequestBytes) bytes.")
                : GatewayError(.invalidRequest, status: 400, message: "The request body could not be read: \(error)")
            return await reject(e, request: request, requestID: requestID, started: started)
        }
        let bodyBytes = Array(buffer: body)
        let chat: ChatCompletionRequest
        do { chat = try WireJSON.decode(ChatCompletionRequest.self, from: bodyBytes) } catch {
            return await reject(GatewayError(.invalidRequest, status: 400, message: "The request body is not a valid chat completion request: \(Self.describe(error))"),
                          request: request, requestID: requestID, started: started)
        }
        if chat.model == Self.docChatModel, let api = platformAPI?.service {
            return await docChat(chat, service: api, request: request, requestID: requestID, started: started)
        }
        let core = self.core  // a snapshot: copy-on-write, no lock held below
        var step = node.withLockedValue {
            $0.admit(chat, body: bodyBytes, authorization: request.headers[.authorization], requestID: requestID, now: started)
        }
        if case .acquireShared(let call, let scopes, let tokens) = step {
            step = await acquireShared(call, scopes, promptTokens: tokens, now: started)
        }
        switch step {
        case .refused(let r, let headers):
            await record(r.usage, alerts: r.alerts)
            return Self.errorResponse(r.error, requestID: requestID, extra: headers)
        case .acquireShared:
            preconditionFailure("the shared counters were consulted above")
        case .send(let call, let limit):
            let timeout = core.configuration.upstreamTimeout
            let sent = await transport.send(call.request, allowlist: core.configuration.allowlist, timeout: timeout, clock: clock)
            switch sent {
            case .failure(let f):
                return await finish(core.complete(call.context, result: .failure(f), now: clock.now()), requestID: requestID, limit: limit)
            case .success(let answer):
                if call.context.stream, answer.status < 400, answer.isEventStream {
                    return relay(call.context, answer, timeout: timeout, limit: limit)
                }
                let bytes: ByteBuffer
                do { bytes = try await answer.body.collect(upTo: 64 * 1024 * 1024) } catch {
                    return await finish(core.complete(call.context, result: .failure(TransportFailure(reading: error, timeout: timeout)), now: clock.now()),
                                  requestID: requestID, limit: limit)
                }
                let response = UpstreamResponse(status: answer.status, headers: answer.headers, body: .bytes(Array(buffer: bytes)),
                                                 timeToFirstByte: answer.timeToHead)
                return await finish(core.complete(call.context, result: .response(response), now: clock.now()), requestID: requestID, limit: limit)
            }
        }
    }

    typealias Limit = GatewayNode.Limit

    /// Settles a call through the node (its grant back, its cost to the tenant's spend),
    /// gives a shared grant back to Redis, and records it.
    private func settle(_ usage: UsageRecord, alerts: [Alert], limit: Limit) async {
        let now = clock.now()
        let finished = node.withLockedValue { $0.finish(usage, alerts: alerts, limit: limit, now: now) }
        await releaseShared(finished.sharedRelease)
        await log(usage, alerts: finished.alerts)
    }

    /// Gives back a grant whose call used no tokens (it never reached a model).
    private func releaseUnused(_ limit: Limit) async {
        let now = clock.now()
        await releaseShared(node.withLockedValue { $0.release(limit, tokens: 0, now: now) })
    }

    private func releaseShared(_ release: (grant: RateLimiter.Grant, tokens: Int)?) async {
        guard let (grant, tokens) = release, let shared = sharedLimiter else { return }
        do { try await shared.release(grant, actualTokens: tokens, now: nil) } catch {
            logger.warning("redis counters unreachable on release", metadata: ["error": .string("\(error)")])
        }
    }

    /// The shared-counters step of a call: in Redis, falling back to this process's counters
    /// (with a warning) while Redis cannot be reached.
    private func acquireShared(_ call: GatewayCore.UpstreamCall, _ scopes: RateLimiter.Scopes, promptTokens: Int, now: Instant) async -> GatewayNode.Step {
        if let shared = sharedLimiter {
            do {
                let decision = try await shared.acquire(scopes, promptTokens: promptTokens, now: nil)
                return node.withLockedValue { $0.limited(call, decision, local: false, now: now) }
            } catch {
                logger.warning("redis counters unreachable; limiting in this process", metadata: ["error": .string("\(error)")])
            }
        }
        return node.withLockedValue { $0.acquireLocally(call, scopes, promptTokens: promptTokens, now: now) }
    }

    /// Takes a place in the limits for scopes the driver names (`doc-chat`): in Redis with
    /// the `redis` policy (falling back as above), else in this node's counters.
    private func acquire(_ scopes: RateLimiter.Scopes, promptTokens: Int, now: Instant) async -> (RateLimiter.Decision, local: Bool) {
        if let shared = sharedLimiter {
            do { return (try await shared.acquire(scopes, promptTokens: promptTokens, now: nil), false) } catch {
                logger.warning("redis counters unreachable; limiting in this process", metadata: ["error": .string("\(error)")])
            }
        }
        return (node.withLockedValue { $0.acquire(scopes, promptTokens: promptTokens, now: now) }, true)
    }

    private func reject(_ e: GatewayError, request: Request, requestID: String, started: Instant) async -> Response {
        let r = core.refuse(e, authorization: request.headers[.authorization], requestID: requestID, now: started)
        await record(r.usage, alerts: r.alerts)
        return Self.errorResponse(r.error, requestID: requestID)
    }

    private func finish(_ outcome: GatewayCore.Outcome, requestID: String, limit: Limit) async -> Response {
        await settle(outcome.usage, alerts: outcome.alerts, limit: limit)
        switch outcome.response {
        case .completion(let c):
            return Self.bytesResponse(status: .ok, contentType: "application/json", WireJSON.encode(c), requestID: requestID, extra: limit.headers)
        case .passthrough(let bytes):
            return Self.bytesResponse(status: .ok, contentType: "application/json", bytes, requestID: requestID, extra: limit.headers)
        case .error(let e):
            return Self.errorResponse(e, requestID: requestID, extra: limit.headers)
        case .stream(let chunks):  // a stream the provider sent whole (not as SSE)
            var out = ""
            for c in chunks { out += Self.sse(c) }
            out += "data: [DONE]\n\n"
            return Self.bytesResponse(status: .ok, contentType: "text/event-stream", Array(out.utf8), requestID: requestID, extra: limit.headers)
        }
    }

    /// Relays a provider's SSE stream to the client as OpenAI chunks, as they arrive.
    ///
    /// A client that goes away mid-stream is not the provider's business: the provider
    /// goes on generating and billing. So the relay goes on reading (sending nothing) to
    /// the provider's final usage event, for at most the upstream timeout after the client
    /// left; past that it drops the body, which cancels the upstream call, and the call is
    /// charged an estimate (``StreamRelay/finish(now:timeToFirstByte:cut:clientClosed:)``).
    private func relay(_ context: GatewayCore.CallContext, _ answer: ProviderHTTPTransport.Answer, timeout: Nanoseconds, limit: Limit) -> Response {
        // The call is settled (limits released, usage recorded) exactly once: by the body
        // writer, or — if the client left before the answer's head could be written, so the
        // writer never runs — by a watchdog an upstream timeout later.
        let settled = NIOLockedValueBox(false)
        let claim: @Sendable () -> Bool = { settled.withLockedValue { done in defer { done = true }; return !done } }
        let timeToHead = answer.timeToHead  // not the body: dropped with the response, it cancels the upstream call
        let watchdog = Task { [self] in
            try? await Task.sleep(for: .nanoseconds(timeout.value))
            guard !Task.isCancelled, claim() else { return }
            var relay = StreamRelay(context: context, created: clock.now().unixSeconds)
            let end = relay.finish(now: clock.now(), timeToFirstByte: timeToHead, cut: "the client left before the answer began",
                                   clientClosed: true)
            await settle(end.outcome.usage, alerts: end.outcome.alerts, limit: limit)
        }
        let body = ResponseBody { [self] writer in
            watchdog.cancel()
            guard claim() else { return }
            var relay = StreamRelay(context: context, created: clock.now().unixSeconds)
            var cut: String?
            var clientGone = false
            var iterator = answer.body.makeAsyncIterator()
            do {
                while let buffer = try await iterator.next() {
                    let chunks = relay.feed(bytes: buffer.readableBytesView)
                    guard !chunks.isEmpty else { continue }
                    var text = ""
                    for c in chunks { text += Self.sse(c) }
                    do { try await writer.write(ByteBuffer(string: text)) } catch { clientGone = true; break }
                }
            } catch {
                cut = "\(TransportFailure(reading: error, timeout: timeout))"
            }
            if clientGone {
                (relay, cut) = await Self.drain(relay, SendableIterator(iterator), timeout: timeout)
            }
            let end = relay.finish(now: clock.now(), timeToFirstByte: answer.timeToHead, cut: cut, clientClosed: clientGone)
            // Journaled before the client sees the end of the stream.
            await settle(end.outcome.usage, alerts: end.outcome.alerts, limit: limit)
            guard !clientGone else { return }
            var tail = ""
            for c in end.chunks { tail += Self.sse(c) }
            if let e = end.outcome.error {
                tail += "data: " + String(decoding: WireJSON.encode(e.body), as: UTF8.self) + "\n\n"
            } else {
                tail += "data: [DONE]\n\n"
            }
            try await writer.write(ByteBuffer(string: tail))
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[Self.requestIDHeader] = context.requestID
        Self.add(limit.headers, to: &headers)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The provider's body iterator, handed to the drain task (used by one task at a time).
    struct SendableIterator: @unchecked Sendable {
        var value: HTTPClientResponse.Body.AsyncIterator
        init(_ value: HTTPClientResponse.Body.AsyncIterator) { self.value = value }
    }

    /// Reads the rest of a stream whose client left, for at most `timeout` — however the
    /// provider behaves (silent, trickling): the relay with what came, and why it was cut
    /// short, if it was. Past the limit the read is cancelled, and the body dropped with
    /// it, which cancels the upstream call.
    static func drain(_ relay: StreamRelay, _ iterator: SendableIterator, timeout: Nanoseconds) async -> (StreamRelay, String?) {
        let late = "the client disconnected and the provider did not finish within \(timeout)"
        return await withTaskGroup(of: (StreamRelay, String?)?.self) { group in
            group.addTask {
                var relay = relay, it = iterator.value
                do {
                    while let buffer = try await it.next() { _ = relay.feed(bytes: buffer.readableBytesView) }
                    return (relay, nil)
                } catch {
                    return (relay, Task.isCancelled ? late : "\(TransportFailure(reading: error, timeout: timeout))")
                }
            }
            group.addTask {
                try? await Task.sleep(for: .nanoseconds(timeout.value))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            // Out of time: what the cancelled read had relayed, cut.
            for await result in group { if let (partial, _) = result { return (partial, late) } }
            return (relay, late)
        }
    }

    /// Records a call that holds no limits (refused, embeddings, the platform's own): its
    /// cost to the tenant's spend through the node, then ``log(_:alerts:)``.
    private func record(_ usage: UsageRecord, alerts: [Alert]) async {
        let now = clock.now()
        let budgetAlerts = node.withLockedValue { $0.account(usage, now: now) }
        await log(usage, alerts: alerts + budgetAlerts)
    }

    /// Counts a finished call, raises its alerts, logs it, and — with a ledger — journals it
    /// durably before returning (so before its answer completes).
    private func log(_ usage: UsageRecord, alerts: [Alert]) async {
        if let journal, let tenant = usage.tenant {
            do { try await journal.append(tenant: tenant, entry: UsageJournal.entry(usage)) } catch {
                logger.error("usage journal append failed", metadata: ["request_id": .string(usage.requestID), "error": .string("\(error)")])
            }
        }
        self.usage.add(usage)
        metrics.record(usage)
        for a in alerts where self.alerts.add(a) {
            logger.warning("alert", metadata: Self.metadata(a))
            plugins?.enqueue(a)
        }
        accessLog.record(usage, at: clock.now())
    }

    // MARK: Embeddings

    /// Embeds tenants' documents and questions through their embedding models, over HTTP,
    /// accounted like every call (``TenantEmbedder``).
    public var embedder: TenantEmbedder {
        TenantEmbedder(
            core: { [node] in node.withLockedValue { $0.core } },
            send: { [self] call in
                let configuration = core.configuration
                let timeout = configuration.upstreamTimeout
                switch await transport.send(call.request, allowlist: configuration.allowlist, timeout: timeout, clock: clock) {
                case .failure(let f): return .failure(f)
                case .success(let answer):
                    do {
                        let bytes = try await answer.body.collect(upTo: 64 * 1024 * 1024)
                        return .response(UpstreamResponse(status: answer.status, headers: answer.headers, body: .bytes(Array(buffer: bytes)),
                                                          timeToFirstByte: answer.timeToHead))
                    } catch {
                        return .failure(TransportFailure(reading: error, timeout: timeout))
                    }
                }
            },
            record: { [self] usage, alerts in await record(usage, alerts: alerts) },
            now: { [clock] in clock.now() },
            requestID: { [ids] in ids.withLockedValue { $0.make(prefix: "emb-") } })
    }

    /// Makes the Platform API's knowledge service embed through tenants' embedding models.
    public func provideEmbeddings(to service: APIService) async {
        let embedder = self.embedder
        await service.knowledge.useTenantEmbeddings({ tenant, texts, query, dimensions in
            try await embedder.embed(tenant: tenant, texts: texts, query: query, dimensions: dimensions)
        }, space: { embedder.space(tenant: $0) })
    }

    // MARK: Grounded answers

    /// The model alias that answers from the tenant's documents (Open WebUI's Doc Chat).
    public static let docChatModel = "doc-chat"

    /// `doc-chat`: the last user message is the question; the answer comes from the tenant's
    /// knowledge base and model (``APIService/groundedAnswer(tenant:question:k:)``), with the
    /// sources listed after it. Streamed requests get the answer as one chunk.
    private func docChat(_ chat: ChatCompletionRequest, service: APIService, request: Request, requestID: String, started: Instant) async -> Response {
        let core = self.core
        let tenant: TenantGatewayConfig, keyID: String
        switch core.authenticate(request.headers[.authorization]) {
        case .failure(let e): return await reject(e, request: request, requestID: requestID, started: started)
        case .success(let owner): (tenant, keyID) = (owner.tenant, owner.keyID)
        }
        if tenant.suspended {
            return Self.errorResponse(GatewayError(.tenantSuspended, status: 403, message: "Tenant '\(tenant.id)' is suspended."), requestID: requestID)
        }
        guard let question = chat.messages.last(where: { $0.role == "user" })?.text, !question.isEmpty else {
            return Self.errorResponse(GatewayError(.invalidRequest, status: 400, message: "doc-chat needs a user message to answer."), requestID: requestID)
        }
        // The client's limits apply as to any call; the model call is accounted to its key.
        var limit = Limit.none
        let scopes = anyLimits ? core.rateLimitScopes(tenant: tenant.id, keyID: keyID) : RateLimiter.Scopes([])
        if !scopes.entries.isEmpty {
            let (decision, local) = await acquire(scopes, promptTokens: TokenEstimate.promptTokens(chat.messages), now: started)
            switch decision {
            case .refused(let reason, let retryAfter, let status):
                let e = GatewayError(.rateLimited, status: 429,
                                     message: "Rate limit reached: \(reason). Please try again in \(RateLimiter.format(retryAfter)).", retryAfter: retryAfter)
                return Self.errorResponse(e, requestID: requestID, extra: status.headers)
            case .granted(let grant, let status):
                limit = Limit(grant: grant, headers: status.headers, local: local)
            }
        }
        let used = NIOLockedValueBox<UsageRecord?>(nil)
        let text: String
        do {
            let grounded = try await service.groundedAnswer(tenant: tenant.id, question: question) { system, user in
                let (answer, usage) = try await self.complete(tenant: tenant.id, keyID: keyID, system: system, user: user)
                used.withLockedValue { $0 = usage }
                return answer
            }
            var sources = ""
            for c in grounded.citations {
                sources += "\n[\(c.number)] \(c.document)" + (c.section.isEmpty ? "" : " › " + c.section.joined(separator: " › "))
            }
            text = grounded.answer + (sources.isEmpty ? "" : "\n\nSources:" + sources)
        } catch {
            await releaseUnused(limit)
            return Self.errorResponse(GatewayError(.serverError, status: 502, message: "doc-chat could not answer: \(error)"), requestID: requestID)
        }
        if let usage = used.withLockedValue({ $0 }) {
            let now = clock.now()
            await releaseShared(node.withLockedValue { $0.release(limit, tokens: usage.promptTokens + usage.completionTokens, now: now) })
        } else {
            await releaseUnused(limit)
        }
        let created = clock.now().unixSeconds
        if chat.isStream {
            let chunks = [
                ChatCompletionChunk(id: requestID, created: created, model: Self.docChatModel,
                                    choices: [ChatChunkChoice(delta: ChatDelta(role: "assistant", content: text), finishReason: nil)]),
                ChatCompletionChunk(id: requestID, created: created, model: Self.docChatModel,
                                    choices: [ChatChunkChoice(delta: ChatDelta(), finishReason: "stop")]),
            ]
            let out = chunks.map(Self.sse).joined() + "data: [DONE]\n\n"
            return Self.bytesResponse(status: .ok, contentType: "text/event-stream", Array(out.utf8), requestID: requestID)
        }
        let completion = ChatCompletion(id: requestID, created: created, model: Self.docChatModel,
                                        choices: [ChatChoice(index: 0, message: AssistantMessage(content: text), finishReason: "stop")], usage: nil)
        return Self.bytesResponse(status: .ok, contentType: "application/json", WireJSON.encode(completion), requestID: requestID)
    }

    /// A completion the platform makes for a tenant (the RAG API's grounded answers): the
    /// tenant's first model alias, through the same admission, routing, transport and
    /// accounting as a client's call (key id `platform`; not rate-limited).
    public func complete(tenant: String, system: String, user: String) async throws -> String {
        try await complete(tenant: tenant, keyID: "platform", system: system, user: user).text
    }

    /// The same, accounted to `keyID`; also returns the call's usage record.
    func complete(tenant: String, keyID: String, system: String, user: String) async throws -> (text: String, usage: UsageRecord) {
        let started = clock.now()
        let requestID = ids.withLockedValue { $0.make(prefix: "chatcmpl-") }
        let core = self.core
        guard let alias = core.tenants[tenant]?.aliases.keys.sorted().first else {
            throw LiveError("tenant '\(tenant)' has no model to answer with")
        }
        let chat = ChatCompletionRequest(model: alias, messages: [ChatMessage(role: "system", content: system), ChatMessage(role: "user", content: user)])
        switch core.admitInternal(chat, tenant: tenant, keyID: keyID, requestID: requestID, now: started) {
        case .reject(let r):
            await record(r.usage, alerts: r.alerts)
            throw LiveError(r.error.message)
        case .forward(let call):
            let outcome: GatewayCore.Outcome
            switch await transport.send(call.request, allowlist: core.configuration.allowlist, timeout: core.configuration.upstreamTimeout, clock: clock) {
            case .failure(let f):
                outcome = core.complete(call.context, result: .failure(f), now: clock.now())
            case .success(let answer):
                let bytes = try await answer.body.collect(upTo: 16 << 20)
                let response = UpstreamResponse(status: answer.status, headers: answer.headers, body: .bytes(Array(buffer: bytes)),
                                                timeToFirstByte: answer.timeToHead)
                outcome = core.complete(call.context, result: .response(response), now: clock.now())
            }
            await record(outcome.usage, alerts: outcome.alerts)
            switch outcome.response {
            case .completion(let c): return (c.choices.first?.message.content ?? "", outcome.usage)
            case .passthrough(let bytes): return (try WireJSON.decode(ChatCompletion.self, from: bytes).choices.first?.message.content ?? "", outcome.usage)
            case .error(let e): throw LiveError(e.message)
            case .stream: throw LiveError("the provider streamed an answer the platform asked for whole")
            }
        }
    }

    // MARK: Quotas from the configuration model

    /// Applies a tenant's effective quotas (platform defaults and its overrides, from the
    /// Platform API) over the serve file's limits and budget.
    public func applyQuotas(tenant: String, _ quotas: [String: Double]) {
        guard let base = fileQuotas[tenant] else { return }
        let limits = base.limits.overridden(by: quotas), budget = Budget.overridden(base.budget, by: quotas)
        let changed = node.withLockedValue { node -> Bool in
            guard let t = node.core.tenants[tenant], t.limits != limits || t.budget != budget else { return false }
            try? node.configure { try $0.setQuotas(tenant: tenant, limits: limits, budget: budget) }
            return true
        }
        guard changed else { return }
        logger.info("quotas applied", metadata: ["tenant": .string(tenant)])
    }

    // MARK: Reconciliation

    /// The gateway's tenants.
    public var tenantIDs: [String] { core.tenants.keys.sorted() }

    /// Compares each tenant's month-to-date spend as the gateway counts it (its budgets)
    /// with the ledger's, and resets the gateway's to the ledger's (``UsageReconciliation``).
    /// Non-zero drift raises a `usage_drift` alert.
    ///
    /// - Returns: The drift found, per tenant, before the repair.
    @discardableResult
    public func reconcile(ledgerMonthToDate ledger: [String: Int64]) -> [UsageDrift] {
        let now = clock.now()
        let gateway = Dictionary(uniqueKeysWithValues: ledger.keys.map { t in
            (t, UsageCounters(costMicros: node.withLockedValue { $0.spent(tenant: t, at: now) }))
        })
        let drift = UsageReconciliation.drift(gateway: gateway, ledger: ledger.mapValues { UsageCounters(costMicros: $0) })
        // The first reconciliation after a start raises no budget alert (the process before
        // this one did, when the spend got there); later ones raise those for thresholds the
        // spend crossed through calls this replica did not see.
        // (Per tenant: one whose ledger could not be read at start-up is still starting up.)
        let seen = reconciledTenants.withLockedValue { seen in defer { seen.formUnion(ledger.keys) }; return seen }
        let restored = node.withLockedValue { n in
            ledger.sorted { $0.key < $1.key }.flatMap { t, spent in
                n.restoreSpend(tenant: t, spentMicros: spent, now: now, alertNewlyCrossed: seen.contains(t))
            }
        }
        metrics.record(drift)
        for alert in drift.filter({ !$0.isZero }).map({ UsageReconciliation.alert($0, at: now) }) + restored {
            if alerts.add(alert) {
                logger.warning("alert", metadata: Self.metadata(alert))
                plugins?.enqueue(alert)
            }
        }
        return drift
    }

    // MARK: Framing

    static let requestIDHeader = HTTPField.Name("x-request-id")!

    static func sse(_ chunk: ChatCompletionChunk) -> String {
        "data: " + String(decoding: WireJSON.encode(chunk), as: UTF8.self) + "\n\n"
    }

    static func errorResponse(_ e: GatewayError, requestID: String, extra: [HTTPHeader] = []) -> Response {
        var response = bytesResponse(status: HTTPResponse.Status(code: e.status), contentType: "application/json", WireJSON.encode(e.body),
                                     requestID: requestID, extra: extra)
        if let s = e.retryAfterSeconds { response.headers[.retryAfter] = String(s) }
        return response
    }

    static func bytesResponse(status: HTTPResponse.Status, contentType: String, _ bytes: [UInt8], requestID: String,
                              extra: [HTTPHeader] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[Self.requestIDHeader] = requestID
        add(extra, to: &headers)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func add(_ extra: [HTTPHeader], to fields: inout HTTPFields) {
        for h in extra { if let name = HTTPField.Name(h.name) { fields[name] = h.value } }
    }

    static func json(status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func metadata(_ a: Alert) -> Logger.Metadata {
        ["kind": .string(a.kind.rawValue), "tenant": .string(a.tenant ?? "-"), "provider": .string(a.provider?.rawValue ?? "-"), "message": .string(a.message)]
    }

    static func describe(_ error: any Error) -> String { WireJSON.describe(error) }
}

/// Turns errors the router raises itself (unknown path, wrong method) into OpenAI-style
/// error bodies, so clients get the same shape for every failure.
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    /// When the Platform API is served, unknown `/api/v1/…` paths get its problem+json 404.
    var platformAPI: PlatformAPIRoutes?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            if let platformAPI, request.uri.path.hasPrefix("/api/v1/") { return await platformAPI.handle(request) }
            let status = error.status
            let kind: GatewayError.Kind = status == .notFound ? .unknownURL : .invalidRequest
            let message = status == .notFound
                ? "Unknown request URL: \(request.method) \(request.uri.path)."
                : "\(status.code) \(status.reasonPhrase)"
            return LiveGateway.errorResponse(GatewayError(kind, status: status.code, message: message), requestID: "-")
        }
    }
}

/// A configuration problem found when the live server starts.
public struct LiveError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// OpenAI's `GET /v1/models` answer.
struct OpenAIModelList: Codable {
    var object = "list"
    var data: [OpenAIModel]
}

struct OpenAIModel: Codable {
    var id: String
    var object = "model"
    var created: Int
    var ownedBy: String

    init(id: String, created: Int, ownedBy: String) { self.id = id; self.created = created; self.ownedBy = ownedBy }

    enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
}

/// The alerts the live server raised, each condition once (``Alert/dedupKey``), the most
/// recent 1,000 kept.
public final class AlertLog: Sendable {
    private let state = NIOLockedValueBox<(keys: Set<String>, alerts: [Alert])>(([], []))

    public init() {}

    /// Records an alert; `false` if the same condition was already raised.
    @discardableResult
    public func add(_ alert: Alert) -> Bool {
        state.withLockedValue { s in
            guard s.keys.insert(alert.dedupKey).inserted else { return false }
            s.alerts.append(alert)
            if s.alerts.count > 1000 { s.alerts.removeFirst(s.alerts.count - 1000) }
            return true
        }
    }

    public var all: [Alert] { state.withLockedValue { $0.alerts } }
}

/// Per-tenant totals of the live server's calls (the durable ledger is issue 5's).
public final class UsageBook: Sendable {
    public struct Totals: Sendable, Equatable {
        public var calls = 0
        public var errors = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var costMicros: Int64 = 0
    }

    private let totals = NIOLockedValueBox<[String: Totals]>([:])

    public init() {}

    func add(_ u: UsageRecord) {
        totals.withLockedValue { all in
            var t = all[u.tenant ?? "-", default: Totals()]
            t.calls += 1
            if u.status != 200 { t.errors += 1 }
            t.promptTokens += u.promptTokens
            t.completionTokens += u.completionTokens
            t.costMicros += u.costMicros
            all[u.tenant ?? "-"] = t
        }
    }

    public func totals(for tenant: String) -> Totals { totals.withLockedValue { $0[tenant] ?? Totals() } }
}
