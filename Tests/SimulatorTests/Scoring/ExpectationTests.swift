import Testing
@testable import Mocks
@testable import Simulator

@Suite struct ExpectationTests {
    @Test func parsesMetricLabelsComparisonAndUnit() throws {
        let e = try Expectation.parse("latency.p95{tenant=acme, provider=openai} <= 1.5s")
        #expect(e.metric == "latency.p95" && e.labels.map(\.key) == ["tenant", "provider"] && e.labels.map(\.value) == ["acme", "openai"])
        #expect(e.comparison == .lessOrEqual && e.threshold == 1.5 && e.unit == "s")
        #expect(try Expectation.parse("success_rate >= 99.5%").threshold == 0.995)
        #expect(try Expectation.parse("latency.p50 < 250ms").threshold == 0.25)
        #expect(try Expectation.parse("cost.usd{tenant=a} < $1.20").threshold == 1.2)
        #expect(try Expectation.parse("alerts{kind=egress_denied} == 1").comparison == .equal)
    }

    @Test(arguments: ["", "requests >", "requests{tenant} > 1", "requests{colour=red} > 1", "requests ~ 3", "requests{tenant=a > 1"])
    func rejectsMalformed(text: String) {
        #expect(throws: Expectation.ParseError.self) { try Expectation.parse(text) }
    }

    @Test func comparisonsHold() {
        #expect(Expectation.Comparison.less.holds(1, 2) && !Expectation.Comparison.less.holds(2, 2))
        #expect(Expectation.Comparison.equal.holds(0.1 + 0.2, 0.3))
        #expect(Expectation.Comparison.notEqual.holds(1, 2))
    }
}
