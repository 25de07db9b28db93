import Base

/// The platform's flags: features (with an optional value, variants and a per-tenant
/// percentage rollout) and segments over tenant traits, in the Flagsmith model.
///
/// Stored as JSON (the control plane's `flags` setting) and read from the `flags:` section
/// of scenarios and the serve file:
///
/// ```json
/// {"features": [{"id": 1, "name": "connectors.slack", "enabled": false},
///               {"id": 2, "name": "experimental.reasoning", "enabled": false, "rollout": 30}],
///  "segments": [{"name": "enterprise", "rules": [{"type": "ALL", "conditions": [{"property": "plan", "operator": "EQUAL", "value": "enterprise"}]}],
///                "overrides": {"connectors.slack": {"enabled": true}}}]}
/// ```
///
/// A feature's `id` seeds Flagsmith's variant hashing and never changes once given; new
/// features get the next free id.
public struct FlagDefinitions: Sendable, Equatable {
    public struct Feature: Sendable, Equatable {
        public var id: Int
        public var name: String
        public var enabled: Bool
        public var value: JSONValue
        public var description: String?
        /// Weighted variants of a multivariate feature: value and percentage.
        public var variants: [Variant]
        /// Percentage (0–100) of tenants for whom the feature is on, by Flagsmith's hashing of
        /// the tenant id (the same tenants on every run and in every driver).
        public var rollout: Double?

        /// The feature as stored.
        public var json: JSONValue {
            var m: [(String, JSONValue)] = [("id", .int(id)), ("name", .string(name)), ("enabled", .bool(enabled)), ("value", value)]
            if let d = description { m.append(("description", .string(d))) }
            if !variants.isEmpty {
                m.append(("variants", .array(variants.map { .object(OrderedMap([("value", $0.value), ("weight", .double($0.weight))])) })))
            }
            if let r = rollout { m.append(("rollout", .double(r))) }
            return .object(OrderedMap(m))
        }

        public init(id: Int, name: String, enabled: Bool, value: JSONValue = .null, description: String? = nil,
                    variants: [Variant] = [], rollout: Double? = nil) {
            self.id = id; self.name = name; self.enabled = enabled; self.value = value
            self.description = description; self.variants = variants; self.rollout = rollout
        }
    }

    public struct Variant: Sendable, Equatable {
        public var value: JSONValue
        public var weight: Double
        public init(value: JSONValue, weight: Double) { self.value = value; self.weight = weight }
    }

    public struct Segment: Sendable, Equatable {
        public var name: String
        /// Flagsmith rules, as Flagsmith writes them (`[{"type": "ALL", "conditions": […], "rules": […]}]`).
        public var rules: JSONValue
        /// Feature name → state for tenants in the segment.
        public var overrides: [(feature: String, state: FlagState)]

        public init(name: String, rules: JSONValue, overrides: [(feature: String, state: FlagState)]) {
            self.name = name; self.rules = rules; self.overrides = overrides
        }

        public static func == (a: Segment, b: Segment) -> Bool {
            a.name == b.name && a.rules == b.rules && a.overrides.map(\.feature) == b.overrides.map(\.feature)
                && a.overrides.map(\.state) == b.overrides.map(\.state)
        }
    }

    public var features: [Feature]
    public var segments: [Segment]

    public init(features: [Feature] = [], segments: [Segment] = []) {
        self.features = features
        self.segments = segments
    }

    public func feature(named name: String) -> Feature? { features.first { $0.name == name } }

    /// Adds or replaces a feature by name, keeping the id of an existing one.
    public mutating func put(_ feature: Feature) {
        var f = feature
        if let i = features.firstIndex(where: { $0.name == feature.name }) {
            f.id = features[i].id
            features[i] = f
        } else {
            f.id = (features.map(\.id).max() ?? 0) + 1
            features.append(f)
        }
    }

    /// Adds or replaces a segment by name.
    public mutating func put(_ segment: Segment) {
        if let i = segments.firstIndex(where: { $0.name == segment.name }) { segments[i] = segment } else { segments.append(segment) }
    }

    // MARK: JSON

    public var json: JSONValue {
        .object(OrderedMap([
            ("features", .array(features.map(\.json))),
            ("segments", .array(segments.map { s in
                .object(OrderedMap([
                    ("name", .string(s.name)), ("rules", s.rules),
                    ("overrides", .object(OrderedMap(s.overrides.map { ($0.feature, $0.state.json) }))),
                ]))
            })),
        ]))
    }

