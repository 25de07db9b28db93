import Base

/// Everything that decides a tenant's flags: the platform's definitions, each tenant's
/// overrides and each tenant's traits. Pure: the Lab, the gateway and the Platform API
/// evaluate the same book the same way.
///
/// Precedence, strongest first:
/// 1. the tenant's own override (`TENANT_OVERRIDE`);
/// 2. a segment the tenant is in, by segment order (`TARGETING_MATCH; segment=…`);
/// 3. the feature's rollout, when the tenant's bucket is below the percentage
///    (`TARGETING_MATCH; segment=rollout:<feature>`);
/// 4. the feature's platform default (`DEFAULT`, or `SPLIT; weight=…` for a variant).
///
/// Rollouts are Flagsmith `PERCENTAGE_SPLIT` segments keyed `rollout:<feature>`, hashed on
/// the identity key `platform_<tenant>`, so a tenant's bucket depends only on the feature
/// and the tenant id: the same tenants on every run, in the Lab and live.
public struct FlagBook: Sendable, Equatable {
    public var definitions: FlagDefinitions
    /// Tenant id → feature name → override.
    public var overrides: [String: [String: FlagState]]
    /// Tenant id → traits (plan, region, size, created…), in the order set.
    public var traits: [String: OrderedMap<JSONValue>]

    public init(definitions: FlagDefinitions = FlagDefinitions(), overrides: [String: [String: FlagState]] = [:],
                traits: [String: OrderedMap<JSONValue>] = [:]) {
        self.definitions = definitions
        self.overrides = overrides
        self.traits = traits
    }

    public static func == (a: FlagBook, b: FlagBook) -> Bool {
        a.definitions == b.definitions && a.overrides == b.overrides
            && a.traits.keys.sorted() == b.traits.keys.sorted() && a.traits.keys.allSatisfy { a.traits[$0]!.keys == b.traits[$0]!.keys && a.traits[$0]!.values == b.traits[$0]!.values }
    }

    /// The environment key the book's contexts use (a name, not a secret).
    public static let environmentKey = "platform"

    /// One evaluated flag.
    public struct Flag: Sendable, Equatable {
        public var id: Int
        public var name: String
        public var enabled: Bool
        public var value: JSONValue
        public var reason: String
    }

    /// The flags of `tenant` (or of the environment alone, with nil), in feature order.
    /// `extraTraits` are added to (and override) the tenant's stored traits.
    public func evaluate(tenant: String?, extraTraits: [(String, JSONValue)] = []) -> [Flag] {
        let result = FlagEngine.evaluate(context(tenant: tenant, extraTraits: extraTraits))
        let tenantOverrides = tenant.flatMap { overrides[$0] } ?? [:]
        return definitions.features.map { feature in
            if let o = tenantOverrides[feature.name] {
                return Flag(id: feature.id, name: feature.name, enabled: o.enabled, value: o.value ?? result.flags[feature.name]?.value ?? feature.value,
                            reason: "TENANT_OVERRIDE")
            }
            let r = result.flags[feature.name]
            return Flag(id: feature.id, name: feature.name, enabled: r?.enabled ?? feature.enabled, value: r?.value ?? feature.value,
                        reason: r?.reason ?? "DEFAULT")
        }
    }

    /// Whether `feature` is on for `tenant`; false for a feature that is not defined.
    public func isEnabled(_ feature: String, tenant: String) -> Bool {
        evaluate(tenant: tenant).first { $0.name == feature }?.enabled ?? false
    }

    /// The Flagsmith evaluation context of the book for a tenant. Definitions read through
    /// ``FlagDefinitions/init(json:path:)`` always give a valid one; a book built by hand with
    /// a rule the engine cannot read evaluates its features' defaults rather than fail.
    public func context(tenant: String?, extraTraits: [(String, JSONValue)] = []) -> EvaluationContext {
        if let c = try? checkedContext(tenant: tenant, extraTraits: extraTraits) { return c }
        var fallback = self
        fallback.definitions.segments = []
        return (try? fallback.checkedContext(tenant: tenant, extraTraits: extraTraits))
            ?? EvaluationContext(environment: .init(key: Self.environmentKey, name: "platform"))
    }

    /// The context, or why the engine cannot read the definitions.
    func checkedContext(tenant: String?, extraTraits: [(String, JSONValue)] = []) throws -> EvaluationContext {
        var features: [(String, JSONValue)] = []
        for f in definitions.features {
            var m: [(String, JSONValue)] = [("key", .string(String(f.id))), ("name", .string(f.name)), ("enabled", .bool(f.enabled)), ("value", f.value)]
            if !f.variants.isEmpty {
                m.append(("variants", .array(f.variants.enumerated().map { k, v in
                    .object(OrderedMap([("value", v.value), ("weight", .double(v.weight)), ("priority", .int(k + 1)), ("key", .string("\(f.id)-\(k + 1)"))]))
                })))
            }
            features.append((f.name, .object(OrderedMap(m))))
        }
        func override(_ name: String, _ state: FlagState, priority: Int) -> JSONValue? {
            guard let f = definitions.feature(named: name) else { return nil }
            return .object(OrderedMap([
                ("key", .string(String(f.id))), ("name", .string(name)), ("enabled", .bool(state.enabled)),
                ("value", state.value ?? f.value), ("priority", .int(priority)),
            ]))
        }
        var segments: [(String, JSONValue)] = []
        for (i, s) in definitions.segments.enumerated() {
            segments.append(("segment:\(s.name)", .object(OrderedMap([
                ("key", .string("segment:\(s.name)")), ("name", .string(s.name)), ("rules", s.rules),
                ("overrides", .array(s.overrides.compactMap { override($0.feature, $0.state, priority: i) })),
            ]))))
        }
        for f in definitions.features {
            guard let percent = f.rollout else { continue }
            let key = "rollout:\(f.name)"
            let split: JSONValue = .object(OrderedMap([("operator", "PERCENTAGE_SPLIT"), ("property", ""), ("value", .string(Self.format(percent)))]))
            segments.append((key, .object(OrderedMap([
                ("key", .string(key)), ("name", .string(key)),
                ("rules", .array([.object(OrderedMap([("type", "ALL"), ("conditions", .array([split])), ("rules", .array([]))]))])),
                ("overrides", .array([override(f.name, FlagState(enabled: true), priority: 1_000_000)].compactMap { $0 })),
            ]))))
        }
        var members: [(String, JSONValue)] = [
            ("environment", .object(OrderedMap([("key", .string(Self.environmentKey)), ("name", "platform")]))),
            ("features", .object(OrderedMap(features))),
            ("segments", .object(OrderedMap(segments))),
        ]
        if let tenant {
            var t = traits[tenant] ?? OrderedMap()
            for (k, v) in extraTraits { t[k] = v }
            members.append(("identity", .object(OrderedMap([("identifier", .string(tenant)), ("traits", .object(t))]))))
        }
        return try EvaluationContext(json: .object(OrderedMap(members)), path: "context")
    }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
