import Foundation

/// Caches one provider's key set and decides when it may be fetched again.
///
/// - A key set older than the TTL is refetched before use.
/// - An unknown `kid` triggers one refetch (key rotation).
/// - Fetches of any kind are spaced at least `minimumRefreshInterval` apart, measured with the
///   injected `now`; within that interval an unknown `kid` is refused without a fetch and a
///   recent fetch failure is reported again without a fetch.
/// - Concurrent callers share one in-flight fetch.
///
/// The discovery document is fetched on the first load and again only after a failed load,
/// in case the provider moved its `jwks_uri`.
actor KeySetCache {
    private struct Loaded: Sendable {
        let jwksURI: String
        let keySet: KeySet
    }

    private let issuer: String
    private let allowedAlgorithms: Set<OIDCAlgorithm>
    private let ttl: TimeInterval
    private let minimumRefreshInterval: TimeInterval
    private let fetcher: any HTTPFetcher

    private var jwksURI: String?
    private var keySet: KeySet?
    private var lastAttempt: Date?
    private var lastFailure: IdentityProviderError?
    private var inFlight: Task<Result<Loaded, IdentityProviderError>, Never>?

    init(config: OIDCProviderConfig, fetcher: any HTTPFetcher) {
        self.issuer = config.issuer
        self.allowedAlgorithms = config.allowedAlgorithms
        self.ttl = config.jwksCacheTTL.timeInterval
        self.minimumRefreshInterval = config.minimumKeyRefreshInterval.timeInterval
        self.fetcher = fetcher
    }

    /// The verifier for `kid` and `algorithm`, refetching the key set once if `kid` is unknown
    /// and the refresh interval allows it.
    func lookup(
        kid: String, algorithm: OIDCAlgorithm, now: Date
    ) async throws(IdentityProviderError) -> KeySet.Lookup {
        let current = try await currentKeySet(now: now)
        let found = current.lookup(kid: kid, algorithm: algorithm)
        guard case .missing = found, mayFetch(now: now) else { return found }
        return try await refresh(now: now).lookup(kid: kid, algorithm: algorithm)
    }

    private func currentKeySet(now: Date) async throws(IdentityProviderError) -> KeySet {
        if let inFlight {
            return try await inFlight.value.get().keySet
        }
        if let keySet, now.timeIntervalSince(keySet.fetchedAt) < ttl {
            return keySet
        }
        if let lastFailure, !mayFetch(now: now) {
            throw lastFailure
        }
        return try await refresh(now: now)
    }

    private func mayFetch(now: Date) -> Bool {
        guard let lastAttempt else { return true }
        return now.timeIntervalSince(lastAttempt) >= minimumRefreshInterval
    }

    private func refresh(now: Date) async throws(IdentityProviderError) -> KeySet {
        if let inFlight {
            return try await inFlight.value.get().keySet
        }
        lastAttempt = now
        let task = Task { [issuer, jwksURI, allowedAlgorithms, fetcher] () -> Result<Loaded, IdentityProviderError> in
            do throws(IdentityProviderError) {
                return .success(
                    try await Self.load(
                        issuer: issuer, knownJWKSURI: jwksURI, allowedAlgorithms: allowedAlgorithms,
                        fetcher: fetcher, now: now))
            } catch {
                return .failure(error)
            }
        }
        inFlight = task
        defer { inFlight = nil }
        switch await task.value {
        case .success(let loaded):
            jwksURI = loaded.jwksURI
            keySet = loaded.keySet
            lastFailure = nil
            return loaded.keySet
        case .failure(let error):
            jwksURI = nil
            lastFailure = error
            throw error
        }
    }

    private static func load(
        issuer: String,
        knownJWKSURI: String?,
        allowedAlgorithms: Set<OIDCAlgorithm>,
        fetcher: any HTTPFetcher,
        now: Date
    ) async throws(IdentityProviderError) -> Loaded {
        let jwksURI: String
        if let knownJWKSURI {
            jwksURI = knownJWKSURI
        } else {
            jwksURI = try await OIDCDiscoveryDocument.fetch(issuer: issuer, using: fetcher).jwksURI
        }
        let keySet = try await KeySet(
            jwks: try await fetcher.fetchJSONObject(jwksURI),
            url: jwksURI,
            allowedAlgorithms: allowedAlgorithms,
            fetchedAt: now)
        return Loaded(jwksURI: jwksURI, keySet: keySet)
    }
}