    /// Reads definitions, checking every field; errors name the path (`flags.features[2].rollout`).
    public init(json: JSONValue, path: String = "flags") throws(FlagDefinitionError) {
        guard case .object(let root) = json else { throw FlagDefinitionError(path, "expected an object with features and segments") }
        for key in root.keys where !["features", "segments"].contains(key) { throw FlagDefinitionError("\(path).\(key)", "unknown field") }
        var features: [Feature] = []
        if case .array(let list)? = root["features"] {
            for (i, item) in list.enumerated() {
                let p = "\(path).features[\(i)]"
                guard case .object(let f) = item else { throw FlagDefinitionError(p, "expected an object") }
                for key in f.keys where !["id", "name", "enabled", "value", "description", "variants", "rollout"].contains(key) {
                    throw FlagDefinitionError("\(p).\(key)", "unknown field")
                }
                guard case .string(let name)? = f["name"], Self.isFeatureName(name) else {
                    throw FlagDefinitionError("\(p).name", "a feature name is 1–100 characters from a-z A-Z 0-9 . _ -")
                }
                guard features.allSatisfy({ $0.name != name }) else { throw FlagDefinitionError("\(p).name", "'\(name)' is defined twice") }
                var id = (features.map(\.id).max() ?? 0) + 1
                if let raw = f["id"] {
                    guard case .int(let v) = raw, v > 0, features.allSatisfy({ $0.id != v }) else { throw FlagDefinitionError("\(p).id", "expected a positive whole number not used by another feature") }
                    id = v
                }
                let enabled: Bool
                switch f["enabled"] { case .bool(let b)?: enabled = b; case nil: enabled = false; default: throw FlagDefinitionError("\(p).enabled", "expected true or false") }
                var description: String?
                if let d = f["description"] { guard case .string(let s) = d else { throw FlagDefinitionError("\(p).description", "expected text") }; description = s }
                var variants: [Variant] = []
                if let v = f["variants"] {
                    guard case .array(let vs) = v else { throw FlagDefinitionError("\(p).variants", "expected a list") }
                    for (k, entry) in vs.enumerated() {
                        guard let weight = entry["weight"]?.numberValue, (0...100).contains(weight), let value = entry["value"] else {
                            throw FlagDefinitionError("\(p).variants[\(k)]", "expected {value, weight} with a weight from 0 to 100")
                        }
                        variants.append(Variant(value: value, weight: weight))
                    }
                    guard variants.reduce(0, { $0 + $1.weight }) <= 100 else { throw FlagDefinitionError("\(p).variants", "the weights add up to more than 100") }
                }
                var rollout: Double?
                if let r = f["rollout"] {
                    guard let v = r.numberValue, (0...100).contains(v) else { throw FlagDefinitionError("\(p).rollout", "expected a percentage from 0 to 100") }
                    rollout = v
                }
                features.append(Feature(id: id, name: name, enabled: enabled, value: f["value"] ?? .null, description: description,
                                        variants: variants, rollout: rollout))
            }
        } else if root["features"] != nil {
            throw FlagDefinitionError("\(path).features", "expected a list")
        }
        var segments: [Segment] = []
        if case .array(let list)? = root["segments"] {
            for (i, item) in list.enumerated() {
                let p = "\(path).segments[\(i)]"
                guard case .string(let name)? = item["name"], !name.isEmpty else { throw FlagDefinitionError("\(p).name", "expected a name") }
                guard case .array? = item["rules"] else { throw FlagDefinitionError("\(p).rules", "expected Flagsmith rules: a list") }
                var overrides: [(String, FlagState)] = []
                if case .object(let o)? = item["overrides"] {
                    for (feature, state) in o {
                        guard features.contains(where: { $0.name == feature }) else { throw FlagDefinitionError("\(p).overrides.\(feature)", "no such feature") }
                        overrides.append((feature, try FlagState(json: state, path: "\(p).overrides.\(feature)")))
                    }
                }
                segments.append(Segment(name: name, rules: item["rules"]!, overrides: overrides))
            }
        } else if root["segments"] != nil {
            throw FlagDefinitionError("\(path).segments", "expected a list")
        }
        self.init(features: features, segments: segments)
        // The engine must be able to read every rule (types, operators, nesting).
        do { _ = try FlagBook(definitions: self).checkedContext(tenant: nil) } catch {
            throw FlagDefinitionError("\(path).segments", "\(error)")
        }
    }

    public static func isFeatureName(_ s: String) -> Bool {
        (1...100).contains(s.utf8.count) && s.utf8.allSatisfy { b in
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 46 || b == 95 || b == 45
        }
    }
}

/// A feature's state where it is overridden: on or off, with an optional value.
public struct FlagState: Sendable, Equatable {
    public var enabled: Bool
    public var value: JSONValue?

    public init(enabled: Bool, value: JSONValue? = nil) { self.enabled = enabled; self.value = value }

    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("enabled", .bool(enabled))]
        if let value { m.append(("value", value)) }
        return .object(OrderedMap(m))
    }

    public init(json: JSONValue, path: String) throws(FlagDefinitionError) {
        switch json {
        case .bool(let b): self.init(enabled: b)
        case .object(let o):
            for key in o.keys where !["enabled", "value"].contains(key) { throw FlagDefinitionError("\(path).\(key)", "unknown field") }
            guard case .bool(let b)? = o["enabled"] else { throw FlagDefinitionError("\(path).enabled", "expected true or false") }
            self.init(enabled: b, value: o["value"])
        default:
            throw FlagDefinitionError(path, "expected true, false or {enabled, value}")
        }
    }
}

/// A malformed flag definition: where, and what was expected.
public struct FlagDefinitionError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(_ path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}
