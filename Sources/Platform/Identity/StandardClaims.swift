import Base
import Foundation

/// The registered claims, checked against the configuration and the injected time.
struct StandardClaims {
    let issuer: String
    let subject: String
    let audiences: [String]
    let expiresAt: Date
    let issuedAt: Date?

    /// Checks, in order: `iss`, `aud`, `exp`, `nbf`, `iat`, `sub`.
    ///
    /// With skew `s`, a token is accepted while `now < exp + s`, from `now >= nbf - s`, and only
    /// if `iat <= now + s`. `iss`, `aud`, `exp` and `sub` are required; `nbf` and `iat` are optional.
    init(
        verifying claims: [String: JSONValue],
        config: OIDCProviderConfig,
        now: Date
    ) throws(TokenValidationError) {
        let skew = config.clockSkew.timeInterval

        guard let issuer = try claims.string(claim: "iss") else {
            throw TokenValidationError(.missingClaim, "token has no \"iss\" claim")
        }
        guard issuer == config.issuer else {
            throw TokenValidationError(.wrongIssuer, "token was not issued by \(config.issuer)")
        }

        guard let audiences = try claims.strings(claim: "aud") else {
            throw TokenValidationError(.missingClaim, "token has no \"aud\" claim")
        }
        guard audiences.contains(where: config.audiences.contains) else {
            throw TokenValidationError(.wrongAudience, "token \"aud\" names none of the accepted audiences")
        }

        guard let expiresAt = try claims.date(claim: "exp") else {
            throw TokenValidationError(.missingClaim, "token has no \"exp\" claim")
        }
        guard now < expiresAt.addingTimeInterval(skew) else {
            throw TokenValidationError(
                .expired, "token expired at \(expiresAt.ISO8601Format()) (clock skew \(Int(skew)) s)")
        }

        if let notBefore = try claims.date(claim: "nbf"), now < notBefore.addingTimeInterval(-skew) {
            throw TokenValidationError(
                .notYetValid, "token is not valid before \(notBefore.ISO8601Format()) (clock skew \(Int(skew)) s)")
        }

        let issuedAt = try claims.date(claim: "iat")
        if let issuedAt, issuedAt > now.addingTimeInterval(skew) {
            throw TokenValidationError(
                .notYetValid,
                "token is issued in the future, at \(issuedAt.ISO8601Format()) (clock skew \(Int(skew)) s)")
        }

        guard let subject = try claims.string(claim: "sub"), !subject.isEmpty else {
            throw TokenValidationError(.missingClaim, "token has no \"sub\" claim")
        }

        self.issuer = issuer
        self.subject = subject
        self.audiences = audiences
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }
}
