import Base
import Gateway

/// How a mock provider behaves: speed, failures, outages and content quality.
public struct MockProviderProfile: Hashable, Sendable {
    /// An interval during which every call fails the same way.
    public struct Outage: Hashable, Sendable {
        public var from: Instant
        public var until: Instant
        public var failure: Failure
        public init(from: Instant, until: Instant, failure: Failure) { self.from = from; self.until = until; self.failure = failure }
    }

    /// A way a call can fail.
    public enum Failure: String, Hashable, Sendable, CaseIterable {
        /// 429 with `retry-after`.
        case rateLimited = "rate_limited"
        /// 500.
        case serverError = "server_error"
        /// 503 (Anthropic: 529 `overloaded_error`).
        case unavailable
        /// No answer: the gateway's upstream timeout fires.
        case timeout
    }

    public var name: String
    public var kind: ProviderKind
    /// The base URL this mock answers for (the real provider's, by default).
    public var endpoint: Endpoint
    public var timeToFirstToken: LatencyDistribution = .lognormal(p50: .milliseconds(350), p95: .milliseconds(900))
    public var tokensPerSecond: Double = 80
    /// How fast failures answer.
    public var errorLatency: LatencyDistribution = .constant(.milliseconds(40))
    /// Probability of each failure per call, drawn independently of content.
    public var errorRates: [Failure: Double] = [:]
    public var retryAfter: Nanoseconds = .seconds(1)
    public var outages: [Outage] = []
    /// Probability that a successful answer is a hallucination.
    public var hallucinationRate: Double = 0
    /// Words per stream chunk.
    public var wordsPerChunk: Int = 3

    public init(name: String, kind: ProviderKind, endpoint: Endpoint) {
        self.name = name; self.kind = kind; self.endpoint = endpoint
    }

    /// The outage in force at `t`, if any (the latest declared wins on overlap).
    public func outage(at t: Instant) -> Outage? {
        outages.last { $0.from <= t && t < $0.until }
    }
}
