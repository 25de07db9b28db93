/// An arbitrary-size integer, as Python's `int`. The engine only compares,
/// prints and converts such values, so they are kept as decimal digits.
struct PythonInt: Comparable, CustomStringConvertible {
    private let isNegative: Bool
    /// Decimal digits without leading zeros; `"0"` for zero.
    private let magnitude: String

    init(_ value: Int) {
        isNegative = value < 0
        magnitude = String(value.magnitude)
    }

    /// Parses an optionally negative run of ASCII digits (leading zeros allowed).
    init?(decimal text: String) {
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        magnitude = trimmed.isEmpty ? "0" : String(trimmed)
        isNegative = negative && magnitude != "0"
    }

    /// Python's `str(int)`.
    var description: String { (isNegative ? "-" : "") + magnitude }

    /// Python's `float(int)`, correctly rounded; `nil` where Python raises `OverflowError`.
    var doubleValue: Double? {
        Double(description).flatMap { $0.isFinite ? $0 : nil }
    }

    static func < (lhs: PythonInt, rhs: PythonInt) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeLess = lhs.magnitude.count != rhs.magnitude.count
            ? lhs.magnitude.count < rhs.magnitude.count
            : lhs.magnitude < rhs.magnitude
        let magnitudeEqual = lhs.magnitude == rhs.magnitude
        return lhs.isNegative ? !magnitudeLess && !magnitudeEqual : magnitudeLess
    }
}
