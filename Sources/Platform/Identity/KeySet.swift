import Base
import Foundation
import JWTKit

/// A fetched JWKS, reduced to the signature keys this validator may use.
///
/// Each usable key gets one jwt-kit verifier per allowed algorithm it is compatible with, with
/// the algorithm pinned in the JWK. Pinning means the token header can never switch a key to a
/// different algorithm, and a lookup by `kid` never falls back to jwt-kit's default key.
struct KeySet: Sendable {
    /// The outcome of looking up a token's `kid` and `alg`.
    enum Lookup {
        case found(JWTKeyCollection)
        /// A key with that `kid` exists but cannot verify that algorithm.
        case incompatible
        case missing
    }

    /// The (injected) time at which this key set was fetched.
    let fetchedAt: Date
    private let verifiers: [String: [OIDCAlgorithm: JWTKeyCollection]]

    /// Builds a key set from a JWKS document fetched from `url`.
    ///
    /// Keys without a `kid`, encryption keys (`use` other than `sig`), keys jwt-kit cannot load
    /// (unknown `kty`, RSA below 2048 bits, invalid coordinates) and keys compatible with none of
    /// `allowedAlgorithms` are skipped; one odd key never makes the whole set unusable.
    init(
        jwks document: [String: JSONValue],
        url: String,
        allowedAlgorithms: Set<OIDCAlgorithm>,
        fetchedAt: Date
    ) async throws(IdentityProviderError) {
        guard let entries = document["keys"]?.arrayValue else {
            throw .invalidField(url: url, field: "keys", problem: "is missing or not an array")
        }
        var verifiers: [String: [OIDCAlgorithm: JWTKeyCollection]] = [:]
        for entry in entries {
            guard let members = entry.objectValue,
                members["use"].map({ $0 == "sig" }) ?? true,
                let jwk = Self.decodeJWK(entry),
                let kid = jwk.keyIdentifier?.string,
                verifiers[kid] == nil
            else { continue }
            var byAlgorithm: [OIDCAlgorithm: JWTKeyCollection] = [:]
            for algorithm in allowedAlgorithms where algorithm.isCompatible(with: jwk) {
                var pinned = jwk
                pinned.algorithm = algorithm.jwkAlgorithm
                let collection = JWTKeyCollection()
                guard (try? await collection.add(jwk: pinned)) != nil else { continue }
                byAlgorithm[algorithm] = collection
            }
            verifiers[kid] = byAlgorithm
        }
        self.fetchedAt = fetchedAt
        self.verifiers = verifiers
    }

    func lookup(kid: String, algorithm: OIDCAlgorithm) -> Lookup {
        guard let byAlgorithm = verifiers[kid] else { return .missing }
        guard let verifier = byAlgorithm[algorithm] else { return .incompatible }
        return .found(verifier)
    }

    private static func decodeJWK(_ entry: JSONValue) -> JWK? {
        guard let bytes = try? JSONCoding.encode(entry) else { return nil }
        return try? JSONCoding.decode(JWK.self, from: bytes)
    }
}
