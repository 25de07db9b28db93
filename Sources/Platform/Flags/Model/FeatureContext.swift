import Base

/// A feature's state in an environment, or a segment's override of it.
public struct FeatureContext: Sendable, Equatable {
    /// Unique feature key, hashed with the identity key to pick a variant.
    public var key: String
    /// The feature name; flags are reported under it.
    public var name: String
    /// Whether the feature is enabled.
    public var enabled: Bool
    /// The default (control) value.
    public var value: JSONValue
    /// Multivariate values; empty or absent for a standard feature.
    public var variants: [FeatureVariant]?
    /// For segment overrides: lower wins when several matched segments
    /// override the same feature. Absent means the weakest priority.
    public var priority: JSONNumber?
    /// Opaque metadata, copied to the flag result when not empty.
    public var metadata: JSONValue?

    public init(
        key: String, name: String, enabled: Bool, value: JSONValue,
        variants: [FeatureVariant]? = nil, priority: JSONNumber? = nil, metadata: JSONValue? = nil
    ) {
        self.key = key
        self.name = name
        self.enabled = enabled
        self.value = value
        self.variants = variants
        self.priority = priority
        self.metadata = metadata
    }
}

/// One value of a multivariate feature.
public struct FeatureVariant: Sendable, Equatable {
    /// The variant's value.
    public var value: JSONValue
    /// The share of identities that get it, in percent.
    public var weight: JSONNumber
    /// Allocation order: variants are laid out on the 0–100 scale by ascending priority.
    public var priority: JSONNumber
    /// The variant key reported as the flag's `variant`.
    public var key: String?

    public init(value: JSONValue, weight: JSONNumber, priority: JSONNumber, key: String? = nil) {
        self.value = value
        self.weight = weight
        self.priority = priority
        self.key = key
    }
}

extension FeatureContext: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        key = try fields.string("key")
        name = try fields.string("name")
        enabled = try fields.bool("enabled")
        value = try fields.required("value")
        variants = try fields.optionalArray("variants", FeatureVariant.init(json:path:))
        priority = try fields.optionalNumber("priority")
        metadata = fields.optional("metadata")
    }

    public var json: JSONValue {
        jsonObject([
            "key": .string(key),
            "name": .string(name),
            "enabled": .bool(enabled),
            "value": value,
            "variants": variants.map { .array($0.map(\.json)) },
            "priority": priority?.json,
            "metadata": metadata,
        ])
    }
}

extension FeatureVariant: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        value = try fields.required("value")
        weight = try fields.number("weight")
        priority = try fields.number("priority")
        key = try fields.optionalString("key")
    }

    public var json: JSONValue {
        jsonObject([
            "value": value,
            "weight": weight.json,
            "priority": priority.json,
            "key": key.map(JSONValue.string),
        ])
    }
}
