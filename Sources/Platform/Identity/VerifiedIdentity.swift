import Base
import Foundation

/// The identity a valid token proves, with everything the platform's authorization needs.
public struct VerifiedIdentity: Sendable, Hashable {
    /// The `sub` claim: the provider's stable user id.
    public let subject: String
    /// The `iss` claim, equal to the configured issuer.
    public let issuer: String
    /// The `aud` claim as a list.
    public let audiences: [String]
    /// The tenant (organization) the request acts in, if any; see ``ClaimMapping``.
    public let tenantID: String?
    /// Roles from the global roles claim, in token order without duplicates.
    public let globalRoles: [String]
    /// Roles from the tenant-roles claim that belong to ``tenantID``, without the tenant prefix.
    public let tenantRoles: [String]
    /// The subject's e-mail address, if the token carries one.
    public let email: String?
    /// The subject's display name, if the token carries one.
    public let name: String?
    /// The `exp` claim.
    public let expiresAt: Date
    /// The `iat` claim, if present.
    public let issuedAt: Date?
    /// The `kid` of the key that verified the signature.
    public let keyID: String
    /// The algorithm that verified the signature.
    public let algorithm: OIDCAlgorithm
    /// Every claim of the token, for attribute-based access decisions.
    public let claims: [String: JSONValue]

    /// ``globalRoles`` followed by ``tenantRoles``, without duplicates: the roles the request
    /// may use in ``tenantID``.
    public var roles: [String] { (globalRoles + tenantRoles).uniqued() }
}
