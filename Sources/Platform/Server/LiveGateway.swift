import AsyncHTTPClient
import Flags
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Base
import Gateway
import PlatformAPI
import Synchronization

/// The gateway as an HTTP server: the live driver of one ``GatewayNode``.
///
/// Every decision on the request path — admission, limits, completion, settlement, the
/// journal, reconciliation — is the node's (the Lab runs the same steps on virtual time).
/// This type only carries the steps out: it reads the request over HTTP, consults Redis
/// for shared counters, sends upstream calls with ``ProviderHTTPTransport``, writes the
/// journal on its I/O queue, relays streams chunk by chunk as they arrive, and writes
/// the replies; it owns what is live by nature: the lock around the node, the system
/// clock, request ids from system entropy, HTTP framing, logs and metrics.
public final class LiveGateway: Sendable {
    /// This process's replica: the node behind its lock, with its journal's files.
    public let replica: LiveReplica
    /// The replica's name and whether it journals (fixed for the process's life), so that
    /// a call's journal line is encoded outside the lock.
    let replicaName: String
    let journaling: Bool
    let ids: Mutex<IDGenerator>
    let transport: ProviderHTTPTransport
    let clock = SystemTimeSource()
    let logger: Logger
    let maxRequestBytes: Int
    let accessLog: AccessLog
    /// Prometheus metrics, served at `GET /metrics` to the bearer of `metricsToken`.
    public let metrics = GatewayMetrics()
    /// Per-tenant totals of the calls this process answered.
    public let usage = UsageBook()
    let metricsToken: String?
    private let alertLog = Mutex(AlertLog(capacity: 1_000))
    /// The `redis` counter policy, when configured; the node's own counters are its fallback
    /// while Redis cannot be reached.
    let sharedLimiter: RedisRateLimiter?
    /// The Flagsmith read API's environment key, when flags are served.
    let flagsEnvironmentKey: String?
    /// The process's flags (shared with the Platform API when it is served).
    public let flagRegistry: FlagRegistry
    /// Alert sinks and other plugins, when a tenant configures an integration.
    let plugins: LivePlugins?
    let platformAPI: PlatformAPIRoutes?

    /// - Parameters:
    ///   - node: the replica's node, configured; with a journal when `journalFiles` is given.
    ///   - platformAPI: the Platform API's routes, when the server has one (`doc-chat`
    ///     answers from its knowledge service).
    public init(node: GatewayNode, journalFiles: FileJournalFiles? = nil, transport: ProviderHTTPTransport, logger: Logger,
                maxRequestBytes: Int = 4 << 20, metricsToken: String? = nil, accessLog: AccessLog = AccessLog(enabled: false),
                platformAPI: PlatformAPIRoutes? = nil, flags: FlagRegistry = FlagRegistry(), flagsEnvironmentKey: String? = nil,
                plugins: LivePlugins? = nil, sharedLimiter: RedisRateLimiter? = nil) {
        var node = node
        node.servesDocChat = platformAPI != nil
        node.sharedCounters = sharedLimiter != nil
        replica = LiveReplica(node: node, files: journalFiles)
        replicaName = node.replica
        journaling = node.journal != nil
        ids = Mutex(IDGenerator(seed: systemSeed()))
        self.transport = transport
        self.logger = logger
        self.maxRequestBytes = maxRequestBytes
        self.metricsToken = metricsToken
        self.accessLog = accessLog
        self.platformAPI = platformAPI
        self.flagRegistry = flags
        self.flagsEnvironmentKey = flagsEnvironmentKey
        self.plugins = plugins
        self.sharedLimiter = sharedLimiter
    }

    /// A snapshot of the configuration (copy-on-write: no lock held while it is used).
    public var core: GatewayCore { replica.withNode { $0.core } }

    /// The alerts raised while serving, each condition once (the most recent 1,000).
    public var alerts: [Alert] { alertLog.withLock { $0.alerts } }

    /// A tenant's month-to-date usage as this replica counts it.
    public func counters(tenant: String) -> UsageCounters {
        let now = clock.now()
        return replica.withNode { $0.counters.counters(tenant: tenant, at: now) }
    }

