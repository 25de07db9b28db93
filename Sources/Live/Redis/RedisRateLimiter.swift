import Crypto
import Foundation
import Platform

/// The `redis` counter policy: the same GCRA as ``RateLimiter``, with the cells' theoretical
/// arrival times and the in-flight counts in Redis, so that several gateway replicas enforce
/// one shared limit. Each acquire and release is one Lua script, atomic in Redis: a call is
/// checked against every limit of its scopes and counted in all of them or none, exactly as
/// in the local policy (the cell arithmetic and the refusal texts are ``RateLimiter``'s).
///
/// Times are whole microseconds in Redis (Lua numbers are doubles: nanoseconds since 1970
/// would lose precision). Keys expire one window after their last use. The replicas' clocks
/// are the time source, so they should agree to well under a limit's interval.
public final class RedisRateLimiter: Sendable {
    let client: RedisClient
    let prefix: String

    public init(client: RedisClient, prefix: String = "dcoder:rl:") {
        self.client = client
        self.prefix = prefix
    }

    // KEYS: n cells, then m in-flight counters.
    // ARGV: now, n, m, then per cell (interval, window, cost), then per counter its maximum.
    // Returns {0, tat1..tatn} granted; {i, newTAT, tat1..tatn} refused by cell i;
    // {-j, 0, tat1..tatn} refused by counter j. Times in microseconds.
    static let acquireScript = """
    local now = tonumber(ARGV[1]); local n = tonumber(ARGV[2]); local m = tonumber(ARGV[3])
    local tats = {}
    for i = 1, n do
      local v = redis.call('GET', KEYS[i]); tats[i] = v and tonumber(v) or now
    end
    local function fmt(x) return string.format('%.0f', x) end
    local function answer(code, extra)
      local out = {code, fmt(extra)}
      for i = 1, n do out[#out + 1] = fmt(tats[i]) end
      return out
    end
    for j = 1, m do
      local cur = tonumber(redis.call('GET', KEYS[n + j]) or '0')
      if cur >= tonumber(ARGV[3 + 3 * n + j]) then return answer(-j, 0) end
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
    for j = 1, m do redis.call('INCR', KEYS[n + j]); redis.call('PEXPIRE', KEYS[n + j], 3600000) end
    return answer(0, 0)
    """

    // KEYS: n token cells, then m in-flight counters. ARGV: now, n, m, then per cell (interval, window, delta).
    static let releaseScript = """
    local now = tonumber(ARGV[1]); local n = tonumber(ARGV[2]); local m = tonumber(ARGV[3])
    for i = 1, n do
      local interval = tonumber(ARGV[4 + 3 * (i - 1)]); local window = tonumber(ARGV[5 + 3 * (i - 1)]); local delta = tonumber(ARGV[6 + 3 * (i - 1)])
      local v = redis.call('GET', KEYS[i]); local cur = math.max(v and tonumber(v) or now, now)
      local nt = math.max(now, cur + delta * interval)
      redis.call('SET', KEYS[i], string.format('%.0f', nt), 'PX', math.floor((nt - now + window) / 1000) + 1000)
    end
    for j = 1, m do
      local cur = tonumber(redis.call('GET', KEYS[n + j]) or '0')
      if cur > 0 then redis.call('DECR', KEYS[n + j]) end
    end
    return 0
    """

    private func key(_ cell: RateLimiter.Cell) -> String { prefix + "cell:" + cell.name }
    private func inflightKey(_ scope: String) -> String { prefix + "inflight:" + scope }

    /// Runs a script by its SHA-1, loading it first when Redis does not know it.
    private func eval(_ script: String, keys: [String], args: [String]) async throws -> RESPValue {
        let sha = Self.sha1(script)
        do {
            return try await client.send(["EVALSHA", sha, String(keys.count)] + keys + args)
        } catch let e as RedisError where e.message.hasPrefix("NOSCRIPT") {
            return try await client.send(["EVAL", script, String(keys.count)] + keys + args)
        }
    }

    public func acquire(_ scopes: RateLimiter.Scopes, promptTokens: Int, now: Instant) async throws -> RateLimiter.Decision {
        let cells = RateLimiter.cells(scopes)
        let counters = scopes.entries.compactMap { s in s.limits.concurrent.map { (scope: s.id, max: $0) } }
        let nowMicros = now.nanoseconds / 1_000
        var args = [String(nowMicros), String(cells.count), String(counters.count)]
        for cell in cells {
            args += [String(cell.interval / 1_000), String(cell.window.value / 1_000), String(RateLimiter.cost(cell, promptTokens: promptTokens))]
        }
        args += counters.map { String($0.max) }
        let reply = try await eval(Self.acquireScript, keys: cells.map(key) + counters.map { inflightKey($0.scope) }, args: args)
        guard case .array(let items?) = reply, items.count == 2 + cells.count, let code = items[0].integer, let extra = items[1].integer else {
            throw RedisError("the rate-limit script answered \(reply)")
        }
        let tats = items.dropFirst(2).map { $0.integer.map { $0 * 1_000 } }
        let status = RateLimiter.status(cells, tats: tats, now: now)
        if code == 0 {
            return .granted(RateLimiter.Grant(scopes: scopes, reservedTokens: max(0, promptTokens)), status)
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

    public func release(_ grant: RateLimiter.Grant, actualTokens: Int, now: Instant) async throws {
        let delta = max(0, actualTokens) - grant.reservedTokens
        let cells = delta == 0 ? [] : RateLimiter.cells(grant.scopes).filter { $0.unit == .tokens }
        let counters = grant.scopes.entries.filter { $0.limits.concurrent != nil }.map(\.id)
        guard !cells.isEmpty || !counters.isEmpty else { return }
        var args = [String(now.nanoseconds / 1_000), String(cells.count), String(counters.count)]
        for cell in cells { args += [String(cell.interval / 1_000), String(cell.window.value / 1_000), String(delta)] }
        _ = try await eval(Self.releaseScript, keys: cells.map(key) + counters.map(inflightKey), args: args)
    }

    static func sha1(_ text: String) -> String {
        Insecure.SHA1.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
