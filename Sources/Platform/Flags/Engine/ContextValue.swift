import Base

/// A value a condition tests, coerced as the reference engine's
/// `map_any_value_to_context_value` does. `nil` stands for Python's `None`.
enum ContextValue: Equatable {
    case string(String)
    case int(PythonInt)
    case double(Double)
    case bool(Bool)

    /// Coerces a trait or context value: strings that spell an integer or a
    /// decimal number become numbers, `null` becomes `nil`, and arrays and
    /// objects become their Python `str()`.
    init?(_ value: JSONValue) {
        switch value {
        case .null: return nil
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(PythonInt(number))
        case .double(let number): self = .double(number)
        case .string(let text): self = Self.coercing(text)
        case .array, .object: self = .string(Python.str(value))
        }
    }

    /// `-?[0-9]+` becomes an integer (of any size) and `-?[0-9]+\.[0-9]+` a
    /// double; anything else stays a string.
    static func coercing(_ text: String) -> ContextValue {
        var body = Substring(text)
        if body.hasPrefix("-") { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isNumeral = parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }
        if isNumeral, parts.count == 1, let number = PythonInt(decimal: text) {
            return .int(number)
        }
        if isNumeral, parts.count == 2, let number = Double(text) {
            return .double(number)
        }
        return .string(text)
    }

    /// Python's `str()` of the value.
    var pythonString: String {
        switch self {
        case .string(let text): text
        case .int(let number): number.description
        case .double(let number): Python.repr(number)
        case .bool(let flag): flag ? "True" : "False"
        }
    }
}
