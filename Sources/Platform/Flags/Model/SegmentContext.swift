import Base

/// A segment: identities matching its rules get its feature overrides.
/// Identity overrides are segments too, whose rules test `$.identity.identifier`.
public struct SegmentContext: Sendable, Equatable {
    /// Unique segment key, hashed by percentage-split conditions.
    public var key: String
    /// The segment name, reported in results and reasons.
    public var name: String
    /// The rules; all must match, and a segment without rules matches nothing.
    public var rules: [SegmentRule]
    /// Feature overrides applied to matching identities.
    public var overrides: [FeatureContext]?
    /// Opaque metadata, copied to the segment result when not empty.
    public var metadata: JSONValue?

    public init(
        key: String, name: String, rules: [SegmentRule],
        overrides: [FeatureContext]? = nil, metadata: JSONValue? = nil
    ) {
        self.key = key
        self.name = name
        self.rules = rules
        self.overrides = overrides
        self.metadata = metadata
    }
}

/// A group of conditions and nested rules combined by a quantifier.
public struct SegmentRule: Sendable, Equatable {
    /// How the conditions, and separately the nested rules, are combined.
    public var type: RuleType
    /// The conditions; none means this part of the rule holds.
    public var conditions: [SegmentCondition]?
    /// Nested rules; none means this part of the rule holds.
    public var rules: [SegmentRule]?

    public init(type: RuleType, conditions: [SegmentCondition]? = nil, rules: [SegmentRule]? = nil) {
        self.type = type
        self.conditions = conditions
        self.rules = rules
    }
}

/// The quantifier of a ``SegmentRule``.
public enum RuleType: String, Sendable, Equatable, CaseIterable {
    /// Every member must hold.
    case all = "ALL"
    /// At least one member must hold.
    case any = "ANY"
    /// No member may hold.
    case none = "NONE"
}

/// A test of one context value.
public struct SegmentCondition: Sendable, Equatable {
    /// A trait name, or a JSONPath into the context such as `$.identity.identifier`.
    /// Empty for legacy percentage splits, which then use the identity key.
    public var property: String
    /// The comparison to make.
    public var `operator`: ConditionOperator
    /// The operand: a string, or for ``ConditionOperator/in`` a list of strings.
    public var value: JSONValue

    public init(property: String, operator: ConditionOperator, value: JSONValue) {
        self.property = property
        self.operator = `operator`
        self.value = value
    }
}

/// The operator of a ``SegmentCondition``. Operators the engine does not know
/// are kept as ``other(_:)`` and never match, as in the reference engine.
public enum ConditionOperator: Sendable, Hashable {
    case equal, notEqual
    case greaterThan, greaterThanInclusive, lessThan, lessThanInclusive
    case contains, notContains, regex, `in`
    case percentageSplit, modulo, isSet, isNotSet
    case other(String)

    /// The operators the engine implements.
    public static let known: [ConditionOperator] = [
        .equal, .notEqual, .greaterThan, .greaterThanInclusive, .lessThan, .lessThanInclusive,
        .contains, .notContains, .regex, .in, .percentageSplit, .modulo, .isSet, .isNotSet,
    ]

    /// Creates the operator with the given JSON name, e.g. `"GREATER_THAN"`.
    public init(rawValue: String) {
        self = Self.known.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

    /// The operator's JSON name.
    public var rawValue: String {
        switch self {
        case .equal: "EQUAL"
        case .notEqual: "NOT_EQUAL"
        case .greaterThan: "GREATER_THAN"
        case .greaterThanInclusive: "GREATER_THAN_INCLUSIVE"
        case .lessThan: "LESS_THAN"
        case .lessThanInclusive: "LESS_THAN_INCLUSIVE"
        case .contains: "CONTAINS"
        case .notContains: "NOT_CONTAINS"
        case .regex: "REGEX"
        case .in: "IN"
        case .percentageSplit: "PERCENTAGE_SPLIT"
        case .modulo: "MODULO"
        case .isSet: "IS_SET"
        case .isNotSet: "IS_NOT_SET"
        case .other(let name): name
        }
    }
}

extension SegmentContext: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        key = try fields.string("key")
        name = try fields.string("name")
        rules = try fields.array("rules", SegmentRule.init(json:path:))
        overrides = try fields.optionalArray("overrides", FeatureContext.init(json:path:))
        metadata = fields.optional("metadata")
    }

    public var json: JSONValue {
        jsonObject([
            "key": .string(key),
            "name": .string(name),
            "rules": .array(rules.map(\.json)),
            "overrides": overrides.map { .array($0.map(\.json)) },
            "metadata": metadata,
        ])
    }
}

extension SegmentRule: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        type = try RuleType(json: fields.required("type"), path: fields.path(of: "type"))
        conditions = try fields.optionalArray("conditions", SegmentCondition.init(json:path:))
        rules = try fields.optionalArray("rules", SegmentRule.init(json:path:))
    }

    public var json: JSONValue {
        jsonObject([
            "type": .string(type.rawValue),
            "conditions": conditions.map { .array($0.map(\.json)) },
            "rules": rules.map { .array($0.map(\.json)) },
        ])
    }
}

extension RuleType {
    /// Decodes `"ALL"`, `"ANY"` or `"NONE"`.
    init(json: JSONValue, path: String) throws(JSONShapeError) {
        let name = try JSONFields.string(json, path: path)
        guard let type = RuleType(rawValue: name) else {
            let expected = RuleType.allCases.map(\.rawValue).joined(separator: ", ")
            throw JSONShapeError(path: path, message: "unknown rule type \(json), expected one of \(expected)")
        }
        self = type
    }
}

extension SegmentCondition: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        property = try fields.string("property")
        `operator` = ConditionOperator(rawValue: try fields.string("operator"))
        value = try fields.required("value")
    }

    public var json: JSONValue {
        jsonObject([
            "property": .string(property),
            "operator": .string(`operator`.rawValue),
            "value": value,
        ])
    }
}
