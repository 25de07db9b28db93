import Base

extension JSONValue {
    /// Parses `bytes` as a JSON object (a token's header or payload, a discovery document,
    /// a key set), or returns `nil` if they are not one.
    static func object(decoding bytes: some Collection<UInt8>) -> [String: JSONValue]? {
        (try? JSONValue.parse(utf8: bytes))?.objectValue?.dictionary
    }
}
