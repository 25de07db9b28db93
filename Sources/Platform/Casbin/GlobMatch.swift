extension BuiltinFunctions {
    /// Shell-style glob match where `*`, `?` and `[...]` never match `/` (Go's
    /// `path.Match`, as ported by pycasbin 1.43): `**` behaves like `*`, `[!…]`/`[^…]`
    /// negate a class, `\` escapes the next character. pycasbin's quirks are kept:
    /// the character right after a run of `*` is not compared unless it is `/`, so
    /// `*x` accepts any string without `/` and `*ab` behaves like `*b`.
    public static func globMatch(_ string: String, _ pattern: String) -> Bool {
        globMatch(ScalarText(string).scalars[...], ScalarText(pattern).scalars[...])
    }

    private static func globMatch(_ string: ArraySlice<Unicode.Scalar>, _ pattern: ArraySlice<Unicode.Scalar>)
        -> Bool
    {
        if pattern.isEmpty { return string.isEmpty }
        var patternIndex = pattern.startIndex
        var stringIndex = string.startIndex
        while true {
            if patternIndex == pattern.endIndex { return stringIndex == string.endIndex }
            var character = pattern[patternIndex]
            patternIndex += 1
            switch character {
            case "?":
                guard stringIndex != string.endIndex, string[stringIndex] != "/" else { return false }
                stringIndex += 1
                continue
            case "*":
                while patternIndex != pattern.endIndex, character == "*" {
                    character = pattern[patternIndex]
                    patternIndex += 1
                }
                if patternIndex == pattern.endIndex {
                    // As in pycasbin, the character consumed by the loop above is not compared:
                    // a pattern ending in "*" (or in "*" plus one character) accepts any rest without "/".
                    return string[stringIndex...].firstIndex(of: "/") == nil
                }
                if character == "/" {
                    guard let slash = string[stringIndex...].firstIndex(of: "/") else { return false }
                    stringIndex = slash + 1
                }
                while stringIndex != string.endIndex {
                    if globMatch(string[stringIndex...], pattern[patternIndex...]) { return true }
                    if string[stringIndex] == "/" { break }
                    stringIndex += 1
                }
                continue
            case "[":
                guard stringIndex != string.endIndex, string[stringIndex] != "/",
                    let next = rangeMatch(pattern, at: patternIndex, test: string[stringIndex])
                else { return false }
                patternIndex = next
                stringIndex += 1
                continue
            case "\\":
                if patternIndex != pattern.endIndex {
                    character = pattern[patternIndex]
                    patternIndex += 1
                }
            default:
                break
            }
            guard stringIndex != string.endIndex, character == string[stringIndex] else { return false }
            stringIndex += 1
        }
    }

    /// Matches `test` against the class body starting at `start` (just after `[`);
    /// returns the index after the closing `]`, or `nil` when it does not match.
    private static func rangeMatch(_ pattern: ArraySlice<Unicode.Scalar>, at start: Int, test: Unicode.Scalar)
        -> Int?
    {
        var index = start
        guard index != pattern.endIndex else { return nil }
        let negate = pattern[index] == "!" || pattern[index] == "^"
        if negate { index += 1 }
        var matched = false
        while index != pattern.endIndex {
            var low = pattern[index]
            index += 1
            if low == "]" { break }
            if low == "\\" {
                guard index != pattern.endIndex else { return nil }
                low = pattern[index]
                index += 1
            }
            if index != pattern.endIndex, pattern[index] == "-", index + 1 != pattern.endIndex,
                pattern[index + 1] != "]"
            {
                var high = pattern[index + 1]
                index += 2
                if high == "\\" {
                    guard index != pattern.endIndex else { return nil }
                    high = pattern[index]
                    index += 1
                }
                if low <= test, test <= high { matched = true }
            } else if low == test {
                matched = true
            }
        }
        return matched == negate ? nil : index
    }
}
