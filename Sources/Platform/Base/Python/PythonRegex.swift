import Synchronization

/// Python's `re.match` on Swift's `Regex`: the platform's one translator of Python regular
/// expressions, for the two engines whose reference implementations are Python — Casbin
/// (`regexMatch`, and the captures of `keyMatch4` and `keyGet3`) and Flagsmith (the `REGEX`
/// condition operator).
///
/// Patterns are rewritten where Python's `re` syntax means something else in Swift's
/// (``translate(_:)``), then matched at the start of the subject over Unicode scalars, as
/// Python matches a `str`, with word boundaries defined by `\w` as Python defines them.
///
/// Written by hand: no package we use speaks Python's regular-expression dialect, and
/// Foundation's `NSRegularExpression` (ICU) differs from it in as many places as Swift's.
///
/// ```swift
/// try PythonRegex.match("(?P<id>[0-9]+)/(x)?", "42/")   // ["42", nil]
/// try PythonRegex.matches("(?i)^ADMIN$", "admin\n")     // true (Python's `$`)
/// ```
public enum PythonRegex {
    /// A pattern Python's `re` would accept that Swift's `Regex` does not, or that neither does.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The pattern as written.
        public var pattern: String
        public var description: String { "invalid regular expression `\(pattern)`" }
    }

    /// Python's `re.match(pattern, text)`: the capture groups (`nil` for a group that did
    /// not participate) when the pattern matches at the start of `text`, else `nil`.
    /// - Throws: ``SyntaxError`` when the pattern does not compile (Python's `re.error`).
    public static func match(_ pattern: String, _ text: String) throws(SyntaxError) -> [String?]? {
        let regex = try compiled(pattern)
        guard let result = text.prefixMatch(of: regex.value) else { return nil }
        return result.output.dropFirst().map { $0.substring.map(String.init) }
    }

    /// Python's `re.match(pattern, text) is not None`.
    /// - Throws: ``SyntaxError`` when the pattern does not compile (Python's `re.error`).
    public static func matches(_ pattern: String, _ text: String) throws(SyntaxError) -> Bool {
        try text.prefixMatch(of: compiled(pattern).value) != nil
    }

    // MARK: Compiling

    /// A compiled expression, shareable between threads.
    ///
    /// `Regex` is not declared `Sendable` (its output type need not be), but its compiled
    /// program is immutable once built and built under an atomic compare-and-swap, so
    /// concurrent matches against one value are safe.
    private struct Compiled: @unchecked Sendable {  // a compiled `Regex` is immutable; matching never changes it
        let value: Regex<AnyRegexOutput>
    }

    /// Compiled expressions by pattern: policies and flag definitions repeat a few patterns
    /// on every decision. Emptied when it reaches ``cacheLimit`` entries, so patterns sent
    /// by callers cannot grow it without bound.
    private static let cache = Mutex<[String: Compiled]>([:])
    private static let cacheLimit = 512

    private static func compiled(_ pattern: String) throws(SyntaxError) -> Compiled {
        if let cached = cache.withLock({ $0[pattern] }) { return cached }
        let translated = translate(pattern)
        let compiled: Compiled
        do {
            let regex = try Regex(translated.isEmpty ? "(?:)" : translated)
            compiled = Compiled(value: regex.matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple))
        } catch {
            throw SyntaxError(pattern: pattern)
        }
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll() }
            cache[pattern] = compiled
        }
        return compiled
    }

    // MARK: Translating

    /// Rewrites the places where Python's `re` syntax means something else in Swift's:
    /// - leading global flags such as `(?iu)` stay, without `u` (Unicode matching is
    ///   Python's default for `str`); `a` (ASCII) becomes Swift's `DSWP`;
    /// - `\Z` is the very end in Python (`\z` in Swift);
    /// - without the multiline flag, `$` also matches before a final newline;
    /// - `\w` is a letter, a number or `_` (no combining marks) and `\d` a decimal digit,
    ///   unless the flags say `a`;
    /// - a `{` that does not start a valid `{m}`, `{m,}`, `{,n}` or `{m,n}` repetition,
    ///   and every `}` outside one (and every `]` outside a class), is a literal; `{,n}` is
    ///   written `{0,n}`;
    /// - `(?P<name>…)` and `(?P=name)` become `(?<name>…)` and `\k<name>`;
    /// - inside `[...]` a leading `]` is a literal, and every ASCII character but a letter,
    ///   a digit and `-` is escaped (Swift would read `[`, `&&`, `~~`, `--`, and spaces under
    ///   `(?x)`, as set syntax).
    public static func translate(_ pattern: String) -> String {
        var source = Array(pattern.unicodeScalars)
        let flags = leadingFlags(&source)
        let isASCII = flags.contains("a")
        let isMultiline = flags.contains("m") || hasScopedMultilineFlag(source)
        var output = flags.isEmpty ? "" : "(?" + flags.map { $0 == "a" ? "DSWP" : String($0) }.joined() + ")"
        var index = 0
        var inClass = false
        var classOpenedAt = 0

        while index < source.count {
            let scalar = source[index]
            if scalar == "\\" {
                guard index + 1 < source.count else {
                    output += "\\"
                    index += 1
                    continue
                }
                output += escape(source[index + 1], inClass: inClass, isASCII: isASCII)
                index += 2
                continue
            }
            if inClass {
                if scalar == "]", index > classOpenedAt {
                    inClass = false
                    output += "]"
                } else if scalar == "-" || scalar.value > 0x7F || isASCIILetterOrDigit(scalar) {
                    output.unicodeScalars.append(scalar)
                } else {
                    output += "\\" + String(scalar)
                }
                index += 1
                continue
            }
            switch scalar {
            case "[":
                inClass = true
                output += "["
                index += 1
                if index < source.count, source[index] == "^" {
                    output += "^"
                    index += 1
                }
                classOpenedAt = index
            case "{":
                if let (quantifier, next) = quantifier(in: source, at: index) {
                    output += quantifier
                    index = next
                } else {
                    output += "\\{"
                    index += 1
                }
            case "}", "]":
                output += "\\" + String(scalar)
                index += 1
            case "(" where source[index...].starts(with: "(?P<".unicodeScalars):
                output += "(?<"
                index += 4
            case "(" where source[index...].starts(with: "(?P=".unicodeScalars):
                guard let close = source[index...].firstIndex(of: ")") else {
                    output.unicodeScalars.append(scalar)
                    index += 1
                    break
                }
                output += "\\k<" + String(String.UnicodeScalarView(source[(index + 4)..<close])) + ">"
                index = close + 1
            case "$" where !isMultiline:
                output += "(?=\\n?\\z)"
                index += 1
            default:
                output.unicodeScalars.append(scalar)
                index += 1
            }
        }
        return output
    }

    /// Python's Unicode `\w`: `str.isalnum()` characters and `_`.
    private static let wordCharacters = "\\p{L}\\p{N}_"

    /// The Swift form of the escape `\` + `escaped`.
    private static func escape(_ escaped: Unicode.Scalar, inClass: Bool, isASCII: Bool) -> String {
        switch escaped {
        case "Z" where !inClass: "\\z"
        case "w" where !isASCII: inClass ? wordCharacters : "[\(wordCharacters)]"
        case "W" where !isASCII: "[^\(wordCharacters)]"
        case "d" where !isASCII: "\\p{Nd}"
        case "D" where !isASCII: "\\P{Nd}"
        default: "\\" + String(escaped)
        }
    }

    private static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// A Python repetition `{m}`, `{m,}`, `{,n}` or `{m,n}` starting at `start`, in
    /// Swift's form, and the index after it.
    private static func quantifier(in source: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        var index = start + 1
        func digits() -> String {
            var text = ""
            while index < source.count, ("0"..."9").contains(source[index]) {
                text.unicodeScalars.append(source[index])
                index += 1
            }
            return text
        }
        let lower = digits()
        var upper: String?
        if index < source.count, source[index] == "," {
            index += 1
            upper = digits()
        }
        guard index < source.count, source[index] == "}", !(lower.isEmpty && upper == nil) else { return nil }
        let minimum = lower.isEmpty ? "0" : lower
        let text = upper.map { "{\(minimum),\($0)}" } ?? "{\(minimum)}"
        return (text, index + 1)
    }

    /// Removes a leading global flag group such as `(?iu)` and returns its
    /// flags, without `u` (Unicode matching, Python's default for `str`).
    private static func leadingFlags(_ scalars: inout [Unicode.Scalar]) -> [Character] {
        guard scalars.starts(with: ["(", "?"]) else { return [] }
        var end = 2
        while end < scalars.count, scalars[end].properties.isAlphabetic {
            end += 1
        }
        guard end > 2, end < scalars.count, scalars[end] == ")" else { return [] }
        let flags = scalars[2..<end].map(Character.init).filter { $0 != "u" }
        scalars.removeSubrange(0...end)
        return flags
    }

    /// Whether a scoped flag group such as `(?m:...)` turns on multiline mode.
    private static func hasScopedMultilineFlag(_ scalars: [Unicode.Scalar]) -> Bool {
        var index = 0
        while index + 1 < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "(", scalars[index + 1] == "?" else { continue }
            var flags = index + 2
            while flags < scalars.count, scalars[flags].properties.isAlphabetic {
                if scalars[flags] == "m" { return true }
                flags += 1
            }
        }
        return false
    }
}
