import Base
/// The gateway's decisions, as pure functions of configuration, request and time.
///
/// `GatewayCore` authenticates a call by virtual key, resolves the tenant's model alias
/// to its active provider, enforces the egress allowlist, builds the native upstream
/// request with the tenant's own key, and turns the provider's answer (or failure) into
/// an OpenAI-shaped response and one ``UsageRecord``. It does no I/O and reads no clock:
/// the Lab's simulator and the live server call the same two functions:
///
/// ```swift
/// switch core.admit(request, authorization: header, requestID: id, now: clock.now()) {
/// case .reject(let r):  respond(r.error)                         // and record r.usage
/// case .forward(let call):
///     let result = await transport.send(call.request)            // HTTP, or a mock provider
///     let outcome = core.complete(call.context, result: result, now: clock.now())
///     respond(outcome.response)                                  // and record outcome.usage
/// }
/// ```
///
/// There is no automatic failover: a provider's error reaches the caller as an
/// OpenAI-style error; moving an alias to another provider is ``switchProvider(tenant:alias:to:)``.
public struct GatewayCore: Sendable {
    public struct Configuration: Hashable, Sendable {
        public var allowlist: EgressAllowlist
        public var pricing: PricingTable
        /// How long the gateway waits for a provider before answering 504.
        public var upstreamTimeout: Nanoseconds
        /// Unix time, in nanoseconds, of the driver's instant zero (its ``TimeSource/epoch``):
        /// budgets and usage counters run by calendar month.
        public var epoch: Int64

        public init(allowlist: EgressAllowlist, pricing: PricingTable, upstreamTimeout: Nanoseconds = .seconds(60), epoch: Int64 = 0) {
            self.allowlist = allowlist; self.pricing = pricing; self.upstreamTimeout = upstreamTimeout; self.epoch = epoch
        }
    }

    /// The state, behind one reference so that a copy of the core (a driver's read of its
    /// stored value for every call) costs one retain; copied on write.
    ///
    /// Why `@unchecked Sendable` is safe: only `GatewayCore`'s mutating methods write an
    /// instance, each right after ``unique()``, that is while the core being changed holds
    /// the only reference (`isKnownUniquelyReferenced`). An instance reaches another thread
    /// only inside a copy of a core, and from then on two references exist, so it is never
    /// written again; shared instances are only read.
    // Copy-on-write: written only while uniquely referenced (see above), read-only once shared.
    private final class State: @unchecked Sendable {
        var configuration: Configuration
        var tenants: [String: TenantGatewayConfig] = [:]
        var keyIndex: [KeyDigest: KeyOwner] = [:]
        /// Prices of every alias target, resolved once when tenants are configured, so that
        /// a call does not search the pricing table (`nil` values: known to be unpriced).
        var resolvedPrices: [PriceKey: PricingTable.Price?] = [:]
        /// Each tenant's limits and budget as configured (serve file, scenario), under the
        /// configuration model's quotas.
        var configuredQuotas: [String: ConfiguredQuotas] = [:]

        init(configuration: Configuration) { self.configuration = configuration }

        func copy() -> State {
            let s = State(configuration: configuration)
            s.tenants = tenants; s.keyIndex = keyIndex; s.resolvedPrices = resolvedPrices; s.configuredQuotas = configuredQuotas
            return s
        }
    }
    private struct PriceKey: Hashable { var provider: ProviderKind; var model: String }
    /// Whose a virtual key is, and what it may do.
    struct KeyOwner {
        var tenant: String
        var keyID: String
        var models: Set<String>?
        var expiresAtUnixNanos: Int64?
    }
    private struct ConfiguredQuotas: Hashable { var limits: RateLimits; var budget: Budget? }

    // Mutated only through `unique()`, so no instance is ever shared while it changes.
    private var state: State

    public var configuration: Configuration { state.configuration }
    public var tenants: [String: TenantGatewayConfig] { state.tenants }

    public init(configuration: Configuration) { state = State(configuration: configuration) }

    private mutating func unique() {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
    }

    // MARK: Configuration changes

