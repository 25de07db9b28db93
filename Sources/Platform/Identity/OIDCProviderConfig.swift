import Foundation

/// Everything the validator needs to know about one OpenID Connect provider (one issuer).
public struct OIDCProviderConfig: Sendable, Hashable {
    /// The issuer URL. Compared byte for byte with the discovery document's `issuer` and the
    /// tokens' `iss`, so it must be spelled exactly as the provider spells it
    /// (Logto: `https://<tenant>.logto.app/oidc`).
    public var issuer: String
    /// Audiences accepted in `aud`; a token is accepted if its `aud` contains at least one of them.
    public var audiences: Set<String>
    /// Signature algorithms accepted in the token header. `none` and `HS*` are never accepted.
    public var allowedAlgorithms: Set<OIDCAlgorithm>
    /// Tolerance applied to `exp`, `nbf` and `iat` for clock drift between provider and platform.
    public var clockSkew: Duration
    /// How long a fetched key set is used before it is fetched again.
    public var jwksCacheTTL: Duration
    /// The minimum time between two fetches of the key set, whatever triggers them (expiry,
    /// an unknown `kid`, a retry after a failed fetch). Keeps a flood of bad tokens from
    /// hammering the provider.
    public var minimumKeyRefreshInterval: Duration
    /// Tokens longer than this many bytes are refused as `malformed` before any parsing.
    public var maximumTokenLength: Int
    /// Where tenant, roles and profile claims are found.
    public var claims: ClaimMapping

    /// Creates a provider configuration.
    ///
    /// - Parameters:
    ///   - issuer: The exact issuer URL.
    ///   - audiences: Accepted `aud` values (typically the API resource indicator or client id).
    ///   - allowedAlgorithms: Accepted algorithms; RS256 and ES256 by default.
    ///   - clockSkew: Tolerance for time claims; 60 s by default.
    ///   - jwksCacheTTL: Key set cache lifetime; 10 min by default.
    ///   - minimumKeyRefreshInterval: Minimum spacing of key set fetches; 30 s by default.
    ///   - maximumTokenLength: Upper bound on token size; 16 KiB by default.
    ///   - claims: Claim mapping; Logto's by default.
    public init(
        issuer: String,
        audiences: Set<String>,
        allowedAlgorithms: Set<OIDCAlgorithm> = [.rs256, .es256],
        clockSkew: Duration = .seconds(60),
        jwksCacheTTL: Duration = .seconds(600),
        minimumKeyRefreshInterval: Duration = .seconds(30),
        maximumTokenLength: Int = 16_384,
        claims: ClaimMapping = .logto
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.clockSkew = clockSkew
        self.jwksCacheTTL = jwksCacheTTL
        self.minimumKeyRefreshInterval = minimumKeyRefreshInterval
        self.maximumTokenLength = maximumTokenLength
        self.claims = claims
    }

    /// The provider's discovery document URL: the issuer without a trailing `/`, followed by
    /// `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
    public var discoveryURL: String {
        OIDCDiscoveryDocument.discoveryURL(forIssuer: issuer)
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's `TimeInterval`.
    package var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
