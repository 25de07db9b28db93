import Testing
@testable import Base

/// Quota names and their one rule: 0 to a billion, whole but for dollars, 0 meaning no limit.
@Suite struct QuotaNameTests {
    @Test func namesTheSixQuotas() {
        #expect(QuotaName.names == [
            "requests_per_second", "requests_per_minute", "requests_per_hour", "tokens_per_minute", "concurrent", "monthly_budget_usd",
        ])
        #expect(QuotaName.rateLimits == QuotaName.allCases.filter { $0 != .monthlyBudgetUSD })
    }

    @Test(arguments: [0.0, 1, 60, 1_000_000_000])
    func acceptsWholeNumbersUpToABillion(value: Double) {
        #expect(QuotaName.allCases.allSatisfy { $0.problem(with: value) == nil })
    }

    @Test(arguments: [-1.0, 1_000_000_001, 1e300, .nan, .infinity])
    func refusesOutOfRange(value: Double) {
        #expect(QuotaName.requestsPerMinute.problem(with: value)
            == "'requests_per_minute' is a whole number from 0 to 1,000,000,000 (dollars for monthly_budget_usd).")
        #expect(QuotaName.monthlyBudgetUSD.problem(with: value) != nil)
    }

    @Test func dollarsMayHaveAFraction() {
        #expect(QuotaName.concurrent.problem(with: 2.5) != nil)
        #expect(QuotaName.monthlyBudgetUSD.problem(with: 12.5) == nil)
    }

    /// 0 lifts a rate limit and removes a budget.
    @Test func zeroMeansNoLimit() {
        #expect(QuotaName.requestsPerSecond.rateLimit(0) == nil)
        #expect(QuotaName.requestsPerSecond.rateLimit(20) == 20)
        #expect(QuotaName.requestsPerSecond.rateLimit(5e12) == 1_000_000_000)
        #expect(QuotaName.budgetMicros(0) == nil)
        #expect(QuotaName.budgetMicros(12.5) == 12_500_000)
        #expect(QuotaName.budgetMicros(0.000001) == 1)
    }
}