    /// A configuration change the gateway refused.
    public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    /// Adds or replaces a tenant. Accounts whose endpoint is off the allowlist are kept
    /// but blocked, with an `egress_denied` alert each.
    @discardableResult
    public mutating func upsertTenant(_ config: TenantGatewayConfig, at now: Instant) throws -> [Alert] {
        unique()
        for key in config.virtualKeys {
            if let owner = state.keyIndex[key.digest], owner.tenant != config.id {
                throw ConfigurationError(message: "virtual key '\(key.id)' of tenant '\(config.id)' is already used by another tenant")
            }
        }
        if let old = state.tenants[config.id] { for k in old.virtualKeys { state.keyIndex[k.digest] = nil } }
        var tenant = config
        var alerts: [Alert] = []
        for provider in tenant.accounts.keys.sorted() {
            alerts += validateAccount(&tenant.accounts[provider]!, tenant: tenant.id, at: now)
        }
        state.tenants[tenant.id] = tenant
        state.configuredQuotas[tenant.id] = ConfiguredQuotas(limits: tenant.limits, budget: tenant.budget)
        for k in tenant.virtualKeys {
            state.keyIndex[k.digest] = KeyOwner(tenant: tenant.id, keyID: k.id, models: k.models, expiresAtUnixNanos: k.expiresAtUnixNanos)
        }
        for alias in tenant.aliases.values {
            for (provider, model) in alias.targets where state.resolvedPrices[PriceKey(provider: provider, model: model)] == nil {
                state.resolvedPrices[PriceKey(provider: provider, model: model)] = .some(state.configuration.pricing.price(provider: provider, model: model))
            }
        }
        return alerts
    }

    private func validateAccount(_ account: inout ProviderAccount, tenant: String, at now: Instant) -> [Alert] {
        if let reason = state.configuration.allowlist.refusal(for: account.endpoint) {
            account.blockedReason = reason
            return [Alert(kind: .egressDenied, at: now, tenant: tenant, provider: account.provider,
                          message: "configuration refused: \(reason)")]
        }
        account.blockedReason = nil
        return []
    }

    /// Replaces the egress allowlist and re-checks every account against it.
    @discardableResult
    public mutating func setAllowlist(_ allowlist: EgressAllowlist, at now: Instant) -> [Alert] {
        unique()
        state.configuration.allowlist = allowlist
        var alerts: [Alert] = []
        for id in state.tenants.keys.sorted() {
            for provider in state.tenants[id]!.accounts.keys.sorted() {
                alerts += validateAccount(&state.tenants[id]!.accounts[provider]!, tenant: id, at: now)
            }
        }
        return alerts
    }

    /// Moves a tenant's alias to another of its providers (the manual switch).
    public mutating func switchProvider(tenant: String, alias: String, to provider: ProviderKind) throws {
        unique()
        guard var t = state.tenants[tenant] else { throw ConfigurationError(message: "no tenant '\(tenant)'") }
        guard var a = t.aliases[alias] else { throw ConfigurationError(message: "tenant '\(tenant)' has no model '\(alias)'") }
        guard a.targets[provider] != nil else {
            throw ConfigurationError(message: "model '\(alias)' of tenant '\(tenant)' has no \(provider.rawValue) target (has: \(a.targets.keys.sorted().map(\.rawValue).joined(separator: ", ")))")
        }
        a.active = provider
        t.aliases[alias] = a
        state.tenants[tenant] = t
    }

    /// Replaces a tenant's key (and optionally endpoint) for one provider.
    @discardableResult
    public mutating func setProviderAccount(tenant: String, account: ProviderAccount, at now: Instant) throws -> [Alert] {
        unique()
        guard var t = state.tenants[tenant] else { throw ConfigurationError(message: "no tenant '\(tenant)'") }
        var a = account
        let alerts = validateAccount(&a, tenant: tenant, at: now)
        t.accounts[account.provider] = a
        state.tenants[tenant] = t
        return alerts
    }

