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

    /// `repr(float)`: the shortest round-tripping digits, in positional notation
    /// for decimal exponents from -4 to 15 and in scientific notation otherwise.
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }

        // Swift's description also yields the shortest round-tripping digits;
        // only the layout differs from Python's.
        var text = Substring(value.description)
        let sign = text.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { text = text.dropFirst() }
        let exponentParts = text.split(separator: "e", maxSplits: 1)
        let mantissa = exponentParts.first ?? "0"
        let exponent = exponentParts.count > 1 ? Int(exponentParts[1]) ?? 0 : 0
        let mantissaParts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = mantissaParts.first ?? "0"
        let fractionDigits = mantissaParts.count > 1 ? mantissaParts[1] : ""

        var digits = Array(integerDigits + fractionDigits)
        var pointPosition = integerDigits.count + exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.count > 1, digits.last == "0" {
            digits.removeLast()
        }
        if digits == ["0"] { return sign + "0.0" }

        let decimalExponent = pointPosition - 1
        if (-4..<16).contains(decimalExponent) {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + String(digits)
            }
            if pointPosition >= digits.count {
                return sign + String(digits) + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            return sign + String(digits[..<pointPosition]) + "." + String(digits[pointPosition...])
        }
        let fraction = digits.count > 1 ? "." + String(digits.dropFirst()) : ""
        let magnitude = abs(decimalExponent)
        let exponentText = (decimalExponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        return sign + String(digits[0]) + fraction + "e" + exponentText
    }

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
