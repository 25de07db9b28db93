import Config
import AsyncHTTPClient
import Foundation
import Hummingbird
import Mocks
import Server
import NIOCore
import Base
import Gateway
import ServiceLifecycle
import Synchronization
import Testing

/// A misbehaving provider: garbage JSON, no answer, and a slow stream that notices when
/// the gateway hangs up.
final class FaultyUpstream: Sendable {
    let streamCancelled = Mutex(false)
    let dripEventsSent = Mutex(0)

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/garbage/chat/completions") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{not json")))
        }
        router.post("/silent/chat/completions") { _, _ in
            try? await Task.sleep(for: .milliseconds(1500))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/reset/chat/completions") { _, _ in
            // Promises 4 KiB, sends a few bytes, then fails: the connection is closed mid-answer.
            Response(status: .ok, headers: [.contentType: "application/json", .contentLength: "4096"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: #"{"id":"c","#))
                struct Broken: Error {}
                throw Broken()
            })
        }
        router.post("/slowok/chat/completions") { _, _ in
            try? await Task.sleep(for: .milliseconds(300))
            let body = #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"late but fine"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":3,"total_tokens":4}}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.post("/drip/chat/completions") { [self] _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { [self] writer in
                for i in 0..<400 {
                    let chunk = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w\#(i) "},"finish_reason":null}]}"#
                    do {
                        try await writer.write(ByteBuffer(string: "data: \(chunk)\n\n"))
                        dripEventsSent.withLock { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(10))
                    } catch {
                        streamCancelled.withLock { $0 = true }
                        return
                    }
                }
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        }
        router.post("/stall/chat/completions") { _, _ in
            // A few events, a pause (the client leaves), more (so that a gateway write
            // fails), then silence for 6 s: a provider that neither streams nor ends.
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                for i in 0..<15 {
                    let chunk = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w\#(i) "},"finish_reason":null}]}"#
                    try await writer.write(ByteBuffer(string: "data: \(chunk)\n\n"))
                    try await Task.sleep(for: .milliseconds(i == 4 ? 300 : 20))
                }
                try await Task.sleep(for: .seconds(6))
                try await writer.finish(nil)
            })
        }
        router.post("/slowhead/chat/completions") { _, _ in
            // The stream's head comes after 300 ms, when the impatient client has gone.
            try await Task.sleep(for: .milliseconds(300))
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                let chunk = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}"#
                try await writer.write(ByteBuffer(string: "data: \(chunk)\n\ndata: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        }
        router.post("/shortdrip/chat/completions") { _, _ in
            // 30 events over ~300 ms, then OpenAI's usage chunk: ends within the drain limit.
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                for i in 0..<30 {
                    let chunk = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w\#(i) "},"finish_reason":null}]}"#
                    try await writer.write(ByteBuffer(string: "data: \(chunk)\n\n"))
                    try await Task.sleep(for: .milliseconds(10))
                }
                let usage = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":30,"total_tokens":41}}"#
                try await writer.write(ByteBuffer(string: "data: \(usage)\n\ndata: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        }
        return router
    }
}

@Suite(.serialized) struct LiveGatewayTests {
    static let models = ["gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash", "llama-3.1-8b-instant"]

    static func config(mock: Int, faulty: Int, offList: Int) -> String {
        let m = "http://127.0.0.1:\(mock)"
        let f = "http://127.0.0.1:\(faulty)"
        func tenant(_ id: String, openaiKey: String) -> String {
            """
              \(id):
                keys: [dk-\(id)]
                providers:
                  openai: {key: "\(openaiKey)", endpoint: "\(m)/v1"}
                  anthropic: {key: sk-ant-\(id), endpoint: "\(m)"}
                  gemini: {key: gem-\(id), endpoint: "\(m)"}
                  groq: {key: gsk-\(id), endpoint: "\(m)/openai/v1"}
                models:
                  gpt-4o-mini: openai/gpt-4o-mini
                  claude-3-5-haiku: anthropic/claude-3-5-haiku-latest
                  gemini-2.0-flash: gemini/gemini-2.0-flash
                  llama-3.1-8b-instant: groq/llama-3.1-8b-instant

            """
        }
        /// A tenant whose OpenAI endpoint is one of the faulty upstream's behaviours.
        func faultyTenant(_ id: String, _ endpoint: String) -> String {
            """
              \(id):
                keys: [dk-\(id)]
                providers: {openai: {key: sk-\(id), endpoint: "\(endpoint)"}}
                models: {m: openai/gpt-4o-mini}

            """
        }
        return """
        platform:
          egress_allowlist: ["\(m)", "\(f)", "http://127.0.0.1:1"]
          upstream_timeout: 1s      # silent answers after 1.5 s; slowok after 0.3 s, with room for a loaded machine
        tenants:
        \(tenant("acme", openaiKey: "${ACME_OPENAI_KEY}"))\(tenant("globex", openaiKey: "sk-globex-openai"))
          limited:
            keys: [dk-limited]
            providers: {openai: {key: sk-limited, endpoint: "\(m)/v1"}}
            models: {gpt-4o-mini: openai/gpt-4o-mini}
            quotas: {requests_per_minute: 2, tokens_per_minute: 100000}
            budget: {monthly_usd: 0.000001, thresholds: [100]}
          rogue:
            keys: [dk-rogue]
            providers: {openai: {key: sk-rogue, endpoint: "http://127.0.0.1:\(offList)/v1"}}
            models: {gpt-4o-mini: openai/gpt-4o-mini}
        \(faultyTenant("garbage", "\(f)/garbage"))\(faultyTenant("silent", "\(f)/silent"))\(faultyTenant("drip", "\(f)/drip"))\(faultyTenant("reset", "\(f)/reset"))\(faultyTenant("slowok", "\(f)/slowok"))\(faultyTenant("shortdrip", "\(f)/shortdrip"))\(faultyTenant("stall", "\(f)/stall"))\(faultyTenant("slowhead", "\(f)/slowhead"))\(faultyTenant("down", "http://127.0.0.1:1/v1"))
        """
    }

    /// Runs the mock providers, the faulty upstream and the gateway.
    @Test func gracefulShutdownFinishesRequestsInFlight() async throws {
        let faulty = FaultyUpstream()
        try await LiveHarness.withApps([{ LiveHarness.app(faulty.router(), announce: $0) }]) { ports in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("dcoder-drain-\(UUID().uuidString).yaml").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            try Self.config(mock: 9, faulty: ports[0], offList: 9).replacingOccurrences(of: "${ACME_OPENAI_KEY}", with: "k").write(toFile: file, atomically: true, encoding: .utf8)
            let transport = ProviderHTTPTransport()
            let gateway = try LiveHarness.gateway(try ServeConfig.load(path: file, environment: [:]), transport: transport)
            let (stream, continuation) = AsyncStream<Int>.makeStream()
            let app = LiveHarness.app(gateway.router(), services: [TransportService(transport)]) { continuation.yield($0); continuation.finish() }
            let group = ServiceGroup(configuration: .init(services: [app], logger: LiveHarness.quiet))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var it = stream.makeAsyncIterator()
                let port = try #require(await it.next())
                let client = TestClient(base: "http://127.0.0.1:\(port)")
                async let inFlight = client.post("/v1/chat/completions", key: "dk-slowok", json: TestClient.chat("m", "hi"))
                try await Task.sleep(for: .milliseconds(100))
                await group.triggerGracefulShutdown()  // while the upstream is still thinking
                let reply = try await inFlight
                #expect(reply.status == 200 && reply.body.contains("late but fine"), "\(reply.body)")
                try await tasks.waitForAll()
            }
        }
    }

    static func withGateway(_ body: @Sendable (_ gateway: TestClient, _ mock: TestClient, _ faulty: FaultyUpstream, _ live: LiveGateway) async throws -> Void) async throws {
        let faulty = FaultyUpstream()
        let mock = try MockProviderServer(seed: 7)
        try await LiveHarness.withApps([
            { LiveHarness.app(mock.router(), announce: $0) },
            { LiveHarness.app(faulty.router(), announce: $0) },
        ]) { ports in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("dcoder-live-\(UUID().uuidString).yaml").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            // Port 9 on loopback is off the allowlist (nothing may connect); port 1 is allowed but closed.
            try config(mock: ports[0], faulty: ports[1], offList: 9).write(toFile: file, atomically: true, encoding: .utf8)
            let settings = try ServeConfig.load(path: file, environment: ["ACME_OPENAI_KEY": "sk-acme-openai"])
            let transport = ProviderHTTPTransport()
            let gateway: LiveGateway
            do { gateway = try LiveHarness.gateway(settings, transport: transport) } catch {
                try await transport.shutdown()
                throw error
            }
            try await LiveHarness.withApps([
                { LiveHarness.app(gateway.router(), services: [TransportService(transport)], announce: $0) },
            ]) { gatewayPorts in
                try await body(TestClient(base: "http://127.0.0.1:\(gatewayPorts[0])"), TestClient(base: "http://127.0.0.1:\(ports[0])"), faulty, gateway)
            }
        }
    }

    @Test func everyProviderAnswersStreamedAndNot() async throws {
        try await Self.withGateway { gateway, _, _, _ in
            for model in Self.models {
                let plain = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat(model, "What is the capital of France?"))
                #expect(plain.status == 200, "\(model): \(plain.body)")
                #expect(plain.headers["x-request-id"]?.hasPrefix("chatcmpl-") == true)
                let json = try #require(plain.json)
                #expect(json["model"] as? String == model && json["object"] as? String == "chat.completion")
                let message = ((json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
                let text = try #require(message)
                #expect(!text.isEmpty)
                let usage = try #require(json["usage"] as? [String: Any])
                #expect((usage["prompt_tokens"] as? Int ?? 0) > 0 && (usage["completion_tokens"] as? Int ?? 0) > 0)

                let streamed = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat(model, "What is the capital of France?", stream: true))
                #expect(streamed.status == 200 && streamed.headers["content-type"] == "text/event-stream")
                let assembled = try TestClient.assemble(streamed.body)
                #expect(assembled.text == text, "\(model): streamed text differs")
                #expect(assembled.done)
                #expect(assembled.usage?["total_tokens"] as? Int == usage["total_tokens"] as? Int, "\(model): streamed usage differs")
            }
            let models = try await gateway.get("/v1/models", key: "dk-globex")
            let ids = ((models.json?["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            #expect(ids == Self.models.sorted())
        }
    }

    @Test func eachTenantsCallCarriesOnlyItsOwnKey() async throws {
        try await Self.withGateway { gateway, mock, _, _ in
            for (tenant, key) in [("acme", "sk-acme-openai"), ("globex", "sk-globex-openai"), ("acme", "sk-acme-openai")] {
                let r = try await gateway.post("/v1/chat/completions", key: "dk-\(tenant)", json: TestClient.chat("gpt-4o-mini", "hello"))
                #expect(r.status == 200)
                let calls = try await mock.get("/_mock/calls")
                let list = try #require((try JSONSerialization.jsonObject(with: Data(calls.body.utf8))) as? [[String: Any]])
                #expect(list.last?["key_fingerprint"] as? String == MockProviderServer.fingerprint(key), "\(tenant)'s call reached OpenAI with another key")
            }
        }
    }

    @Test func rateLimitsAnswer429WithOpenAIsHeaders() async throws {
        try await Self.withGateway { gateway, _, _, live in
            var replies: [TestClient.Reply] = []
            for _ in 0..<3 { replies.append(try await gateway.post("/v1/chat/completions", key: "dk-limited", json: TestClient.chat("gpt-4o-mini", "hi"))) }
            #expect(replies.map(\.status) == [200, 200, 429])
            #expect(replies[0].headers["x-ratelimit-limit-requests"] == "2" && replies[0].headers["x-ratelimit-remaining-requests"] == "1")
            #expect(replies[1].headers["x-ratelimit-remaining-requests"] == "0" && replies[0].headers["x-ratelimit-limit-tokens"] == "100000")
            #expect(replies[2].errorCode == "rate_limited" && replies[2].headers["retry-after"] != nil, "\(replies[2].body)")
            #expect(replies[2].headers["x-ratelimit-reset-requests"] != nil)
            // Tenants without quotas get no rate-limit headers.
            let free = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("gpt-4o-mini", "hi"))
            #expect(free.status == 200 && free.headers["x-ratelimit-limit-requests"] == nil)
            // Its budget of a micro-dollar was spent by the first call: one soft alert, no blocking.
            #expect(live.alerts.filter { $0.kind == .budgetThreshold && $0.tenant == "limited" }.count == 1)
        }
    }

    @Test func anEndpointOffTheAllowlistIsRefusedBeforeConnecting() async throws {
        try await Self.withGateway { gateway, mock, _, _ in
            let before = try await mock.get("/_mock/calls").body
            let r = try await gateway.post("/v1/chat/completions", key: "dk-rogue", json: TestClient.chat("gpt-4o-mini", "hello"))
            #expect(r.status == 403 && r.errorCode == "egress_denied", "\(r.body)")
            #expect(try await mock.get("/_mock/calls").body == before)
        }
    }

    @Test func clientErrorsAreOpenAIShaped() async throws {
        try await Self.withGateway { gateway, _, _, live in
            let noKey = try await gateway.post("/v1/chat/completions", key: nil, json: TestClient.chat("gpt-4o-mini", "hi"))
            #expect(noKey.status == 401 && noKey.errorCode == "invalid_api_key")
            #expect((noKey.json?["error"] as? [String: Any])?["type"] as? String == "authentication_error")
            // Without a metrics token there are no metrics to read (they name every tenant).
            #expect(try await gateway.get("/metrics", key: "dk-acme").status == 404)
            let badKey = try await gateway.post("/v1/chat/completions", key: "dk-nobody", json: TestClient.chat("gpt-4o-mini", "hi"))
            #expect(badKey.status == 401)
            let unknownModel = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("gpt-5-ultra", "hi"))
            #expect(unknownModel.status == 404 && unknownModel.errorCode == "model_not_found")
            let malformed = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: #"{"model": "gpt-4o-mini", "messages": ["#)
            #expect(malformed.status == 400 && malformed.errorCode == "invalid_request")
            let missing = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: #"{"messages": []}"#)
            #expect(missing.status == 400 && missing.body.contains("model"))
            let huge = try await gateway.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("gpt-4o-mini", String(repeating: "x", count: 5 << 20)))
            #expect(huge.status == 413 && huge.errorCode == "request_too_large")
            let unknownURL = try await gateway.get("/v1/nothing")
            #expect(unknownURL.status == 404 && unknownURL.errorCode == "unknown_url")
            // Every refused call is still accounted.
            #expect(live.usage.totals(for: "acme").errors >= 3)
            let health = try await gateway.get("/healthz")
            let ready = try await gateway.get("/readyz")
            #expect(health.status == 200 && ready.status == 200)
        }
    }

    @Test func upstreamFaultsGiveClearErrors() async throws {
        try await Self.withGateway { gateway, _, _, _ in
            let garbage = try await gateway.post("/v1/chat/completions", key: "dk-garbage", json: TestClient.chat("m", "hi"))
            #expect(garbage.status == 502 && garbage.errorCode == "upstream_bad_response", "\(garbage.body)")
            let silent = try await gateway.post("/v1/chat/completions", key: "dk-silent", json: TestClient.chat("m", "hi"))
            #expect(silent.status == 504 && silent.errorCode == "timeout", "\(silent.body)")
            let down = try await gateway.post("/v1/chat/completions", key: "dk-down", json: TestClient.chat("m", "hi"))
            #expect(down.status == 502 && down.errorCode == "connection_failed", "\(down.body)")
            let reset = try await gateway.post("/v1/chat/completions", key: "dk-reset", json: TestClient.chat("m", "hi"))
            #expect(reset.status == 502 && reset.errorCode == "connection_failed", "\(reset.body)")
        }
    }

    /// Opens a stream for `key`'s tenant, reads a first part of it and hangs up.
    static func leaveMidStream(_ gateway: TestClient, key: String) async throws {
        var request = HTTPClientRequest(url: gateway.base + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        request.body = .bytes(ByteBuffer(string: TestClient.chat("m", "hi", stream: true)))
        // A dedicated client, shut down after reading a little: its connection closes.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let response = try await client.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        var received = 0
        for try await part in response.body {
            received += part.readableBytes
            if received > 200 { break }
        }
        try await client.shutdown()
    }

    /// Waits (at most 4 s) until `tenant` has a recorded call, and returns its totals.
    static func recorded(_ live: LiveGateway, _ tenant: String) async throws -> UsageBook.Totals {
        var waited = 0
        while live.usage.totals(for: tenant).calls == 0, waited < 200 { try await Task.sleep(for: .milliseconds(20)); waited += 1 }
        return live.usage.totals(for: tenant)
    }

    /// The provider goes on billing after the client leaves, so the gateway goes on
    /// reading: a stream that ends within the drain limit (the upstream timeout) is charged
    /// the usage the provider reported; a longer one is cancelled at the limit and charged
    /// an estimate. Both are recorded as 499s.
    @Test func aClientThatLeavesMidStreamIsChargedWhatTheProviderBills() async throws {
        try await Self.withGateway { gateway, _, faulty, live in
            try await Self.leaveMidStream(gateway, key: "dk-shortdrip")
            let short = try await Self.recorded(live, "shortdrip")
let price = try #require(try PricingTable.bundled().price(provider: .openai, model: "gpt-4o-mini"))
            #expect(short.calls == 1 && short.errors == 1 && short.promptTokens == 11 && short.completionTokens == 30, "\(short)")
            #expect(short.costMicros == PricingTable.costMicros(promptTokens: 11, completionTokens: 30, price: price))

            try await Self.leaveMidStream(gateway, key: "dk-drip")
            var waited = 0
            while !faulty.streamCancelled.withLock({ $0 }), waited < 100 {
                try await Task.sleep(for: .milliseconds(50)); waited += 1
            }
            #expect(faulty.streamCancelled.withLock { $0 }, "the provider kept streaming past the drain limit")
            #expect(faulty.dripEventsSent.withLock { $0 } < 400)
            let long = try await Self.recorded(live, "drip")
            // Estimated: the prompt, and at least the few events read before the client left.
            #expect(long.calls == 1 && long.errors == 1 && long.completionTokens >= 3 && long.costMicros > 0, "\(long)")

            // A provider that goes silent after the client left is given up on at the drain
            // limit (1 s), not when it speaks again (6 s).
            try await Self.leaveMidStream(gateway, key: "dk-stall")
            let stalled = try await Self.recorded(live, "stall")
            #expect(stalled.calls == 1 && stalled.errors == 1 && stalled.completionTokens >= 1, "\(stalled)")
        }
    }

    /// A client that leaves before the provider's stream begins: the call is still released
    /// and recorded once, and charged.
    @Test func aClientGoneBeforeTheStreamBeginsIsStillAccounted() async throws {
        try await Self.withGateway { gateway, _, _, live in
            var request = HTTPClientRequest(url: gateway.base + "/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer dk-slowhead")
            request.body = .bytes(ByteBuffer(string: TestClient.chat("m", "hi", stream: true)))
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            // Gives up long before the provider's head arrives: the connection closes.
            _ = try? await client.execute(request, timeout: .milliseconds(100))
            try await client.shutdown()
            let totals = try await Self.recorded(live, "slowhead")
            // Once, charged: a 499 when the gateway saw the client gone, a 200 when the kernel
            // took its writes before the close showed (it does under load).
            #expect(totals.calls == 1 && totals.promptTokens > 0, "\(totals)")
        }
    }
}
