import Base
import Foundation
import Testing
@testable import Flags

@Suite("Flag engine")
struct EngineTests {
    let environment = EnvironmentContext(key: "env", name: "Production")
    let feature = FeatureContext(key: "1", name: "flag", enabled: false, value: "default")

    func segment(_ key: String, name: String, priority: JSONNumber?, value: JSONValue, metadata: JSONValue? = nil) -> SegmentContext {
        SegmentContext(
            key: key, name: name,
            rules: [SegmentRule(type: .all, conditions: [SegmentCondition(property: "$.identity.identifier", operator: .equal, value: "user_1")])],
            overrides: [FeatureContext(key: "1", name: "flag", enabled: true, value: value, priority: priority)],
            metadata: metadata
        )
    }

    @Test func withoutIdentityEverythingIsDefault() {
        let result = FlagEngine.evaluate(EvaluationContext(
            environment: environment,
            segments: ["1": segment("1", name: "s", priority: nil, value: "segment")],
            features: ["flag": feature]
        ))
        #expect(result.segments.isEmpty)
        #expect(result.flags["flag"] == FlagResult(name: "flag", enabled: false, value: "default", reason: "DEFAULT"))
    }

    @Test func identityKeyDefaultsToEnvironmentKeyAndIdentifier() {
        let identity = IdentityContext(identifier: "user_1", key: "")
        let enriched = FlagEngine.enriched(EvaluationContext(environment: environment, identity: identity))
        #expect(enriched.identity?.key == "env_user_1")
    }

    @Test func lowestPriorityOverrideWinsAndTiesGoToTheFirstSegment() {
        let identity = IdentityContext(identifier: "user_1")
        func winner(_ segments: OrderedMap<SegmentContext>) -> String? {
            FlagEngine.evaluate(EvaluationContext(
                environment: environment, identity: identity, segments: segments, features: ["flag": feature]
            )).flags["flag"]?.reason
        }
        #expect(winner(["1": segment("1", name: "a", priority: .int(2), value: 1),
                        "2": segment("2", name: "b", priority: .int(1), value: 2)]) == "TARGETING_MATCH; segment=b")
        #expect(winner(["1": segment("1", name: "a", priority: .int(1), value: 1),
                        "2": segment("2", name: "b", priority: .int(1), value: 2)]) == "TARGETING_MATCH; segment=a")
        #expect(winner(["1": segment("1", name: "a", priority: nil, value: 1),
                        "2": segment("2", name: "b", priority: .double(-.infinity), value: 2)]) == "TARGETING_MATCH; segment=b")
        #expect(winner(["2": segment("2", name: "b", priority: nil, value: 2),
                        "1": segment("1", name: "a", priority: nil, value: 1)]) == "TARGETING_MATCH; segment=b")
    }

    @Test func matchedSegmentsKeepTheirOrderAndNonEmptyMetadata() {
        let result = FlagEngine.evaluate(EvaluationContext(
            environment: environment, identity: IdentityContext(identifier: "user_1"),
            segments: [
                "9": segment("9", name: "nine", priority: nil, value: 1, metadata: [:]),
                "1": segment("1", name: "one", priority: nil, value: 1, metadata: ["id": 1]),
            ]
        ))
        #expect(result.segments == [SegmentResult(name: "nine"), SegmentResult(name: "one", metadata: ["id": 1])])
    }

    @Test func segmentsWithoutRulesNeverMatch() {
        let empty = SegmentContext(key: "1", name: "empty", rules: [])
        let result = FlagEngine.evaluate(EvaluationContext(
            environment: environment, identity: IdentityContext(identifier: "u"), segments: ["1": empty]
        ))
        #expect(result.segments.isEmpty)
    }

    @Test func ruleQuantifiers() {
        let yes = SegmentCondition(property: "$.environment.name", operator: .equal, value: "Production")
        let no = SegmentCondition(property: "$.environment.name", operator: .equal, value: "QA")
        func holds(_ rule: SegmentRule) -> Bool {
            !FlagEngine.evaluate(EvaluationContext(
                environment: environment, segments: ["1": SegmentContext(key: "1", name: "s", rules: [rule])]
            )).segments.isEmpty
        }
        #expect(holds(SegmentRule(type: .all, conditions: [yes, yes])))
        #expect(!holds(SegmentRule(type: .all, conditions: [yes, no])))
        #expect(holds(SegmentRule(type: .any, conditions: [no, yes])))
        #expect(!holds(SegmentRule(type: .any, conditions: [no])))
        #expect(holds(SegmentRule(type: .none, conditions: [no, no])))
        #expect(!holds(SegmentRule(type: .none, conditions: [no, yes])))
        #expect(holds(SegmentRule(type: .all)))
        #expect(holds(SegmentRule(type: .any, rules: [SegmentRule(type: .all, conditions: [no]), SegmentRule(type: .all, conditions: [yes])])))
        #expect(!holds(SegmentRule(type: .all, conditions: [yes], rules: [SegmentRule(type: .none, conditions: [yes])])))
    }

    /// percentage(["1", "key_user_1"]) is about 37.28.
    @Test func variantsAreAllocatedByHashedPercentage() {
        func flag(_ variants: [FeatureVariant]) -> FlagResult? {
            var multivariate = feature
            multivariate.variants = variants
            return FlagEngine.evaluate(EvaluationContext(
                environment: environment, identity: IdentityContext(identifier: "user_1", key: "key_user_1"),
                features: ["flag": multivariate]
            )).flags["flag"]
        }
        let first = FeatureVariant(value: "a", weight: .int(30), priority: .int(1), key: "a")
        let second = FeatureVariant(value: "b", weight: .double(30.0), priority: .int(2), key: "b")
        #expect(flag([second, first]) == FlagResult(name: "flag", enabled: false, value: "b", reason: "SPLIT; weight=30.0", variant: "b"))
        #expect(flag([FeatureVariant(value: 1, weight: .int(40), priority: .int(1))])
            == FlagResult(name: "flag", enabled: false, value: 1, reason: "SPLIT; weight=40", variant: nil))
        #expect(flag([FeatureVariant(value: 1, weight: .int(10), priority: .int(1))])
            == FlagResult(name: "flag", enabled: false, value: "default", reason: "DEFAULT", variant: "control"))
    }

    @Test func contextsRoundTripThroughCodable() throws {
        let context = EvaluationContext(
            environment: environment,
            identity: IdentityContext(identifier: "user_1", traits: ["age": 42, "ratio": 0.5, "ok": true]),
            segments: ["1": segment("1", name: "s", priority: .int(1), value: 1.5, metadata: ["id": 1])],
            features: ["flag": feature]
        )
        #expect(try EvaluationContext(json: context.json) == context)
        // Foundation's coders do not keep member order, so compare as JSON.
        let data = try JSONEncoder().encode(context)
        #expect(try JSONDecoder().decode(EvaluationContext.self, from: data).json == context.json)
    }

    @Test func malformedContextsNameThePath() {
        let json: JSONValue = ["environment": ["key": "k", "name": "n"],
                               "segments": ["s-1": ["key": "1", "name": "s", "rules": [["type": "SOME"]]]]]
        #expect(throws: JSONShapeError(path: #"$.segments["s-1"].rules[0].type"#,
                                       message: #"unknown rule type "SOME", expected one of ALL, ANY, NONE"#)) {
            try EvaluationContext(json: json)
        }
    }
}