    /// Lays the configuration model's effective quotas for a tenant (platform defaults and
    /// its overrides, from the Platform API) over the limits and budget it was configured
    /// with: each quota named there (``RateLimits/overridden(by:)``, ``Budget/overridden(_:by:)``)
    /// replaces the configured value, the others stay.
    ///
    /// - Returns: Whether the tenant's limits or budget changed.
    @discardableResult
    public mutating func applyQuotas(tenant: String, _ quotas: [String: Double]) throws -> Bool {
        guard let t = state.tenants[tenant], let base = state.configuredQuotas[tenant] else {
            throw ConfigurationError(message: "no tenant '\(tenant)'")
        }
        let limits = base.limits.overridden(by: quotas), budget = Budget.overridden(base.budget, by: quotas)
        guard t.limits != limits || t.budget != budget else { return false }
        unique()
        state.tenants[tenant]!.limits = limits
        state.tenants[tenant]!.budget = budget
        return true
    }

    /// Forgets a tenant (deleted, or no longer active in the control plane): its keys get 401.
    public mutating func removeTenant(_ id: String) {
        guard let old = state.tenants[id] else { return }
        unique()
        for k in old.virtualKeys where state.keyIndex[k.digest]?.tenant == id { state.keyIndex[k.digest] = nil }
        state.tenants[id] = nil
        state.configuredQuotas[id] = nil
    }

    /// Switches a tenant's `doc-chat` (its flag changed).
    public mutating func setDocChat(tenant: String, _ on: Bool) throws {
        guard let t = state.tenants[tenant] else { throw ConfigurationError(message: "no tenant '\(tenant)'") }
        guard t.docChat != on else { return }
        unique()
        state.tenants[tenant]!.docChat = on
    }

    public mutating func setSuspended(tenant: String, _ suspended: Bool) throws {
        unique()
        guard state.tenants[tenant] != nil else { throw ConfigurationError(message: "no tenant '\(tenant)'") }
        state.tenants[tenant]!.suspended = suspended
    }

    // MARK: Calls

    /// What the gateway knows about a call between admission and completion.
    public struct CallContext: Hashable, Sendable {
        public var requestID: String
        public var tenant: String
        public var keyID: String
        public var alias: String
        public var provider: ProviderKind
        public var upstreamModel: String
        public var stream: Bool
        public var includeUsage: Bool
        public var startedAt: Instant
        public var promptText: [ChatMessage]
        /// The upstream model's price, resolved at admission (`nil`: unpriced).
        public var price: PricingTable.Price?
    }

    public struct UpstreamCall: Hashable, Sendable {
        public var context: CallContext
        public var request: UpstreamRequest
    }

    public struct Rejection: Hashable, Sendable {
        public var error: GatewayError
        public var usage: UsageRecord
        public var alerts: [Alert]
    }

    public enum Admission: Hashable, Sendable {
        case forward(UpstreamCall)
        case reject(Rejection)
    }

    /// Decides what to do with a client's call.
    ///
    /// - Parameters:
    ///   - body: the client's JSON body that `request` was decoded from, when the driver
    ///     has it. A non-streamed call to an OpenAI-compatible provider then sends that
    ///     body with only `model` replaced instead of re-encoding `request`: cheaper, and
    ///     fields the gateway does not model (`seed`, `response_format`, …) reach the
    ///     provider unchanged.
    ///   - authorization: the `Authorization` header (`Bearer <virtual key>`), or `nil`.
    ///   - requestID: the identifier the driver gave this call.
    public func admit(_ request: ChatCompletionRequest, body: [UInt8]? = nil, authorization: String?, requestID: String, now: Instant) -> Admission {
        let owner: KeyOwner
        switch keyOwner(authorization, now: now) {
        case .failure(let e): return .reject(Self.refusal(e, requestID: requestID, alias: request.model, stream: request.isStream, now: now))
        case .success(let o): owner = o
        }
        return admit(request, body: body, owner: (owner.tenant, owner.keyID), models: owner.models, requestID: requestID, now: now)
    }

    /// Admits a call the platform itself makes for a tenant (grounded answers of the RAG
    /// API): no virtual key checked, the key id given (`platform`, or the key of the client
    /// call it serves, as for `doc-chat`); otherwise exactly a client's call —
    /// suspension, aliases, credentials, the allowlist, and the same accounting.
    public func admitInternal(_ request: ChatCompletionRequest, tenant: String, keyID: String = "platform", requestID: String, now: Instant) -> Admission {
        admit(request, body: nil, owner: (tenant, keyID), requestID: requestID, now: now)
    }

