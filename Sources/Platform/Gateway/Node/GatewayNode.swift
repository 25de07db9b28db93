import Base

/// One gateway replica: its configuration (``GatewayCore``), its rate-limit counters and
/// its tenants' month-to-date spend, and the steps every call takes through them.
///
/// Both drivers run calls through the same steps, as values returned for the driver to
/// carry out (PostgresNIO's state-machine style), so the admission, limiting, release and
/// budget logic exists once:
///
/// ```swift
/// switch node.admit(request, authorization: header, requestID: id, now: now) {
/// case .refused(let r, let headers):               // answer r.error, record r.usage
/// case .acquireShared(let call, let scopes, let tokens):
///     let decision = try await redis.acquire(scopes, promptTokens: tokens)  // then:
///     node.limited(call, decision, local: false, now: now)                 // .send or .refused
/// case .send(let call, let limit):
///     let result = await transport.send(call.request)                     // HTTP, or a mock
///     let outcome = node.core.complete(call.context, result: result, now: now)
///     let done = node.finish(outcome.usage, alerts: outcome.alerts, limit: limit, now: now)
///     // give done.sharedRelease back to Redis, record outcome.usage with done.alerts, answer
/// }
/// ```
///
/// The Lab keeps one node per simulated replica on its event loop; `dcoder serve` keeps one
/// behind a lock. With shared counters (`redis`), the driver carries out ``Step/acquireShared``
/// against the shared store — the same ``RateLimiter`` arithmetic, in Redis live and in one
/// limiter shared by the replicas in the Lab — and the node's own limiter is the fallback.
public struct GatewayNode: Sendable {
    /// The configuration every call is decided by.
    public private(set) var core: GatewayCore
    /// This replica's own rate-limit counters.
    public private(set) var limiter = RateLimiter()
    /// This replica's view of each tenant's month-to-date spend (reset from the ledger by
    /// reconciliation).
    public private(set) var budgets = BudgetTracker()
    /// Whether the limits are counted in a store the replicas share (the driver's).
    public var sharedCounters: Bool
    /// Whether any tenant has rate limits or a budget: most deployments have neither, and
    /// their calls skip those lookups.
    public private(set) var anyLimits = false
    public private(set) var anyBudget = false

    public init(core: GatewayCore, sharedCounters: Bool = false) {
        self.core = core
        self.sharedCounters = sharedCounters
        refreshQuotaFlags()
    }

    /// Changes the configuration (tenants, allowlist, quotas, the manual provider switch).
    @discardableResult
    public mutating func configure<T>(_ change: (inout GatewayCore) throws -> T) rethrows -> T {
        defer { refreshQuotaFlags() }
        return try change(&core)
    }

    private mutating func refreshQuotaFlags() {
        anyLimits = core.tenants.values.contains { !$0.limits.isEmpty || !$0.keyLimits.isEmpty }
        anyBudget = core.tenants.values.contains { $0.budget != nil }
    }

    /// The process died and started again: its counters and spend are gone (the
    /// configuration is reloaded as it was).
    public mutating func restart() {
        limiter = RateLimiter()
        budgets = BudgetTracker()
    }

    // MARK: A call's steps

    /// What a call holds of its rate limits: the grant to give back, the `x-ratelimit-*`
    /// headers for its answer, and whether the grant came from this node's counters.
    public struct Limit: Hashable, Sendable {
        public var grant: RateLimiter.Grant?
        public var headers: [HTTPHeader]
        public var local: Bool

        public static let none = Limit(grant: nil, headers: [], local: true)

        public init(grant: RateLimiter.Grant?, headers: [HTTPHeader], local: Bool) {
            self.grant = grant; self.headers = headers; self.local = local
        }
    }

    /// The next thing the driver does with a call.
    public enum Step: Hashable, Sendable {
        /// Answer with the rejection's error (and these headers); record its usage.
        case refused(GatewayCore.Rejection, headers: [HTTPHeader])
        /// Take the call's place in the shared counters, then ``limited(_:_:local:now:)``.
        case acquireShared(GatewayCore.UpstreamCall, RateLimiter.Scopes, promptTokens: Int)
        /// Send the call to its provider, then complete it and ``finish(_:alerts:limit:now:)``.
        case send(GatewayCore.UpstreamCall, Limit)
    }

    /// Admits a client's call: authentication, validation, routing, egress, then its limits.
    public mutating func admit(_ request: ChatCompletionRequest, body: [UInt8]? = nil, authorization: String?, requestID: String,
                               now: Instant) -> Step {
        switch core.admit(request, body: body, authorization: authorization, requestID: requestID, now: now) {
        case .reject(let r): return .refused(r, headers: [])
        case .forward(let call): return limit(call, now: now)
        }
    }

    /// Admits a call the platform makes for a tenant (``GatewayCore/admitInternal(_:tenant:keyID:requestID:now:)``);
    /// not rate-limited.
    public func admitInternal(_ request: ChatCompletionRequest, tenant: String, keyID: String = "platform", requestID: String,
                              now: Instant) -> Step {
        switch core.admitInternal(request, tenant: tenant, keyID: keyID, requestID: requestID, now: now) {
        case .reject(let r): return .refused(r, headers: [])
        case .forward(let call): return .send(call, .none)
        }
    }

