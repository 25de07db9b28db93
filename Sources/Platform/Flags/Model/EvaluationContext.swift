import Base

/// Everything the engine evaluates flags against: Flagsmith's `EvaluationContext`.
public struct EvaluationContext: Sendable, Equatable {
    /// The environment being evaluated.
    public var environment: EnvironmentContext
    /// The identity being evaluated, if any.
    public var identity: IdentityContext?
    /// Segments by key, in evaluation order.
    public var segments: OrderedMap<SegmentContext>?
    /// Features by name.
    public var features: OrderedMap<FeatureContext>?

    public init(
        environment: EnvironmentContext,
        identity: IdentityContext? = nil,
        segments: OrderedMap<SegmentContext>? = nil,
        features: OrderedMap<FeatureContext>? = nil
    ) {
        self.environment = environment
        self.identity = identity
        self.segments = segments
        self.features = features
    }
}

/// The environment a context belongs to.
public struct EnvironmentContext: Sendable, Equatable {
    /// The environment key (the client-side API key).
    public var key: String
    /// The environment's display name; conditions can read it as `$.environment.name`.
    public var name: String

    public init(key: String, name: String) {
        self.key = key
        self.name = name
    }
}

/// The identity a context is evaluated for.
public struct IdentityContext: Sendable, Equatable {
    /// The identifier shown in Flagsmith.
    public var identifier: String
    /// The hashing key for percentage splits and multivariate features. When
    /// absent or empty the engine uses `"<environment key>_<identifier>"`.
    public var key: String?
    /// Trait values by trait name; normally strings, numbers, booleans or `null`.
    public var traits: OrderedMap<JSONValue>?

    public init(identifier: String, key: String? = nil, traits: OrderedMap<JSONValue>? = nil) {
        self.identifier = identifier
        self.key = key
        self.traits = traits
    }
}

extension EvaluationContext: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        environment = try EnvironmentContext(json: fields.required("environment"), path: fields.path(of: "environment"))
        identity = try fields.optional("identity").map { (value) throws(JSONShapeError) in
            try IdentityContext(json: value, path: fields.path(of: "identity"))
        }
        segments = try fields.optionalMap("segments", SegmentContext.init(json:path:))
        features = try fields.optionalMap("features", FeatureContext.init(json:path:))
    }

    public var json: JSONValue {
        jsonObject([
            "environment": environment.json,
            "identity": identity?.json,
            "segments": segments.map { .object($0.mapValues(\.json)) },
            "features": features.map { .object($0.mapValues(\.json)) },
        ])
    }
}

extension EnvironmentContext: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        key = try fields.string("key")
        name = try fields.string("name")
    }

    public var json: JSONValue {
        jsonObject(["key": .string(key), "name": .string(name)])
    }
}

extension IdentityContext: JSONConvertible {
    public init(json: JSONValue, path: String) throws(JSONShapeError) {
        let fields = try JSONFields(json, path: path)
        identifier = try fields.string("identifier")
        key = try fields.optionalString("key")
        traits = try fields.optionalMap("traits") { value, _ in value }
    }

    public var json: JSONValue {
        jsonObject([
            "identifier": .string(identifier),
            "key": key.map(JSONValue.string),
            "traits": traits.map(JSONValue.object),
        ])
    }
}
