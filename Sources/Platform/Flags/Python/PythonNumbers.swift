extension Python {
    /// `int(text)`: surrounding whitespace, a sign, Unicode decimal digits and
    /// single underscores between digits are accepted. `nil` where Python
    /// raises `ValueError`.
    static func int(_ text: String) -> PythonInt? {
        guard var ascii = asciiNumeral(text) else { return nil }
        var negative = false
        if let sign = ascii.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            ascii.removeFirst()
        }
        guard let digits = removingDigitSeparators(ascii), !digits.isEmpty,
              digits.allSatisfy(\.isASCIIDigit)
        else { return nil }
        return PythonInt(decimal: (negative ? "-" : "") + digits)
    }

    /// `float(text)`: like ``int(_:)`` plus a fraction, an exponent, and the
    /// case-insensitive words `inf`, `infinity` and `nan`. `nil` where Python
    /// raises `ValueError`.
    static func float(_ text: String) -> Double? {
        guard var ascii = asciiNumeral(text) else { return nil }
        var sign = ""
        if let first = ascii.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            ascii.removeFirst()
        }
        switch ascii.lowercased() {
        case "inf", "infinity": return sign.isEmpty ? .infinity : -.infinity
        case "nan": return .nan
        default: break
        }
        guard let body = removingDigitSeparators(ascii) else { return nil }

        let exponentSplit = body.split(omittingEmptySubsequences: false) { $0 == "e" || $0 == "E" }
        guard exponentSplit.count <= 2 else { return nil }
        var exponent = "0"
        if exponentSplit.count == 2 {
            var exponentText = exponentSplit[1]
            var exponentSign = ""
            if let first = exponentText.first, first == "+" || first == "-" {
                exponentSign = first == "-" ? "-" : ""
                exponentText = exponentText.dropFirst()
            }
            guard !exponentText.isEmpty, exponentText.allSatisfy(\.isASCIIDigit) else { return nil }
            exponent = exponentSign + exponentText
        }
        let mantissa = exponentSplit[0].split(separator: ".", omittingEmptySubsequences: false)
        guard mantissa.count <= 2 else { return nil }
        let whole = mantissa[0]
        let fraction = mantissa.count == 2 ? mantissa[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
              whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit)
        else { return nil }
        return Double("\(sign)\(whole.isEmpty ? "0" : whole).\(fraction.isEmpty ? "0" : fraction)e\(exponent)")
    }

    /// `dividend % divisor` on floats: the result takes the divisor's sign.
    /// `nil` for a zero divisor, where Python raises `ZeroDivisionError`.
    static func floatModulo(_ dividend: Double, _ divisor: Double) -> Double? {
        guard divisor != 0 else { return nil }
        var remainder = dividend.truncatingRemainder(dividingBy: divisor)
        if remainder == 0 {
            return Double(signOf: divisor, magnitudeOf: 0)
        }
        if (divisor < 0) != (remainder < 0) {
            remainder += divisor
        }
        return remainder
    }

    /// Maps Unicode decimal digits to ASCII and trims Unicode whitespace, as
    /// CPython does before parsing a number; `nil` if other non-ASCII remains.
    private static func asciiNumeral(_ text: String) -> String? {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                result.append(scalar)
            } else if scalar.properties.numericType == .decimal,
                      let value = scalar.properties.numericValue {
                result.append(Unicode.Scalar(UInt8(ascii: "0") + UInt8(value)))
            } else if scalar.properties.isWhitespace {
                result.append(" ")
            } else {
                return nil
            }
        }
        let isSpace: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace }
        guard let start = result.firstIndex(where: { !isSpace($0) }),
              let end = result.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(result[start...end])
    }

    /// Removes underscores that sit between two digits; `nil` for any other underscore.
    private static func removingDigitSeparators(_ text: String) -> String? {
        let characters = Array(text)
        var result = ""
        for (index, character) in characters.enumerated() {
            guard character == "_" else {
                result.append(character)
                continue
            }
            guard index > 0, index + 1 < characters.count,
                  characters[index - 1].isASCIIDigit, characters[index + 1].isASCIIDigit
            else { return nil }
        }
        return result
    }
}

extension Character {
    /// Whether the character is one of `0`...`9`.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
