import Crypto
import Foundation
import Base
import Gateway

/// The `redis` counter policy: the same GCRA as ``RateLimiter``, with the cells' theoretical
/// arrival times and the in-flight counts in Redis, so that several gateway replicas enforce
/// one shared limit. Each acquire and release is one Lua script, atomic in Redis: a call is
/// checked against every limit of its scopes and counted in all of them or none, exactly as
/// in the local policy (the cell arithmetic and the refusal texts are ``RateLimiter``'s).
///
/// Times are whole microseconds in Redis (Lua numbers are doubles: nanoseconds since 1970
/// would lose precision). Keys expire one window after their last use. The time is Redis's
/// own clock (`TIME`, read inside the script), so every replica decides on one timeline and
/// the `x-ratelimit-*` headers agree with the shared counters; tests may pass a time instead.
///
/// In-flight limits hold **leases**, not a bare count: each granted call adds a lease that
/// expires after `leaseTTL` (ten minutes by default, past any upstream timeout), and its
/// release removes it. A call whose release never comes — a replica killed mid-call, Redis
/// unreachable at release — frees its place when its lease expires instead of holding it
/// for good.
public final class RedisRateLimiter: Sendable {
    let client: RedisClient
    let prefix: String
    let leaseTTL: Duration

    public init(client: RedisClient, prefix: String = "dcoder:rl:", leaseTTL: Duration = .seconds(600)) {
        self.client = client
        self.prefix = prefix
        self.leaseTTL = leaseTTL
    }

    // KEYS: n cells, then m in-flight lease sets.
    // ARGV: now, n, m, then per cell (interval, window, cost), then per lease set its maximum,
    // then the lease id and the lease's lifetime.
    // `now` "-" means Redis's clock. Returns {0, 0, now, tat1..tatn} granted;
    // {i, newTAT, now, tat1..tatn} refused by cell i; {-j, 0, now, tat1..tatn} refused by lease
    // set j. Times in microseconds.
    static let acquireScript = """
    local now = tonumber(ARGV[1]); local n = tonumber(ARGV[2]); local m = tonumber(ARGV[3])
    if ARGV[1] == '-' then local t = redis.call('TIME'); now = tonumber(t[1]) * 1000000 + tonumber(t[2]) end
    local tats = {}
    for i = 1, n do
      local v = redis.call('GET', KEYS[i]); tats[i] = v and tonumber(v) or now
    end
    local function fmt(x) return string.format('%.0f', x) end
    local function answer(code, extra)
      local out = {code, fmt(extra), fmt(now)}
      for i = 1, n do out[#out + 1] = fmt(tats[i]) end
      return out
    end
    local lease = ARGV[4 + 3 * n + m]; local ttl = tonumber(ARGV[5 + 3 * n + m])
    for j = 1, m do
      redis.call('ZREMRANGEBYSCORE', KEYS[n + j], '-inf', fmt(now))
      if redis.call('ZCARD', KEYS[n + j]) >= tonumber(ARGV[3 + 3 * n + j]) then return answer(-j, 0) end
    end
    local new = {}
    for i = 1, n do
      local interval = tonumber(ARGV[4 + 3 * (i - 1)]); local window = tonumber(ARGV[5 + 3 * (i - 1)]); local cost = tonumber(ARGV[6 + 3 * (i - 1)])
      local nt = math.max(tats[i], now) + cost * interval
      if nt - now > window then return answer(i, nt) end
      new[i] = nt
    end
    for i = 1, n do
      local window = tonumber(ARGV[5 + 3 * (i - 1)])
      redis.call('SET', KEYS[i], fmt(new[i]), 'PX', math.floor((new[i] - now + window) / 1000) + 1000)
      tats[i] = new[i]
    end
    for j = 1, m do
      redis.call('ZADD', KEYS[n + j], fmt(now + ttl), lease)
      redis.call('PEXPIRE', KEYS[n + j], math.floor(ttl / 1000) + 1000)
    end
    return answer(0, 0)
    """

