import Testing
@testable import Base
@testable import Gateway
@testable import Simulator

/// The built-in oracles find what they are for.
@Suite struct CheckersTests {
    func metrics(answered: [String: Int64], rows: [String: Int64], settled: Set<String>) -> RunMetrics {
        let m = RunMetrics(duration: .seconds(60), buckets: 10)
        _ = m.index(of: "acme")
        m.answeredIDs = ["acme": answered]
        m.ledgerRows = ["acme": rows]
        m.settledIDs = settled
        m.ledgerTotals = ["acme": UsageCounters(calls: rows.count, tokens: 0, costMicros: rows.values.reduce(0, +))]
        m.reconciliations = [.init(at: .zero, tenant: "acme", before: UsageDrift(tenant: "acme", calls: 0, tokens: 0, costMicros: 0),
                                   after: UsageDrift(tenant: "acme", calls: 0, tokens: 0, costMicros: 0), replayed: 0)]
        return m
    }

    func ledger(_ m: RunMetrics) -> LabResult.CheckResult { Checkers.run(m, steps: []).first { $0.name == "ledger" }! }

    /// Should pass when the ledger holds exactly the answered calls (and settled, unanswered ones).
    @Test func ledgerCheckPassesOnAFaithfulLedger() {
        #expect(ledger(metrics(answered: ["a": 5, "b": 7], rows: ["a": 5, "b": 7, "c": 1], settled: ["a", "b", "c"])).passed)
    }

    /// Should fail when an answered call is missing, has another cost, or a row was never settled.
    @Test func ledgerCheckFailsOnEachKindOfLoss() {
        #expect(!ledger(metrics(answered: ["a": 5, "b": 7], rows: ["a": 5], settled: ["a", "b"])).passed)
        #expect(!ledger(metrics(answered: ["a": 5], rows: ["a": 6], settled: ["a"])).passed)
        #expect(!ledger(metrics(answered: ["a": 5], rows: ["a": 5, "z": 1], settled: ["a"])).passed)
        let doubled = metrics(answered: ["a": 5], rows: ["a": 5], settled: ["a"])
        doubled.ledgerTotals["acme"] = UsageCounters(calls: 2, tokens: 0, costMicros: 10)  // a row counted twice
        #expect(!ledger(doubled).passed)
    }
}
