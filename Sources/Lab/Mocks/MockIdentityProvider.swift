import Base
import Foundation
import Identity

/// An in-memory OpenID provider for tests and the lab.
///
/// It serves its discovery document and JWKS through ``HTTPFetcher`` — pass it straight to
/// ``OIDCTokenValidator/init(config:fetcher:)`` — signs tokens with any claims, and rotates its
/// key on demand (new `kid`; the old key leaves the JWKS).
///
/// Key generation:
/// - ``KeyKind/es256(seed:)`` is deterministic: key number `n` has the private scalar
///   SHA-256(seed ‖ "#n") and the `kid` `mock-es256-n`, so equal seeds give equal keys.
/// - ``KeyKind/rs256`` generates a fresh random RSA-2048 key per instance and per rotation
///   (swift-crypto cannot derive RSA keys from a seed); its `kid` is `mock-rs256-n`.
public actor MockIdentityProvider: HTTPFetcher {
    /// The kind of signing key the provider uses.
    public enum KeyKind: Sendable, Hashable {
        /// Deterministic P-256 keys derived from `seed`.
        case es256(seed: [UInt8])
        /// Random RSA-2048 keys.
        case rs256
    }

    /// The provider's issuer, as tokens from ``standardClaims(subject:audience:issuedAt:lifetime:)`` carry it.
    public nonisolated let issuer: String
    /// Where the discovery document is served.
    public nonisolated let discoveryURL: String
    /// Where the JWKS is served (`{issuer}/jwks`, as in Logto).
    public nonisolated let jwksURL: String

    private let advertisedIssuer: String
    private let keyKind: KeyKind
    private var generation = 1
    private var key: MockSigningKey
    private var failureStatus: Int?
    private var log: [String] = []

    /// Creates a provider with its first key.
    ///
    /// - Parameters:
    ///   - issuer: The issuer URL the provider is reached under.
    ///   - keyKind: The kind of signing key; deterministic P-256 by default.
    ///   - advertisedIssuer: The `issuer` its discovery document states, if different from
    ///     `issuer` (to test issuer mismatch).
    public init(
        issuer: String,
        keyKind: KeyKind = .es256(seed: Array("mock-identity-provider".utf8)),
        advertisedIssuer: String? = nil
    ) throws {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.issuer = issuer
        self.discoveryURL = OIDCDiscoveryDocument.discoveryURL(forIssuer: issuer)
        self.jwksURL = base + "/jwks"
        self.advertisedIssuer = advertisedIssuer ?? issuer
        self.keyKind = keyKind
        self.key = try MockSigningKey(kind: keyKind, generation: 1)
    }

    /// The `kid` of the current signing key.
    public var keyID: String { key.keyID }

    /// The current private key in PEM form, for signing with another JWT library.
    public var privateKeyPEM: String { key.privateKeyPEM }

    /// Every URL fetched so far, in order.
    public var requestLog: [String] { log }

    /// Makes every fetch answer with `status` (for example `503`), or behave normally again with `nil`.
    public func setFailureStatus(_ status: Int?) {
        failureStatus = status
    }

    /// Replaces the signing key with a new one; the old key is no longer published.
    ///
    /// - Returns: The new key's `kid`.
    @discardableResult
    public func rotateKey() throws -> String {
        key = try MockSigningKey(kind: keyKind, generation: generation + 1)
        generation += 1
        return key.keyID
    }

    /// Signs `claims` with the current key.
    ///
    /// - Parameter keyID: The `kid` to put in the header; the current key's by default. Any other
    ///   value makes a token whose `kid` the provider does not publish.
    public func sign(_ claims: [String: JSONValue], keyID: String? = nil) throws -> String {
        let header: [String: JSONValue] = [
            "alg": .string(key.algorithm.rawValue), "kid": .string(keyID ?? key.keyID), "typ": "JWT",
        ]
        let signingInput =
            Base64URL.encode(try JSONCoding.encode(header)) + "." + Base64URL.encode(try JSONCoding.encode(claims))
        return signingInput + "." + Base64URL.encode(try key.signature(for: Array(signingInput.utf8)))
    }

    /// `iss`, `sub`, `aud`, `iat` and `exp` for a token issued at `issuedAt`, valid for `lifetime`.
    public nonisolated func standardClaims(
        subject: String,
        audience: String,
        issuedAt: Date,
        lifetime: Duration = .seconds(3600)
    ) -> [String: JSONValue] {
        [
            "iss": .string(issuer),
            "sub": .string(subject),
            "aud": .string(audience),
            "iat": .double(issuedAt.timeIntervalSince1970),
            "exp": .double(issuedAt.timeIntervalSince1970 + lifetime.timeInterval),
        ]
    }

    public func get(_ url: String) async throws -> (status: Int, body: [UInt8]) {
        log.append(url)
        if let failureStatus {
            return (failureStatus, Array(#"{"error":"unavailable"}"#.utf8))
        }
        switch url {
        case discoveryURL:
            let document: [String: JSONValue] = [
                "issuer": .string(advertisedIssuer),
                "jwks_uri": .string(jwksURL),
                "id_token_signing_alg_values_supported": [.string(key.algorithm.rawValue)],
                "subject_types_supported": ["public"],
                "response_types_supported": ["code"],
            ]
            return (200, try JSONCoding.encode(document))
        case jwksURL:
            return (200, try JSONCoding.encode(["keys": [JSONValue.object(key.publicJWK)]]))
        default:
            return (404, Array(#"{"error":"not_found"}"#.utf8))
        }
    }
}
