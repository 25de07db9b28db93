import Base
import Foundation

/// Text known to be valid JSON, as stored for settings, quotas and audit snapshots.
///
/// ```swift
/// let limits = try JSONText(encoding: ["requestsPerMinute": 600])
/// let raw = try JSONText(validating: #"{"enabled": true}"#)
/// ```
public struct JSONText: Hashable, Sendable, CustomStringConvertible {
    /// The JSON text.
    public let rawValue: String

    /// Checks that `text` parses as JSON (any value, including a bare string or number).
    ///
    /// - Throws: ``StorageError/Code-swift.struct/invalidJSON``; the message does not repeat the text.
    public init(validating text: String) throws {
        do {
            _ = try JSONValue.parse(text)
        } catch {
            throw StorageError(.invalidJSON, "value is not valid JSON (\(text.utf8.count) bytes)")
        }
        self.rawValue = text
    }

    /// Encodes `value` as JSON with sorted keys (``JSONCoding``), so equal values give equal text.
    public init(encoding value: some Encodable) throws {
        self.rawValue = String(decoding: try JSONCoding.encode(value), as: UTF8.self)
    }

    /// Wraps text read back from the database, where it was validated on the way in.
    init(trusted text: String) {
        self.rawValue = text
    }

    /// Decodes the JSON as `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONCoding.decode(type, from: Array(self.rawValue.utf8))
    }

    public var description: String { self.rawValue }
}
