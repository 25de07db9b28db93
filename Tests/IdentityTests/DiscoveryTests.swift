import Base
import Mocks
import Foundation
import Identity
import Testing

@Suite("Discovery and JWKS documents")
struct DiscoveryTests {
    static let discoveryURL = Fixture.issuer + "/.well-known/openid-configuration"
    static let jwksURL = Fixture.issuer + "/jwks"

    /// A fetcher serving a good discovery document and the JWKS of `idp`, adjusted by `adjust`.
    static func fetcher(
        idp: MockIdentityProvider,
        _ adjust: (inout StaticFetcher) throws -> Void = { _ in }
    ) async throws -> StaticFetcher {
        var fetcher = StaticFetcher()
        try fetcher.serve(discoveryURL, json: ["issuer": .string(Fixture.issuer), "jwks_uri": .string(jwksURL)])
        fetcher.responses[jwksURL] = try await idp.get(idp.jwksURL)
        try adjust(&fetcher)
        return fetcher
    }

    /// The provider error raised when validating a good token through `fetcher`.
    static func providerError(_ fetcher: StaticFetcher, idp: MockIdentityProvider) async throws
        -> IdentityProviderError?
    {
        let validator = OIDCTokenValidator(config: Fixture.config(), fetcher: fetcher)
        let token = try await idp.sign(
            idp.standardClaims(subject: "u", audience: Fixture.audience, issuedAt: Fixture.t0))
        return await #expect(throws: IdentityProviderError.self) {
            try await validator.validate(token: token, now: Fixture.t0)
        }
    }

    @Test("the discovery URL drops a trailing slash of the issuer")
    func discoveryURL() {
        #expect(
            OIDCDiscoveryDocument.discoveryURL(forIssuer: "https://t.logto.app/oidc")
                == "https://t.logto.app/oidc/.well-known/openid-configuration")
        #expect(
            OIDCDiscoveryDocument.discoveryURL(forIssuer: "https://t.logto.app/oidc/")
                == "https://t.logto.app/oidc/.well-known/openid-configuration")
        #expect(Fixture.config().discoveryURL == Self.discoveryURL)
    }

    @Test("fetch reads issuer and jwks_uri")
    func fetch() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer)
        let document = try await OIDCDiscoveryDocument.fetch(issuer: Fixture.issuer, using: idp)
        #expect(document.issuer == Fixture.issuer)
        #expect(document.jwksURI == idp.jwksURL)
    }

    @Test("an issuer mismatch in the discovery document is refused, naming URL and both issuers")
    func issuerMismatch() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer, advertisedIssuer: Fixture.issuer + "/")
        let validator = OIDCTokenValidator(config: Fixture.config(), fetcher: idp)
        let token = try await idp.sign(
            idp.standardClaims(subject: "u", audience: Fixture.audience, issuedAt: Fixture.t0))

        let error = await #expect(throws: IdentityProviderError.self) {
            try await validator.validate(token: token, now: Fixture.t0)
        }
        guard case .issuerMismatch(let url, let expected, let found)? = error else {
            Issue.record("expected issuerMismatch, got \(String(describing: error))")
            return
        }
        #expect(url == Self.discoveryURL)
        #expect(expected == Fixture.issuer)
        #expect(found == Fixture.issuer + "/")
        #expect(await idp.requestLog == [Self.discoveryURL])
    }

    @Test("broken discovery documents name the URL and the field")
    func brokenDiscovery() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer)
        let cases: [([String: JSONValue], String)] = [
            (
                ["jwks_uri": .string(Self.jwksURL)],
                "document at \(Self.discoveryURL): field \"issuer\" is missing or not a string"
            ),
            (
                ["issuer": .string(Fixture.issuer)],
                "document at \(Self.discoveryURL): field \"jwks_uri\" is missing or not a string"
            ),
            (
                ["issuer": .string(Fixture.issuer), "jwks_uri": 7],
                "document at \(Self.discoveryURL): field \"jwks_uri\" is missing or not a string"
            ),
            (
                ["issuer": .string(Fixture.issuer), "jwks_uri": "http://tenant.logto.test/oidc/jwks"],
                "document at \(Self.discoveryURL): field \"jwks_uri\" must use https like the issuer"
            ),
        ]
        for (document, message) in cases {
            let fetcher = try await Self.fetcher(idp: idp) { try $0.serve(Self.discoveryURL, json: document) }
            #expect(try await Self.providerError(fetcher, idp: idp)?.description == message)
        }
    }

    @Test("HTTP, transport and JSON failures name the URL")
    func fetchFailures() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer)
        let notFound = try await Self.fetcher(idp: idp) { $0.responses[Self.jwksURL] = nil }
        #expect(
            try await Self.providerError(notFound, idp: idp)?.description
                == "could not fetch \(Self.jwksURL): HTTP status 404")

        let unreachable = try await Self.fetcher(idp: idp) { $0.unreachable = [Self.discoveryURL] }
        #expect(
            try await Self.providerError(unreachable, idp: idp)?.description
                == "could not fetch \(Self.discoveryURL): transport error (Unreachable)")

        let html = try await Self.fetcher(idp: idp) { $0.responses[Self.jwksURL] = (200, Array("<html>".utf8)) }
        #expect(
            try await Self.providerError(html, idp: idp)?.description
                == "document at \(Self.jwksURL) is not a JSON object")

        let noKeys = try await Self.fetcher(idp: idp) { try $0.serve(Self.jwksURL, json: ["keys": "none"]) }
        #expect(
            try await Self.providerError(noKeys, idp: idp)?.description
                == "document at \(Self.jwksURL): field \"keys\" is missing or not an array")
    }

    @Test("unusable JWKS entries are skipped without spoiling the usable key")
    func skipsUnusableKeys() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer)
        let published = try JSONDecoder().decode([String: JSONValue].self, from: Data(await idp.get(idp.jwksURL).body))
        let good = try #require(published["keys"]?.arrayValue?.first?.objectValue)
        var encryptionKey = good
        encryptionKey["use"] = "enc"
        encryptionKey["kid"] = "enc-key"
        var withoutKid = good
        withoutKid["kid"] = nil
        let keys: [JSONValue] = [
            .object(encryptionKey), .object(withoutKid),
            ["kty": "oct", "kid": "symmetric", "k": "c2VjcmV0"],
            ["kty": "EC", "crv": "P-256", "kid": "broken", "x": "AAAA", "y": "AAAA"],
            ["kty": "RSA", "kid": "rsa-oaep", "alg": "RSA-OAEP-256", "n": "AQAB", "e": "AQAB"],
            "not an object",
            .object(good),
        ]
        let fetcher = try await Self.fetcher(idp: idp) { try $0.serve(Self.jwksURL, json: ["keys": .array(keys)]) }
        let validator = OIDCTokenValidator(config: Fixture.config(), fetcher: fetcher)
        let claims = idp.standardClaims(subject: "u", audience: Fixture.audience, issuedAt: Fixture.t0)

        #expect(try await validator.refusal(of: try await idp.sign(claims)) == nil)
        #expect(try await validator.refusal(of: try await idp.sign(claims, keyID: "enc-key")) == .unknownKey)
        #expect(try await validator.refusal(of: try await idp.sign(claims, keyID: "symmetric")) == .unknownKey)
        #expect(try await validator.refusal(of: try await idp.sign(claims, keyID: "broken")) == .unsupportedAlgorithm)
    }
}
