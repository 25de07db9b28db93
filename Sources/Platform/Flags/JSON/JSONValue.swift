/// A JSON document node.
///
/// Numbers keep the distinction the Python engine sees: a literal without a
/// fraction or exponent is an ``int(_:)``, anything else a ``double(_:)``.
/// Objects keep their member order (see ``OrderedMap``), but equality between
/// JSON values ignores member order, as JSON semantics do.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(OrderedMap<JSONValue>)

    /// The member `key` of an object, or `nil` for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self {
            return members[key]
        }
        return nil
    }

    /// Python truthiness: `null`, `false`, zero, and empty strings, arrays and
    /// objects are falsy. The engine uses it wherever the reference writes `if value:`.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .array(let values): !values.isEmpty
        case .object(let members): !members.isEmpty
        }
    }

    /// The value if it is truthy (see ``isTruthy``), else `nil`.
    public var ifTruthy: JSONValue? { isTruthy ? self : nil }

    /// A short name of the value's JSON type, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: Equatable {
    /// Structural equality; object member order is ignored, and an integer
    /// never equals a double (so `1` and `1.0` differ).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.double(a), .double(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && a.allSatisfy { key, value in b[key] == value }
        default: false
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON with sorted object keys.
    public var description: String { serialized() }
}

// No `ExpressibleByNilLiteral`: it would make `nil` ambiguous in `JSONValue?`
// contexts; write `.null` for JSON null.
extension JSONValue: ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(OrderedMap(elements))
    }
}
