/// Request and token rate limits for one scope: a tenant, or one of its virtual keys.
public struct RateLimits: Hashable, Sendable {
    public var requestsPerSecond: Int?
    public var requestsPerMinute: Int?
    public var requestsPerHour: Int?
    /// Prompt tokens are counted when a call is admitted, then corrected to the tokens the
    /// provider reported when it completes.
    public var tokensPerMinute: Int?
    /// Calls in flight at once.
    public var concurrent: Int?

    public init(requestsPerSecond: Int? = nil, requestsPerMinute: Int? = nil, requestsPerHour: Int? = nil,
                tokensPerMinute: Int? = nil, concurrent: Int? = nil) {
        self.requestsPerSecond = requestsPerSecond; self.requestsPerMinute = requestsPerMinute
        self.requestsPerHour = requestsPerHour; self.tokensPerMinute = tokensPerMinute; self.concurrent = concurrent
    }

    public var isEmpty: Bool { self == RateLimits() }

    /// The windowed limits, as (what is counted, window, limit).
    var windows: [(unit: RateLimiter.Unit, window: Nanoseconds, limit: Int)] {
        var out: [(RateLimiter.Unit, Nanoseconds, Int)] = []
        if let l = requestsPerSecond { out.append((.requests, .seconds(1), l)) }
        if let l = requestsPerMinute { out.append((.requests, .seconds(60), l)) }
        if let l = requestsPerHour { out.append((.requests, .seconds(3600), l)) }
        if let l = tokensPerMinute { out.append((.tokens, .seconds(60), l)) }
        return out
    }
}

/// Rate limiting with the generic cell rate algorithm (GCRA), as pure state.
///
/// Each limit "L per window W" is a cell holding a theoretical arrival time (TAT): every
/// unit admitted pushes it W/L later, and a call is refused when admitting it would push
/// the TAT more than W past now. This allows bursts of up to L units and then exactly L
/// per W on average, is exact (no window-boundary effects, no approximation), and keeps
/// one integer per limit. A call is checked against every limit of its tenant and its key
/// at once and counted in all of them or none.
///
/// The drivers own one limiter (the Lab per run, the live server per process under a
/// lock) and call ``acquire(_:promptTokens:now:)`` after the gateway admits a call and
/// ``release(_:now:)`` when it completes.
public struct RateLimiter: Sendable {
    public enum Unit: String, Sendable { case requests, tokens }

    struct CellKey: Hashable { var scope: String; var window: Int64; var unit: Unit }

    private var tat: [CellKey: Int64] = [:]
    private var inFlight: [String: Int] = [:]

    public init() {}

    /// The scopes a call counts against, with their limits.
    public struct Scopes: Hashable, Sendable {
        public var entries: [Scope]
        public init(_ entries: [Scope]) { self.entries = entries.filter { !$0.limits.isEmpty } }
    }

    public struct Scope: Hashable, Sendable {
        /// `tenant:acme`, `key:acme-key-1`
        public var id: String
        public var limits: RateLimits
        public init(id: String, limits: RateLimits) { self.id = id; self.limits = limits }
    }

    /// What a call was granted, to give back at completion.
    public struct Grant: Hashable, Sendable {
        public var scopes: Scopes
        public var reservedTokens: Int
    }

    /// The state of the tightest request limit and of the token limit, for OpenAI's
    /// `x-ratelimit-*` headers.
    public struct Status: Hashable, Sendable {
        public var limitRequests: Int?
        public var remainingRequests: Int?
        public var resetRequests: Nanoseconds?
        public var limitTokens: Int?
        public var remainingTokens: Int?
        public var resetTokens: Nanoseconds?

        /// `x-ratelimit-limit-requests`, `-remaining-`, `-reset-` (and the same for tokens).
        public var headers: [HTTPHeader] {
            var out: [HTTPHeader] = []
            if let l = limitRequests, let r = remainingRequests, let t = resetRequests {
                out += [HTTPHeader("x-ratelimit-limit-requests", String(l)), HTTPHeader("x-ratelimit-remaining-requests", String(r)),
                        HTTPHeader("x-ratelimit-reset-requests", RateLimiter.format(t))]
            }
            if let l = limitTokens, let r = remainingTokens, let t = resetTokens {
                out += [HTTPHeader("x-ratelimit-limit-tokens", String(l)), HTTPHeader("x-ratelimit-remaining-tokens", String(r)),
                        HTTPHeader("x-ratelimit-reset-tokens", RateLimiter.format(t))]
            }
            return out
        }
    }

