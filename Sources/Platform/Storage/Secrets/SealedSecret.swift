import Foundation

/// A secret sealed by a ``SecretBox``: safe to store, useless without the key.
///
/// The bytes are `[version][key id length][key id][nonce][ciphertext][tag]`. The version and key id
/// are readable without the key, so an operator can tell which platform key a blob needs.
public struct SealedSecret: Hashable, Sendable, CustomStringConvertible {
    /// The sealed bytes, as stored.
    public let bytes: Data

    /// Wraps sealed bytes, for instance read from a database; ``SecretBox/open(_:)`` checks them.
    public init(bytes: Data) {
        self.bytes = bytes
    }

    /// The format version from the first byte, if there is one.
    public var formatVersion: UInt8? {
        self.bytes.first
    }

    /// The id of the key that sealed the secret, if the header is readable.
    public var keyID: String? {
        SealedSecretLayout(parsing: self.bytes)?.keyID
    }

    public var description: String {
        "SealedSecret(version: \(self.formatVersion.map(String.init) ?? "none"), key: \(self.keyID ?? "unknown"), \(self.bytes.count) bytes)"
    }
}

/// The parsed header of a sealed secret, and the bytes after it.
struct SealedSecretLayout {
    /// The format this code writes.
    static let currentVersion: UInt8 = 1

    let version: UInt8
    let keyID: String
    /// The bytes authenticated but not encrypted: version, key id length and key id.
    let header: Data
    /// Nonce, ciphertext and tag, as AES-GCM's combined representation.
    let combined: Data

    /// Builds the header for a new blob.
    static func header(keyID: String) -> Data {
        let keyIDBytes = Data(keyID.utf8)
        return Data([Self.currentVersion, UInt8(keyIDBytes.count)]) + keyIDBytes
    }

    /// Parses `bytes`, or returns nil when they are too short to hold a header.
    init?(parsing bytes: Data) {
        let bytes = Data(bytes)  // re-index from zero
        guard bytes.count >= 2 else { return nil }
        let keyIDLength = Int(bytes[1])
        let headerLength = 2 + keyIDLength
        guard bytes.count >= headerLength, let keyID = String(data: bytes[2..<headerLength], encoding: .utf8) else {
            return nil
        }
        self.version = bytes[0]
        self.keyID = keyID
        self.header = bytes.prefix(headerLength)
        self.combined = bytes.dropFirst(headerLength)
    }
}
