import Base

/// Decides which segments an (enriched) evaluation context belongs to.
struct SegmentMatcher {
    let context: EvaluationContext
    /// The context as JSON, built on first use by a JSONPath property.
    private let document: LazyDocument

    init(context: EvaluationContext) {
        self.context = context
        document = LazyDocument(context)
    }

    /// A segment matches when it has rules and every rule matches.
    func matches(_ segment: SegmentContext) -> Bool {
        !segment.rules.isEmpty && segment.rules.allSatisfy { matches($0, segmentKey: segment.key) }
    }

    /// The rule's quantifier applies separately to its conditions and to its
    /// nested rules; an empty or absent list holds.
    private func matches(_ rule: SegmentRule, segmentKey: String) -> Bool {
        let conditionsHold = (rule.conditions ?? []).isEmpty
            || Self.quantify(rule.type, rule.conditions ?? []) { matches($0, segmentKey: segmentKey) }
        let rulesHold = (rule.rules ?? []).isEmpty
            || Self.quantify(rule.type, rule.rules ?? []) { matches($0, segmentKey: segmentKey) }
        return conditionsHold && rulesHold
    }

    private static func quantify<T>(_ type: RuleType, _ items: [T], _ holds: (T) -> Bool) -> Bool {
        switch type {
        case .all: items.allSatisfy(holds)
        case .any: items.contains(where: holds)
        case .none: !items.contains(where: holds)
        }
    }

    private func matches(_ condition: SegmentCondition, segmentKey: String) -> Bool {
        let contextValue: ContextValue?
        if condition.operator == .percentageSplit, condition.property.isEmpty {
            // Legacy percentage splits have no property and hash the identity key as is.
            contextValue = context.identity?.key.map(ContextValue.string)
        } else {
            contextValue = value(of: condition.property)
        }
        return ConditionOperators.matches(
            condition.operator, operand: condition.value, contextValue: contextValue, segmentKey: segmentKey
        )
    }

    /// The value a property names: a trait of that name if set, otherwise,
    /// for a valid JSONPath starting with `$.`, the first scalar it selects.
    func value(of property: String) -> ContextValue? {
        if let trait = context.identity?.traits?[property], trait != .null {
            return ContextValue(trait)
        }
        guard property.hasPrefix("$."), let query = JSONPathQuery(property) else { return nil }
        switch query.firstMatch(in: document.value) {
        case .array?, .object?, nil: return nil
        case let scalar?: return ContextValue(scalar)
        }
    }
}

/// The JSON form of a context, computed once when first needed.
private final class LazyDocument {
    private let context: EvaluationContext
    private(set) lazy var value: JSONValue = context.json

    init(_ context: EvaluationContext) {
        self.context = context
    }
}
