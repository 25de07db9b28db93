import Foundation
import JWTKit

/// Validates OIDC tokens (ID tokens or JWT access tokens) of one provider.
///
/// The validator is sans-I/O: time is passed to every call and documents are fetched through
/// the injected ``HTTPFetcher``. It is safe to share between tasks; the key set cache inside is
/// an actor.
public final class OIDCTokenValidator: Sendable {
    /// The provider this validator accepts tokens from.
    public let config: OIDCProviderConfig
    private let keys: KeySetCache

    /// Creates a validator. Nothing is fetched until the first validation.
    public init(config: OIDCProviderConfig, fetcher: some HTTPFetcher) {
        self.config = config
        self.keys = KeySetCache(config: config, fetcher: fetcher)
    }

    /// Validates `token` at time `now`, resolving the tenant from the token alone.
    ///
    /// - Throws: ``TokenValidationError`` if the token is refused, ``IdentityProviderError`` if
    ///   the provider's discovery document or key set cannot be obtained.
    public func validate(token: String, now: Date) async throws -> VerifiedIdentity {
        try await validate(token: token, now: now, requestedTenant: nil)
    }

    /// Validates `token` at time `now` for a request that names `requestedTenant`.
    ///
    /// Checks, in order: token shape, `alg` against the allowed algorithms, `kid` against the
    /// provider's key set (refetched once on an unknown `kid`), the signature, the registered
    /// claims (see ``OIDCProviderConfig``), and finally tenant membership and roles.
    ///
    /// - Parameter requestedTenant: The tenant the request names (for example from its path or a
    ///   header); it must be granted by the token. Pass `nil` to take the tenant from the token.
    /// - Throws: ``TokenValidationError`` if the token is refused, ``IdentityProviderError`` if
    ///   the provider's discovery document or key set cannot be obtained.
    public func validate(
        token: String,
        now: Date,
        requestedTenant: String?
    ) async throws -> VerifiedIdentity {
        let jws = try CompactJWS(parsing: token, maximumLength: config.maximumTokenLength)
        guard let algorithm = OIDCAlgorithm(rawValue: jws.algorithm),
            config.allowedAlgorithms.contains(algorithm)
        else {
            throw TokenValidationError(
                .unsupportedAlgorithm, "token algorithm \"\(jws.algorithm.prefix(16))\" is not accepted")
        }
        guard let keyID = jws.keyID else {
            throw TokenValidationError(.unknownKey, "token header has no \"kid\"")
        }
        let verifier: JWTKeyCollection
        switch try await keys.lookup(kid: keyID, algorithm: algorithm, now: now) {
        case .found(let found):
            verifier = found
        case .incompatible:
            throw TokenValidationError(
                .unsupportedAlgorithm, "key \"\(keyID.prefix(64))\" cannot verify \(algorithm.rawValue) signatures")
        case .missing:
            throw TokenValidationError(.unknownKey, "provider publishes no key \"\(keyID.prefix(64))\"")
        }
        do {
            _ = try await verifier.verify(token, as: SignatureOnly.self)
        } catch {
            throw TokenValidationError(.badSignature, "token signature does not verify")
        }

        let standard = try StandardClaims(verifying: jws.claims, config: config, now: now)
        let access = try TenantAccess(claims: jws.claims, mapping: config.claims, requestedTenant: requestedTenant)
        return VerifiedIdentity(
            subject: standard.subject,
            issuer: standard.issuer,
            audiences: standard.audiences,
            tenantID: access.tenantID,
            globalRoles: access.globalRoles,
            tenantRoles: access.tenantRoles,
            email: try jws.claims.string(claim: config.claims.emailClaim),
            name: try jws.claims.string(claim: config.claims.nameClaim),
            expiresAt: standard.expiresAt,
            issuedAt: standard.issuedAt,
            keyID: keyID,
            algorithm: algorithm,
            claims: jws.claims
        )
    }
}

/// The payload type handed to jwt-kit, which is asked to check the signature only: claims are
/// read from ``CompactJWS`` and checked against the injected time by ``StandardClaims``.
private struct SignatureOnly: JWTPayload {
    func verify(using _: some JWTAlgorithm) {}
}
