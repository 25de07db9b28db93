/// A JSON value: the platform's one type for JSON whose shape is not a Swift struct.
///
/// It serves every module: the Flagsmith engine (which needs what Python's `json` module
/// sees), the Platform API's bodies, token claims, the provider wire types' free-form
/// fields (tool schemas, `tool_choice`), and the Lab's reports.
///
/// - Numbers keep the distinction Python sees: a literal without a fraction or exponent is
///   an ``int(_:)``, anything else a ``double(_:)``; ``numberValue`` reads either.
/// - Objects keep their member order (``OrderedMap``), but equality and hashing ignore it,
///   as JSON semantics do; an integer never equals a double (`1` and `1.0` differ).
///
/// Text comes in through one parser (``parse(_:allowNonFiniteNumbers:)``, which keeps
/// member order and the integer/double distinction) or through `Codable` (so a value can
/// sit inside a `Codable` struct), and goes out through one writer
/// (``serialized(_:)``, with a ``JSONStyle``) or through `Codable`.
///
/// ```swift
/// let body = try JSONValue.parse(#"{"limit": 60, "ratio": 0.5}"#)
/// body["limit"]?.integerValue      // 60
/// body.serialized()                // {"limit": 60, "ratio": 0.5}
/// ```
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(OrderedMap<JSONValue>)

    /// An object from a dictionary, its members ordered by key: a dictionary has no order
    /// of its own, and this keeps every value built from one deterministic.
    public static func object(_ members: [String: JSONValue]) -> JSONValue {
        .object(OrderedMap(sortingKeysOf: members))
    }

    /// A double rounded to `decimals` places, for figures printed for people (scores,
    /// timings); `null` if it is not finite.
    public static func double(_ value: Double, decimals: Int) -> JSONValue {
        guard value.isFinite else { return .null }
        var scale = 1.0
        for _ in 0..<max(decimals, 0) { scale *= 10 }
        return .double((value * scale).rounded() / scale)
    }

    /// The member `key` of an object, or `nil` for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self {
            return members[key]
        }
        return nil
    }

    /// Python truthiness: `null`, `false`, zero, and empty strings, arrays and
    /// objects are falsy. The Flagsmith engine uses it wherever the reference writes `if value:`.
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

// MARK: - Accessors

extension JSONValue {
    /// The string, if this value is a JSON string.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The boolean, if this value is a JSON boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The number as a `Double`, if this value is a number (integer or not).
    public var numberValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// A whole number: an integer, or a double without a fraction whose every digit a
    /// `Double` holds exactly (below 9×10¹⁵).
    public var integerValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: Int(value)
        default: nil
        }
    }

    /// The elements, if this value is a JSON array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The members, if this value is a JSON object.
    public var objectValue: OrderedMap<JSONValue>? {
        if case .object(let value) = self { value } else { nil }
    }
}

// MARK: - Equality

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

extension JSONValue: Hashable {
    /// Hashes consistently with `==`: an object's members are combined in an
    /// order-independent way.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .int(let value): hasher.combine(2); hasher.combine(value)
        case .double(let value): hasher.combine(3); hasher.combine(value)
        case .string(let value): hasher.combine(4); hasher.combine(value)
        case .array(let values): hasher.combine(5); hasher.combine(values)
        case .object(let members):
            hasher.combine(6)
            hasher.combine(members.count)
            // Each member hashed on its own and summed, as `Dictionary` does, so that
            // member order cannot change the result.
            var sum = 0
            for (key, value) in members {
                var member = Hasher()
                member.combine(key)
                member.combine(value)
                sum &+= member.finalize()
            }
            hasher.combine(sum)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON with sorted object keys (``JSONStyle/python``).
    public var description: String { serialized() }
}

// No `ExpressibleByNilLiteral`: it would make `nil` ambiguous in `JSONValue?`
// contexts; write `.null` for JSON null.
extension JSONValue: ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByStringInterpolation,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object whose member order is the order of the literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(OrderedMap(elements))
    }
}
