import Base
/// A tenant's monthly spend budget: soft only in R1 (alerts, never blocking).
public struct Budget: Hashable, Sendable {
    /// The budget per calendar month (UTC), in micro-dollars.
    public var monthlyMicros: Int64
    /// Percentages of the budget that raise an alert when spend crosses them.
    public var thresholds: [Int]

    public init(monthlyMicros: Int64, thresholds: [Int] = [50, 80, 100]) {
        self.monthlyMicros = monthlyMicros
        self.thresholds = Array(Set(thresholds.filter { $0 > 0 })).sorted()
    }
}

extension Budget {
    /// A budget with the configuration model's `monthly_budget_usd` laid over it (0 removes
    /// the budget); without that quota, `base` unchanged.
    public static func overridden(_ base: Budget?, by quotas: [String: Double]) -> Budget? {
        guard let usd = quotas[QuotaName.monthlyBudgetUSD.rawValue] else { return base }
        return QuotaName.budgetMicros(usd).map { Budget(monthlyMicros: $0, thresholds: base?.thresholds ?? [50, 80, 100]) }
    }
}

extension Alert.Kind {
    /// A tenant's spend crossed a threshold of its monthly budget.
    public static let budgetThreshold: Alert.Kind = "budget_threshold"
}

/// Month-to-date spend per tenant against its budget, as pure state: the drivers add each
/// call's cost, and get back the alerts of the thresholds it crossed (each threshold
/// once per month), and can ask for the burn-down and projected exhaustion.
public struct BudgetTracker: Sendable {
    struct Ledger { var month: CalendarMonth; var spentMicros: Int64 = 0; var crossed: Set<Int> = [] }

    private var ledgers: [String: Ledger] = [:]
    /// Unix nanoseconds of the driver's instant zero (months are calendar months).
    public let epoch: Int64

    public init(epoch: Int64 = 0) { self.epoch = epoch }

    /// Adds a call's cost; returns an alert for every threshold crossed by it.
    public mutating func add(tenant: String, costMicros: Int64, at now: Instant, budget: Budget) -> [Alert] {
        let month = self.month(of: now)
        var ledger = ledgers[tenant].flatMap { $0.month == month ? $0 : nil } ?? Ledger(month: month)
        ledger.spentMicros += max(0, costMicros)
        var alerts: [Alert] = []
        for t in budget.thresholds where !ledger.crossed.contains(t) && budget.monthlyMicros > 0
            && ledger.spentMicros * 100 >= budget.monthlyMicros * Int64(t) {
            ledger.crossed.insert(t)
            alerts.append(Self.thresholdAlert(t, tenant: tenant, ledger: ledger, budget: budget, at: now))
        }
        ledgers[tenant] = ledger
        return alerts
    }

    /// Sets a tenant's month-to-date spend to `spentMicros` (from the usage ledger, after a
    /// restart lost it or reconciliation found drift). Thresholds at or below that spend
    /// count as crossed from now on, as do those already crossed this month.
    ///
    /// - Parameter alertNewlyCrossed: whether thresholds this tracker had not crossed yet
    ///   raise their alerts now. Yes for a running gateway (the spend got there through
    ///   calls it did not see: another replica's, or lost counts); no for the first
    ///   reconciliation after a start, whose predecessor raised them when the spend first
    ///   got there. Returns those alerts.
    @discardableResult
    public mutating func restore(tenant: String, spentMicros: Int64, at now: Instant, budget: Budget?, alertNewlyCrossed: Bool = false) -> [Alert] {
        let month = self.month(of: now)
        let before = ledgers[tenant].flatMap { $0.month == month ? $0.crossed : nil } ?? []
        var ledger = Ledger(month: month, spentMicros: max(0, spentMicros))
        var alerts: [Alert] = []
        if let budget, budget.monthlyMicros > 0 {
            // A threshold crossed this month stays crossed, even if the ledger lags behind.
            ledger.crossed = Set(budget.thresholds.filter { ledger.spentMicros * 100 >= budget.monthlyMicros * Int64($0) }).union(before)
            if alertNewlyCrossed {
                for t in budget.thresholds where ledger.crossed.contains(t) && !before.contains(t) {
                    alerts.append(Self.thresholdAlert(t, tenant: tenant, ledger: ledger, budget: budget, at: now))
                }
            }
        }
        ledgers[tenant] = ledger
        return alerts
    }

    static func thresholdAlert(_ t: Int, tenant: String, ledger: Ledger, budget: Budget, at now: Instant) -> Alert {
        Alert(kind: .budgetThreshold, at: now, tenant: tenant, provider: nil,
              message: "spend reached \(t)% of the monthly budget for \(ledger.month.description) (\(usd(ledger.spentMicros)) of \(usd(budget.monthlyMicros)))")
    }

    /// The tenant's month-to-date spend as the tracker has it.
    public func spent(tenant: String, at now: Instant) -> Int64 {
        ledgers[tenant].flatMap { $0.month == month(of: now) ? $0.spentMicros : nil } ?? 0
    }

    /// Where a tenant stands in the month of `now`.
    public struct Status: Hashable, Sendable {
        public var spentMicros: Int64
        public var budgetMicros: Int64
        public var remainingMicros: Int64
        /// Spend so far divided by the time elapsed in the month, per day.
        public var burnMicrosPerDay: Int64
        /// When the budget runs out at that rate, if within this month.
        public var projectedExhaustion: Instant?
    }

    public func status(tenant: String, at now: Instant, budget: Budget) -> Status {
        let month = self.month(of: now)
        let spent = ledgers[tenant].flatMap { $0.month == month ? $0.spentMicros : nil } ?? 0
        let start = month.start(epoch: epoch)
        let elapsed = max(1, now.nanoseconds - start.nanoseconds)
        let day: Int64 = 86_400_000_000_000
        let burn = Int64((Double(spent) / Double(elapsed) * Double(day)).rounded())
        var exhaustion: Instant?
        if spent > 0, budget.monthlyMicros > 0 {
            let at = start.nanoseconds + Int64(Double(elapsed) * Double(budget.monthlyMicros) / Double(spent))
            if at < month.next.start(epoch: epoch).nanoseconds { exhaustion = Instant(nanoseconds: at) }
        }
        return Status(spentMicros: spent, budgetMicros: budget.monthlyMicros, remainingMicros: budget.monthlyMicros - spent,
                      burnMicrosPerDay: burn, projectedExhaustion: exhaustion)
    }

    // MARK: Calendar

    func month(of t: Instant) -> CalendarMonth { CalendarMonth(of: t, epoch: epoch) }

    static func usd(_ micros: Int64) -> String {
        let cents = (micros + 5_000) / 10_000
        return "$\(cents / 100)." + (cents % 100 < 10 ? "0" : "") + "\(cents % 100)"
    }
}
