import Base

/// A JSON document that does not have the shape a model type expects.
public struct JSONShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the document the problem is, e.g. `context.segments["1"].rules[0].type`.
    public let path: String
    /// What was wrong there.
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// A model type with an exact JSON form: it decodes from and encodes to the
/// JSON used by Flagsmith's SDK specification and engine test data.
///
/// `Codable` conformance goes through ``JSONValue``, so it works with any
/// coder; only ``JSONValue/parse(_:allowNonFiniteNumbers:)`` keeps object
/// member order, which decides segment evaluation order.
public protocol JSONConvertible: Codable, Sendable {
    /// Decodes the value, naming `path` in any ``JSONShapeError``.
    init(json: JSONValue, path: String) throws(JSONShapeError)

    /// The value's JSON form.
    var json: JSONValue { get }
}

extension JSONConvertible {
    /// Decodes the value from its JSON form.
    public init(json: JSONValue) throws(JSONShapeError) {
        try self.init(json: json, path: "$")
    }

    public init(from decoder: any Decoder) throws {
        try self.init(json: JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
