extension Python {
    /// Python's `re.match(pattern, subject) is not None`: the pattern must
    /// match at the start of the subject, over Unicode scalars. `nil` if the
    /// pattern does not compile (where Python raises `re.error`).
    static func reMatch(pattern: String, subject: String) -> Bool? {
        guard let regex = try? Regex(swiftPattern(pattern)).matchingSemantics(.unicodeScalar) else { return nil }
        return subject.prefixMatch(of: regex) != nil
    }

    /// Rewrites the places where Python's `re` syntax means something else in
    /// Swift's regex syntax:
    /// - `\Z` is the very end in Python (`\z` in Swift);
    /// - without the multiline flag, `$` also matches before a final newline;
    /// - `\w` is a letter, a number or `_` (no combining marks) and `\d` a
    ///   decimal digit, unless the leading flags say `a` (ASCII); the `u` flag
    ///   is the default;
    /// - in a character class, a leading `]` and any `[`, `&` or `~` are literals.
    static func swiftPattern(_ pattern: String) -> String {
        var scalars = Array(pattern.unicodeScalars)
        let flags = leadingFlags(&scalars)
        let isASCII = flags.contains("a")
        let isMultiline = flags.contains("m") || hasScopedMultilineFlag(scalars)
        var result = flags.isEmpty ? "" : "(?" + flags.map { $0 == "a" ? "DSWP" : String($0) }.joined() + ")"
        var index = 0
        var inClass = false
        var atClassStart = false
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\\", index < scalars.count {
                let escaped = scalars[index]
                index += 1
                switch escaped {
                case "Z" where !inClass: result += "\\z"
                case "w" where !isASCII: result += inClass ? wordCharacters : "[\(wordCharacters)]"
                case "W" where !isASCII: result += "[^\(wordCharacters)]"
                case "d" where !isASCII: result += "\\p{Nd}"
                case "D" where !isASCII: result += "\\P{Nd}"
                default: result += "\\\(escaped)"
                }
                atClassStart = false
                continue
            }
            if inClass {
                switch scalar {
                case "]" where !atClassStart: inClass = false; result += "]"
                case "]", "[", "&", "~": result += "\\\(scalar)"
                default: result.unicodeScalars.append(scalar)
                }
                atClassStart = false
            } else if scalar == "[" {
                inClass = true
                atClassStart = true
                result += "["
                if index < scalars.count, scalars[index] == "^" {
                    result += "^"
                    index += 1
                }
            } else if scalar == "$", !isMultiline {
                result += "(?=\\n?\\z)"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Python's Unicode `\w`: `str.isalnum()` characters and `_`.
    private static let wordCharacters = "\\p{L}\\p{N}_"

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
