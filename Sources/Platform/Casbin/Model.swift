import Foundation

/// A parsed Casbin model (`.conf`): request, policy and role definitions, policy
/// effects and compiled matchers.
///
/// Keys are read like pycasbin reads them: `r`, `r2`, `r3`, … in sequence for each
/// section (`[request_definition]` r, `[policy_definition]` p, `[role_definition]` g,
/// `[policy_effect]` e, `[matchers]` m). Unknown sections are ignored; a key in a known
/// section that is not part of its sequence is an error, as are missing `r`, `p`, `e`
/// or `m` definitions, unsupported effects and matchers that do not parse or call
/// unknown functions.
public struct Model: Sendable {
    /// A compiled matcher with its source text.
    struct Matcher: Sendable {
        let key: String
        let source: String
        let expression: Expression
        /// Whether the matcher calls `eval()` (which needs at least one policy row).
        let usesEval: Bool
    }

    /// Request definition tokens by key, e.g. `"r": ["sub", "obj", "act"]`.
    public let requestDefinitions: [String: [String]]
    /// Policy definition tokens by key, e.g. `"p": ["sub", "obj", "act", "eft"]`.
    public let policyDefinitions: [String: [String]]
    /// Role definitions by key with their argument count: 2 (`_, _`) or 3 (`_, _, _`, with domain).
    public let roleDefinitions: [String: Int]
    /// Policy effects by key.
    public let effects: [String: PolicyEffect]
    /// Matcher source texts by key (as written, continuation lines joined).
    public var matcherSources: [String: String] { matchers.mapValues(\.source) }

    let matchers: [String: Matcher]

    private static let sections = [
        (name: "request_definition", key: "r"), (name: "policy_definition", key: "p"),
        (name: "role_definition", key: "g"), (name: "policy_effect", key: "e"), (name: "matchers", key: "m"),
    ]

    /// Reads and parses a model file.
    public init(contentsOf path: String) throws {
        try self.init(text: try readText(path))
    }

    /// Parses model text.
    public init(text: String) throws {
        let entries = try ConfigParser.parse(text)
        var definitions: [String: [String: ConfigEntry]] = [:]  // section key → entry key → entry
        for entry in entries {
            guard let section = Model.sections.first(where: { $0.name == entry.section }) else { continue }
            if let previous = definitions[section.key]?[entry.key] {
                throw CasbinError(
                    .model,
                    "line \(entry.line): [\(entry.section)] \(entry.key) already defined at line \(previous.line)")
            }
            definitions[section.key, default: [:]][entry.key] = entry
        }
        var sequences: [String: [ConfigEntry]] = [:]
        for section in Model.sections {
            let found = definitions[section.key] ?? [:]
            var sequence: [ConfigEntry] = []
            while let entry = found[sequence.isEmpty ? section.key : "\(section.key)\(sequence.count + 1)"] {
                guard !entry.value.isEmpty else {
                    throw CasbinError(.model, "line \(entry.line): [\(section.name)] \(entry.key) has an empty value")
                }
                sequence.append(entry)
            }
            if let stray = found.values.filter({ entry in !sequence.contains { $0.key == entry.key } })
                .min(by: { $0.line < $1.line })
            {
                throw CasbinError(
                    .model,
                    "line \(stray.line): [\(section.name)] key '\(stray.key)' is not in the sequence "
                        + "\(section.key), \(section.key)2, \(section.key)3, …")
            }
            if sequence.isEmpty, section.key != "g" {
                throw CasbinError(.model, "missing [\(section.name)] definition '\(section.key)'")
            }
            sequences[section.key] = sequence
        }

        requestDefinitions = try Model.tokenDefinitions(sequences["r"] ?? [], section: "request_definition")
        policyDefinitions = try Model.tokenDefinitions(sequences["p"] ?? [], section: "policy_definition")
        roleDefinitions = try Model.roleDefinitions(sequences["g"] ?? [])
        effects = try Model.effects(sequences["e"] ?? [])
        matchers = try Model.matchers(sequences["m"] ?? [], roles: roleDefinitions)
    }

