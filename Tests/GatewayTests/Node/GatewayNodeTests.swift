import Testing
@testable import Base
@testable import Gateway

/// The call steps both drivers take through a replica (``GatewayNode``).
@Suite struct GatewayNodeTests {
    func node(limits: RateLimits = RateLimits(), budget: Budget? = nil, shared: Bool = false, journal: Bool = false) throws -> GatewayNode {
        var quotas: [String: Double] = [:]
        if let r = limits.requestsPerMinute { quotas["requests_per_minute"] = Double(r) }
        if let c = limits.concurrent { quotas["concurrent"] = Double(c) }
        if let b = budget { quotas["monthly_budget_usd"] = Double(b.monthlyMicros) / 1e6 }
        var node = GatewayNode(core: try makeCore(), journal: journal ? UsageJournal(length: 0, savedCheckpoint: nil) : nil, sharedCounters: shared)
        try node.configure { core in
            try core.applyQuotas(tenant: "acme", quotas)
            if let budget { try core.upsertTenantBudget("acme", budget) }
        }
        return node
    }

    func step(_ n: inout GatewayNode, key: String = "dk-acme", _ request: ChatCompletionRequest = chat(), id: String = "r1", at now: Instant = .zero) -> GatewayNode.Step {
        n.receive(.request(request), authorization: "Bearer " + key, requestID: id, now: now)
    }

    /// Should send a call without limits at once, holding no grant.
    @Test func callWithoutLimitsIsSentWithoutAGrant() throws {
        var n = try node()
        #expect(!n.anyLimits && !n.anyBudget)
        guard case .send(let call) = step(&n) else { Issue.record("expected .send"); return }
        #expect(call.context.tenant == "acme" && call.limit == .none)
    }

    /// Should refuse a bad key before any limit is consulted, with an OpenAI error reply.
    @Test func badKeyIsRefusedWith401() throws {
        var n = try node(limits: RateLimits(concurrent: 1))
        guard case .respond(let reply, let settlement) = step(&n, key: "nope") else { Issue.record("expected .respond"); return }
        #expect(reply.status == 401 && reply.headers.value("x-request-id") == "r1" && settlement.usage?.status == 401)
        #expect(String(decoding: reply.encodedBody(), as: UTF8.self).contains("\"code\":\"invalid_api_key\""))
    }