    private func admit(_ request: ChatCompletionRequest, body: [UInt8]?, owner: (tenant: String, keyID: String), models: Set<String>? = nil,
                       requestID: String, now: Instant) -> Admission {
        let route: Route
        switch resolve(owner: owner, alias: request.model, models: models, validate: { Self.validate(request) }) {
        case .failure(let f): return .reject(Self.refusal(f, keyID: owner.keyID, requestID: requestID, alias: request.model, stream: request.isStream, now: now))
        case .success(let r): route = r
        }
        let (tenant, alias, provider, model, account) = (route.tenant, route.alias, route.alias.active, route.alias.activeModel, route.account)
        var upstream = ProviderAdapter.makeRequest(request, model: model, account: account)
        if let body, provider == .openai || provider == .groq, !request.isStream {
            upstream.rawBody = JSONTopLevel.replacingStrings(in: body, ["model": model])
        }
        let context = CallContext(
            requestID: requestID, tenant: tenant.id, keyID: owner.keyID, alias: alias.name, provider: provider,
            upstreamModel: model, stream: request.isStream, includeUsage: request.streamOptions?.includeUsage ?? false,
            startedAt: now, promptText: request.messages, price: price(provider: provider, model: model))
        return .forward(UpstreamCall(context: context, request: upstream))
    }

    /// A call refused before reaching a provider: its usage record, nothing sent or charged.
    static func refusal(_ e: GatewayError, tenant: String? = nil, keyID: String? = nil, provider: ProviderKind? = nil, model: String? = nil,
                        requestID: String, alias: String, stream: Bool, now: Instant) -> Rejection {
        Rejection(error: e, usage: UsageRecord(
            requestID: requestID, tenant: tenant, keyID: keyID, modelAlias: alias, provider: provider,
            upstreamModel: model, stream: stream, status: e.status, errorKind: e.kind, promptTokens: 0,
            completionTokens: 0, costMicros: 0, usageSource: .none, startedAt: now, latency: .zero, timeToFirstToken: nil),
            alerts: [])
    }

    /// A call refused while resolving its route (the key id only once the tenant is known).
    static func refusal(_ f: RouteFailure, keyID: String, requestID: String, alias: String, stream: Bool, now: Instant) -> Rejection {
        refusal(f.error, tenant: f.tenant, keyID: f.tenant == nil ? nil : keyID, provider: f.provider, model: f.model,
                requestID: requestID, alias: alias, stream: stream, now: now)
    }

    /// The upstream model's price (`nil`: unpriced).
    func price(provider: ProviderKind, model: String) -> PricingTable.Price? {
        state.resolvedPrices[PriceKey(provider: provider, model: model)] ?? state.configuration.pricing.price(provider: provider, model: model)
    }

    /// Where a call goes: the tenant, its alias and the account of the alias's active provider.
    struct Route {
        var tenant: TenantGatewayConfig
        var alias: ModelAlias
        var account: ProviderAccount
    }

    struct RouteFailure: Error {
        var error: GatewayError
        var tenant: String?
        var provider: ProviderKind?
        var model: String?
    }

