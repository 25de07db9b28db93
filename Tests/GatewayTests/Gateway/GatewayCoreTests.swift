import Testing
@testable import Base
@testable import Gateway

/// A gateway with two tenants: acme (OpenAI + Anthropic, alias `chat` active on OpenAI)
/// and globex (OpenAI only), and an allowlist of the public provider hosts.
func makeCore() throws -> GatewayCore {
    var core = GatewayCore(configuration: .init(
        allowlist: try EgressAllowlist(["api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "api.groq.com"]),
        pricing: try PricingTable.bundled(), upstreamTimeout: .seconds(30)))
    func account(_ k: ProviderKind, _ key: String, _ url: String? = nil) -> ProviderAccount {
        ProviderAccount(provider: k, endpoint: try! Endpoint.parse(url ?? k.defaultBaseURL).get(), apiKey: Secret(key))
    }
    try core.upsertTenant(TenantGatewayConfig(
        id: "acme", virtualKeys: [VirtualKeyRecord(id: "acme-1", key: "dk-acme")],
        accounts: [.openai: account(.openai, "sk-acme-openai"), .anthropic: account(.anthropic, "sk-acme-ant")],
        aliases: ["chat": ModelAlias(name: "chat", targets: [.openai: "gpt-4o-mini", .anthropic: "claude-3-5-haiku-latest"], active: .openai)]),
        at: .zero)
    try core.upsertTenant(TenantGatewayConfig(
        id: "globex", virtualKeys: [VirtualKeyRecord(id: "globex-1", key: "dk-globex")],
        accounts: [.openai: account(.openai, "sk-globex-openai")],
        aliases: ["chat": ModelAlias(name: "chat", targets: [.openai: "gpt-4o-mini"], active: .openai)]),
        at: .zero)
    return core
}

func chat(_ model: String = "chat", stream: Bool = false) -> ChatCompletionRequest {
    ChatCompletionRequest(model: model, messages: [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Say hello")],
                          stream: stream ? true : nil)
}

extension GatewayCore.Admission {
    var call: GatewayCore.UpstreamCall? { if case .forward(let c) = self { return c } else { return nil } }
    var rejection: GatewayCore.Rejection? { if case .reject(let r) = self { return r } else { return nil } }
}

@Suite struct GatewayCoreTests {
    @Test func routesToTheActiveProviderWithTheTenantsOwnKey() throws {
        let core = try makeCore()
        let a = try #require(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "r1", now: .zero).call)
        let g = try #require(core.admit(chat(), authorization: "Bearer dk-globex", requestID: "r2", now: .zero).call)
        #expect(a.request.provider == .openai && a.request.url == "https://api.openai.com:443/v1/chat/completions")
        #expect(a.request.headers.value("authorization") == "Bearer sk-acme-openai")
        #expect(g.request.headers.value("authorization") == "Bearer sk-globex-openai")
        guard case .openAI(let body) = a.request.payload else { Issue.record("expected an OpenAI body"); return }
        #expect(body.model == "gpt-4o-mini")
    }

    @Test func refusesMissingAndUnknownKeysWith401() throws {
        let core = try makeCore()
        #expect(core.admit(chat(), authorization: nil, requestID: "r", now: .zero).rejection?.error.status == 401)
        let r = try #require(core.admit(chat(), authorization: "Bearer dk-nope", requestID: "r", now: .zero).rejection)
        #expect(r.error.status == 401 && r.error.kind == .invalidAPIKey && r.usage.tenant == nil)
        #expect(r.error.body.error.type == "authentication_error")
    }

    @Test func unknownModelIs404AndBadRequestsAre400() throws {
        let core = try makeCore()
        #expect(core.admit(chat("gpt-9"), authorization: "Bearer dk-acme", requestID: "r", now: .zero).rejection?.error.status == 404)
        var bad = chat(); bad.temperature = 3
        let r = try #require(core.admit(bad, authorization: "Bearer dk-acme", requestID: "r", now: .zero).rejection)
        #expect(r.error.status == 400 && r.error.param == "temperature")
        var empty = chat(); empty.messages = []
        #expect(core.admit(empty, authorization: "Bearer dk-acme", requestID: "r", now: .zero).rejection?.error.param == "messages")
    }

    @Test func manualSwitchMovesOnlyThatTenantsAlias() throws {
        var core = try makeCore()
        try core.switchProvider(tenant: "acme", alias: "chat", to: .anthropic)
        let a = try #require(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "r", now: .zero).call)
        #expect(a.request.provider == .anthropic && a.request.headers.value("x-api-key") == "sk-acme-ant")
        #expect(core.admit(chat(), authorization: "Bearer dk-globex", requestID: "r", now: .zero).call?.request.provider == .openai)
        #expect(throws: GatewayCore.ConfigurationError.self) { try core.switchProvider(tenant: "globex", alias: "chat", to: .gemini) }
    }

    /// A provider outage reaches the caller as a 503; the gateway never tries another provider.
    @Test func providerErrorsAreNotFailedOver() throws {
        let core = try makeCore()
        let call = try #require(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "r", now: .zero).call)
        let body = Array(#"{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}"#.utf8)
        let out = core.complete(call.context, result: .response(UpstreamResponse(status: 503, body: .bytes(body))), now: Instant(nanoseconds: 5_000_000))
        guard case .error(let e) = out.response else { Issue.record("expected an error"); return }
        #expect(e.status == 503 && e.kind == .unavailable && e.message.contains("OpenAI"))
        #expect(out.usage.provider == .openai && out.usage.costMicros == 0 && out.usage.status == 503)
    }

    @Test func rateLimitPassesRetryAfterAndTimeoutIs504() throws {
        let core = try makeCore()
        let call = try #require(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "r", now: .zero).call)
        let body = Array(#"{"error":{"message":"Rate limit reached","type":"rate_limit_exceeded","param":null,"code":"rate_limit_exceeded"}}"#.utf8)
        let limited = core.complete(call.context, result: .response(UpstreamResponse(status: 429, headers: [HTTPHeader("retry-after", "2")], body: .bytes(body))), now: .zero)
        guard case .error(let e) = limited.response else { Issue.record("expected an error"); return }
        #expect(e.status == 429 && e.retryAfterSeconds == 2)
        let timeout = core.complete(call.context, result: .failure(.timeout(after: .seconds(30))), now: Instant(nanoseconds: 30_000_000_000))
        #expect(timeout.usage.status == 504 && timeout.usage.errorKind == .timeout && timeout.usage.latency == .seconds(30))
    }

    @Test func egressIsRefusedAtConfigurationAndAtCallTime() throws {
        var core = try makeCore()
        let bad = ProviderAccount(provider: .openai, endpoint: try Endpoint.parse("https://proxy.evil.example/v1").get(), apiKey: Secret("sk-x"))
        let alerts = try core.setProviderAccount(tenant: "globex", account: bad, at: .zero)
        #expect(alerts.map(\.kind) == [.egressDenied])
        let r = try #require(core.admit(chat(), authorization: "Bearer dk-globex", requestID: "r", now: .zero).rejection)
        #expect(r.error.status == 403 && r.error.kind == .egressDenied && r.alerts.isEmpty)
        // Removing a host from the allowlist blocks existing accounts at once.
        let newAlerts = core.setAllowlist(try EgressAllowlist(["api.anthropic.com"]), at: .zero)
        #expect(newAlerts.contains { $0.tenant == "acme" && $0.provider == .openai })
        #expect(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "r", now: .zero).rejection?.error.kind == .egressDenied)
    }

    @Test func successIsChargedFromReportedUsage() throws {
        let core = try makeCore()
        let call = try #require(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "chatcmpl-x", now: .zero).call)
        let body = Array(#"{"id":"chatcmpl-stub1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from stub"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}"#.utf8)
        let out = core.complete(call.context, result: .response(UpstreamResponse(status: 200, body: .bytes(body))), now: Instant(nanoseconds: 400_000_000))
        // An OpenAI answer with usage passes through with the gateway's id and the alias.
        guard case .passthrough(let bytes) = out.response else { Issue.record("expected a passed-through completion"); return }
        let c = try WireJSON.decode(ChatCompletion.self, from: bytes)
        #expect(c.id == "chatcmpl-x" && c.model == "chat" && c.choices.first?.message.content == "Hello from stub")
        #expect(out.usage.costMicros == 450 && out.usage.usageSource == .reported && out.usage.latency == .milliseconds(400))
        // Without usage it is decoded, and the usage is estimated and added.
        let bare = Array(#"{"id":"u","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from stub"},"finish_reason":"stop"}]}"#.utf8)
        let estimated = core.complete(call.context, result: .response(UpstreamResponse(status: 200, body: .bytes(bare))), now: .zero)
        guard case .completion(let e) = estimated.response else { Issue.record("expected a completion"); return }
        #expect(e.id == "chatcmpl-x" && e.usage != nil && estimated.usage.usageSource == .estimated)
    }

    @Test func onlyPlainWellFormedAnswersPassThrough() throws {
        let core = try makeCore()
        let call = try #require(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "chatcmpl-x", now: .zero).call)
        func outcome(_ json: String) -> GatewayCore.Outcome {
            core.complete(call.context, result: .response(UpstreamResponse(status: 200, body: .bytes(Array(json.utf8)))), now: .zero)
        }
        let usage = #""usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#
        let choice = #""choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]"#
        // Pretty-printed, as OpenAI sends it: passed through.
        let pretty = outcome("{\n  \"id\": \"u\",\n  \"object\": \"chat.completion\", \"created\": 1, \"model\": \"m\",\n  \(choice), \(usage)\n}\n")
        guard case .passthrough(let bytes) = pretty.response else { Issue.record("expected pass-through"); return }
        let c = try WireJSON.decode(ChatCompletion.self, from: bytes)
        #expect(c.id == "chatcmpl-x" && c.model == "chat" && pretty.usage.completionTokens == 2)
        // A duplicate id: decoded instead (and answered from the decoded value).
        if case .passthrough = outcome(#"{"id":"a","id":"b","object":"chat.completion","created":1,"model":"m",\#(choice),\#(usage)}"#).response {
            Issue.record("a duplicate id must not pass through")
        }
        // Trailing garbage: not passed through, and the decoder refuses it (502).
        let garbage = outcome(#"{"id":"a","object":"chat.completion","created":1,"model":"m",\#(choice),\#(usage)} trailing"#)
        #expect(garbage.usage.status == 502 && garbage.usage.errorKind == .upstreamBadResponse)
        // No choices: not passed through.
        if case .passthrough = outcome(#"{"id":"a","object":"chat.completion","created":1,"model":"m","choices":[],\#(usage)}"#).response {
            Issue.record("an answer without choices must not pass through")
        }
    }

    @Test func openAICompatibleBodiesPassThroughWithOnlyTheModelChanged() throws {
        let core = try makeCore()
        let body = Array(#"{"model":"chat","messages":[{"role":"user","content":"Say hello"}],"metadata":{"team":"x"},"seed":7}"#.utf8)
        let request = try WireJSON.decode(ChatCompletionRequest.self, from: body)
        let call = try #require(core.admit(request, body: body, authorization: "Bearer dk-acme", requestID: "r", now: .zero).call)
        let sent = String(decoding: call.request.encodedBody(), as: UTF8.self)
        #expect(sent == #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"metadata":{"team":"x"},"seed":7}"#)
        // Streams are re-encoded (the gateway adds stream_options.include_usage).
        let streamBody = Array(#"{"model":"chat","stream":true,"messages":[{"role":"user","content":"Say hello"}]}"#.utf8)
        let streamCall = try #require(core.admit(try WireJSON.decode(ChatCompletionRequest.self, from: streamBody), body: streamBody,
                                                 authorization: "Bearer dk-acme", requestID: "r", now: .zero).call)
        #expect(streamCall.request.rawBody == nil && String(decoding: streamCall.request.encodedBody(), as: UTF8.self).contains("include_usage"))
    }

    @Test func duplicateVirtualKeysAcrossTenantsAreRefused() throws {
        var core = try makeCore()
        let clash = TenantGatewayConfig(id: "initech", virtualKeys: [VirtualKeyRecord(id: "k", key: "dk-acme")], accounts: [:], aliases: [:])
        #expect(throws: GatewayCore.ConfigurationError.self) { try core.upsertTenant(clash, at: .zero) }
    }

    @Test func secretsNeverPrint() {
        let s = Secret("sk-very-secret-value")
        #expect("\(s)" == "<redacted>" && String(reflecting: s) == "<redacted>")
        let account = ProviderAccount(provider: .openai, endpoint: try! Endpoint.parse("https://api.openai.com/v1").get(), apiKey: s)
        #expect(!"\(account)".contains("sk-very-secret-value"))
    }
}

@Suite struct GatewayCoreValueSemanticsTests {
    /// The core is a value: a copy (the live server's snapshot per call) never sees later changes.
    @Test func copiesAreIndependent() throws {
        var core = try makeCore()
        let snapshot = core
        try core.setSuspended(tenant: "acme", true)
        try core.switchProvider(tenant: "acme", alias: "chat", to: .anthropic)
        #expect(snapshot.tenants["acme"]?.suspended == false && snapshot.tenants["acme"]?.aliases["chat"]?.active == .openai)
        #expect(core.tenants["acme"]?.suspended == true && core.tenants["acme"]?.aliases["chat"]?.active == .anthropic)
        #expect(snapshot.admit(chat(), authorization: "Bearer dk-acme", requestID: "r", now: .zero).call != nil)
        #expect(core.admit(chat(), authorization: "Bearer dk-acme", requestID: "r", now: .zero).rejection?.error.kind == .tenantSuspended)
    }
}