    /// Should read a body, and refuse one that is not a chat request (accounted to the key's tenant).
    @Test func bodiesAreReadAndBadOnesRefused() throws {
        var n = try node()
        guard case .send(let call) = n.receive(.body(Array(#"{"model":"chat","messages":[{"role":"user","content":"hi"}],"seed":7}"#.utf8)),
                                                authorization: "Bearer dk-acme", requestID: "r1", now: .zero) else {
            Issue.record("expected .send"); return
        }
        // An OpenAI-compatible provider gets the client's own body, with the model replaced.
        #expect(String(decoding: call.request.encodedBody(), as: UTF8.self).contains("\"seed\":7"))
        guard case .respond(let reply, let settlement) = n.receive(.body(Array("{\"model\":".utf8)), authorization: "Bearer dk-acme",
                                                                   requestID: "r2", now: .zero) else {
            Issue.record("expected .respond"); return
        }
        #expect(reply.status == 400 && settlement.usage?.tenant == "acme")
        guard case .respond(let tooLarge, _) = n.receive(.unreadable(GatewayError(.requestTooLarge, status: 413, message: "big")),
                                                         authorization: "Bearer dk-acme", requestID: "r3", now: .zero) else {
            Issue.record("expected .respond"); return
        }
        #expect(tooLarge.status == 413)
    }

    /// Should hold a concurrency slot from admission to settlement: a second call in
    /// between gets 429, a third after the settlement goes through.
    @Test func concurrencyIsHeldUntilSettled() throws {
        var n = try node(limits: RateLimits(concurrent: 1))
        guard case .send(let first) = step(&n) else { Issue.record("expected .send"); return }
        #expect(first.limit.grant != nil && first.limit.local)
        guard case .respond(let reply, let refused) = step(&n, id: "r2") else { Issue.record("expected a 429"); return }
        #expect(reply.status == 429 && refused.usage?.status == 429 && reply.headers.value("retry-after") != nil)
        // Another tenant is not held up by acme's limit.
        guard case .send = step(&n, key: "dk-globex", id: "g1") else { Issue.record("globex should not be limited"); return }
        let done = n.complete(first, result: .failure(.connection("refused")), now: Instant.zero + .milliseconds(5))
        #expect(done.reply.status == 502 && done.settlement.sharedRelease == nil)
        guard case .send = step(&n, id: "r3", at: Instant.zero + .milliseconds(6)) else { Issue.record("the slot should be free again"); return }
    }

    /// Should hand limits to the driver with shared counters, fall back to its own when
    /// they cannot be reached, and give a shared grant back through the driver.
    @Test func sharedCountersAreTheDriversToConsult() throws {
        var n = try node(limits: RateLimits(requestsPerMinute: 1), shared: true)
        guard case .acquireShared(let pending, let scopes, let tokens) = step(&n) else { Issue.record("expected .acquireShared"); return }
        #expect(!scopes.entries.isEmpty && tokens > 0)
        var store = RateLimiter()  // the shared store (Redis live, one limiter in the Lab)
        guard case .send(let call) = n.limited(pending, store.acquire(scopes, promptTokens: tokens, now: .zero), now: .zero) else {
            Issue.record("expected .send"); return
        }
        #expect(!call.limit.local)
        guard case .respond(let reply, _) = n.limited(pending, store.acquire(scopes, promptTokens: tokens, now: .zero), now: .zero) else {
            Issue.record("expected a 429 from the shared store"); return
        }
        #expect(reply.status == 429)
        // Unreachable: the node's own counters decide (the first call there goes through).
        guard case .send(let local) = n.limited(pending, nil, now: .zero) else { Issue.record("expected the local fallback"); return }
        #expect(local.limit.local)
        var usage = GatewayCore.baseUsage(call.context, now: .zero)
        usage.promptTokens = 7; usage.completionTokens = 3
        let v1 = n.settle(usage, alerts: [], limit: call.limit, now: .zero)
        #expect(v1.sharedRelease?.tokens == 10)
    }

    /// Should add each call's cost to the tenant's spend and alert each threshold once.
    @Test func settlingChargesTheBudgetOnce() throws {
        var n = try node(budget: Budget(monthlyMicros: 1_000, thresholds: [50, 100]))
        guard case .send(let call) = step(&n) else { Issue.record("expected .send"); return }
        var usage = GatewayCore.baseUsage(call.context, now: .zero)
        usage.costMicros = 600
        let v2 = n.settle(usage, alerts: [], limit: call.limit, now: .zero)
        #expect(v2.alerts.map(\.kind) == [.budgetThreshold])
        let v3 = n.settle(usage, alerts: [], limit: call.limit, now: .zero)
        #expect(v3.alerts.count == 1)  // 100 % now
        let v4 = n.settle(usage, alerts: [], limit: call.limit, now: .zero)
        #expect(v4.alerts.isEmpty)
        #expect(n.spent(tenant: "acme", at: .zero) == 1_800)
        // Without a journal there is nothing to reconcile: nothing is counted.
        #expect(n.counters.counters(tenant: "acme", at: .zero).calls == 0)
        n.restart(journal: nil)
        #expect(n.spent(tenant: "acme", at: .zero) == 0)
    }

    /// Should journal every settled call of a tenant, count it when its write ends, and
    /// retry a failed write before giving it up (with an alert).
    @Test func settledCallsAreJournaledAndCountedWhenTheirWriteEnds() throws {
        var n = try node(journal: true)
        guard case .send(let call) = step(&n) else { Issue.record("expected .send"); return }
        let usage = GatewayCore.baseUsage(call.context, now: .zero)
        let a = n.settle(usage, alerts: [], limit: .none, now: .zero), b = n.settle(usage, alerts: [], limit: .none, now: .zero)
        #expect(a.ticket == 1 && b.ticket == 2)
        #expect(n.counters.counters(tenant: "acme", at: .zero).calls == 0)
        let v5 = n.nextJournalWrite()
        let write = try #require(v5)
        let v6 = n.nextJournalWrite()
        #expect(v6 == nil)  // one write at a time
        #expect(write.tickets == 1...2 && write.offset == 0)
        let c = n.settle(usage, alerts: [], limit: .none, now: .zero)  // during the write: waits for the next one
        // The write fails: its entries go again, with the one settled meanwhile.
        let v7 = n.journalWriteEnded(write, succeeded: false, now: .zero)
        #expect(v7.tickets == nil)
        let v8 = n.nextJournalWrite()
        let retry = try #require(v8)
        #expect(retry.tickets == 1...3 && retry.offset == 0 && retry.counts["acme"]?.calls == 3)
        let ended = n.journalWriteEnded(retry, succeeded: true, now: .zero)
        #expect(ended.tickets == 1...3 && ended.alert == nil && c.ticket == 3)
        #expect(n.counters.counters(tenant: "acme", at: .zero).calls == 3)
        #expect(n.journal?.durable == UInt64(retry.bytes.count))
        // Three failed attempts give the entries up: answered, alerted, still counted.
        _ = n.settle(usage, alerts: [], limit: .none, now: .zero)
        for attempt in 1...3 {
            let v9 = n.nextJournalWrite()
            let w = try #require(v9)
            let end = n.journalWriteEnded(w, succeeded: false, now: .zero)
            #expect((end.tickets == nil) == (attempt < 3))
            if attempt == 3 { #expect(end.alert?.kind == .usageJournalFailed) }
        }
        #expect(n.counters.counters(tenant: "acme", at: .zero).calls == 4 && n.journal?.failedWrites == 1)
    }

    /// Should report the cut minus the replica's ledger rows as drift and repair it; the
    /// spend becomes the tenant's whole ledger spend.
    @Test func reconciliationReportsAndRepairsDrift() throws {
        var n = try node(budget: Budget(monthlyMicros: 1_000, thresholds: [50, 100]), journal: true)
        guard case .send(let call) = step(&n) else { Issue.record("expected .send"); return }
        var usage = GatewayCore.baseUsage(call.context, now: .zero)
        usage.costMicros = 100
        _ = n.settle(usage, alerts: [], limit: .none, now: .zero)
        let v10 = n.nextJournalWrite()
        let w = try #require(v10)
        _ = n.journalWriteEnded(w, succeeded: true, now: .zero)
        let cut = n.reconciliationCut(at: .zero)
        #expect(cut.tenants == ["acme", "globex"])
        // The ledger lacks nothing of this replica's, but another replica spent 500 µ$.
        let ledger = ["acme": LedgerTotals(tenant: UsageCounters(calls: 2, tokens: 0, costMicros: 600), replica: UsageCounters(calls: 1, tokens: 0, costMicros: 100)),
                      "globex": LedgerTotals(tenant: UsageCounters(), replica: UsageCounters())]
        let first = n.reconcile(cut, ledger: ledger, now: .zero)
        #expect(first.drift.allSatisfy { $0.isZero })
        // The first reconciliation after a start raises no budget alert (its predecessor did).
        #expect(first.alerts.isEmpty && n.spent(tenant: "acme", at: .zero) == 600)
        // A restart loses the counts: negative drift, repaired; later reconciliations alert.
        n.restart(journal: UsageJournal(length: 0, savedCheckpoint: nil))
        let second = n.reconcile(n.reconciliationCut(at: .zero), ledger: ledger, now: .zero)
        #expect(second.drift.first { $0.tenant == "acme" } == UsageDrift(tenant: "acme", calls: -1, tokens: 0, costMicros: -100))
        #expect(second.alerts.map(\.kind) == [.usageDrift])
        #expect(n.counters.counters(tenant: "acme", at: .zero) == UsageCounters(calls: 1, tokens: 0, costMicros: 100))
        let third = n.reconcile(n.reconciliationCut(at: .zero), ledger: ["acme": LedgerTotals(tenant: UsageCounters(calls: 3, costMicros: 1_000),
                                                                                                  replica: UsageCounters(calls: 1, costMicros: 100))],
                                now: .zero)
        #expect(third.drift.allSatisfy { $0.isZero } && third.alerts.map(\.kind) == [.budgetThreshold])
    }

    /// Should relay a stream fed in pieces, and end it with the usage and `[DONE]`.
    @Test func streamsAreRelayedAsTheyArrive() throws {
        var n = try node()
        guard case .send(let call) = step(&n, chat(stream: true)) else { Issue.record("expected .send"); return }
        var stream = n.openStream(call, timeToFirstByte: .milliseconds(20), now: .zero)
        #expect(stream.head.headers.value("content-type") == "text/event-stream")
        let sse = #"data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#
            + "\n\n" + #"data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#
            + "\n\ndata: [DONE]\n\n"
        var out: [UInt8] = []
        for piece in Array(sse.utf8).chunks(ofCount: 17) { out += stream.feed(piece) }
        let end = n.closeStream(stream, now: Instant.zero + .milliseconds(50))
        let text = String(decoding: out + end.tail, as: UTF8.self)
        #expect(text.contains("Hel") && text.contains("lo") && text.hasSuffix("data: [DONE]\n\n"), "\(text)")
        #expect(end.settlement.usage?.status == 200 && end.settlement.usage?.usageSource == .estimated)
    }

    /// Should answer doc-chat from the knowledge service's answer, with its sources, and
    /// give the limits back with the model call's tokens.
    @Test func docChatIsAdmittedAndAnsweredWithItsSources() throws {
        var n = try node(limits: RateLimits(concurrent: 1))
        n.servesDocChat = true
        guard case .answerFromDocuments(let call) = step(&n, chat("doc-chat")) else { Issue.record("expected .answerFromDocuments"); return }
        #expect(call.question == "Say hello" && call.limit.grant != nil)
        guard case .respond(let busy, _) = step(&n, chat("doc-chat"), id: "r2") else { Issue.record("expected a 429"); return }
        #expect(busy.status == 429)
        let answer = DocChatAnswer(text: "Hello [1].", sources: [.init(number: 1, document: "a.md", section: ["Greetings"])], tokens: 12)
        let done = n.finishDocChat(call, .success(answer), now: .zero)
        #expect(try done.reply.completionText() == "Hello [1].\n\nSources:\n[1] a.md › Greetings")
        guard case .answerFromDocuments = step(&n, chat("doc-chat"), id: "r3") else { Issue.record("the slot should be free"); return }
        // Off unless served; then it is an unknown model.
        n.servesDocChat = false
        guard case .respond(let unknown, _) = step(&n, chat("doc-chat"), id: "r4") else { Issue.record("expected .respond"); return }
        #expect(unknown.status == 404)
    }

    /// Should list the tenant's aliases, and doc-chat where it is served.
    @Test func modelsListTheTenantsAliases() throws {
        var n = try node()
        n.servesDocChat = true
        let reply = n.models(authorization: "Bearer dk-acme", requestID: "m1", now: .zero)
        guard case .models(let list) = reply.body else { Issue.record("expected a model list"); return }
        #expect(list.data.map(\.id) == ["chat", "doc-chat"])
        #expect(n.models(authorization: nil, requestID: "m2", now: .zero).status == 401)
    }

    /// A node whose acme has a second alias, a key limited to `chat`, and a key that
    /// expires at 10 s past the epoch.
    func restrictedNode() throws -> GatewayNode {
        var n = try node()
        n.servesDocChat = true
        try n.configure { core in
            var t = core.tenants["acme"]!
            t.aliases["fast"] = ModelAlias(name: "fast", targets: [.openai: "gpt-4o-mini"], active: .openai)
            t.virtualKeys += [VirtualKeyRecord(id: "k-chat", digest: KeyDigest(of: "dk-chat-only"), models: ["chat"]),
                              VirtualKeyRecord(id: "k-exp", digest: KeyDigest(of: "dk-expiring"), expiresAtUnixNanos: 10_000_000_000)]
            try core.upsertTenant(t, at: .zero)
        }
        return n
    }

    /// A key limited to some aliases is refused the others with 403 (recorded against its
    /// tenant), and lists only its own.
    @Test func aKeyLimitedToSomeAliasesGets403OnOthers() throws {
        var n = try restrictedNode()
        guard case .send = step(&n, key: "dk-chat-only", chat("chat")) else { Issue.record("expected .send"); return }
        guard case .respond(let refused, let settlement) = step(&n, key: "dk-chat-only", chat("fast"), id: "r2") else {
            Issue.record("expected .respond"); return
        }
        if case .error(let e) = refused.body { #expect(e.kind == .modelNotAllowed && e.status == 403) } else { Issue.record("expected an error") }
        #expect(settlement.usage?.tenant == "acme" && settlement.usage?.keyID == "k-chat")
        guard case .respond(let docChat, _) = step(&n, key: "dk-chat-only", chat("doc-chat"), id: "r3") else { Issue.record("expected .respond"); return }
        #expect(docChat.status == 403)
        guard case .models(let list) = n.models(authorization: "Bearer dk-chat-only", requestID: "m", now: .zero).body else {
            Issue.record("expected a model list"); return
        }
        #expect(list.data.map(\.id) == ["chat"])
        guard case .send = step(&n, key: "dk-acme", chat("fast"), id: "r4") else { Issue.record("an unlimited key calls every alias"); return }
        // A suspended tenant's limited key is told the tenant is suspended, not about its limits.
        try n.configure { try $0.setSuspended(tenant: "acme", true) }
        guard case .respond(let suspended, _) = step(&n, key: "dk-chat-only", chat("fast"), id: "r5") else { Issue.record("expected .respond"); return }
        if case .error(let e) = suspended.body { #expect(e.kind == .tenantSuspended) } else { Issue.record("expected an error") }
    }

    /// An expired key is refused with 401 from its expiry on.
    @Test func anExpiredKeyGets401() throws {
        var n = try restrictedNode()
        guard case .send = step(&n, key: "dk-expiring", at: Instant(nanoseconds: 9_999_999_999)) else { Issue.record("expected .send"); return }
        guard case .respond(let refused, _) = step(&n, key: "dk-expiring", id: "r2", at: Instant(nanoseconds: 10_000_000_000)) else {
            Issue.record("expected .respond"); return
        }
        #expect(refused.status == 401)
    }

    /// A tenant whose doc-chat flag is off gets 404 for doc-chat, which it does not list.
    @Test func docChatOffForATenantIsNotServed() throws {
        var n = try restrictedNode()
        try n.configure { core in
            var t = core.tenants["acme"]!
            t.docChat = false
            try core.upsertTenant(t, at: .zero)
        }
        guard case .respond(let refused, _) = step(&n, chat("doc-chat")) else { Issue.record("expected .respond"); return }
        #expect(refused.status == 404)
        guard case .models(let list) = n.models(authorization: "Bearer dk-acme", requestID: "m", now: .zero).body else {
            Issue.record("expected a model list"); return
        }
        #expect(!list.data.map(\.id).contains("doc-chat"))
    }

    /// A removed tenant's keys get 401.
    @Test func aRemovedTenantsKeysAreRefused() throws {
        var n = try node()
        n.configure { $0.removeTenant("acme") }
        guard case .respond(let refused, _) = step(&n) else { Issue.record("expected .respond"); return }
        #expect(refused.status == 401)
        guard case .send = step(&n, key: "dk-globex", id: "r2") else { Issue.record("globex is still served"); return }
    }
}

extension GatewayCore {
    mutating func upsertTenantBudget(_ tenant: String, _ budget: Budget) throws {
        var t = tenants[tenant]!
        t.budget = budget
        try upsertTenant(t, at: .zero)
    }
}

extension Array {
    func chunks(ofCount n: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: n).map { self[$0..<Swift.min($0 + n, count)] }
    }
}
