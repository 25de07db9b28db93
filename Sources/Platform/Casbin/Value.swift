import Base

/// A dynamically typed value flowing through matcher expressions.
///
/// Requests carry `Value`s (plain strings for RBAC, numbers for BLP/Biba levels,
/// objects for ABAC attributes); policy fields are always `.string`. The
/// operators follow Python semantics, because pycasbin is the reference
/// implementation: booleans behave as the numbers 0 and 1, `==` never fails,
/// and ordering across unrelated types is an error.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Value])
    case object([String: Value])
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }

    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension Value {
    /// The value of a JSON value (a request read from JSON): numbers of either kind become
    /// ``number(_:)``, arrays ``list(_:)``.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .number(Double(number))
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(Value.init))
        case .object(let fields): self = .object(fields.dictionary.mapValues(Value.init))
        }
    }
}

extension Value: CustomStringConvertible {
    /// A deterministic, JSON-like rendering (object keys sorted) for reports and errors.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return Value.format(number)
        case .string(let text): return JSONWriter.quoted(text)
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let fields):
            let body = fields.keys.sorted().map { key in
                JSONWriter.quoted(key) + ": " + (fields[key] ?? .null).description
            }
            return "{" + body.joined(separator: ", ") + "}"
        }
    }

    /// The text Python's `str()` would give for the value (strings unquoted).
    public var plainText: String {
        switch self {
        case .string(let text): return text
        case .bool(let flag): return flag ? "True" : "False"
        case .null: return "None"
        default: return description
        }
    }

    static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 {
            return String(Int64(number))
        }
        return String(number)
    }
}

// MARK: - Python-like semantics used by the evaluator

extension Value {
    /// Python truthiness: `False`, `0`, `""`, empty containers and `None` are false.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .list(let items): return !items.isEmpty
        case .object(let fields): return !fields.isEmpty
        }
    }

    /// Numbers and booleans (Python's `bool` is an `int`) as a `Double`.
    var numeric: Double? {
        switch self {
        case .number(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .object: return "object"
        }
    }

    /// Python `==`: never throws; numbers and booleans compare numerically.
    func isEqual(to other: Value) -> Bool {
        if let lhs = numeric, let rhs = other.numeric { return lhs == rhs }
        switch (self, other) {
        case (.null, .null): return true
        case (.string(let lhs), .string(let rhs)): return lhs.utf8.elementsEqual(rhs.utf8)
        case (.list(let lhs), .list(let rhs)):
            return lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.isEqual(to: $1) }
        case (.object(let lhs), .object(let rhs)):
            return lhs.count == rhs.count
                && lhs.allSatisfy { key, value in rhs[key].map { value.isEqual(to: $0) } ?? false }
        default: return false
        }
    }

    /// Python ordering: numbers numerically, strings by code point, lists lexicographically.
    func compare(to other: Value) throws -> ComparisonResultSign {
        if let lhs = numeric, let rhs = other.numeric {
            return lhs < rhs ? .less : (lhs > rhs ? .greater : .equal)
        }
        switch (self, other) {
        case (.string(let lhs), .string(let rhs)):
            // UTF-8 byte order is code point order, which is how Python orders strings.
            if lhs.utf8.elementsEqual(rhs.utf8) { return .equal }
            return lhs.utf8.lexicographicallyPrecedes(rhs.utf8) ? .less : .greater
        case (.list(let lhs), .list(let rhs)):
            for (left, right) in zip(lhs, rhs) where !left.isEqual(to: right) {
                return try left.compare(to: right)
            }
            return lhs.count < rhs.count ? .less : (lhs.count > rhs.count ? .greater : .equal)
        default:
            throw CasbinError(.evaluation, "cannot order \(typeName) \(self) against \(other.typeName) \(other)")
        }
    }

    /// Python `needle in self`: list membership, substring test, or object key test.
    func contains(_ needle: Value) throws -> Bool {
        switch self {
        case .list(let items):
            return items.contains { $0.isEqual(to: needle) }
        case .string(let text):
            guard case .string(let part) = needle else {
                throw CasbinError(.evaluation, "'in <string>' requires a string on the left, got \(needle.typeName)")
            }
            return ScalarText(text).firstIndex(of: ScalarText(part)) != nil
        case .object(let fields):
            guard case .string(let key) = needle else { return false }
            return fields[key] != nil
        default:
            throw CasbinError(.evaluation, "'in' needs a list, string or object on the right, got \(typeName)")
        }
    }
}

/// Three-way comparison outcome.
enum ComparisonResultSign: Sendable {
    case less, equal, greater
}
