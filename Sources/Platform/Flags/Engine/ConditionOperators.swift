import Base

/// The semantics of each condition operator, following the reference
/// engine's `context_matches_condition` and its matchers, including Python's
/// type coercions. Where the reference raises an uncaught exception (an
/// invalid regex, a zero modulo divisor, an operand of the wrong type), the
/// condition does not match.
enum ConditionOperators {
    /// Whether `contextValue` (`nil` for an absent value) satisfies the
    /// condition `op` with operand `operand`, for a condition of segment `segmentKey`.
    static func matches(
        _ op: ConditionOperator, operand: JSONValue, contextValue: ContextValue?, segmentKey: String
    ) -> Bool {
        switch op {
        case .isSet: return contextValue != nil
        case .isNotSet: return contextValue == nil
        case .in: return contextValue.map { matchesIn(operand: operand, contextValue: $0) } ?? false
        case .percentageSplit:
            guard let contextValue, let threshold = floatCast(operand) else { return false }
            return PercentageHash.percentage(for: [segmentKey, contextValue.pythonString]) <= threshold
        default:
            guard let contextValue else { return false }
            return matchesValue(op, operand: operand, contextValue: contextValue)
        }
    }

    private static func matchesValue(_ op: ConditionOperator, operand: JSONValue, contextValue: ContextValue) -> Bool {
        switch op {
        case .notContains:
            guard case .string(let text) = contextValue else { return false }
            return !text.containsScalars(Python.str(operand))
        case .regex:
            return (try? PythonRegex.matches(Python.str(operand), contextValue.pythonString)) ?? false
        case .modulo:
            return matchesModulo(operand: operand, contextValue: contextValue)
        case .equal, .notEqual, .greaterThan, .greaterThanInclusive, .lessThan, .lessThanInclusive, .contains:
            return compare(op, operand: operand, contextValue: contextValue)
        case .in, .percentageSplit, .isSet, .isNotSet, .other:
            return false
        }
    }

    // MARK: - IN

    /// Only strings and integers (compared as their decimal text) can be in the list.
    private static func matchesIn(operand: JSONValue, contextValue: ContextValue) -> Bool {
        let candidate: String
        switch contextValue {
        case .string(let text): candidate = text
        case .int(let number): candidate = number.description
        case .double, .bool: return false
        }
        return inValues(operand).contains { $0.scalarsEqual(candidate) }
    }

    /// A list operand's elements as strings; a string operand is read as a
    /// JSON array when it starts with `[` and parses, and is split on commas otherwise.
    private static func inValues(_ operand: JSONValue) -> [String] {
        switch operand {
        case .array(let elements):
            return elements.map(Python.str)
        case .string(let text):
            if text.hasPrefix("["), case .array(let elements)? = try? JSONValue.parse(text, allowNonFiniteNumbers: true) {
                return elements.map(Python.str)
            }
            return text.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map {
                String(String.UnicodeScalarView($0))
            }
        default:
            return []
        }
    }

    // MARK: - MODULO

    /// `"divisor|remainder"`: the number modulo the divisor (Python float
    /// modulo) equals the remainder.
    private static func matchesModulo(operand: JSONValue, contextValue: ContextValue) -> Bool {
        let dividend: Double
        switch contextValue {
        case .int(let number):
            guard let value = number.doubleValue else { return false }
            dividend = value
        case .double(let number): dividend = number
        case .bool(let flag): dividend = flag ? 1 : 0
        case .string: return false
        }
        guard case .string(let text) = operand else { return false }
        let parts = text.unicodeScalars.split(separator: "|", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
        guard parts.count == 2,
              let divisor = Python.float(parts[0]), let remainder = Python.float(parts[1]),
              let modulo = Python.floatModulo(dividend, divisor)
        else { return false }
        return modulo == remainder
    }

    // MARK: - Typed comparisons

    /// The operand is cast to the context value's type (`int()`, `float()`,
    /// `str()`, or `"False"`/`"false"` for false), or compared as a semantic
    /// version when it ends in `:semver` and the context value is a string.
    private static func compare(_ op: ConditionOperator, operand: JSONValue, contextValue: ContextValue) -> Bool {
        switch contextValue {
        case .string(let text):
            if let version = semverOperand(operand) {
                return compareVersions(op, text, version)
            }
            switch operand {
            case .int, .double, .bool, .object: return false  // `is_semver` raises TypeError
            case .null, .string, .array: break
            }
            let operandText = Python.str(operand)
            if op == .contains { return text.containsScalars(operandText) }
            return ordered(op, CodePoints(text), CodePoints(operandText))
        case .bool(let flag):
            let operandFlag = if case .string(let operandText) = operand,
                operandText.scalarsEqual("False") || operandText.scalarsEqual("false") { false } else { true }
            return op != .contains && ordered(op, flag ? 1 : 0, operandFlag ? 1 : 0)
        case .int(let number):
            guard op != .contains, let operandNumber = intCast(operand) else { return false }
            return ordered(op, number, operandNumber)
        case .double(let number):
            guard op != .contains, let operandNumber = floatCast(operand) else { return false }
            return ordered(op, number, operandNumber)
        }
    }

    /// The version text of an operand like `"1.2.3:semver"`, without the suffix.
    private static func semverOperand(_ operand: JSONValue) -> String? {
        let suffix = ":semver".unicodeScalars
        guard case .string(let text) = operand, text.unicodeScalars.reversed().starts(with: suffix.reversed())
        else { return nil }
        return String(String.UnicodeScalarView(text.unicodeScalars.dropLast(suffix.count)))
    }

    /// Compares a context string parsed as a version with the operand's version.
    /// `CONTAINS` asks whether the operand is the version's prerelease or build
    /// part, which is what Python's `in` does on a `semver.Version`.
    private static func compareVersions(_ op: ConditionOperator, _ text: String, _ operandText: String) -> Bool {
        guard let version = SemanticVersion(text) else { return false }
        if op == .contains {
            return [version.prerelease, version.build].contains { $0?.scalarsEqual(operandText) == true }
        }
        guard let operandVersion = SemanticVersion(operandText) else { return false }
        return ordered(op, version, operandVersion)
    }

    private static func ordered<T: Comparable>(_ op: ConditionOperator, _ lhs: T, _ rhs: T) -> Bool {
        switch op {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .greaterThan: lhs > rhs
        case .greaterThanInclusive: lhs >= rhs
        case .lessThan: lhs < rhs
        case .lessThanInclusive: lhs <= rhs
        default: false
        }
    }

    /// Python's `int(operand)`; `nil` where it raises.
    private static func intCast(_ operand: JSONValue) -> PythonInt? {
        switch operand {
        case .string(let text): Python.int(text)
        case .int(let number): PythonInt(number)
        case .bool(let flag): PythonInt(flag ? 1 : 0)
        case .double(let number): Int(exactly: number.rounded(.towardZero)).map(PythonInt.init)
        case .null, .array, .object: nil
        }
    }

    /// Python's `float(operand)`; `nil` where it raises.
    private static func floatCast(_ operand: JSONValue) -> Double? {
        switch operand {
        case .string(let text): Python.float(text)
        case .int(let number): Double(number)
        case .bool(let flag): flag ? 1 : 0
        case .double(let number): number
        case .null, .array, .object: nil
        }
    }
}