    /// Resolves a call's route: the tenant exists and is not suspended, the request is valid
    /// (`validate`), the key may call the alias (`models`: the key's aliases, `nil` for
    /// all), the alias exists, its provider has the tenant's credentials, and the account's
    /// endpoint is on the allowlist.
    func resolve(owner: (tenant: String, keyID: String), alias name: String, models: Set<String>? = nil,
                 validate: () -> GatewayError?) -> Result<Route, RouteFailure> {
        guard let tenant = state.tenants[owner.tenant] else {
            return .failure(RouteFailure(error: GatewayError(.invalidAPIKey, status: 401, message: "Incorrect API key provided.")))
        }
        if tenant.suspended {
            return .failure(RouteFailure(error: GatewayError(.tenantSuspended, status: 403, message: "Tenant '\(tenant.id)' is suspended."), tenant: tenant.id))
        }
        if let problem = validate() { return .failure(RouteFailure(error: problem, tenant: tenant.id)) }
        if let models, !models.contains(name) { return .failure(RouteFailure(error: Self.modelNotAllowed(name), tenant: tenant.id)) }
        guard let alias = tenant.aliases[name] else {
            return .failure(RouteFailure(error: GatewayError(.modelNotFound, status: 404, message: "The model '\(name)' does not exist for this tenant.", param: "model"),
                                         tenant: tenant.id))
        }
        let provider = alias.active
        let model = alias.activeModel
        guard let account = tenant.accounts[provider] else {
            return .failure(RouteFailure(error: GatewayError(.providerNotConfigured, status: 400,
                                                             message: "Model '\(alias.name)' routes to \(provider.displayName), but this tenant has no \(provider.displayName) credentials configured."),
                                         tenant: tenant.id, provider: provider, model: model))
        }
        // The allowlist only changes through `setAllowlist`, which re-checks every account,
        // so `blockedReason` is current here: an account refused at configuration time
        // (and alerted then) is refused on every call, without a new alert each time.
        // The live transport checks the resolved URL again before it connects.
        if let reason = account.blockedReason {
            return .failure(RouteFailure(error: GatewayError(.egressDenied, status: 403, message: "Outbound call refused: \(reason)."),
                                         tenant: tenant.id, provider: provider, model: model))
        }
        return .success(Route(tenant: tenant, alias: alias, account: account))
    }

    /// The rate-limit scopes a call of this tenant and key counts against.
    public func rateLimitScopes(tenant: String, keyID: String) -> RateLimiter.Scopes {
        guard let t = state.tenants[tenant], !t.limits.isEmpty || !t.keyLimits.isEmpty else { return RateLimiter.Scopes([]) }
        return RateLimiter.Scopes([
            RateLimiter.Scope(id: "tenant:" + tenant, limits: t.limits),
            RateLimiter.Scope(id: "key:" + keyID, limits: t.keyLimits[keyID] ?? RateLimits()),
        ])
    }

    /// Refuses an admitted call that a rate limit does not let through (429 with
    /// `retry-after`, in OpenAI's words).
    public func throttle(_ call: CallContext, reason: String, retryAfter: Nanoseconds, now: Instant) -> Rejection {
        let e = GatewayError(.rateLimited, status: 429,
                             message: "Rate limit reached: \(reason). Please try again in \(RateLimiter.format(retryAfter)).",
                             retryAfter: retryAfter)
        var usage = Self.baseUsage(call, now: now)
        usage.latency = .zero
        var alerts: [Alert] = []
        Self.fail(e, &usage, call: call, alerts: &alerts, now: now)
        return Rejection(error: e, usage: usage, alerts: alerts)
    }

    /// Refuses a call whose body could not be read (too large, not a chat request). The
    /// key is checked first, as for every call: a bad key gets its 401 instead, and a
    /// good one gets the refusal accounted to its tenant.
    public func refuse(_ error: GatewayError, authorization: String?, requestID: String, now: Instant) -> Rejection {
        var e = error
        var owner: Authenticated?
        switch authenticate(authorization, now: now) {
        case .failure(let authError): e = authError
        case .success(let o): owner = o
        }
        return Self.refusal(e, tenant: owner?.tenant.id, keyID: owner?.keyID, requestID: requestID, alias: "", stream: false, now: now)
    }

    /// The 403 for a key limited to other aliases than `alias`.
    public static func modelNotAllowed(_ alias: String) -> GatewayError {
        GatewayError(.modelNotAllowed, status: 403, message: "This API key may not use the model '\(alias)'.", param: "model")
    }

    /// The caller behind a virtual key: its tenant, the key's id and the aliases the key is
    /// limited to (`nil`: all of them).
    public struct Authenticated: Sendable {
        public var tenant: TenantGatewayConfig
        public var keyID: String
        public var models: Set<String>?

        /// Whether the key may call `alias`.
        public func allows(_ alias: String) -> Bool { models?.contains(alias) ?? true }
    }

    /// The caller behind an `Authorization: Bearer <virtual key>` header.
    public func authenticate(_ authorization: String?, now: Instant) -> Result<Authenticated, GatewayError> {
        keyOwner(authorization, now: now).flatMap { owner in
            guard let tenant = state.tenants[owner.tenant] else {
                return .failure(GatewayError(.invalidAPIKey, status: 401, message: "Incorrect API key provided."))
            }
            return .success(Authenticated(tenant: tenant, keyID: owner.keyID, models: owner.models))
        }
    }

