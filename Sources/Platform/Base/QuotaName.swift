/// The quotas a tenant (or one of its virtual keys) can have, and the one rule for their
/// values: the Platform API's quota routes and `quotas` setting, the YAML reader of scenarios
/// and serve files, and the gateway's limiter and budgets all use these names and this check.
///
/// **Values** are numbers from 0 to ``maximum`` (a billion calls, tokens or dollars, so the
/// gateway's integer arithmetic stays far from overflow with every budget threshold up to
/// 1000 %): whole numbers for every quota but ``monthlyBudgetUSD``, which is dollars to the
/// micro-dollar. **`0` means no limit**: a rate limit of 0 lifts the limit, a monthly budget
/// of 0 removes the budget.
///
/// In YAML the rate limits are written under `quotas:` and `key_quotas:` with these names,
/// and the budget as `budget: {monthly_usd: …}`.
public enum QuotaName: String, CaseIterable, Codable, Hashable, Sendable {
    case requestsPerSecond = "requests_per_second"
    case requestsPerMinute = "requests_per_minute"
    case requestsPerHour = "requests_per_hour"
    case tokensPerMinute = "tokens_per_minute"
    /// Calls in flight at once.
    case concurrent
    case monthlyBudgetUSD = "monthly_budget_usd"

    /// The largest value of any quota.
    public static let maximum = 1_000_000_000.0

    /// The quotas that are rate limits (all but the budget), in the order shown.
    public static let rateLimits: [QuotaName] = [.requestsPerSecond, .requestsPerMinute, .requestsPerHour, .tokensPerMinute, .concurrent]

    /// The names, in the order shown (`requests_per_second`, …, `monthly_budget_usd`).
    public static var names: [String] { allCases.map(\.rawValue) }

    /// Whether values are whole numbers (every quota but the budget, which is dollars).
    public var isWholeNumber: Bool { self != .monthlyBudgetUSD }

    /// What is wrong with `value` for this quota (see the type's rule), or `nil`.
    public func problem(with value: Double) -> String? {
        guard value.isFinite, value >= 0, value <= Self.maximum, !isWholeNumber || value.rounded() == value else {
            return "'\(rawValue)' is a whole number from 0 to 1,000,000,000 (dollars for monthly_budget_usd)."
        }
        return nil
    }

    /// The rate limit a value sets: `nil` (no limit) for 0, else the value, capped at
    /// ``maximum`` so that a value stored before the cap cannot trap.
    public func rateLimit(_ value: Double) -> Int? {
        value >= 1 && value.isFinite ? Int(min(value, Self.maximum)) : nil
    }

    /// The monthly budget a value sets, in micro-dollars: `nil` (no budget) for 0, else the
    /// value, capped at ``maximum`` so that a value stored before the cap cannot trap.
    public static func budgetMicros(_ usd: Double) -> Int64? {
        usd > 0 ? Int64((min(usd, maximum) * 1_000_000).rounded()) : nil
    }
}
