import Base
import Foundation
import Hummingbird
import Identity
import NIOCore
import Synchronization

/// The Lab's mock identity provider over HTTP, for live tests and demos: Logto's layout
/// (issuer `http://HOST:PORT/oidc`, discovery at `/oidc/.well-known/openid-configuration`,
/// keys at `/oidc/jwks`), plus `POST /oidc/token`, which signs whatever claims it is sent.
///
/// **A test tool, never a real IdP:** anyone who can reach it can mint tokens for any
/// subject, tenant and role. `dcoder mock-idp` listens on loopback by default.
public final class MockIdentityProviderServer: Sendable {
    private let provider = Mutex<MockIdentityProvider?>(nil)
    private let clock = SystemTimeSource()
    private let keyKind: MockIdentityProvider.KeyKind

    public init(keyKind: MockIdentityProvider.KeyKind = .es256(seed: Array("mock-identity-provider".utf8))) {
        self.keyKind = keyKind
    }

    /// The issuer for a server reachable at `base` (such as `http://127.0.0.1:18200`).
    public static func issuer(base: String) -> String { base + "/oidc" }

    /// Creates the provider once the listening address is known; call before serving requests.
    @discardableResult
    public func bind(base: String) throws -> MockIdentityProvider {
        let idp = try MockIdentityProvider(issuer: Self.issuer(base: base), keyKind: keyKind)
        provider.withLock { $0 = idp }
        return idp
    }

    /// The provider, once bound.
    public var identityProvider: MockIdentityProvider? { provider.withLock { $0 } }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/oidc/.well-known/openid-configuration") { [self] _, _ in await document { $0.discoveryURL } }
        router.get("/oidc/jwks") { [self] _, _ in await document { $0.jwksURL } }
        router.post("/oidc/token") { [self] request, _ in await token(request) }
        return router
    }

    func document(_ url: (MockIdentityProvider) -> String) async -> Response {
        guard let idp = identityProvider else { return Self.json(503, #"{"error":"not_ready"}"#) }
        do {
            let (status, body) = try await idp.get(url(idp))
            return Self.json(status, String(decoding: body, as: UTF8.self))
        } catch {
            return Self.json(500, #"{"error":"server_error"}"#)
        }
    }

    /// Signs the posted claims over `iss`, `iat` and `exp` (one hour); `sub` and `aud` are required.
    func token(_ request: Request) async -> Response {
        guard let idp = identityProvider else { return Self.json(503, #"{"error":"not_ready"}"#) }
        var request = request
        guard let body = try? await request.collectBody(upTo: 64 * 1024),
              let claims = (try? JSONValue.parse(String(buffer: body)))?.objectValue?.dictionary,
              let subject = claims["sub"]?.stringValue, let audience = claims["aud"]?.stringValue else {
            return Self.json(400, #"{"error":"invalid_request","error_description":"POST a JSON object of claims with at least sub and aud"}"#)
        }
        var all = idp.standardClaims(subject: subject, audience: audience, issuedAt: clock.currentDate())
        for (k, v) in claims where k != "iss" { all[k] = v }
        do {
            let token = try await idp.sign(all)
            let answer = try JSONCoding.encode(["access_token": token, "token_type": "Bearer"])
            return Self.json(200, String(decoding: answer, as: UTF8.self))
        } catch {
            return Self.json(500, #"{"error":"server_error"}"#)
        }
    }

    static func json(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