    /// The gateway's tenants.
    public var tenantIDs: [String] { core.tenants.keys.sorted() }

    /// The routes: the OpenAI-compatible API, the health probes and metrics.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: OpenAIErrorMiddleware(platformAPI: platformAPI))
        router.get("/healthz") { _, _ in Self.json(status: .ok, #"{"status":"ok"}"#) }
        // Prometheus metrics name every tenant: only for the bearer of `server.metrics_token`.
        router.get("/metrics") { [metrics, metricsToken] request, _ in
            guard let metricsToken else {
                return Self.response(.error(GatewayError(.unknownURL, status: 404, message: "Metrics are off: set server.metrics_token."), requestID: "-"))
            }
            guard GatewayMetrics.authorized(request.headers[.authorization], token: metricsToken) else {
                return Self.response(.error(GatewayError(.invalidAPIKey, status: 401, message: "Metrics need the metrics token as a bearer token."), requestID: "-"))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        // Ready once the configuration is loaded and the listener is up (the router exists
        // only then); the tenant count tells an operator what was loaded.
        router.get("/readyz") { [self] _, _ in
            Self.json(status: .ok, #"{"status":"ready","tenants":\#(core.tenants.count)}"#)
        }
        router.get("/v1/models") { [self] request, _ in
            let id = ids.withLock { $0.make(prefix: "req_") }
            let now = clock.now()
            return Self.response(replica.withNode { $0.models(authorization: request.headers[.authorization], requestID: id, now: now) })
        }
        router.post("/v1/chat/completions") { [self] request, _ in await chat(request) }
        if let flagsEnvironmentKey { FlagsRoutes(environmentKey: flagsEnvironmentKey, registry: flagRegistry).add(to: router) }
        platformAPI?.add(to: router)
        return router
    }

    // MARK: Chat completions

    func chat(_ request: Request) async -> Response {
        let started = clock.now()
        let requestID = ids.withLock { $0.make(prefix: "chatcmpl-") }
        var request = request
        let inbound: GatewayNode.Inbound
        do { inbound = .body(Array(buffer: try await request.collectBody(upTo: maxRequestBytes))) } catch {
            let tooLarge = error is NIOTooManyBytesError || (error as? HTTPError)?.status == .contentTooLarge
            inbound = .unreadable(tooLarge
                ? GatewayError(.requestTooLarge, status: 413, message: "The request body is larger than \(maxRequestBytes) bytes.")
                : GatewayError(.invalidRequest, status: 400, message: "The request body could not be read: \(error)"))
        }
        // Reading and admitting the call needs only the configuration: a snapshot, no lock
        // held while the body is decoded and the key hashed.
        let (core, servesDocChat) = replica.withNode { ($0.core, $0.servesDocChat) }
        let admission = GatewayNode.admission(inbound, core: core, servesDocChat: servesDocChat, authorization: request.headers[.authorization],
                                              requestID: requestID, now: started)
        var step = replica.withNode { $0.receive(admission, now: started) }
        if case .acquireShared(let pending, let scopes, let tokens) = step {
            step = await acquireShared(pending, scopes, promptTokens: tokens, now: started)
        }
        switch step {
        case .respond(let reply, let settlement):
            await carryOut(settlement)
            return Self.response(reply)
        case .send(let call):
            return await send(call)
        case .answerFromDocuments(let call):
            return await docChat(call)
        case .acquireShared:
            preconditionFailure("the shared counters were consulted above")
        }
    }

    /// The shared-counters step of a call: in Redis, or — while Redis cannot be reached —
    /// in this replica's own counters (with a warning).
    private func acquireShared(_ pending: GatewayNode.Pending, _ scopes: RateLimiter.Scopes, promptTokens: Int, now: Instant) async -> GatewayNode.Step {
        var decision: RateLimiter.Decision?
        if let shared = sharedLimiter {
            do { decision = try await shared.acquire(scopes, promptTokens: promptTokens, now: nil) } catch {
                logger.warning("redis counters unreachable; limiting in this process", metadata: ["error": .string("\(error)")])
            }
        }
        return replica.withNode { $0.limited(pending, decision, now: now) }
    }

    /// Sends a call to its provider and answers its client: a stream that begins well is
    /// relayed as it arrives; anything else is read whole and completed.
    private func send(_ call: GatewayNode.Call) async -> Response {
        let configuration = core.configuration
        switch await transport.send(call.request, allowlist: configuration.allowlist, timeout: configuration.upstreamTimeout, clock: clock) {
        case .success(let answer) where call.context.stream && answer.status < 400 && answer.isEventStream:
            return relay(call, answer, timeout: configuration.upstreamTimeout)
        case let sent:
            let finish = await completeWhole(call, sent, timeout: configuration.upstreamTimeout)
            await carryOut(finish.settlement)
            return Self.response(finish.reply)
        }
    }

    /// Reads an answer whole and completes the call: what it means is worked out without
    /// the lock, the settlement under it.
    private func completeWhole(_ call: GatewayNode.Call, _ sent: Result<ProviderHTTPTransport.Answer, TransportFailure>,
                               timeout: Nanoseconds) async -> GatewayNode.Finish {
        let result: UpstreamResult
        switch sent {
        case .failure(let f):
            result = .failure(f)
        case .success(let answer):
            do {
                let bytes = try await answer.body.collect(upTo: 64 * 1024 * 1024)
                result = .response(UpstreamResponse(status: answer.status, headers: answer.headers, body: .bytes(Array(buffer: bytes)),
                                                    timeToFirstByte: answer.timeToHead))
            } catch {
                result = .failure(TransportFailure(reading: error, timeout: timeout))
            }
        }
        let now = clock.now()
        let answer = GatewayNode.answer(call.context, limit: call.limit, result: result, core: core, now: now)
        let line = journaling ? GatewayNode.journalLine(answer.usage, replica: replicaName) : nil
        return replica.withNode { $0.settle(answer, limit: call.limit, now: now, line: line) }
    }

    /// Relays a provider's SSE stream to the client as OpenAI chunks, as they arrive.
    ///
    /// A client that goes away mid-stream is not the provider's business: the provider
    /// goes on generating and billing. So the relay goes on reading (sending nothing) to
    /// the provider's final usage event, for at most the upstream timeout after the client
    /// left; past that it drops the body, which cancels the upstream call, and the call is
    /// charged an estimate (``GatewayNode/closeStream(_:now:cut:clientClosed:)``).
    private func relay(_ call: GatewayNode.Call, _ answer: ProviderHTTPTransport.Answer, timeout: Nanoseconds) -> Response {
        let stream = replica.withNode { $0.openStream(call, timeToFirstByte: answer.timeToHead, now: clock.now()) }
        // The call is settled exactly once: by the body writer, or — if the client left
        // before the answer's head could be written, so the writer never runs — by a
        // watchdog an upstream timeout later.
        let settled = Mutex(false)
        let claim: @Sendable () -> Bool = { settled.withLock { done in defer { done = true }; return !done } }
        let watchdog = Task { [self] in
            try? await Task.sleep(for: .nanoseconds(timeout.value))
            guard !Task.isCancelled, claim() else { return }
            let now = clock.now()
            let end = replica.withNode { $0.closeStream(stream, now: now, cut: "the client left before the answer began", clientClosed: true) }
            await carryOut(end.settlement)
        }
        let body = ResponseBody { [self] writer in
            watchdog.cancel()
            guard claim() else { return }
            var stream = stream
            var cut: String?
            var clientGone = false
            var iterator = answer.body.makeAsyncIterator()
            do {
                while let buffer = try await iterator.next() {
                    let out = stream.feed(buffer.readableBytesView)
                    guard !out.isEmpty else { continue }
                    do { try await writer.write(ByteBuffer(bytes: out)) } catch { clientGone = true; break }
                }
            } catch {
                cut = "\(TransportFailure(reading: error, timeout: timeout))"
            }
            if clientGone {
                (stream, cut) = await Self.drain(stream, SendableIterator(iterator), timeout: timeout)
            }
            let now = clock.now()
            let end = replica.withNode { [stream, cut, clientGone] in $0.closeStream(stream, now: now, cut: cut, clientClosed: clientGone) }
            // Journaled before the client sees the end of the stream.
            await carryOut(end.settlement)
            guard !clientGone else { return }
            try await writer.write(ByteBuffer(bytes: end.tail))
            try await writer.finish(nil)
        }
        var response = Self.response(stream.head)
        response.body = body
        return response
    }

    /// The provider's body iterator, handed to the drain task: used by one task at a time
    /// (the writer stops using it before the drain starts), which `Sendable` cannot express.
    struct SendableIterator: @unchecked Sendable {  // used by one task at a time: the writer's, then the drain's
        var value: HTTPClientResponse.Body.AsyncIterator
        init(_ value: HTTPClientResponse.Body.AsyncIterator) { self.value = value }
    }

    /// Reads the rest of a stream whose client left, for at most `timeout` — however the
    /// provider behaves (silent, trickling): the stream with what came, and why it was cut
    /// short, if it was. Past the limit the read is cancelled, and the body dropped with
    /// it, which cancels the upstream call.
    static func drain(_ stream: StreamCall, _ iterator: SendableIterator, timeout: Nanoseconds) async -> (StreamCall, String?) {
        let late = "the client disconnected and the provider did not finish within \(timeout)"
        return await withTaskGroup(of: (StreamCall, String?)?.self) { group in
            group.addTask {
                var stream = stream, it = iterator.value
                do {
                    while let buffer = try await it.next() { _ = stream.feed(buffer.readableBytesView) }
                    return (stream, nil)
                } catch {
                    return (stream, Task.isCancelled ? late : "\(TransportFailure(reading: error, timeout: timeout))")
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
            return (stream, late)
        }
    }

    // MARK: Settlements

    /// Carries out a settlement: gives a shared grant back to Redis, waits until the call is
    /// journaled (before its answer completes), then counts it in the metrics, logs it and
    /// raises its alerts.
    func carryOut(_ settlement: GatewayNode.Settlement) async {
        if let release = settlement.sharedRelease, let shared = sharedLimiter {
            do { try await shared.release(release.grant, actualTokens: release.tokens, now: nil) } catch {
                logger.warning("redis counters unreachable on release", metadata: ["error": .string("\(error)")])
            }
        }
        if let ticket = settlement.ticket {
            if let write = replica.withNode({ $0.nextJournalWrite() }) { startWriting(write) }
            await replica.waitForWrite(ticket)
        }
        if let usage = settlement.usage {
            self.usage.add(usage)
            metrics.record(usage)
            accessLog.record(usage, at: clock.now())
        }
        for alert in settlement.alerts { raise(alert) }
    }

    /// Writes the journal until nothing is pending: one write and one fsync for all the calls
    /// that settled meanwhile (group commit), on the replica's I/O queue.
    private func startWriting(_ first: UsageJournal.Write) {
        Task { [self] in
            var next: UsageJournal.Write? = first
            while let write = next {
                let ok = (try? await replica.withFiles { JournalIO.perform(write, on: $0) }) ?? false
                let now = clock.now()
                let (ended, following) = replica.withNode { n in (n.journalWriteEnded(write, succeeded: ok, now: now), n.nextJournalWrite()) }
                if let done = ended.tickets { replica.writesEnded(through: done.upperBound) } else {
                    try? await Task.sleep(for: .milliseconds(10))  // a failed write is retried after a pause
                }
                if let alert = ended.alert {
                    logger.error("usage journal write failed", metadata: ["replica": .string(replica.withNode { $0.replica })])
                    raise(alert)
                }
                next = following
            }
        }
    }

    /// Raises an alert: once per condition, to the log, the alert log and the tenants' sinks.
    func raise(_ alert: Alert) {
        guard alertLog.withLock({ $0.add(alert) }) else { return }
        logger.warning("alert", metadata: Self.metadata(alert))
        plugins?.enqueue(alert)
    }

    // MARK: The platform's own calls

    /// A completion the platform makes for a tenant (the RAG API's grounded answers): the
    /// tenant's first model alias, through the same admission, routing, transport and
    /// accounting as a client's call (key id `platform`; not rate-limited).
    public func complete(tenant: String, system: String, user: String) async throws -> String {
        try await complete(tenant: tenant, keyID: "platform", system: system, user: user).text
    }

    /// The same, accounted to `keyID`; also returns the call's usage record.
    func complete(tenant: String, keyID: String, system: String, user: String) async throws -> (text: String, usage: UsageRecord) {
        let started = clock.now()
        let requestID = ids.withLock { $0.make(prefix: "chatcmpl-") }
        let step = replica.withNode { n -> GatewayNode.Step? in
            n.internalChatRequest(tenant: tenant, system: system, user: user).map {
                n.admitInternal($0, tenant: tenant, keyID: keyID, requestID: requestID, now: started)
            }
        }
        switch step {
        case nil:
            throw LiveError("tenant '\(tenant)' has no model to answer with")
        case .respond(let reply, let settlement):
            await carryOut(settlement)
            throw LiveError(Self.failure(reply))
        case .send(let call):
            let configuration = core.configuration
            let sent = await transport.send(call.request, allowlist: configuration.allowlist, timeout: configuration.upstreamTimeout, clock: clock)
            let finish = await completeWhole(call, sent, timeout: configuration.upstreamTimeout)
            await carryOut(finish.settlement)
            guard let text = try? finish.reply.completionText(), let usage = finish.settlement.usage else { throw LiveError(Self.failure(finish.reply)) }
            return (text, usage)
        case .acquireShared, .answerFromDocuments:
            preconditionFailure("the platform's own calls are neither rate-limited nor doc-chat")
        }
    }

    /// Embeds tenants' documents and questions through their embedding models, over HTTP,
    /// accounted like every call (``TenantEmbedder``).
    public var embedder: TenantEmbedder {
        TenantEmbedder(
            core: { [replica] in replica.withNode { $0.core } },
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
            record: { [self] usage, alerts in
                let now = clock.now()
                await carryOut(replica.withNode { $0.settle(usage, alerts: alerts, limit: .none, now: now) })
            },
            now: { [clock] in clock.now() },
            requestID: { [self] in ids.withLock { $0.make(prefix: "emb-") } })
    }

    /// Makes the Platform API's knowledge service embed through tenants' embedding models.
    public func provideEmbeddings(to service: APIService) async {
        let embedder = self.embedder
        await service.knowledge.useTenantEmbeddings({ tenant, texts, query, dimensions in
            try await embedder.embed(tenant: tenant, texts: texts, query: query, dimensions: dimensions)
        }, space: { embedder.space(tenant: $0) })
    }

    // MARK: doc-chat

    /// `doc-chat`: the knowledge service's grounded answer, its model call accounted to the
    /// client's key, with the sources listed after it (``GatewayNode/finishDocChat(_:_:now:)``).
    private func docChat(_ call: DocChatCall) async -> Response {
        let answer: Result<DocChatAnswer, GatewayError>
        if let service = platformAPI?.service {
            let used = Mutex(0)
            do {
                let grounded = try await service.groundedAnswer(tenant: call.tenant, question: call.question) { system, user in
                    let (text, usage) = try await self.complete(tenant: call.tenant, keyID: call.keyID, system: system, user: user)
                    used.withLock { $0 += usage.promptTokens + usage.completionTokens }
                    return text
                }
                answer = .success(DocChatAnswer(text: grounded.answer,
                                                sources: grounded.citations.map { .init(number: $0.number, document: $0.document, section: $0.section) },
                                                tokens: used.withLock { $0 }))
            } catch {
                answer = .failure(GatewayError(.serverError, status: 502, message: "doc-chat could not answer: \(error)"))
            }
        } else {
            answer = .failure(GatewayError(.serverError, status: 502, message: "doc-chat could not answer: no knowledge service"))
        }
        let now = clock.now()
        let finish = replica.withNode { $0.finishDocChat(call, answer, now: now) }
        await carryOut(finish.settlement)
        return Self.response(finish.reply)
    }

    // MARK: Quotas and reconciliation

    /// Loads a tenant's configuration (``GatewayControlPlane``): replaces its keys, accounts
    /// and aliases, then lays its effective quotas from the Platform API over its
    /// configured limits and budget (``GatewayCore/applyQuotas(tenant:_:)``). A change is
    /// served from the next call on.
    ///
    /// - Returns: Whether it loaded (a key of another tenant's, for one, refuses it; logged).
    @discardableResult
    public func load(_ config: TenantGatewayConfig, quotas: [String: Double]) -> Bool {
        let now = clock.now()
        let result: Result<[Alert], Error> = replica.withNode { n in
            Result { try n.configure { core in
                let alerts = try core.upsertTenant(config, at: now)
                try core.applyQuotas(tenant: config.id, quotas)
                return alerts
            } }
        }
        switch result {
        case .success(let alerts):
            for a in alerts { raise(a) }
            return true
        case .failure(let error):
            logger.error("tenant not loaded", metadata: ["tenant": .string(config.id), "error": .string("\(error)")])
            return false
        }
    }

    /// Forgets a tenant (its keys get 401 from the next call on).
    public func removeTenant(_ id: String) {
        replica.withNode { n in
            guard n.core.tenants[id] != nil else { return }
            n.configure { $0.removeTenant(id) }
        }
    }

    /// Forgets every tenant but `served` (their keys get 401 from the next call on).
    public func removeTenants(except served: Set<String>) {
        replica.withNode { n in
            let gone = n.core.tenants.keys.filter { !served.contains($0) }
            guard !gone.isEmpty else { return }
            n.configure { core in for id in gone { core.removeTenant(id) } }
        }
    }

    /// Reconciles this replica with the ledger (``GatewayReplica/reconcile(with:now:attempts:pause:)``):
    /// records the drift in the metrics and raises the alerts.
    ///
    /// - Returns: What it found; `nil` when it was postponed.
    @discardableResult
    public func reconcile(with ledger: some UsageLedger) async -> GatewayNode.Reconciliation? {
        guard let done = await replica.reconcile(with: ledger, now: { clock.now() }, pause: { try? await Task.sleep(for: .milliseconds(20)) }) else {
            return nil
        }
        metrics.record(done.drift)
        for alert in done.alerts { raise(alert) }
        return done
    }

    // MARK: Framing

    /// Why a reply is not a completion, in its error's words.
    static func failure(_ reply: Reply) -> String {
        if case .error(let e) = reply.body { return e.message }
        return "the provider streamed an answer the platform asked for whole"
    }

    static func response(_ reply: Reply) -> Response {
        var headers = HTTPFields()
        // The headers every reply has, by their static names (parsing a name costs per call).
        headers[.contentType] = reply.body.contentType
        headers[requestIDField] = reply.requestID
        if case .error(let e) = reply.body, let s = e.retryAfterSeconds { headers[.retryAfter] = String(s) }
        if case .events = reply.body { headers[.cacheControl] = "no-cache" }
        for h in reply.extraHeaders { if let name = HTTPField.Name(h.name) { headers[name] = h.value } }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.encodedBody())))
    }

    static let requestIDField = HTTPField.Name(Reply.requestIDHeader)!

    static func json(status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func metadata(_ a: Alert) -> Logger.Metadata {
        ["kind": .string(a.kind.rawValue), "tenant": .string(a.tenant ?? "-"), "provider": .string(a.provider?.rawValue ?? "-"), "message": .string(a.message)]
    }
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
            return LiveGateway.response(.error(GatewayError(kind, status: status.code, message: message), requestID: "-"))
        }
    }
}

/// A configuration problem found when the live server starts.
public struct LiveError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