    /// The tenant id and key id of a virtual key (no copy of the tenant's configuration:
    /// this runs on every call).
    private func keyOwner(_ authorization: String?, now: Instant) -> Result<KeyOwner, GatewayError> {
        guard let auth = authorization, auth.hasPrefix("Bearer "), auth.utf8.count > 7 else {
            return .failure(GatewayError(.invalidAPIKey, status: 401, message: "Missing API key: send 'Authorization: Bearer <your D.Coder key>'."))
        }
        guard let owner = state.keyIndex[KeyDigest(of: String(auth.dropFirst(7)))] else {
            return .failure(GatewayError(.invalidAPIKey, status: 401, message: "Incorrect API key provided."))
        }
        if let expires = owner.expiresAtUnixNanos, now.nanoseconds &+ state.configuration.epoch >= expires {
            return .failure(GatewayError(.invalidAPIKey, status: 401, message: "This API key has expired."))
        }
        return .success(owner)
    }

    static func validate(_ r: ChatCompletionRequest) -> GatewayError? {
        func bad(_ message: String, _ param: String) -> GatewayError {
            GatewayError(.invalidRequest, status: 400, message: message, param: param)
        }
        if r.model.isEmpty { return bad("'model' is required.", "model") }
        if r.messages.isEmpty { return bad("'messages' must contain at least one message.", "messages") }
        for (i, m) in r.messages.enumerated() where !["system", "developer", "user", "assistant", "tool"].contains(m.role) {
            return bad("messages[\(i)].role '\(m.role)' is not one of system, developer, user, assistant, tool.", "messages[\(i)].role")
        }
        if let t = r.temperature, !(0...2).contains(t) { return bad("'temperature' must be between 0 and 2.", "temperature") }
        if let p = r.topP, !(0...1).contains(p) { return bad("'top_p' must be between 0 and 1.", "top_p") }
        if let m = r.outputTokenLimit, m < 1 { return bad("'max_tokens' must be at least 1.", "max_tokens") }
        if let n = r.n, n != 1 { return bad("'n' other than 1 is not supported by this gateway.", "n") }
        if r.streamOptions != nil, !r.isStream { return bad("'stream_options' is only allowed when 'stream' is true.", "stream_options") }
        return nil
    }

    /// What the client gets.
    public enum ClientResponse: Hashable, Sendable {
        case completion(ChatCompletion)
        /// An OpenAI-compatible provider's own `chat.completion` body with its `id` and
        /// `model` replaced by the gateway's request id and the alias, passed through
        /// without re-encoding.
        case passthrough([UInt8])
        case stream([ChatCompletionChunk])
        case error(GatewayError)
    }

    public struct Outcome: Hashable, Sendable {
        public var response: ClientResponse
        public var usage: UsageRecord
        public var alerts: [Alert]
    }

