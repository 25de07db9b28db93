import Base

/// A user/role or domain name matcher for role definitions (`AddNamedMatchingFunc`):
/// returns whether `name` matches `pattern`. A thrown error counts as "no match".
public typealias MatchingFunction = @Sendable (_ name: String, _ pattern: String) throws -> Bool

/// The functions a matcher can call, with pycasbin's semantics
/// (`casbin/util/builtin_operators.py`).
public enum BuiltinFunctions {
    private struct Entry: Sendable {
        let arity: Int
        let body: @Sendable ([String]) throws -> Value
    }

    private static let table: [String: Entry] = [
        "keyMatch": Entry(arity: 2) { .bool(keyMatch($0[0], $0[1])) },
        "keyGet": Entry(arity: 2) { .string(keyGet($0[0], $0[1])) },
        "keyMatch2": Entry(arity: 2) { .bool(try keyMatch2($0[0], $0[1])) },
        "keyGet2": Entry(arity: 3) { .string(try keyGet2($0[0], $0[1], pathVariable: $0[2])) },
        "keyMatch3": Entry(arity: 2) { .bool(try keyMatch3($0[0], $0[1])) },
        "keyGet3": Entry(arity: 3) { .string(try keyGet3($0[0], $0[1], pathVariable: $0[2])) },
        "keyMatch4": Entry(arity: 2) { .bool(try keyMatch4($0[0], $0[1])) },
        "keyMatch5": Entry(arity: 2) { .bool(try keyMatch5($0[0], $0[1])) },
        "regexMatch": Entry(arity: 2) { .bool(try regexMatch($0[0], $0[1])) },
        "ipMatch": Entry(arity: 2) { .bool(try ipMatch($0[0], $0[1])) },
        "globMatch": Entry(arity: 2) { .bool(globMatch($0[0], $0[1])) },
        "timeMatch": Entry(arity: 2) { .bool(try timeMatch($0[0], $0[1])) },
    ]

    /// The names of all built-in functions, sorted.
    public static var names: [String] { table.keys.sorted() }

    /// The number of arguments the named built-in takes, or `nil` if there is no such built-in.
    public static func arity(of name: String) -> Int? { table[name]?.arity }

    /// Calls a built-in by name. All built-ins take string arguments.
    public static func call(_ name: String, _ arguments: [Value]) throws -> Value {
        guard let entry = table[name] else {
            throw CasbinError(.unknownFunction, "unknown function '\(name)'")
        }
        guard arguments.count == entry.arity else {
            throw CasbinError(.arity, "\(name) expects \(entry.arity) arguments, got \(arguments.count)")
        }
        let strings = try arguments.enumerated().map { position, argument in
            guard case .string(let text) = argument else {
                throw CasbinError(
                    .evaluation,
                    "\(name): argument \(position + 1) must be a string, got \(argument.typeName) \(argument)")
            }
            return text
        }
        return try entry.body(strings)
    }

    /// The two-argument boolean built-in usable as a role or domain matching function
    /// (`keyMatch`…`keyMatch5`, `regexMatch`, `ipMatch`, `globMatch`), or `nil`.
    public static func matchingFunction(named name: String) -> MatchingFunction? {
        guard let entry = table[name], entry.arity == 2, name != "timeMatch", name != "keyGet" else { return nil }
        return { name, pattern in try entry.body([name, pattern]) == .bool(true) }
    }

    // MARK: - keyMatch family

    /// `key1` equals `key2`, or starts with the part of `key2` before its first `*`.
    public static func keyMatch(_ key1: String, _ key2: String) -> Bool {
        let key = ScalarText(key1)
        let pattern = ScalarText(key2)
        guard let star = pattern.firstIndex(of: "*") else { return key == pattern }
        if key.count > star { return key.slice(0..<star) == pattern.slice(0..<star) }
        return key == pattern.slice(0..<star)
    }

    /// The part of `key1` matched by the `*` of `key2`, or `""`.
    public static func keyGet(_ key1: String, _ key2: String) -> String {
        let key = ScalarText(key1)
        let pattern = ScalarText(key2)
        guard let star = pattern.firstIndex(of: "*"), key.count > star,
            key.slice(0..<star) == pattern.slice(0..<star)
        else { return "" }
        return key.slice(star..<key.count).string
    }

    /// RESTful match with `:name` segments and `/*` wildcards, e.g. `/resource1` ~ `/:resource`.
    public static func keyMatch2(_ key1: String, _ key2: String) throws -> Bool {
        var pattern = PathPattern(key2).expandingSlashStar().replacingColonParameters(with: "[^\\/]+").pattern.string
        if pattern == "*" { pattern = "(.*)" }
        return try regexMatch(key1, "^" + pattern + "$")
    }

    /// The value of path variable `:pathVariable` of `key2` in `key1`, or `""`.
    public static func keyGet2(_ key1: String, _ key2: String, pathVariable: String) throws -> String {
        let (rewritten, names) = PathPattern(key2).expandingSlashStar().replacingColonParameters(with: "([^\\/]+)")
        let pattern = rewritten.string == "*" ? "(.*)" : rewritten.string
        return try capturedValue(in: key1, pattern: pattern, names: names, wanted: pathVariable)
    }

