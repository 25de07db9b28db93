import Base
import Foundation

/// The JSON coding of wire bodies: the platform's shared coders (``JSONCoding``: sorted
/// keys, so an encoded body depends only on its value and reports and recorded samples stay
/// byte-identical across processes), plus the one-line description of a decoding error
/// that clients see.
public enum WireJSON {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding our own wire types cannot fail: they hold only strings, numbers,
        // arrays and objects with finite values.
        (try? JSONCoding.encode(value)) ?? Array("{}".utf8)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONCoding.decode(type, from: bytes)
    }

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