    /// Turns the transport's result into the client's response and the usage record.
    ///
    /// - Parameter clientClosed: the client of a streamed call went away before the end
    ///   (the Lab's aborted calls); see ``StreamRelay/finish(now:timeToFirstByte:cut:clientClosed:)``.
    public func complete(_ call: CallContext, result: UpstreamResult, now: Instant, clientClosed: Bool = false) -> Outcome {
        var usage = Self.baseUsage(call, now: now)
        var alerts: [Alert] = []

        func fail(_ e: GatewayError) -> Outcome {
            Self.fail(e, &usage, call: call, alerts: &alerts, now: now)
            return Outcome(response: .error(e), usage: usage, alerts: alerts)
        }

        let response: UpstreamResponse
        switch result {
        case .failure(.timeout(let after)):
            return fail(GatewayError(.timeout, status: 504, message: "\(call.provider.displayName) did not answer within \(after)."))
        case .failure(.egressDenied(let why)):
            return fail(GatewayError(.egressDenied, status: 403, message: "Outbound call refused: \(why)."))
        case .failure(.connection(let why)):
            return fail(GatewayError(.connectionFailed, status: 502, message: "Could not reach \(call.provider.displayName): \(why)"))
        case .response(let r):
            response = r
        }

        if case .bytes(let b) = response.body, let passed = Self.passThrough(b, call: call, status: response.status) {
            usage.usageSource = .reported
            Self.charge(&usage, passed.usage, price: call.price, alerts: &alerts, now: now)
            return Outcome(response: .passthrough(passed.body), usage: usage, alerts: alerts)
        }

        let reply: ProviderReply
        switch response.body {
        case .reply(let r): reply = r
        case .bytes(let b):
            do { reply = try ProviderAdapter.decode(provider: call.provider, status: response.status, body: b, stream: call.stream && response.status < 400) }
            catch {
                if response.status >= 400 {
                    let text = b.isEmpty ? "HTTP \(response.status) with an empty body" : String(decoding: b.prefix(200), as: UTF8.self)
                    return fail(ProviderAdapter.gatewayError(provider: call.provider, status: response.status, message: text,
                                                             retryAfter: ProviderAdapter.retryAfter(response.headers)))
                }
                return fail(GatewayError(.upstreamBadResponse, status: 502, message: "\(call.provider.displayName) sent a response the gateway could not read: \(error)"))
            }
        }

        if case .error(let body) = reply {
            return fail(ProviderAdapter.gatewayError(provider: call.provider, status: response.status, message: body.message,
                                                     retryAfter: ProviderAdapter.retryAfter(response.headers)))
        }
        if response.status >= 400 {
            return fail(ProviderAdapter.gatewayError(provider: call.provider, status: response.status, message: "HTTP \(response.status)", retryAfter: nil))
        }

        let created = now.unixSeconds
        let clientResponse: ClientResponse
        var reportedUsage: ChatUsage?
        var completionText = ""
        if case .stream(let events) = reply {
            var relay = StreamRelay(context: call, created: created)
            var chunks: [ChatCompletionChunk] = []
            for e in events { chunks += relay.feed(e) }
            let end = relay.finish(now: now, timeToFirstByte: response.timeToFirstByte, clientClosed: clientClosed)
            chunks += end.chunks
            if let e = end.outcome.error { return Outcome(response: .error(e), usage: end.outcome.usage, alerts: end.outcome.alerts) }
            return Outcome(response: .stream(chunks), usage: end.outcome.usage, alerts: end.outcome.alerts)
        } else {
            guard let n = ProviderAdapter.normalize(reply) else {
                return fail(GatewayError(.upstreamBadResponse, status: 502, message: "\(call.provider.displayName) sent a stream to a non-streaming call."))
            }
            reportedUsage = n.usage
            completionText = n.content ?? ""
            let completion = ChatCompletion(
                id: call.requestID, created: created, model: call.alias,
                choices: [ChatChoice(index: 0, message: AssistantMessage(content: n.content, toolCalls: n.toolCalls), finishReason: n.finishReason)],
                usage: n.usage)
            clientResponse = .completion(completion)
        }

        Self.settle(&usage, reported: reportedUsage, completionText: completionText, call: call, alerts: &alerts, now: now)
        var finalResponse = clientResponse
        if case .completion(var c) = clientResponse, c.usage == nil {
            c.usage = ChatUsage(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens)
            finalResponse = .completion(c)
        }
        return Outcome(response: finalResponse, usage: usage, alerts: alerts)
    }

    private static let passThroughNames = ["id", "model", "choices", "usage", "x_groq"].map { Array($0.utf8) }

