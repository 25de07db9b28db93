import Testing
@testable import Base
@testable import Gateway

/// The call steps both drivers take through a replica (``GatewayNode``).
@Suite struct GatewayNodeTests {
    func node(limits: RateLimits = RateLimits(), budget: Budget? = nil, shared: Bool = false) throws -> GatewayNode {
        var node = GatewayNode(core: try makeCore(), sharedCounters: shared)
        try node.configure { try $0.setQuotas(tenant: "acme", limits: limits, budget: budget) }
        return node
    }

    /// Should send a call without limits at once, holding no grant.
    @Test func callWithoutLimitsIsSentWithoutAGrant() throws {
        var n = try node()
        #expect(!n.anyLimits && !n.anyBudget)
        guard case .send(let call, let limit) = n.admit(chat(), authorization: "Bearer dk-acme", requestID: "r1", now: .zero) else {
            Issue.record("expected .send"); return
        }
        #expect(call.context.tenant == "acme" && limit == .none)
    }

    /// Should refuse a bad key before any limit is consulted.
    @Test func badKeyIsRefusedWith401() throws {
        var n = try node(limits: RateLimits(concurrent: 1))
        guard case .refused(let r, let headers) = n.admit(chat(), authorization: "Bearer nope", requestID: "r1", now: .zero) else {
            Issue.record("expected .refused"); return
        }
        #expect(r.error.status == 401 && headers.isEmpty)
    }

    /// Should hold a concurrency slot from admission to finish: a second call in between
    /// gets 429, a third after the finish goes through.
    @Test func concurrencyIsHeldUntilFinish() throws {
        var n = try node(limits: RateLimits(concurrent: 1))
        guard case .send(let first, let limit) = n.admit(chat(), authorization: "Bearer dk-acme", requestID: "r1", now: .zero) else {
            Issue.record("expected .send"); return
        }
        #expect(limit.grant != nil && limit.local)
        guard case .refused(let r, _) = n.admit(chat(), authorization: "Bearer dk-acme", requestID: "r2", now: .zero) else {
            Issue.record("expected a 429"); return
        }
        #expect(r.error.status == 429 && r.usage.status == 429)
        // Another tenant is not held up by acme's limit.
        guard case .send = n.admit(chat(), authorization: "Bearer dk-globex", requestID: "g1", now: .zero) else {
            Issue.record("globex should not be limited"); return
        }
        let usage = GatewayCore.baseUsage(first.context, now: Instant.zero + .milliseconds(5))
        let done = n.finish(usage, alerts: [], limit: limit, now: Instant.zero + .milliseconds(5))
        #expect(done.sharedRelease == nil)
        guard case .send = n.admit(chat(), authorization: "Bearer dk-acme", requestID: "r3", now: Instant.zero + .milliseconds(6)) else {
            Issue.record("the slot should be free again"); return
        }
    }

    /// Should hand limits to the driver with shared counters, and give a shared grant back
    /// through the driver rather than its own counters.
    @Test func sharedCountersAreTheDriversToConsult() throws {
        var n = try node(limits: RateLimits(requestsPerMinute: 1), shared: true)
        guard case .acquireShared(let call, let scopes, let tokens) = n.admit(chat(), authorization: "Bearer dk-acme", requestID: "r1", now: .zero) else {
            Issue.record("expected .acquireShared"); return
        }
        #expect(!scopes.entries.isEmpty && tokens > 0)
        var store = RateLimiter()  // the shared store (Redis live, one limiter in the Lab)
        guard case .send(_, let limit) = n.limited(call, store.acquire(scopes, promptTokens: tokens, now: .zero), local: false, now: .zero) else {
            Issue.record("expected .send"); return
        }
        #expect(!limit.local)
        guard case .refused(let r, _) = n.limited(call, store.acquire(scopes, promptTokens: tokens, now: .zero), local: false, now: .zero) else {
            Issue.record("expected a 429 from the shared store"); return
        }
        #expect(r.error.status == 429)
        var usage = GatewayCore.baseUsage(call.context, now: .zero)
        usage.promptTokens = 7; usage.completionTokens = 3
        let done = n.finish(usage, alerts: [], limit: limit, now: .zero)
        #expect(done.sharedRelease?.tokens == 10)
    }

    /// Should add each call's cost to the tenant's spend and alert each threshold once;
    /// reconciliation's restore sets the spend to the ledger's.
    @Test func finishChargesTheBudgetOnce() throws {
        var n = try node(budget: Budget(monthlyMicros: 1_000, thresholds: [50, 100]))
        guard case .send(let call, let limit) = n.admit(chat(), authorization: "Bearer dk-acme", requestID: "r1", now: .zero) else {
            Issue.record("expected .send"); return
        }
        var usage = GatewayCore.baseUsage(call.context, now: .zero)
        usage.costMicros = 600
        #expect(n.finish(usage, alerts: [], limit: limit, now: .zero).alerts.map(\.kind) == [.budgetThreshold])
        #expect(n.finish(usage, alerts: [], limit: limit, now: .zero).alerts.count == 1)  // 100 % now
        #expect(n.finish(usage, alerts: [], limit: limit, now: .zero).alerts.isEmpty)
        #expect(n.spent(tenant: "acme", at: .zero) == 1_800)
        _ = n.restoreSpend(tenant: "acme", spentMicros: 100, now: .zero, alertNewlyCrossed: false)
        #expect(n.spent(tenant: "acme", at: .zero) == 100)
        n.restart()
        #expect(n.spent(tenant: "acme", at: .zero) == 0)
    }
}
