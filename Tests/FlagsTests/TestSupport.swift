import Base
@testable import Flags

/// Builds a context whose identity has the given traits and one segment per
/// condition, keyed `"1"`, `"2"`, ... and named after its key.
func context(
    traits: OrderedMap<JSONValue> = [:],
    identifier: String = "user_1",
    identityKey: String? = "key_user_1",
    conditions: [SegmentCondition]
) -> EvaluationContext {
    var segments = OrderedMap<SegmentContext>()
    for (index, condition) in conditions.enumerated() {
        let key = String(index + 1)
        segments[key] = SegmentContext(
            key: key, name: key, rules: [SegmentRule(type: .all, conditions: [condition])]
        )
    }
    return EvaluationContext(
        environment: EnvironmentContext(key: "env", name: "Production"),
        identity: IdentityContext(identifier: identifier, key: identityKey, traits: traits),
        segments: segments
    )
}

/// Whether a single condition on trait `t` (holding `trait`, or unset) matches.
func matches(_ trait: JSONValue?, _ op: ConditionOperator, _ value: JSONValue) -> Bool {
    var traits = OrderedMap<JSONValue>()
    traits["t"] = trait
    let evaluation = FlagEngine.evaluate(
        context(traits: traits, conditions: [SegmentCondition(property: "t", operator: op, value: value)])
    )
    return !evaluation.segments.isEmpty
}