    // KEYS: n token cells, then m in-flight lease sets. ARGV: now, n, m, then per cell
    // (interval, window, delta), then the lease id.
    static let releaseScript = """
    local now = tonumber(ARGV[1]); local n = tonumber(ARGV[2]); local m = tonumber(ARGV[3])
    if ARGV[1] == '-' then local t = redis.call('TIME'); now = tonumber(t[1]) * 1000000 + tonumber(t[2]) end
    for i = 1, n do
      local interval = tonumber(ARGV[4 + 3 * (i - 1)]); local window = tonumber(ARGV[5 + 3 * (i - 1)]); local delta = tonumber(ARGV[6 + 3 * (i - 1)])
      local v = redis.call('GET', KEYS[i]); local cur = math.max(v and tonumber(v) or now, now)
      local nt = math.max(now, cur + delta * interval)
      redis.call('SET', KEYS[i], string.format('%.0f', nt), 'PX', math.floor((nt - now + window) / 1000) + 1000)
    end
    local lease = ARGV[4 + 3 * n]
    for j = 1, m do redis.call('ZREM', KEYS[n + j], lease) end
    return 0
    """

    private func key(_ cell: RateLimiter.Cell) -> String { prefix + "cell:" + cell.name }
    private func inflightKey(_ scope: String) -> String { prefix + "leases:" + scope }

    /// Runs a script by its SHA-1, loading it first when Redis does not know it.
    private func eval(_ script: String, keys: [String], args: [String]) async throws -> RESPValue {
        let sha = Self.sha1(script)
        do {
            return try await client.send(["EVALSHA", sha, String(keys.count)] + keys + args)
        } catch let e as RedisError where e.message.hasPrefix("NOSCRIPT") {
            return try await client.send(["EVAL", script, String(keys.count)] + keys + args)
        }
    }

    /// - Parameter now: the time to decide at; nil for Redis's clock (the live servers).
    public func acquire(_ scopes: RateLimiter.Scopes, promptTokens: Int, now given: Instant?) async throws -> RateLimiter.Decision {
        let cells = RateLimiter.cells(scopes)
        let counters = scopes.entries.compactMap { s in s.limits.concurrent.map { (scope: s.id, max: $0) } }
        var args = [given.map { String($0.nanoseconds / 1_000) } ?? "-", String(cells.count), String(counters.count)]
        for cell in cells {
            args += [String(cell.interval / 1_000), String(cell.window.value / 1_000), String(RateLimiter.cost(cell, promptTokens: promptTokens))]
        }
        args += counters.map { String($0.max) }
        let lease = Self.leaseID()
        args += [lease, String(leaseTTL.components.seconds * 1_000_000)]
        let reply = try await eval(Self.acquireScript, keys: cells.map(key) + counters.map { inflightKey($0.scope) }, args: args)
        guard case .array(let items?) = reply, items.count == 3 + cells.count, let code = items[0].integer, let extra = items[1].integer,
              let decidedAt = items[2].integer else {
            throw RedisError("the rate-limit script answered \(reply)")
        }
        let now = Instant(nanoseconds: decidedAt * 1_000)
        let tats = items.dropFirst(3).map { $0.integer.map { $0 * 1_000 } }
        let status = RateLimiter.status(cells, tats: tats, now: now)
        if code == 0 {
            return .granted(RateLimiter.Grant(scopes: scopes, reservedTokens: max(0, promptTokens), lease: counters.isEmpty ? nil : lease), status)
        }
        if code < 0 {
            let c = counters[Int(-code) - 1]
            let r = RateLimiter.concurrencyRefusal(scope: c.scope, max: c.max)
            return .refused(reason: r.reason, retryAfter: r.retryAfter, status)
        }
        let cell = cells[Int(code) - 1]
        let r = RateLimiter.refusal(cell, cost: RateLimiter.cost(cell, promptTokens: promptTokens), newTAT: extra * 1_000, now: now)
        return .refused(reason: r.reason, retryAfter: Nanoseconds(max(0, r.retryAfter.value)), status)
    }

    public func release(_ grant: RateLimiter.Grant, actualTokens: Int, now given: Instant?) async throws {
        let delta = max(0, actualTokens) - grant.reservedTokens
        let cells = delta == 0 ? [] : RateLimiter.cells(grant.scopes).filter { $0.unit == .tokens }
        let counters = grant.scopes.entries.filter { $0.limits.concurrent != nil }.map(\.id)
        guard !cells.isEmpty || !counters.isEmpty else { return }
        var args = [given.map { String($0.nanoseconds / 1_000) } ?? "-", String(cells.count), String(counters.count)]
        for cell in cells { args += [String(cell.interval / 1_000), String(cell.window.value / 1_000), String(delta)] }
        args.append(grant.lease ?? "")
        _ = try await eval(Self.releaseScript, keys: cells.map(key) + counters.map(inflightKey), args: args)
    }

    /// A lease id: 128 random bits.
    static func leaseID() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next(), radix: 16) + String(g.next(), radix: 16)
    }

    static func sha1(_ text: String) -> String {
        Insecure.SHA1.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
