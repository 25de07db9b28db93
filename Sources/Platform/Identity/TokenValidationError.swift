/// Why a token was refused. The Platform API turns these into `401` problem+json responses.
///
/// ``reason`` is a stable machine-readable code; ``message`` is a human explanation that never
/// contains the token, a signature or key material.
public struct TokenValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable refusal code. The raw value is the wire form (`"bad_signature"`, …).
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The token is not a well-formed compact JWS with JSON header and claims.
        case malformed
        /// The signature does not verify with the key named by `kid`.
        case badSignature = "bad_signature"
        /// The header has no `kid`, or no key with that `kid` is published, even after a refetch.
        case unknownKey = "unknown_key"
        /// `exp` is in the past (beyond the clock skew).
        case expired
        /// `nbf` or `iat` is in the future (beyond the clock skew).
        case notYetValid = "not_yet_valid"
        /// `iss` is not the configured issuer.
        case wrongIssuer = "wrong_issuer"
        /// `aud` does not contain an accepted audience.
        case wrongAudience = "wrong_audience"
        /// The header's `alg` is not allowed (always the case for `none` and `HS*`), or the key
        /// named by `kid` cannot be used with it.
        case unsupportedAlgorithm = "unsupported_algorithm"
        /// A required claim (`iss`, `aud`, `exp`, `sub`, or a required tenant) is absent.
        case missingClaim = "missing_claim"
        /// The token lists several tenants and the request did not name one.
        case tenantRequired = "tenant_required"
        /// The request names a tenant the token does not grant.
        case wrongTenant = "wrong_tenant"
    }

    /// The stable refusal code.
    public let reason: Reason
    /// A human-readable explanation, safe to return to the client.
    public let message: String

    init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
