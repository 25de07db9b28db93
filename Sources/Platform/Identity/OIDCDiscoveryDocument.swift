import Base
/// The part of an OpenID Provider's discovery document the validator relies on.
public struct OIDCDiscoveryDocument: Sendable, Hashable {
    /// The provider's issuer, verified to equal the configured issuer exactly.
    public let issuer: String
    /// Where the provider publishes its JSON Web Key Set.
    public let jwksURI: String

    /// `{issuer}/.well-known/openid-configuration`, with a trailing `/` of the issuer removed first.
    public static func discoveryURL(forIssuer issuer: String) -> String {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        return base + "/.well-known/openid-configuration"
    }

    /// Fetches and checks the discovery document of `issuer`.
    ///
    /// The document's `issuer` must equal `issuer` byte for byte, and `jwks_uri` must be a string
    /// that uses `https` whenever the issuer does.
    public static func fetch(
        issuer: String,
        using fetcher: some HTTPFetcher
    ) async throws(IdentityProviderError) -> OIDCDiscoveryDocument {
        let url = discoveryURL(forIssuer: issuer)
        let document = try await fetcher.fetchJSONObject(url)
        guard let advertised = document["issuer"]?.stringValue else {
            throw .invalidField(url: url, field: "issuer", problem: "is missing or not a string")
        }
        guard advertised == issuer else {
            throw .issuerMismatch(url: url, expected: issuer, found: advertised)
        }
        guard let jwksURI = document["jwks_uri"]?.stringValue, !jwksURI.isEmpty else {
            throw .invalidField(url: url, field: "jwks_uri", problem: "is missing or not a string")
        }
        if issuer.lowercased().hasPrefix("https:"), !jwksURI.lowercased().hasPrefix("https:") {
            throw .invalidField(url: url, field: "jwks_uri", problem: "must use https like the issuer")
        }
        return OIDCDiscoveryDocument(issuer: advertised, jwksURI: jwksURI)
    }
}
