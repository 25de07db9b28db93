import Testing
@testable import Base
@testable import Gateway

struct BudgetTests {
    /// 2026-11-10T00:00:00Z
    let nov10 = Instant(nanoseconds: UTCCalendar.days(fromCivil: 2026, 11, 10) * 86_400_000_000_000)

    @Test func thresholdsAlertOncePerMonth() {
        var t = BudgetTracker()
        let budget = Budget(monthlyMicros: 100_000_000, thresholds: [80, 50, 100, 50])  // $100; sorted and unique
        #expect(budget.thresholds == [50, 80, 100])
        #expect(t.add(tenant: "acme", costMicros: 49_000_000, at: nov10, budget: budget).isEmpty)
        let crossed = t.add(tenant: "acme", costMicros: 32_000_000, at: nov10, budget: budget)  // 81 %: crosses 50 and 80
        #expect(crossed.map(\.message) == ["spend reached 50% of the monthly budget for 2026-11 ($81.00 of $100.00)",
                                           "spend reached 80% of the monthly budget for 2026-11 ($81.00 of $100.00)"])
        #expect(crossed.allSatisfy { $0.kind == .budgetThreshold && $0.tenant == "acme" })
        #expect(t.add(tenant: "acme", costMicros: 1_000_000, at: nov10, budget: budget).isEmpty)
        #expect(t.add(tenant: "acme", costMicros: 30_000_000, at: nov10, budget: budget).count == 1)  // 112 %
        // Another tenant and a new month start from zero.
        #expect(t.add(tenant: "globex", costMicros: 10_000_000, at: nov10, budget: budget).isEmpty)
        let dec1 = Instant(nanoseconds: UTCCalendar.days(fromCivil: 2026, 12, 1) * 86_400_000_000_000)
        #expect(t.add(tenant: "acme", costMicros: 60_000_000, at: dec1, budget: budget).map(\.message).first?.contains("2026-12") == true)
    }

    /// Restoring the spend from the ledger: silently at start-up (the previous process
    /// alerted), with the alerts for thresholds crossed meanwhile by calls this tracker did
    /// not see (another replica's) afterwards — and never for one it already crossed.
    @Test func restoringTheSpendAlertsOnlyForThresholdsCrossedUnseen() {
        let budget = Budget(monthlyMicros: 100_000_000)  // 50, 80, 100 %
        var started = BudgetTracker()
        #expect(started.restore(tenant: "acme", spentMicros: 60_000_000, at: nov10, budget: budget).isEmpty)
        #expect(started.add(tenant: "acme", costMicros: 1_000_000, at: nov10, budget: budget).isEmpty)  // 50 % counted as crossed
        var replica = BudgetTracker()
        #expect(replica.add(tenant: "acme", costMicros: 55_000_000, at: nov10, budget: budget).count == 1)  // its own 50 %
        let unseen = replica.restore(tenant: "acme", spentMicros: 85_000_000, at: nov10, budget: budget, alertNewlyCrossed: true)
        #expect(unseen.map(\.message) == ["spend reached 80% of the monthly budget for 2026-11 ($85.00 of $100.00)"])
        #expect(replica.restore(tenant: "acme", spentMicros: 90_000_000, at: nov10, budget: budget, alertNewlyCrossed: true).isEmpty)
        // A ledger lagging behind does not un-cross a threshold (which would alert again).
        #expect(replica.restore(tenant: "acme", spentMicros: 40_000_000, at: nov10, budget: budget, alertNewlyCrossed: true).isEmpty)
        #expect(replica.add(tenant: "acme", costMicros: 45_000_000, at: nov10, budget: budget).isEmpty)  // 85 %: 50 and 80 already crossed
    }

    /// A stored value beyond what the API accepts (from before the cap) is capped, and the
    /// threshold arithmetic on the largest budget does not overflow.
    @Test func hugeQuotasAreCappedNotTrapped() {
        let budget = Budget.overridden(nil, by: ["monthly_budget_usd": 1e300])
        #expect(budget?.monthlyMicros == 1_000_000_000_000_000)
        var t = BudgetTracker()
        #expect(t.add(tenant: "acme", costMicros: 1, at: nov10, budget: Budget(monthlyMicros: budget!.monthlyMicros, thresholds: [1000])).isEmpty)
        #expect(RateLimits().overridden(by: ["requests_per_minute": 1e300]).requestsPerMinute == 1_000_000_000)
    }

    @Test func burnDownProjectsExhaustionAtTheCurrentRate() throws {
        var t = BudgetTracker()
        let budget = Budget(monthlyMicros: 90_000_000)
        // $27 spent in the first 9 days of November: $3/day, so $90 lasts 30 days: exhausted on Dec 1,
        // just outside the month (November has 30 days) → no exhaustion this month.
        _ = t.add(tenant: "acme", costMicros: 27_000_000, at: nov10, budget: budget)
        let s = t.status(tenant: "acme", at: nov10, budget: budget)
        #expect(s.spentMicros == 27_000_000 && s.remainingMicros == 63_000_000 && s.burnMicrosPerDay == 3_000_000)
        #expect(s.projectedExhaustion == nil)
        // $45 by then: $5/day, exhausted after 18 days, on Nov 19.
        _ = t.add(tenant: "acme", costMicros: 18_000_000, at: nov10, budget: budget)
        let faster = try #require(t.status(tenant: "acme", at: nov10, budget: budget).projectedExhaustion)
        #expect(faster == Instant(nanoseconds: UTCCalendar.days(fromCivil: 2026, 11, 19) * 86_400_000_000_000))
    }

    @Test func calendarRoundTrips() {
        #expect(UTCCalendar.civil(fromDays: 0) == (1970, 1, 1))
        #expect(UTCCalendar.days(fromCivil: 2000, 2, 29) == 11_016)
        for d in stride(from: Int64(-800_000), to: 800_000, by: 997) {
            let (y, m, day) = UTCCalendar.civil(fromDays: d)
            #expect(UTCCalendar.days(fromCivil: y, m, day) == d)
        }
    }
}