    private static func tokenDefinitions(_ entries: [ConfigEntry], section: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for entry in entries {
            let tokens = entry.value.split(separator: ",", omittingEmptySubsequences: false).map(\.trimmed)
            for token in tokens {
                let scalars = Array(token.unicodeScalars)
                guard let first = scalars.first, first.isIdentifierStart, scalars.allSatisfy(\.isIdentifierPart) else {
                    throw CasbinError(
                        .model, "line \(entry.line): [\(section)] \(entry.key) has an invalid token '\(token)'")
                }
            }
            if let duplicate = tokens.first(where: { token in tokens.filter { $0 == token }.count > 1 }) {
                throw CasbinError(
                    .model, "line \(entry.line): [\(section)] \(entry.key) repeats the token '\(duplicate)'")
            }
            result[entry.key] = tokens
        }
        return result
    }

    private static func roleDefinitions(_ entries: [ConfigEntry]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for entry in entries {
            guard !entry.value.contains("(") else {
                throw CasbinError(
                    .model, "line \(entry.line): [role_definition] \(entry.key): conditional roles are not supported")
            }
            let arity = entry.value.filter { $0 == "_" }.count
            guard arity == 2 || arity == 3 else {
                throw CasbinError(
                    .model,
                    "line \(entry.line): [role_definition] \(entry.key) must be '_, _' or '_, _, _', got '\(entry.value)'"
                )
            }
            result[entry.key] = arity
        }
        return result
    }

    private static func effects(_ entries: [ConfigEntry]) throws -> [String: PolicyEffect] {
        var result: [String: PolicyEffect] = [:]
        for entry in entries {
            guard let effect = PolicyEffect(expression: entry.value) else {
                let supported = PolicyEffect.allCases.map(\.rawValue).joined(separator: " | ")
                throw CasbinError(
                    .model,
                    "line \(entry.line): [policy_effect] \(entry.key): unsupported effect '\(entry.value)' "
                        + "(supported: \(supported))")
            }
            result[entry.key] = effect
        }
        return result
    }

    private static func matchers(_ entries: [ConfigEntry], roles: [String: Int]) throws -> [String: Matcher] {
        var result: [String: Matcher] = [:]
        for entry in entries {
            let context = "line \(entry.line): [matchers] \(entry.key)"
            let expression: Expression
            do {
                expression = try Parser.parse(entry.value)
                try validateCalls(in: expression, roles: roles)
            } catch let error as CasbinError {
                throw error.prefixed(context)
            }
            result[entry.key] = Matcher(
                key: entry.key, source: entry.value, expression: expression,
                usesEval: expression.calls.contains { $0.name == "eval" })
        }
        return result
    }

    /// Checks that every called function exists and gets a valid number of arguments.
    static func validateCalls(in expression: Expression, roles: [String: Int]) throws {
        for (name, arity) in expression.calls {
            let expected: ClosedRange<Int>
            if name == "eval" {
                expected = 1...1
            } else if roles[name] != nil {
                expected = 2...3
            } else if let builtin = BuiltinFunctions.arity(of: name) {
                expected = builtin...builtin
            } else {
                let known = (BuiltinFunctions.names + roles.keys.sorted() + ["eval"]).joined(separator: ", ")
                throw CasbinError(.unknownFunction, "unknown function '\(name)' (known: \(known))")
            }
            guard expected.contains(arity) else {
                let count =
                    expected.count == 1 ? "\(expected.lowerBound)" : "\(expected.lowerBound)-\(expected.upperBound)"
                throw CasbinError(.arity, "\(name) expects \(count) arguments, got \(arity)")
            }
        }
    }
}

/// Reads a UTF-8 text file or throws an `.io` error naming the path.
func readText(_ path: String) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw CasbinError(.io, "cannot read '\(path)': \(error.localizedDescription)")
    }
}
