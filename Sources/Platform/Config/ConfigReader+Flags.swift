import Base
import Flags
import Yams

extension ConfigReader {
    /// Reads a `flags:` section (scenarios and the serve file):
    ///
    /// ```yaml
    /// flags:
    ///   features:
    ///     connectors.slack: false                              # on/off, no value
    ///     rag.mode: {enabled: true, value: hybrid}
    ///     new-ui: {enabled: true, value: control, variants: [{value: treatment, weight: 50}]}
    ///     experimental.reasoning: {enabled: false, rollout: 30}   # on for 30% of tenants
    ///   segments:
    ///     enterprise:
    ///       rules: [{type: ALL, conditions: [{property: plan, operator: EQUAL, value: enterprise}]}]
    ///       overrides: {connectors.slack: true}
    /// ```
    ///
    /// Features get ids in declaration order. Errors carry file and line.
    package static func parseFlags(_ node: YAMLNode, extraKeys: [String] = []) throws -> (FlagDefinitions, Fields) {
        let f = try node.fields(["features", "segments"] + extraKeys)
        var features: [(String, JSONValue)] = []
        for (i, (name, spec)) in try (f["features"]?.mapping() ?? []).enumerated() {
            guard FlagDefinitions.isFeatureName(name) else { throw spec.error("a feature name is 1–100 characters from a-z A-Z 0-9 . _ -") }
            var members: [(String, JSONValue)] = [("id", .int(i + 1)), ("name", .string(name))]
            if spec.isScalar {
                members.append(("enabled", .bool(try spec.bool())))
            } else {
                let ff = try spec.fields(["enabled", "value", "variants", "rollout", "description"])
                members.append(("enabled", .bool(try ff.required("enabled").bool())))
                if let v = ff["value"] { members.append(("value", try v.json())) }
                if let v = ff["variants"] {
                    for variant in try v.list() { _ = try variant.fields(["value", "weight"]) }
                    members.append(("variants", try v.json()))
                }
                if let r = ff["rollout"] { members.append(("rollout", .double(try r.double()))) }
                if let d = ff["description"] { members.append(("description", .string(try d.string()))) }
            }
            features.append((name, .object(OrderedMap(members))))
        }
        var segments: [JSONValue] = []
        for (name, spec) in try f["segments"]?.mapping() ?? [] {
            let sf = try spec.fields(["rules", "overrides"])
            var overrides: [(String, JSONValue)] = []
            for (feature, o) in try sf["overrides"]?.mapping() ?? [] {
                guard features.contains(where: { $0.0 == feature }) else { throw o.error("no feature '\(feature)' in flags.features") }
                if !o.isScalar { _ = try o.fields(["enabled", "value"]) }
                overrides.append((feature, o.isScalar ? .bool(try o.bool()) : try o.json()))
            }
            let rules = try sf.required("rules")
            try checkRuleKeys(rules)
            segments.append(.object(OrderedMap([
                ("name", .string(name)), ("rules", try rules.json(conditionValuesAsText: true)),
                ("overrides", .object(OrderedMap(overrides))),
            ])))
        }
        let json = JSONValue.object(OrderedMap([("features", .array(features.map(\.1))), ("segments", .array(segments))]))
        do {
            return (try FlagDefinitions(json: json), f)
        } catch {
            throw node.error("\(error)")
        }
    }

    /// Rejects unknown keys in Flagsmith segment rules (`{type, conditions, rules}`, each
    /// condition `{property, operator, value}`) where they are written; the rules' values are
    /// checked by the flag engine afterwards.
    static func checkRuleKeys(_ rules: YAMLNode) throws {
        for rule in try rules.list() {
            let f = try rule.fields(["type", "conditions", "rules"])
            for condition in try f["conditions"]?.list() ?? [] { _ = try condition.fields(["property", "operator", "value"]) }
            if let nested = f["rules"] { try checkRuleKeys(nested) }
        }
    }
}
