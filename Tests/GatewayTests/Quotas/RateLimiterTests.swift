import Testing
@testable import Base
@testable import Gateway

struct RateLimiterTests {
    let s = Instant(nanoseconds: 1_000_000_000_000)
    func at(_ seconds: Double) -> Instant { s + .fromSeconds(seconds) }
    func scopes(_ tenant: RateLimits, key: RateLimits = RateLimits()) -> RateLimiter.Scopes {
        RateLimiter.Scopes([.init(id: "tenant:acme", limits: tenant), .init(id: "key:acme-key-1", limits: key)])
    }
    func granted(_ d: RateLimiter.Decision) -> RateLimiter.Grant? { if case .granted(let g, _) = d { return g } else { return nil } }

    @Test func aBurstOfTheLimitThenExactlyTheRate() {
        var limiter = RateLimiter()
        let sc = scopes(RateLimits(requestsPerMinute: 60))
        for i in 0..<60 { #expect(granted(limiter.acquire(sc, promptTokens: 0, now: s)) != nil, "call \(i)") }
        guard case .refused(let reason, let retryAfter, let status) = limiter.acquire(sc, promptTokens: 0, now: s) else {
            Issue.record("the 61st call in the same instant must be refused"); return
        }
        #expect(reason.contains("60 requests per 1m") && retryAfter == .seconds(1))
        #expect(status.remainingRequests == 0 && status.limitRequests == 60)
        // One slot frees up every second.
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: at(1))) != nil)
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: at(1.5))) == nil)
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: at(2))) != nil)
        // After a quiet minute the whole burst is available again.
        let later = limiter.status(sc, now: at(62))
        #expect(later.remainingRequests == 60 && later.resetRequests == .zero)
    }

    @Test func aCallCountsInEveryScopeOrInNone() {
        var limiter = RateLimiter()
        let sc = scopes(RateLimits(requestsPerMinute: 100), key: RateLimits(requestsPerSecond: 2))
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: s)) != nil)
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: s)) != nil)
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: s)) == nil)  // the key's 2/s
        // The refused call was not counted against the tenant: 98 left of 100.
        #expect(limiter.status(RateLimiter.Scopes([.init(id: "tenant:acme", limits: RateLimits(requestsPerMinute: 100))]), now: s).remainingRequests == 98)
    }

    @Test func tokensAreReservedAtAdmissionAndCorrectedAtCompletion() throws {
        var limiter = RateLimiter()
        let sc = scopes(RateLimits(tokensPerMinute: 1000))
        let g = try #require(granted(limiter.acquire(sc, promptTokens: 400, now: s)))
        #expect(limiter.status(sc, now: s).remainingTokens == 600)
        limiter.release(g, actualTokens: 900, now: s)          // 400 prompt + 500 completion
        #expect(limiter.status(sc, now: s).remainingTokens == 100)
        #expect(granted(limiter.acquire(sc, promptTokens: 200, now: s)) == nil)
        guard case .refused(let reason, _, _) = limiter.acquire(sc, promptTokens: 5000, now: at(120)) else { Issue.record("too big"); return }
        #expect(reason.contains("exceed the limit of 1000 tokens"))
    }

    @Test func inFlightCallsAreCappedAndFreedAtCompletion() throws {
        var limiter = RateLimiter()
        let sc = scopes(RateLimits(concurrent: 2))
        let a = try #require(granted(limiter.acquire(sc, promptTokens: 0, now: s)))
        _ = try #require(granted(limiter.acquire(sc, promptTokens: 0, now: s)))
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: s)) == nil)
        limiter.release(a, actualTokens: 0, now: s)
        #expect(granted(limiter.acquire(sc, promptTokens: 0, now: s)) != nil)
    }

    @Test func headersUseOpenAIsNamesAndFormat() {
        var limiter = RateLimiter()
        let sc = scopes(RateLimits(requestsPerMinute: 60, tokensPerMinute: 6000))
        guard case .granted(_, let status) = limiter.acquire(sc, promptTokens: 120, now: s) else { Issue.record("granted"); return }
        let h = Dictionary(uniqueKeysWithValues: status.headers.map { ($0.name, $0.value) })
        #expect(h["x-ratelimit-limit-requests"] == "60" && h["x-ratelimit-remaining-requests"] == "59" && h["x-ratelimit-reset-requests"] == "1s")
        #expect(h["x-ratelimit-limit-tokens"] == "6000" && h["x-ratelimit-remaining-tokens"] == "5880" && h["x-ratelimit-reset-tokens"] == "2s")  // 120 tokens at 10 ms each, rounded up
        #expect(RateLimiter.format(Nanoseconds(17_200_000)) == "18ms")
        #expect(RateLimiter.format(.seconds(360)) == "6m0s" && RateLimiter.format(.seconds(3723)) == "1h2m3s")
    }
}
