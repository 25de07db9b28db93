import Base
import Crypto
import Foundation

/// Seals and opens secrets with AES-256-GCM under a platform key the caller supplies.
///
/// Each sealed blob records the format version and the key id, and both are authenticated with the
/// ciphertext, so a blob cannot be re-labelled to another key.
///
/// ```swift
/// let box = try SecretBox(base64Key: keyText, keyID: "platform-2025-01")
/// let sealed = try box.seal(Secret(apiKey))
/// let apiKey = try box.open(sealed).reveal()
/// ```
public struct SecretBox: Sendable {
    /// The id stored with every blob this box seals.
    public let keyID: String
    private let key: SymmetricKey
    private let nonces: NonceGenerator

    /// Creates a box from a 256-bit key.
    ///
    /// - Parameters:
    ///   - key: The platform key; it must be 256 bits long.
    ///   - keyID: A public label for the key: 1 to 64 characters from `A-Z a-z 0-9 . _ : -`.
    ///   - nonces: Where nonces come from; keep ``NonceGenerator/system`` outside tests.
    /// - Throws: ``SecretBoxError`` with code `invalidKey` or `invalidKeyID`.
    public init(key: SymmetricKey, keyID: String, nonces: NonceGenerator = .system) throws {
        guard key.bitCount == 256 else {
            throw SecretBoxError(.invalidKey, "key '\(keyID)' is \(key.bitCount) bits; AES-256-GCM needs 256")
        }
        guard Self.isValidKeyID(keyID) else {
            throw SecretBoxError(.invalidKeyID, "key id must be 1 to 64 characters from A-Z a-z 0-9 . _ : -")
        }
        self.key = key
        self.keyID = keyID
        self.nonces = nonces
    }

    /// Creates a box from a base64-encoded 256-bit key, as kept in a secret store.
    ///
    /// - Throws: ``SecretBoxError`` with code `invalidKey` when the text is not base64 or not 32 bytes.
    public init(base64Key: String, keyID: String, nonces: NonceGenerator = .system) throws {
        let trimmed = base64Key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let keyBytes = Data(base64Encoded: trimmed) else {
            throw SecretBoxError(.invalidKey, "key '\(keyID)' is not valid base64")
        }
        guard keyBytes.count == 32 else {
            throw SecretBoxError(.invalidKey, "key '\(keyID)' is \(keyBytes.count) bytes; AES-256-GCM needs 32")
        }
        try self.init(key: SymmetricKey(data: keyBytes), keyID: keyID, nonces: nonces)
    }

    /// Encrypts and authenticates `secret`.
    public func seal(_ secret: Secret) throws -> SealedSecret {
        let header = SealedSecretLayout.header(keyID: self.keyID)
        let box = try AES.GCM.seal(Data(secret.reveal().utf8), using: self.key, nonce: self.nonces.next(), authenticating: header)
        guard let combined = box.combined else {
            // Only nonces of a non-standard size have no combined form; AES.GCM.Nonce is always 12 bytes.
            throw SecretBoxError(.malformed, "AES-GCM produced no combined representation")
        }
        return SealedSecret(bytes: header + combined)
    }

    /// Checks and decrypts a sealed secret.
    ///
    /// - Throws: ``SecretBoxError`` with code `malformed`, `unsupportedVersion`, `keyMismatch`
    ///   (sealed under another key id) or `authenticationFailed` (altered, or another key under this id).
    public func open(_ sealed: SealedSecret) throws -> Secret {
        guard let layout = SealedSecretLayout(parsing: sealed.bytes) else {
            throw SecretBoxError(.malformed, "sealed secret of \(sealed.bytes.count) bytes has no readable header")
        }
        guard layout.version == SealedSecretLayout.currentVersion else {
            throw SecretBoxError(.unsupportedVersion, "sealed secret has format version \(layout.version); this code reads \(SealedSecretLayout.currentVersion)")
        }
        guard layout.keyID == self.keyID else {
            throw SecretBoxError(.keyMismatch, "secret was sealed with key '\(layout.keyID)', this box holds key '\(self.keyID)'")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: layout.combined)
            plaintext = try AES.GCM.open(box, using: self.key, authenticating: layout.header)
        } catch {
            throw SecretBoxError(.authenticationFailed, "secret sealed with key '\(self.keyID)' failed authentication: it was altered or sealed with other key material")
        }
        guard let value = String(data: plaintext, encoding: .utf8) else {
            throw SecretBoxError(.malformed, "secret sealed with key '\(self.keyID)' is not UTF-8 text")
        }
        return Secret(value)
    }

    private static func isValidKeyID(_ keyID: String) -> Bool {
        let bytes = keyID.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-")].contains(byte)
        }
    }
}
