import Foundation
@testable import Mocks
@testable import Server
import NIOCore
import Base
import Gateway
import Testing

/// The RESP codec, the Redis client against a real server, and the `redis` counter policy:
/// the same decisions as the local limiter, and one limit shared by two gateway replicas.
@Suite(.serialized) struct RedisTests {
    /// `DCODER_TEST_REDIS_URL` (Scripts/test starts Redis from Debian's package); the tests
    /// that need a server are skipped without it.
    static let url = ProcessInfo.processInfo.environment["DCODER_TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }

    @Test func theCodecReadsEveryReplyTypeAndWaitsForWholeReplies() throws {
        var out = ByteBuffer()
        RESP.encode(["SET", "k", "v 1"], into: &out)
        #expect(String(buffer: out) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv 1\r\n")
        var b = ByteBuffer(string: "+OK\r\n-ERR bad\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n:1\r\n$1\r\nx\r\n*-1\r\n")
        let values = try (0..<7).map { _ in try #require(try RESP.parse(&b)) }
        #expect(values == [.simple("OK"), .error("ERR bad"), .integer(42), .bulk(Array("abc".utf8)), .bulk(nil),
                           .array([.integer(1), .bulk(Array("x".utf8))]), .array(nil)])
        var partial = ByteBuffer(string: "*2\r\n:1\r\n$5\r\nab")
        #expect(try RESP.parse(&partial) == nil && partial.readableBytes == 14)  // incomplete: nothing consumed
        var bad = ByteBuffer(string: "?what\r\n")
        #expect(throws: RedisError.self) { try RESP.parse(&bad) }
        #expect(throws: RedisError.self) { try RedisClient(url: "http://127.0.0.1:6379") }
    }

