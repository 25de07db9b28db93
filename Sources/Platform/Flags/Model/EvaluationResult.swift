import Base

/// The outcome of an evaluation: Flagsmith's `EvaluationResult`.
public struct EvaluationResult: Sendable, Equatable {
    /// Flags by feature name, in feature order.
    public var flags: OrderedMap<FlagResult>
    /// The segments the context matched, in segment order.
    public var segments: [SegmentResult]

    public init(flags: OrderedMap<FlagResult>, segments: [SegmentResult]) {
        self.flags = flags
        self.segments = segments
    }
}

/// The evaluated state of one feature.
public struct FlagResult: Sendable, Equatable {
    /// The feature name.
    public var name: String
    /// Whether the flag is enabled.
    public var enabled: Bool
    /// The flag value.
    public var value: JSONValue
    /// Why the flag has this state: `"DEFAULT"`, `"TARGETING_MATCH; segment=<name>"`
    /// or `"SPLIT; weight=<weight>"`.
    public var reason: String
    /// For multivariate features, the chosen variant's key, or `"control"`
    /// when the identity fell outside every variant; otherwise `nil`.
    public var variant: String?
    /// The feature's (or override's) metadata, when not empty.
    public var metadata: JSONValue?

    public init(
        name: String, enabled: Bool, value: JSONValue, reason: String,
        variant: String? = nil, metadata: JSONValue? = nil
    ) {
        self.name = name
        self.enabled = enabled
        self.value = value
        self.reason = reason
        self.variant = variant
        self.metadata = metadata
    }
}

/// A segment the context matched.
public struct SegmentResult: Sendable, Equatable {
    /// The segment name.
    public var name: String
    /// The segment's metadata, when not empty.
    public var metadata: JSONValue?

    public init(name: String, metadata: JSONValue? = nil) {
        self.name = name
        self.metadata = metadata
    }
}

extension EvaluationResult: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        flags = try fields.map("flags", FlagResult.init(json:path:))
        segments = try fields.array("segments", SegmentResult.init(json:path:))
    }

    public var json: JSONValue {
        jsonObject([
            "flags": .object(flags.mapValues(\.json)),
            "segments": .array(segments.map(\.json)),
        ])
    }
}

extension FlagResult: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        name = try fields.string("name")
        enabled = try fields.bool("enabled")
        value = try fields.required("value")
        reason = try fields.string("reason")
        variant = try fields.optionalString("variant")
        metadata = fields.optional("metadata")
    }

    /// The JSON form; `variant` is always present, as `null` when absent.
    public var json: JSONValue {
        jsonObject([
            "name": .string(name),
            "enabled": .bool(enabled),
            "value": value,
            "reason": .string(reason),
            "variant": .some(variant.map(JSONValue.string) ?? .null),
            "metadata": metadata,
        ])
    }
}

extension SegmentResult: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        name = try fields.string("name")
        metadata = fields.optional("metadata")
    }

    public var json: JSONValue {
        jsonObject(["name": .string(name), "metadata": metadata])
    }
}