    /// The rate-limit step of an admitted call.
    mutating func limit(_ call: GatewayCore.UpstreamCall, now: Instant) -> Step {
        let scopes = anyLimits ? core.rateLimitScopes(tenant: call.context.tenant, keyID: call.context.keyID) : RateLimiter.Scopes([])
        if scopes.entries.isEmpty { return .send(call, .none) }
        let tokens = TokenEstimate.promptTokens(call.context.promptText)
        if sharedCounters { return .acquireShared(call, scopes, promptTokens: tokens) }
        return limited(call, limiter.acquire(scopes, promptTokens: tokens, now: now), local: true, now: now)
    }

    /// Takes a call's place in this node's own counters (the fallback while a shared store
    /// cannot be reached), then ``limited(_:_:local:now:)``.
    public mutating func acquireLocally(_ call: GatewayCore.UpstreamCall, _ scopes: RateLimiter.Scopes, promptTokens: Int, now: Instant) -> Step {
        limited(call, limiter.acquire(scopes, promptTokens: promptTokens, now: now), local: true, now: now)
    }

    /// What the limits decided: a 429 with `retry-after`, or the call goes on.
    public func limited(_ call: GatewayCore.UpstreamCall, _ decision: RateLimiter.Decision, local: Bool, now: Instant) -> Step {
        switch decision {
        case .refused(let reason, let retryAfter, let status):
            return .refused(core.throttle(call.context, reason: reason, retryAfter: retryAfter, now: now), headers: status.headers)
        case .granted(let grant, let status):
            return .send(call, Limit(grant: grant, headers: status.headers, local: local))
        }
    }

    /// What a finished call leaves for the driver.
    public struct Finished: Hashable, Sendable {
        /// The call's alerts and the budget thresholds its cost crossed.
        public var alerts: [Alert]
        /// A grant from the shared counters, to give back with the tokens the call used.
        public var sharedRelease: (grant: RateLimiter.Grant, tokens: Int)?

        public static func == (a: Finished, b: Finished) -> Bool {
            a.alerts == b.alerts && a.sharedRelease?.grant == b.sharedRelease?.grant && a.sharedRelease?.tokens == b.sharedRelease?.tokens
        }

        public func hash(into h: inout Hasher) { h.combine(alerts); h.combine(sharedRelease?.grant); h.combine(sharedRelease?.tokens) }
    }

    /// Settles a call (answered, failed, or refused after admission): gives its grant back
    /// with the tokens it used and adds its cost to the tenant's month-to-date spend.
    public mutating func finish(_ usage: UsageRecord, alerts: [Alert], limit: Limit, now: Instant) -> Finished {
        var finished = Finished(alerts: alerts, sharedRelease: release(limit, tokens: usage.promptTokens + usage.completionTokens, now: now))
        finished.alerts += account(usage, now: now)
        return finished
    }

    /// Gives a call's grant back with the tokens it used: to this node's counters, or — for
    /// a grant from the shared counters — to the driver, returned.
    public mutating func release(_ limit: Limit, tokens: Int, now: Instant) -> (grant: RateLimiter.Grant, tokens: Int)? {
        guard let grant = limit.grant else { return nil }
        guard limit.local else { return (grant, tokens) }
        limiter.release(grant, actualTokens: tokens, now: now)
        return nil
    }

    /// Takes a place in this node's counters for scopes of the driver's choosing (the
    /// `doc-chat` call, which has no upstream call of its own until it is answered).
    public mutating func acquire(_ scopes: RateLimiter.Scopes, promptTokens: Int, now: Instant) -> RateLimiter.Decision {
        limiter.acquire(scopes, promptTokens: promptTokens, now: now)
    }

    /// Adds a call's cost to its tenant's spend; the budget thresholds it crossed.
    public mutating func account(_ usage: UsageRecord, now: Instant) -> [Alert] {
        guard anyBudget, usage.costMicros > 0, let tenant = usage.tenant, let budget = core.tenants[tenant]?.budget else { return [] }
        return budgets.add(tenant: tenant, costMicros: usage.costMicros, at: now, budget: budget)
    }

    // MARK: Reconciliation

    /// Sets a tenant's month-to-date spend to the ledger's (``BudgetTracker/restore(tenant:spentMicros:at:budget:alertNewlyCrossed:)``).
    public mutating func restoreSpend(tenant: String, spentMicros: Int64, now: Instant, alertNewlyCrossed: Bool) -> [Alert] {
        budgets.restore(tenant: tenant, spentMicros: spentMicros, at: now, budget: core.tenants[tenant]?.budget, alertNewlyCrossed: alertNewlyCrossed)
    }

    /// A tenant's month-to-date spend as this node counts it.
    public func spent(tenant: String, at now: Instant) -> Int64 { budgets.spent(tenant: tenant, at: now) }
}