    @Test(.enabled(if: url != nil)) func theClientTalksToRedis() async throws {
        let client = try RedisClient(url: try #require(Self.url))
        #expect(try await client.send(["PING"]) == .simple("PONG"))
        let key = "dcoder:test:\(UUID().uuidString)"
        try await client.send(["SET", key, "41"])
        #expect(try await client.send(["INCR", key]).integer == 42)
        await #expect(throws: RedisError.self) { try await client.send(["INCR", "\(key)", "extra"]) }  // an error reply
        // Pipelined from many tasks at once: replies come back to the right callers.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<100 {
                group.addTask {
                    let k = "\(key):\(i)"
                    try await client.send(["SET", k, String(i)])
                    #expect(try await client.send(["GET", k]).string == String(i))
                }
            }
            try await group.waitForAll()
        }
        // A dropped connection is reopened by the next command.
        await client.close()
        #expect(try await client.send(["GET", key]).string == "42")
        await client.close()
    }

    /// The same sequence of calls through the local limiter and through Redis gives the
    /// same decisions and headers (times and intervals in whole microseconds).
    @Test(.enabled(if: url != nil)) func redisCountersDecideAsTheLocalLimiterDoes() async throws {
        let client = try RedisClient(url: try #require(Self.url))
        let shared = RedisRateLimiter(client: client, prefix: "dcoder:test:\(UUID().uuidString):")
        var local = RateLimiter()
        let scopes = RateLimiter.Scopes([
            .init(id: "tenant:acme", limits: RateLimits(requestsPerSecond: 5, requestsPerMinute: 40, tokensPerMinute: 6_000, concurrent: 3)),
            .init(id: "key:acme-1", limits: RateLimits(requestsPerMinute: 30)),
        ])
        var rng = SplitMix64(seed: 7)
        var now = Instant(nanoseconds: 1_780_000_000_000_000_000)
        var grants: [(RateLimiter.Grant, Int)] = []
        var decisions = 0
        for _ in 0..<300 {
            now = now + .microseconds(Int64(rng.next() % 400_000))
            if !grants.isEmpty, rng.next() % 2 == 0 {
                let (g, used) = grants.removeFirst()
                var plain = g
                plain.lease = nil
                local.release(plain, actualTokens: used, now: now)
                try await shared.release(g, actualTokens: used, now: now)
                continue
            }
            let prompt = Int(rng.next() % 400)
            let a = local.acquire(scopes, promptTokens: prompt, now: now)
            var b = try await shared.acquire(scopes, promptTokens: prompt, now: now)
            // The shared grant carries its in-flight lease; the local one needs none.
            var sharedGrant: RateLimiter.Grant?
            if case .granted(var g, let status) = b { sharedGrant = g; g.lease = nil; b = .granted(g, status) }
            #expect(a == b, "call \(decisions)")
            decisions += 1
            if case .granted = a, let sg = sharedGrant { grants.append((sg, prompt + Int(rng.next() % 300))) }
        }
        #expect(decisions > 100)
        await client.close()
    }

    /// A call whose release never comes (its replica died) frees its in-flight place when
    /// its lease expires, not never.
    @Test(.enabled(if: url != nil)) func inFlightLeasesExpire() async throws {
        let client = try RedisClient(url: try #require(Self.url))
        let shared = RedisRateLimiter(client: client, prefix: "dcoder:test:\(UUID().uuidString):", leaseTTL: .seconds(1))
        let scopes = RateLimiter.Scopes([.init(id: "tenant:acme", limits: RateLimits(concurrent: 1))])
        let t0 = Instant(nanoseconds: 1_780_000_000_000_000_000)
        guard case .granted(let lost, _) = try await shared.acquire(scopes, promptTokens: 1, now: t0) else { Issue.record("expected a grant"); return }
        #expect(lost.lease != nil)
        guard case .refused = try await shared.acquire(scopes, promptTokens: 1, now: t0 + .milliseconds(500)) else { Issue.record("expected a refusal"); return }
        // The first call never releases; after its lease's second, the place is free again.
        guard case .granted(let next, _) = try await shared.acquire(scopes, promptTokens: 1, now: t0 + .milliseconds(1_500)) else {
            Issue.record("expected the expired lease to free the place"); return
        }
        try await shared.release(next, actualTokens: 1, now: t0 + .seconds(2))
        guard case .granted = try await shared.acquire(scopes, promptTokens: 1, now: t0 + .seconds(2)) else { Issue.record("expected a grant after release"); return }
        await client.close()
    }

    /// Two gateway replicas, 64 concurrent clients, one tenant limited to 20 calls a minute:
    /// with `redis` counters exactly 20 are admitted in all, and each admitted answer's
    /// `x-ratelimit-remaining-requests` is a distinct count from 19 down to 0; with `local`
    /// counters each replica admits its own 20.
    @Test(.enabled(if: url != nil)) func twoReplicasShareOneLimitThroughRedis() async throws {
        let redisURL = try #require(Self.url)
        for policy in ["redis", "local"] {
            let providers = try MockProviderServer(seed: 1)
            try await LiveHarness.withApps([{ LiveHarness.app(providers.router(), announce: $0) }]) { ports in
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(UUID().uuidString).yaml").path
                defer { try? FileManager.default.removeItem(atPath: file) }
                let settings = try LiveHarness.acmeSettings(path: file, providerPort: ports[0], extra: "quotas: {requests_per_minute: 20}")
                let prefix = "dcoder:test:\(UUID().uuidString):"
                let clients = try (0..<2).map { _ in try RedisClient(url: redisURL) }
                let transports = (0..<2).map { _ in ProviderHTTPTransport() }
                let gateways = try (0..<2).map { i in
                    try LiveHarness.gateway(settings, transport: transports[i],
                                    sharedLimiter: policy == "redis" ? RedisRateLimiter(client: clients[i], prefix: prefix) : nil)
                }
                try await LiveHarness.withApps([
                    { LiveHarness.app(gateways[0].router(), services: [TransportService(transports[0])], announce: $0) },
                    { LiveHarness.app(gateways[1].router(), services: [TransportService(transports[1])], announce: $0) },
                ]) { gp in
                    let replicas = gp.map { TestClient(base: "http://127.0.0.1:\($0)") }
                    let replies = try await withThrowingTaskGroup(of: [TestClient.Reply].self) { group in
                        for c in 0..<64 {
                            group.addTask {
                                var out: [TestClient.Reply] = []
                                for i in 0..<3 {
                                    out.append(try await replicas[(c + i) % 2].post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("chat", "hi")))
                                }
                                return out
                            }
                        }
                        return try await group.reduce(into: []) { $0 += $1 }
                    }
                    let admitted = replies.filter { $0.status == 200 }
                    #expect(replies.count == 192 && replies.allSatisfy { $0.status == 200 || $0.status == 429 })
                    if policy == "redis" {
                        #expect(admitted.count == 20, "admitted \(admitted.count)")
                        let remaining = admitted.compactMap { $0.headers["x-ratelimit-remaining-requests"].flatMap(Int.init) }.sorted()
                        #expect(remaining == Array(0..<20), "\(remaining)")
                    } else {
                        #expect(admitted.count == 40, "admitted \(admitted.count)")  // each replica its own 20: why `redis` exists
                    }
                }
                for c in clients { await c.close() }
            }
        }
    }
}

