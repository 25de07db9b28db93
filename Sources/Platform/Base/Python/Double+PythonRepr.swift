extension Double {
    /// Python's `repr(float)`: the shortest round-tripping digits, in positional notation
    /// for decimal exponents from -4 to 15 and in scientific notation otherwise
    /// (`1.0`, `0.0001`, `1e-05`, `1e+16`, `nan`, `inf`).
    ///
    /// The JSON writer's ``JSONStyle/python`` numbers and the Flagsmith engine's `str()` of
    /// a float both use it.
    public var pythonRepr: String {
        if isNaN { return "nan" }
        if isInfinite { return self < 0 ? "-inf" : "inf" }

        // Swift's description also yields the shortest round-tripping digits;
        // only the layout differs from Python's.
        var text = Substring(description)
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
}
