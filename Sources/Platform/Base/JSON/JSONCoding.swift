import Foundation

/// Foundation's JSON coders as the platform configures them, made in one place.
///
/// Typed bodies — wire types, Platform API responses, token claims, stored settings —
/// are encoded with sorted keys and without escaping `/`, so an encoded value depends only
/// on the value: equal values give equal bytes across processes, and URLs stay readable.
/// (``JSONWriter`` writes ``JSONValue``s where member order or Python's number format
/// matters.)
public enum JSONCoding {
    /// A new encoder: sorted keys, `/` not escaped, and optionally pretty-printed (for
    /// text a person reads, such as `dcoder config show`).
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    // One coder each, shared: Foundation's JSON coders are thread-safe once configured,
    // and making one per call showed up in the live gateway's profile.
    // Inlinable so that the gateway's calls are specialised for its wire types.
    @usableFromInline static let sharedEncoder = makeEncoder()
    @usableFromInline static let sharedDecoder = JSONDecoder()

    /// `value` encoded with sorted keys and unescaped slashes.
    @inlinable public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try sharedEncoder.encode(value))
    }

    /// A `T` decoded from JSON bytes.
    @inlinable public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try sharedDecoder.decode(type, from: Data(bytes))
    }
}