    /// A successful non-streamed OpenAI or Groq answer that reports its usage, with `id`
    /// and `model` rewritten; `nil` sends the answer down the decoding path.
    ///
    /// The answer is scanned, not decoded: it must be a well-formed object (as far as
    /// ``JSONTopLevel`` checks) with exactly one string `id` and `model`, a non-empty
    /// `choices` array, and a `usage` (or Groq's `x_groq.usage`) that decodes.
    static func passThrough(_ body: [UInt8], call: CallContext, status: Int) -> (body: [UInt8], usage: ChatUsage)? {
        guard status == 200, !call.stream, call.provider == .openai || call.provider == .groq,
              let members = JSONTopLevel.members(in: body, named: passThroughNames) else { return nil }
        func only(_ name: Int) -> Range<Int>? {
            let hits = members.filter { $0.name == name }
            return hits.count == 1 ? hits[0].range : nil
        }
        guard let id = only(0), let model = only(1), let choices = only(2),
              body[id.lowerBound] == UInt8(ascii: "\""), body[model.lowerBound] == UInt8(ascii: "\""),
              body[choices.lowerBound] == UInt8(ascii: "["),
              body[(choices.lowerBound + 1)..<choices.upperBound].first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{")
        else { return nil }
        // Token counts are read by the scanner (a JSONDecoder for these two integers cost
        // more than the rest of the pass-through); anything unusual takes the decoding path.
        func counts(_ object: ArraySlice<UInt8>) -> ChatUsage? {
            guard let p = JSONTopLevel.integer(in: object, named: "prompt_tokens"),
                  let c = JSONTopLevel.integer(in: object, named: "completion_tokens") else { return nil }
            return ChatUsage(promptTokens: p, completionTokens: c)
        }
        let usage: ChatUsage
        if let u = only(3), let decoded = counts(body[u]) {
            usage = decoded
        } else if let g = only(4), let decoded = (try? WireJSON.decode(GroqExtension.self, from: Array(body[g])))?.usage {
            usage = decoded
        } else {
            return nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 32)
        let (first, second, firstValue, secondValue) = id.lowerBound < model.lowerBound
            ? (id, model, call.requestID, call.alias) : (model, id, call.alias, call.requestID)
        out.append(contentsOf: body[..<first.lowerBound])
        JSONWriter.appendQuoted(firstValue, to: &out)
        out.append(contentsOf: body[first.upperBound..<second.lowerBound])
        JSONWriter.appendQuoted(secondValue, to: &out)
        out.append(contentsOf: body[second.upperBound...])
        return (out, usage)
    }

    /// Fills in tokens and cost: from the provider's reported usage, or estimated from
    /// the texts when the provider reported none.
    static func settle(_ usage: inout UsageRecord, reported: ChatUsage?, completionText: String, call: CallContext,
                       alerts: inout [Alert], now: Instant) {
        if let u = reported {
            usage.usageSource = .reported
            charge(&usage, u, price: call.price, alerts: &alerts, now: now)
        } else {
            usage.usageSource = .estimated
            let u = ChatUsage(promptTokens: TokenEstimate.promptTokens(call.promptText), completionTokens: TokenEstimate.tokens(completionText))
            charge(&usage, u, price: call.price, alerts: &alerts, now: now)
        }
    }

    static func charge(_ usage: inout UsageRecord, _ u: ChatUsage, price: PricingTable.Price?, alerts: inout [Alert], now: Instant) {
        usage.promptTokens = u.promptTokens
        usage.completionTokens = u.completionTokens
        if let price {
            usage.costMicros = PricingTable.costMicros(promptTokens: u.promptTokens, completionTokens: u.completionTokens, price: price)
        } else {
            alerts.append(Alert(kind: .unpricedModel, at: now, tenant: usage.tenant, provider: usage.provider,
                                message: "no price for \(usage.provider!.rawValue)/\(usage.upstreamModel ?? "?"); cost recorded as 0"))
        }
    }

    /// The usage record of a call before the answer is known.
    static func baseUsage(_ call: CallContext, now: Instant) -> UsageRecord {
        UsageRecord(
            requestID: call.requestID, tenant: call.tenant, keyID: call.keyID, modelAlias: call.alias, provider: call.provider,
            upstreamModel: call.upstreamModel, stream: call.stream, status: 200, errorKind: nil, promptTokens: 0,
            completionTokens: 0, costMicros: 0, usageSource: .none, startedAt: call.startedAt, latency: now - call.startedAt,
            timeToFirstToken: nil)
    }

    /// Marks a usage record failed, with the alert an upstream auth failure raises.
    static func fail(_ e: GatewayError, _ usage: inout UsageRecord, call: CallContext, alerts: inout [Alert], now: Instant) {
        usage.status = e.status
        usage.errorKind = e.kind
        if e.kind == .upstreamAuth {
            alerts.append(Alert(kind: .upstreamAuthFailed, at: now, tenant: call.tenant, provider: call.provider,
                                message: "\(call.provider.displayName) rejected the tenant's key"))
        }
    }
}
