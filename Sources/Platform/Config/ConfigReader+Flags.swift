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
        var features: [(String, Flags.JSONValue)] = []
        for (i, (name, spec)) in try (f["features"]?.mapping() ?? []).enumerated() {
            guard FlagDefinitions.isFeatureName(name) else { throw spec.error("a feature name is 1–100 characters from a-z A-Z 0-9 . _ -") }
            var members: [(String, Flags.JSONValue)] = [("id", .int(i + 1)), ("name", .string(name))]
            if spec.isScalar {
                members.append(("enabled", .bool(try spec.bool())))
            } else {
                let ff = try spec.fields(["enabled", "value", "variants", "rollout", "description"])
                members.append(("enabled", .bool(try ff.required("enabled").bool())))
                if let v = ff["value"] { members.append(("value", flagJSON(v.yams))) }
                if let v = ff["variants"] { members.append(("variants", flagJSON(v.yams))) }
                if let r = ff["rollout"] { members.append(("rollout", .double(try r.double()))) }
                if let d = ff["description"] { members.append(("description", .string(try d.string()))) }
            }
            features.append((name, .object(OrderedMap(members))))
        }
        var segments: [Flags.JSONValue] = []
        for (name, spec) in try f["segments"]?.mapping() ?? [] {
            let sf = try spec.fields(["rules", "overrides"])
            var overrides: [(String, Flags.JSONValue)] = []
            for (feature, o) in try sf["overrides"]?.mapping() ?? [] {
                guard features.contains(where: { $0.0 == feature }) else { throw o.error("no feature '\(feature)' in flags.features") }
                overrides.append((feature, o.isScalar ? .bool(try o.bool()) : flagJSON(o.yams)))
            }
            segments.append(.object(OrderedMap([
                ("name", .string(name)), ("rules", flagJSON(try sf.required("rules").yams, rules: true)),
                ("overrides", .object(OrderedMap(overrides))),
            ])))
        }
        let json = Flags.JSONValue.object(OrderedMap([("features", .array(features.map(\.1))), ("segments", .array(segments))]))
        do {
            return (try FlagDefinitions(json: json), f)
        } catch {
            throw node.error("\(error)")
        }
    }

    /// YAML → JSON for the flag engine, keeping member order. Condition values are text in
    /// Flagsmith (`"5"`, `"1.2.0:semver"`, `"a,b"`), so with `rules`, scalars under `value`
    /// become strings.
    package static func flagJSON(_ node: Node, conditionValue: Bool = false, rules: Bool = false) -> Flags.JSONValue {
        switch node {
        case .scalar(let s):
            if conditionValue || s.style == .singleQuoted || s.style == .doubleQuoted { return .string(s.string) }
            if node.null != nil, s.string.isEmpty || s.string == "null" || s.string == "~" { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(i) }
            if let d = node.float { return .double(d) }
            return .string(s.string)
        case .mapping(let m):
            var members: [(String, Flags.JSONValue)] = []
            for (k, v) in m {
                let key = k.string ?? ""
                let isSequence: Bool = if case .sequence = v { true } else { false }
                members.append((key, flagJSON(v, conditionValue: rules && key == "value" && !isSequence, rules: rules)))
            }
            return .object(OrderedMap(members))
        case .sequence(let seq):
            return .array(seq.map { flagJSON($0, conditionValue: conditionValue, rules: rules) })
        case .alias:
            return .null
        }
    }
}
