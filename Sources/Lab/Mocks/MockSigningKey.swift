import Base
import Crypto
import CryptoExtras
import Foundation
import Identity

/// One signing key of ``MockIdentityProvider``, signing with swift-crypto directly so that the
/// mock does not share code with the jwt-kit verification it is used to test.
struct MockSigningKey: Sendable {
    private enum Material: Sendable {
        case p256(P256.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    let keyID: String
    let algorithm: OIDCAlgorithm
    /// The public key as a JWK object, as the JWKS publishes it.
    let publicJWK: [String: JSONValue]
    private let material: Material

    /// Creates the key for `generation` (1 for the first key, incremented on each rotation).
    init(kind: MockIdentityProvider.KeyKind, generation: Int) throws {
        switch kind {
        case .es256(let seed):
            var hasher = SHA256()
            hasher.update(data: seed)
            hasher.update(data: Array("#\(generation)".utf8))
            let key = try P256.Signing.PrivateKey(rawRepresentation: Array(hasher.finalize()))
            let point = Array(key.publicKey.x963Representation)
            keyID = "mock-es256-\(generation)"
            algorithm = .es256
            material = .p256(key)
            publicJWK = [
                "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": .string(keyID),
                "x": .string(Base64URL.encode(point[1..<33])),
                "y": .string(Base64URL.encode(point[33..<65])),
            ]
        case .rs256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let primitives = try key.publicKey.getKeyPrimitives()
            keyID = "mock-rs256-\(generation)"
            algorithm = .rs256
            material = .rsa(key)
            publicJWK = [
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": .string(keyID),
                "n": .string(Base64URL.encode(primitives.modulus)),
                "e": .string(Base64URL.encode(primitives.publicExponent)),
            ]
        }
    }

    /// The private key in PEM form, for handing to another JWT library (see `interop/`).
    var privateKeyPEM: String {
        switch material {
        case .p256(let key): key.pemRepresentation
        case .rsa(let key): key.pemRepresentation
        }
    }

    /// The JWS signature of `signingInput` (`header.payload`): raw `r‖s` for ES256,
    /// PKCS #1 v1.5 with SHA-256 for RS256.
    func signature(for signingInput: [UInt8]) throws -> [UInt8] {
        switch material {
        case .p256(let key):
            Array(try key.signature(for: signingInput).rawRepresentation)
        case .rsa(let key):
            Array(try key.signature(for: signingInput, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}
