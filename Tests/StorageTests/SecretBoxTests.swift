import Base
import Crypto
import Foundation
import Storage
import Testing

@Suite struct SecretBoxTests {
    private static let keyText = Data(repeating: 7, count: 32).base64EncodedString()
    private static let apiKey = "sk-live-9f8e7d6c5b4a"

    /// A sealed secret opens to the same text with the same key.
    @Test func roundTrips() throws {
        let box = try SecretBox(base64Key: Self.keyText, keyID: "k1")
        let sealed = try box.seal(Secret(Self.apiKey))
        #expect(try box.open(sealed).reveal() == Self.apiKey)
        #expect(sealed.formatVersion == 1)
        #expect(sealed.keyID == "k1")
    }

    /// The layout is version, key id, 12-byte nonce, ciphertext and 16-byte tag; a fixed nonce makes it reproducible.
    @Test func sealsWithInjectedNonce() throws {
        let nonce = try AES.GCM.Nonce(data: Data(repeating: 1, count: 12))
        let box = try SecretBox(base64Key: Self.keyText, keyID: "k1", nonces: NonceGenerator { nonce })
        let first = try box.seal(Secret(Self.apiKey))
        #expect(first == (try box.seal(Secret(Self.apiKey))))
        #expect(first.bytes.count == 2 + 2 + 12 + Self.apiKey.utf8.count + 16)
        #expect(Array(first.bytes.prefix(4)) == [1, 2, UInt8(ascii: "k"), UInt8(ascii: "1")])
    }

    /// Other key material under the same id fails authentication.
    @Test func rejectsWrongKeyMaterial() throws {
        let sealed = try SecretBox(base64Key: Self.keyText, keyID: "k1").seal(Secret(Self.apiKey))
        let other = try SecretBox(key: SymmetricKey(data: Data(repeating: 8, count: 32)), keyID: "k1")
        let error = #expect(throws: SecretBoxError.self) { try other.open(sealed) }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.description.contains(Self.apiKey) == false)
    }

    /// A key of another id is refused before decrypting, naming both ids.
    @Test func rejectsOtherKeyID() throws {
        let sealed = try SecretBox(base64Key: Self.keyText, keyID: "k1").seal(Secret(Self.apiKey))
        let error = #expect(throws: SecretBoxError.self) {
            try SecretBox(base64Key: Self.keyText, keyID: "k2").open(sealed)
        }
        #expect(error?.code == .keyMismatch)
        #expect(error?.message.contains("'k1'") == true)
        #expect(error?.message.contains("'k2'") == true)
    }

    /// Changing any byte of a sealed secret makes it fail to open.
    @Test func rejectsEveryTamperedByte() throws {
        let box = try SecretBox(base64Key: Self.keyText, keyID: "k1")
        let sealed = try box.seal(Secret(Self.apiKey))
        for index in sealed.bytes.indices {
            var bytes = sealed.bytes
            bytes[index] ^= 0x01
            #expect(throws: SecretBoxError.self, "byte \(index)") { try box.open(SealedSecret(bytes: bytes)) }
        }
        let truncated = #expect(throws: SecretBoxError.self) { try box.open(SealedSecret(bytes: Data([1]))) }
        #expect(truncated?.code == .malformed)
    }

    /// Keys must be base64 and exactly 256 bits; errors never repeat the key text.
    @Test(arguments: [Data(repeating: 1, count: 16).base64EncodedString(), Data(repeating: 1, count: 33).base64EncodedString(), "not base64!"])
    func rejectsBadKeys(keyText: String) throws {
        let error = #expect(throws: SecretBoxError.self) { try SecretBox(base64Key: keyText, keyID: "k1") }
        #expect(error?.code == .invalidKey)
        #expect(error?.description.contains(keyText) == false)
    }

    /// Key ids are short public labels.
    @Test(arguments: ["", String(repeating: "k", count: 65), "key id with spaces"])
    func rejectsBadKeyIDs(keyID: String) throws {
        let error = #expect(throws: SecretBoxError.self) { try SecretBox(base64Key: Self.keyText, keyID: keyID) }
        #expect(error?.code == .invalidKeyID)
    }

    /// A secret never prints, however it is printed.
    @Test func secretNeverPrints() {
        let secret = Secret(Self.apiKey)
        var dumped = ""
        dump(secret, to: &dumped)
        for rendering in ["\(secret)", String(describing: secret), String(reflecting: secret), dumped, "\([secret])"] {
            #expect(!rendering.contains(Self.apiKey), "\(rendering)")
        }
        #expect(secret.description == "<redacted>")
    }
}
