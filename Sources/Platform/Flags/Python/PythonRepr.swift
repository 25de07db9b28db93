import Base

/// Python's built-in conversions to text, as the reference engine applies them
/// to values loaded by `json.loads`.
enum Python {
    /// `str(value)`: strings as they are, `None`, `True`/`False`, integers in
    /// decimal, floats as ``repr(_:)-(Double)``, lists and dicts as their `repr`.
    static func str(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        default: repr(value)
        }
    }

    /// `repr(value)`: like ``str(_:)`` but strings are quoted.
    static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): String(number)
        case .double(let number): repr(number)
        case .string(let text): repr(text)
        case .array(let elements): "[" + elements.map(repr).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.map { repr($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// `repr(float)` (see `Double.pythonRepr` in Base).
    static func repr(_ value: Double) -> String { value.pythonRepr }

    /// `repr(str)`: single quotes unless the text holds a single quote and no
    /// double quote, with backslash escapes for the quote, backslashes and
    /// unprintable characters.
    static func repr(_ text: String) -> String {
        let quote: Unicode.Scalar = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String.UnicodeScalarView([quote])
        for scalar in text.unicodeScalars {
            switch scalar {
            case quote, "\\": result.append(contentsOf: "\\\(scalar)".unicodeScalars)
            case "\t": result.append(contentsOf: "\\t".unicodeScalars)
            case "\n": result.append(contentsOf: "\\n".unicodeScalars)
            case "\r": result.append(contentsOf: "\\r".unicodeScalars)
            default:
                if isPrintable(scalar) {
                    result.append(scalar)
                } else {
                    result.append(contentsOf: hexEscape(scalar).unicodeScalars)
                }
            }
        }
        result.append(quote)
        return String(result)
    }

    /// Python's `str.isprintable` for one character.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hexEscape(_ scalar: Unicode.Scalar) -> String {
        let (prefix, width) = switch scalar.value {
        case ..<0x100: ("\\x", 2)
        case ..<0x10000: ("\\u", 4)
        default: ("\\U", 8)
        }
        let hex = String(scalar.value, radix: 16)
        return prefix + String(repeating: "0", count: width - hex.count) + hex
    }
}
