import Base
import Foundation

/// Any JSON value, kept as received so that fields the gateway does not interpret
/// (tool schemas, `tool_choice`, `response_format`) pass through unchanged.
public enum JSONValue: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 9.0e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
}

/// The JSON coders the platform uses for wire bodies.
///
/// Keys are sorted so that an encoded body depends only on its value: reports and
/// recorded samples stay byte-identical across processes.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    // One coder each, shared: Foundation's JSON coders are thread-safe once configured,
    // and making one per call showed up in the live gateway's profile.
    private static let sharedEncoder = encoder()
    private static let sharedDecoder = JSONDecoder()

    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding our own wire types cannot fail: they hold only strings, numbers,
        // arrays and objects with finite values.
        (try? Array(sharedEncoder.encode(value))) ?? Array("{}".utf8)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try sharedDecoder.decode(type, from: Data(bytes))
    }
}

extension WireJSON {
    /// A decoding error as one line a client can act on (the field and what was wrong).
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let c):
            return "missing field '\((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        case DecodingError.dataCorrupted(let c):
            return c.codingPath.isEmpty ? "malformed JSON" : "bad value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