    public enum Decision: Hashable, Sendable {
        case granted(Grant, Status)
        /// `retryAfter`: when the refused call would fit (for in-flight limits: a guess of
        /// one second, since it depends on other calls finishing).
        case refused(reason: String, retryAfter: Nanoseconds, Status)
    }

    /// Checks a call against every limit of its scopes and counts it in all of them if it
    /// fits (one request, and `promptTokens` tokens).
    public mutating func acquire(_ scopes: Scopes, promptTokens: Int, now: Instant) -> Decision {
        let t = now.nanoseconds
        var updates: [(CellKey, Int64)] = []
        for scope in scopes.entries {
            if let max = scope.limits.concurrent, inFlight[scope.id, default: 0] >= max {
                return .refused(reason: "\(max) calls in flight at once for \(scope.id)", retryAfter: .seconds(1), status(scopes, now: now))
            }
            for w in scope.limits.windows {
                let cost = w.unit == .requests ? 1 : max(0, promptTokens)
                let key = CellKey(scope: scope.id, window: w.window.value, unit: w.unit)
                let interval = w.window.value / Int64(max(1, w.limit))
                let newTAT = Swift.max(tat[key] ?? t, t) + Int64(cost) * interval
                if newTAT - t > w.window.value {
                    if w.unit == .tokens, cost > w.limit {
                        return .refused(reason: "the request's \(cost) prompt tokens exceed the limit of \(w.limit) tokens per \(DurationFormat.format(w.window)) for \(scope.id)",
                                        retryAfter: w.window, status(scopes, now: now))
                    }
                    return .refused(reason: "\(w.limit) \(w.unit.rawValue) per \(DurationFormat.format(w.window)) for \(scope.id)",
                                    retryAfter: Nanoseconds(newTAT - t - w.window.value), status(scopes, now: now))
                }
                updates.append((key, newTAT))
            }
        }
        for (key, value) in updates { tat[key] = value }
        for scope in scopes.entries where scope.limits.concurrent != nil { inFlight[scope.id, default: 0] += 1 }
        return .granted(Grant(scopes: scopes, reservedTokens: max(0, promptTokens)), status(scopes, now: now))
    }

    /// Ends a granted call: frees its in-flight place and corrects the token count from
    /// the prompt tokens reserved to the tokens actually used.
    public mutating func release(_ grant: Grant, actualTokens: Int, now: Instant) {
        let delta = Int64(max(0, actualTokens) - grant.reservedTokens)
        for scope in grant.scopes.entries {
            if scope.limits.concurrent != nil, let n = inFlight[scope.id] { inFlight[scope.id] = n > 1 ? n - 1 : nil }
            for w in scope.limits.windows where w.unit == .tokens && delta != 0 {
                let key = CellKey(scope: scope.id, window: w.window.value, unit: .tokens)
                let interval = w.window.value / Int64(max(1, w.limit))
                let current = Swift.max(tat[key] ?? now.nanoseconds, now.nanoseconds)
                tat[key] = Swift.max(now.nanoseconds, current + delta * interval)
            }
        }
    }

    /// The tightest request limit and the token limit across the scopes, at `now`.
    public func status(_ scopes: Scopes, now: Instant) -> Status {
        var s = Status()
        var tightest: Int?
        for scope in scopes.entries {
            for w in scope.limits.windows {
                let key = CellKey(scope: scope.id, window: w.window.value, unit: w.unit)
                let interval = w.window.value / Int64(max(1, w.limit))
                let backlog = Swift.max(0, (tat[key] ?? now.nanoseconds) - now.nanoseconds)
                let remaining = Swift.max(0, Int((w.window.value - backlog) / Swift.max(1, interval)))
                switch w.unit {
                case .requests where tightest == nil || remaining < tightest!:
                    tightest = remaining
                    s.limitRequests = w.limit; s.remainingRequests = remaining; s.resetRequests = Nanoseconds(backlog)
                case .tokens where s.remainingTokens == nil || remaining < s.remainingTokens!:
                    s.limitTokens = w.limit; s.remainingTokens = remaining; s.resetTokens = Nanoseconds(backlog)
                default: break
                }
            }
        }
        return s
    }

    /// OpenAI's reset format: `20ms`, `1s`, `6m0s`, `1h2m3s` (rounded up to a millisecond
    /// below a second, to a second above).
    public static func format(_ d: Nanoseconds) -> String {
        if d.value < 1_000_000_000 { return "\((d.value + 999_999) / 1_000_000)ms" }
        let s = (d.value + 999_999_999) / 1_000_000_000
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\(s % 3600 / 60)m\(s % 60)s"
    }
}
