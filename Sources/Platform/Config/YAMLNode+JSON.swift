import Base
import Yams

extension YAMLNode {
    /// The node as a JSON value, keeping mapping order: the one YAML → JSON conversion, for
    /// free-form data in configuration files (feature flags, traits, Platform API bodies in
    /// scenarios).
    ///
    /// Quoted scalars are strings; other scalars are `null` (empty, `~`, `null`), booleans,
    /// integers or doubles as YAML resolves them, else strings.
    /// - Parameter conditionValuesAsText: read the node as Flagsmith segment rules, whose
    ///   condition values are text (`"5"`, `"1.2.0:semver"`, `"a,b"`): a scalar under a
    ///   `value` key stays a string.
    /// - Throws: ``ConfigFileError`` at an alias, which JSON cannot express.
    package func json(conditionValuesAsText: Bool = false) throws -> JSONValue {
        try json(node, path: path, asText: false, rules: conditionValuesAsText)
    }

    private func json(_ node: Node, path: String, asText: Bool, rules: Bool) throws -> JSONValue {
        switch node {
        case .scalar(let s):
            if asText || s.style == .singleQuoted || s.style == .doubleQuoted { return .string(s.string) }
            if node.null != nil, s.string.isEmpty || s.string == "null" || s.string == "~" { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(i) }
            if let d = node.float { return .double(d) }
            return .string(s.string)
        case .mapping(let m):
            var members = OrderedMap<JSONValue>()
            for (k, v) in m {
                let key = k.string ?? ""
                let isSequence: Bool = if case .sequence = v { true } else { false }
                members[key] = try json(v, path: path.isEmpty ? key : "\(path).\(key)",
                                        asText: rules && key == "value" && !isSequence, rules: rules)
            }
            return .object(members)
        case .sequence(let items):
            return .array(try items.enumerated().map { try json($1, path: "\(path)[\($0)]", asText: asText, rules: rules) })
        case .alias:
            throw YAMLNode(node: node, file: file, path: path).error("aliases are not supported in JSON values")
        }
    }
}
