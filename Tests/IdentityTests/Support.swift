import Base
import Mocks
import Foundation
import Identity
import Testing

/// Fixed values shared by the tests; time is always injected, never read from the clock.
enum Fixture {
    static let issuer = "https://tenant.logto.test/oidc"
    static let audience = "https://api.platform.test"
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    static let seed = Array("identity-tests".utf8)

    static func config(_ adjust: (inout OIDCProviderConfig) -> Void = { _ in }) -> OIDCProviderConfig {
        var config = OIDCProviderConfig(issuer: issuer, audiences: [audience])
        adjust(&config)
        return config
    }
}

/// A mock provider wired to a validator, as the tests use them.
struct Harness {
    let idp: MockIdentityProvider
    let validator: OIDCTokenValidator

    init(
        keyKind: MockIdentityProvider.KeyKind = .es256(seed: Fixture.seed),
        configure: (inout OIDCProviderConfig) -> Void = { _ in }
    ) throws {
        idp = try MockIdentityProvider(issuer: Fixture.issuer, keyKind: keyKind)
        validator = OIDCTokenValidator(config: Fixture.config(configure), fetcher: idp)
    }

    /// Standard claims issued at `issuedAt` for one hour, adjusted by `adjust`.
    func claims(
        issuedAt: Date = Fixture.t0,
        _ adjust: (inout [String: JSONValue]) -> Void = { _ in }
    ) -> [String: JSONValue] {
        var claims = idp.standardClaims(subject: "user-1", audience: Fixture.audience, issuedAt: issuedAt)
        adjust(&claims)
        return claims
    }

    /// A token signed by the provider's current key.
    func token(
        issuedAt: Date = Fixture.t0,
        keyID: String? = nil,
        _ adjust: (inout [String: JSONValue]) -> Void = { _ in }
    ) async throws -> String {
        try await idp.sign(claims(issuedAt: issuedAt, adjust), keyID: keyID)
    }

    /// The number of times `url` was fetched.
    func fetchCount(_ url: String) async -> Int {
        await idp.requestLog.filter { $0 == url }.count
    }
}

extension OIDCTokenValidator {
    /// The reason `token` is refused at `now`, or `nil` if it is accepted.
    /// Errors other than ``TokenValidationError`` are rethrown and fail the test.
    func refusal(
        of token: String,
        at now: Date = Fixture.t0,
        requestedTenant: String? = nil
    ) async throws -> TokenValidationError.Reason? {
        do {
            _ = try await validate(token: token, now: now, requestedTenant: requestedTenant)
            return nil
        } catch let error as TokenValidationError {
            return error.reason
        }
    }
}

/// Unpadded base64url, for crafting tokens by hand.
enum B64URL {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func encode(json object: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encode(try encoder.encode(object))
    }

    static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// Token surgery for refusal tests.
enum Forge {
    /// `token` with its claims replaced by `adjust`ed ones and the original signature kept.
    static func tamperClaims(
        _ token: String,
        _ adjust: (inout [String: JSONValue]) -> Void
    ) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let payload = try #require(B64URL.decode(parts[1]))
        var claims = try JSONDecoder().decode([String: JSONValue].self, from: payload)
        adjust(&claims)
        return "\(parts[0]).\(try B64URL.encode(json: claims)).\(parts[2])"
    }

    /// A token with an arbitrary header and signature.
    static func token(
        header: [String: JSONValue],
        claims: [String: JSONValue],
        signature: (String) -> [UInt8] = { _ in [] }
    ) throws -> String {
        let signingInput = "\(try B64URL.encode(json: header)).\(try B64URL.encode(json: claims))"
        return "\(signingInput).\(B64URL.encode(signature(signingInput)))"
    }
}

/// An ``HTTPFetcher`` serving fixed responses; unknown URLs answer 404.
struct StaticFetcher: HTTPFetcher {
    struct Unreachable: Error {}

    var responses: [String: (status: Int, body: [UInt8])] = [:]
    var unreachable: Set<String> = []

    mutating func serve(_ url: String, json object: [String: JSONValue], status: Int = 200) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        responses[url] = (status, Array(try encoder.encode(object)))
    }

    func get(_ url: String) async throws -> (status: Int, body: [UInt8]) {
        if unreachable.contains(url) { throw Unreachable() }
        return responses[url] ?? (404, [])
    }
}