    /// RESTful match with `{name}` segments, e.g. `/resource1` ~ `/{resource}`.
    public static func keyMatch3(_ key1: String, _ key2: String) throws -> Bool {
        let pattern = PathPattern(key2).expandingSlashStar().replacingBraceParameters(lazily: true, with: "[^\\/]+")
        return try regexMatch(key1, "^" + pattern.pattern.string + "$")
    }

    /// The value of path variable `{pathVariable}` of `key2` in `key1`, or `""`.
    public static func keyGet3(_ key1: String, _ key2: String, pathVariable: String) throws -> String {
        let (rewritten, names) = PathPattern(key2).expandingSlashStar()
            .replacingBraceParameters(lazily: true, with: "([^/]+?)")
        let pattern = rewritten.string == "*" ? "(.*)" : rewritten.string
        return try capturedValue(in: key1, pattern: pattern, names: names, wanted: pathVariable)
    }

    /// Like `keyMatch3`, but repeated `{name}`s must capture the same text.
    public static func keyMatch4(_ key1: String, _ key2: String) throws -> Bool {
        let (rewritten, names) = PathPattern(key2).expandingSlashStar()
            .replacingBraceParameters(lazily: false, with: "([^/]+)")
        guard let groups = try pythonMatch("^" + rewritten.string + "$", key1) else { return false }
        guard groups.count == names.count else {
            throw CasbinError(.evaluation, "keyMatch4: number of tokens is not equal to number of values")
        }
        var seen: [String: String?] = [:]
        for (name, value) in zip(names, groups) {
            if let previous = seen[name] {
                if previous != value { return false }
            } else {
                seen[name] = value
            }
        }
        return true
    }

    /// Like `keyMatch3` with `{name}` segments, ignoring a `?query` suffix of `key1`.
    public static func keyMatch5(_ key1: String, _ key2: String) throws -> Bool {
        var key = ScalarText(key1)
        if let question = key.firstIndex(of: "?") { key = key.slice(0..<question) }
        let pattern = PathPattern(key2).expandingSlashStar().replacingBraceParameters(lazily: false, with: "[^/]+")
        return try regexMatch(key.string, "^" + pattern.pattern.string + "$")
    }

    /// Python `re.match(key2, key1)`: the regular expression matches at the start of `key1`.
    public static func regexMatch(_ key1: String, _ key2: String) throws -> Bool {
        try pythonMatch(key2, key1) != nil
    }

    /// Python's `re.match`, an invalid pattern reported as pycasbin's evaluation error.
    private static func pythonMatch(_ pattern: String, _ text: String) throws -> [String?]? {
        do { return try PythonRegex.match(pattern, text) } catch {
            throw CasbinError(.evaluation, "\(error)")
        }
    }

    private static func capturedValue(in key: String, pattern: String, names: [String], wanted: String) throws
        -> String
    {
        guard let groups = try pythonMatch("^" + pattern + "$", key) else { return "" }
        for (index, name) in names.enumerated() where name == wanted {
            return index < groups.count ? (groups[index] ?? "") : ""
        }
        return ""
    }
}

/// The pattern rewriting steps of the keyMatch family, done by scanning instead of
/// `re.sub` but producing the same text: pycasbin's `(.*?):[^\/]+(.*?)` and friends
/// replace each parameter left to right.
struct PathPattern {
    var pattern: ScalarText

    init(_ text: String) { pattern = ScalarText(text) }
    private init(_ pattern: ScalarText) { self.pattern = pattern }

    /// `key2.replace("/*", "/.*")`
    func expandingSlashStar() -> PathPattern { PathPattern(pattern.replacingAll("/*", with: "/.*")) }

    /// Replaces each `:name` (a colon and the non-`/` run after it) by `replacement`;
    /// returns the rewritten pattern and the parameter names in order.
    func replacingColonParameters(with replacement: String) -> (pattern: ScalarText, names: [String]) {
        let text = pattern.scalars
        var output: [Unicode.Scalar] = []
        var names: [String] = []
        var index = 0
        while index < text.count {
            if text[index] == ":", index + 1 < text.count, text[index + 1] != "/" {
                var end = index + 1
                while end < text.count, text[end] != "/" { end += 1 }
                names.append(ScalarText(text[(index + 1)..<end]).string)
                output += replacement.unicodeScalars
                index = end
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return (ScalarText(output), names)
    }

    /// Replaces each `{name}` (no `/` inside, at least one character) by `replacement`.
    /// `lazily` ends a parameter at the first possible `}` (regex `{[^/]+?}`), otherwise
    /// at the last `}` before the next `/` (regex `{([^/]+)}`).
    func replacingBraceParameters(lazily: Bool, with replacement: String) -> (pattern: ScalarText, names: [String]) {
        let text = pattern.scalars
        var output: [Unicode.Scalar] = []
        var names: [String] = []
        var index = 0
        while index < text.count {
            if text[index] == "{", let close = closingBrace(in: text, openedAt: index, lazily: lazily) {
                names.append(ScalarText(text[(index + 1)..<close]).string)
                output += replacement.unicodeScalars
                index = close + 1
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return (ScalarText(output), names)
    }

    private func closingBrace(in text: [Unicode.Scalar], openedAt open: Int, lazily: Bool) -> Int? {
        var runEnd = open + 1
        while runEnd < text.count, text[runEnd] != "/" { runEnd += 1 }
        guard open + 2 <= runEnd else { return nil }
        let candidates = (open + 2)..<runEnd
        return lazily ? candidates.first { text[$0] == "}" } : candidates.last { text[$0] == "}" }
    }
}
