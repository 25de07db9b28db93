import Base
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

    /// These limits with the configuration model's quotas laid over them: each quota named
    /// there (`requests_per_minute`, …) replaces the limit (`0` lifts it); the others stay.
    public func overridden(by quotas: [String: Double]) -> RateLimits {
        var l = self
        for quota in QuotaName.rateLimits {
            if let value = quotas[quota.rawValue] { l[quota] = quota.rateLimit(value) }
        }
        return l
    }

    /// The limit a quota names; `nil` for ``QuotaName/monthlyBudgetUSD``, which is not a
    /// rate limit (setting it does nothing).
    public subscript(quota: QuotaName) -> Int? {
        get {
            switch quota {
            case .requestsPerSecond: requestsPerSecond
            case .requestsPerMinute: requestsPerMinute
            case .requestsPerHour: requestsPerHour
            case .tokensPerMinute: tokensPerMinute
            case .concurrent: concurrent
            case .monthlyBudgetUSD: nil
            }
        }
        set {
            switch quota {
            case .requestsPerSecond: requestsPerSecond = newValue
            case .requestsPerMinute: requestsPerMinute = newValue
            case .requestsPerHour: requestsPerHour = newValue
            case .tokensPerMinute: tokensPerMinute = newValue
            case .concurrent: concurrent = newValue
            case .monthlyBudgetUSD: break
            }
        }
    }

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
        /// The in-flight lease a shared counter store gave the call (the `redis` policy).
        public var lease: String?
        public init(scopes: Scopes, reservedTokens: Int, lease: String? = nil) {
            self.scopes = scopes; self.reservedTokens = reservedTokens; self.lease = lease
        }
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

    /// One limit of one scope: what the state keeps a theoretical arrival time for.
    public struct Cell: Hashable, Sendable {
        public var scope: String
        public var unit: Unit
        public var window: Nanoseconds
        public var limit: Int
        /// Time between two units at the limit's rate.
        public var interval: Int64 { window.value / Int64(max(1, limit)) }
        /// A stable name for the cell (the Redis policy's key suffix).
        public var name: String { "\(scope)|\(unit.rawValue)|\(window.value)" }
    }

    /// Every windowed limit of the scopes, in a fixed order (scope, then window).
    public static func cells(_ scopes: Scopes) -> [Cell] {
        scopes.entries.flatMap { scope in
            scope.limits.windows.map { Cell(scope: scope.id, unit: $0.unit, window: $0.window, limit: $0.limit) }
        }
    }

    /// What a call costs in a cell: one request, or its prompt tokens.
    public static func cost(_ cell: Cell, promptTokens: Int) -> Int { cell.unit == .requests ? 1 : max(0, promptTokens) }

    /// Why a call that would push a cell's time to `newTAT` is refused, and when to retry.
    public static func refusal(_ cell: Cell, cost: Int, newTAT: Int64, now: Instant) -> (reason: String, retryAfter: Nanoseconds) {
        if cell.unit == .tokens, cost > cell.limit {
            return ("the request's \(cost) prompt tokens exceed the limit of \(cell.limit) tokens per \(DurationFormat.format(cell.window)) for \(cell.scope)",
                    cell.window)
        }
        return ("\(cell.limit) \(cell.unit.rawValue) per \(DurationFormat.format(cell.window)) for \(cell.scope)",
                Nanoseconds(newTAT - now.nanoseconds - cell.window.value))
    }

    /// Why a call over an in-flight limit is refused.
    public static func concurrencyRefusal(scope: String, max: Int) -> (reason: String, retryAfter: Nanoseconds) {
        ("\(max) calls in flight at once for \(scope)", .seconds(1))
    }

    /// Checks a call against every limit of its scopes and counts it in all of them if it
    /// fits (one request, and `promptTokens` tokens).
    public mutating func acquire(_ scopes: Scopes, promptTokens: Int, now: Instant) -> Decision {
        let t = now.nanoseconds
        for scope in scopes.entries {
            if let max = scope.limits.concurrent, inFlight[scope.id, default: 0] >= max {
                let r = Self.concurrencyRefusal(scope: scope.id, max: max)
                return .refused(reason: r.reason, retryAfter: r.retryAfter, status(scopes, now: now))
            }
        }
        let cells = Self.cells(scopes)
        var updates: [(CellKey, Int64)] = []
        for cell in cells {
            let cost = Self.cost(cell, promptTokens: promptTokens)
            let key = CellKey(scope: cell.scope, window: cell.window.value, unit: cell.unit)
            let newTAT = Swift.max(tat[key] ?? t, t) + Int64(cost) * cell.interval
            if newTAT - t > cell.window.value {
                let r = Self.refusal(cell, cost: cost, newTAT: newTAT, now: now)
                return .refused(reason: r.reason, retryAfter: r.retryAfter, status(scopes, now: now))
            }
            updates.append((key, newTAT))
        }
        for (key, value) in updates { tat[key] = value }
        for scope in scopes.entries where scope.limits.concurrent != nil { inFlight[scope.id, default: 0] += 1 }
        return .granted(Grant(scopes: scopes, reservedTokens: max(0, promptTokens)), status(scopes, now: now))
    }

    /// Ends a granted call: frees its in-flight place and corrects the token count from
    /// the prompt tokens reserved to the tokens actually used.
    public mutating func release(_ grant: Grant, actualTokens: Int, now: Instant) {
        let delta = Int64(max(0, actualTokens) - grant.reservedTokens)
        for scope in grant.scopes.entries where scope.limits.concurrent != nil {
            if let n = inFlight[scope.id] { inFlight[scope.id] = n > 1 ? n - 1 : nil }
        }
        for cell in Self.cells(grant.scopes) where cell.unit == .tokens && delta != 0 {
            let key = CellKey(scope: cell.scope, window: cell.window.value, unit: .tokens)
            let current = Swift.max(tat[key] ?? now.nanoseconds, now.nanoseconds)
            tat[key] = Swift.max(now.nanoseconds, current + delta * cell.interval)
        }
    }

    /// The tightest request limit and the token limit across the scopes, at `now`.
    public func status(_ scopes: Scopes, now: Instant) -> Status {
        let cells = Self.cells(scopes)
        return Self.status(cells, tats: cells.map { tat[CellKey(scope: $0.scope, window: $0.window.value, unit: $0.unit)] }, now: now)
    }

    /// The status for cells whose theoretical arrival times are `tats` (nil: never used).
    public static func status(_ cells: [Cell], tats: [Int64?], now: Instant) -> Status {
        var s = Status()
        var tightest: Int?
        for (cell, tat) in zip(cells, tats) {
            let backlog = Swift.max(0, (tat ?? now.nanoseconds) - now.nanoseconds)
            let remaining = Swift.max(0, Int((cell.window.value - backlog) / Swift.max(1, cell.interval)))
            switch cell.unit {
            case .requests where tightest == nil || remaining < tightest!:
                tightest = remaining
                s.limitRequests = cell.limit; s.remainingRequests = remaining; s.resetRequests = Nanoseconds(backlog)
            case .tokens where s.remainingTokens == nil || remaining < s.remainingTokens!:
                s.limitTokens = cell.limit; s.remainingTokens = remaining; s.resetTokens = Nanoseconds(backlog)
            default: break
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
