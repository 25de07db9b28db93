import Base
import Gateway

/// What a Lab run produced: the metrics, the expectations' and checkers' verdicts, and
/// the steps as they happened.
public struct LabResult {
    public let scenario: Scenario
    public let metrics: RunMetrics
    public let steps: [LabRunner.StepOutcome]
    public let expectations: [Expectation.Result]
    public let checks: [CheckResult]

    /// A built-in invariant, checked on every run whatever the expectations say.
    public struct CheckResult: Sendable {
        public var name: String
        public var summary: String
        public var passed: Bool
        public var details: [String]
    }

    init(scenario: Scenario, metrics: RunMetrics, steps: [LabRunner.StepOutcome]) {
        self.scenario = scenario
        self.metrics = metrics
        self.steps = steps
        self.expectations = scenario.expectations.map { $0.evaluate(metrics) }
        self.checks = Checkers.run(metrics, steps: steps)
    }

    public var passed: Bool { expectations.allSatisfy(\.passed) && checks.allSatisfy(\.passed) }
}
