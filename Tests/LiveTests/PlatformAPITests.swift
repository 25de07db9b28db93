import Foundation
import Identity
import Live
import Storage
import Testing

/// The Platform API's tenant routes behind OIDC and the default Casbin policy, served for
/// real over HTTP, with the mock IdP and SQLite.
@Suite(.serialized) struct PlatformAPITests {
    static let audience = "https://api.dcoder.test"

    static func withAPI(_ body: @Sendable (TestClient, MockIdentityProvider) async throws -> Void) async throws {
        let idp = try MockIdentityProvider(issuer: "https://idp.dcoder.test/oidc")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("dcoder-api-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let backend = SQLiteBackend(dataDirectory: data)
        let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
        let api = PlatformAPI(
            validator: OIDCTokenValidator(config: OIDCProviderConfig(issuer: idp.issuer, audiences: [audience]), fetcher: idp),
            enforcer: try PlatformAPI.defaultEnforcer(),
            provisioner: TenantProvisioner(backend: backend, platform: platform), platform: platform)
        let transport = ProviderHTTPTransport()
        let gateway = try LiveGateway(config: try ServeConfig.embeddedDefault(), transport: transport, logger: LiveHarness.quiet, platformAPI: api)
        try await LiveHarness.withApps([{ LiveHarness.app(gateway.router(), services: [TransportService(transport)], announce: $0) }]) { ports in
            try await body(TestClient(base: "http://127.0.0.1:\(ports[0])"), idp)
        }
        try await backend.shutdown()
    }

    static func token(_ idp: MockIdentityProvider, subject: String, extra: [String: JSONValue], issuedAt: Date = Date()) async throws -> String {
        var claims = idp.standardClaims(subject: subject, audience: audience, issuedAt: issuedAt)
        for (k, v) in extra { claims[k] = v }
        return try await idp.sign(claims)
    }

    @Test func tenantsAreCreatedByAdminsAndSeenOnlyByTheirMembers() async throws {
        try await Self.withAPI { api, idp in
            let admin = try await Self.token(idp, subject: "root", extra: ["roles": ["platform-admin"]])
            let acmeOwner = try await Self.token(idp, subject: "alice", extra: ["organization_id": "acme", "organization_roles": ["acme:owner"]])
            let globexViewer = try await Self.token(idp, subject: "bob", extra: ["organization_id": "globex", "organization_roles": ["globex:viewer"]])

            let created = try await api.post("/api/v1/tenants", key: admin, json: #"{"id": "acme", "name": "Acme Corp"}"#)
            #expect(created.status == 201 && created.json?["status"] as? String == "active", "\(created.body)")
            #expect(try await api.post("/api/v1/tenants", key: admin, json: #"{"id": "acme"}"#).status == 200)  // idempotent
            #expect(try await api.post("/api/v1/tenants", key: admin, json: #"{"id": "globex"}"#).status == 201)

            #expect(try await api.get("/api/v1/tenants/acme", key: acmeOwner).status == 200)
            #expect(try await api.get("/api/v1/tenants/globex", key: globexViewer).status == 200)
            // Cross-tenant attempts, by path and by listing, and writes by non-admins.
            for (path, token) in [("/api/v1/tenants/globex", acmeOwner), ("/api/v1/tenants/acme", globexViewer), ("/api/v1/tenants", acmeOwner)] {
                let r = try await api.get(path, key: token)
                #expect(r.status == 403 && r.headers["content-type"] == "application/problem+json", "\(path): \(r.status) \(r.body)")
            }
            #expect(try await api.post("/api/v1/tenants", key: acmeOwner, json: #"{"id": "evil"}"#).status == 403)
            // A token for two organizations, with a role in one of them only.
            let carol = try await Self.token(idp, subject: "carol", extra: ["organizations": ["acme", "globex"], "organization_roles": ["acme:viewer"]])
            #expect(try await api.get("/api/v1/tenants/acme", key: carol).status == 200)
            #expect(try await api.get("/api/v1/tenants/globex", key: carol).status == 403)
            let listed = try await api.get("/api/v1/tenants", key: admin)
            #expect(listed.body.contains("\"acme\"") && listed.body.contains("\"globex\""))
            #expect(try await api.get("/api/v1/tenants/nobody", key: admin).status == 404)
            let invalid = try await api.post("/api/v1/tenants", key: admin, json: #"{"id": "Bad_ID"}"#)
            #expect(invalid.status == 422 && invalid.body.contains("Bad_ID"))
        }
    }

    @Test func badTokensGetProblem401s() async throws {
        try await Self.withAPI { api, idp in
            let none = try await api.get("/api/v1/tenants", key: nil)
            #expect(none.status == 401 && none.headers["content-type"] == "application/problem+json")
            let expired = try await Self.token(idp, subject: "root", extra: ["roles": ["platform-admin"]], issuedAt: Date().addingTimeInterval(-7200))
            let r = try await api.get("/api/v1/tenants", key: expired)
            #expect(r.status == 401 && r.json?["code"] as? String == "expired", "\(r.body)")
            let tampered = try await Self.token(idp, subject: "root", extra: ["roles": ["viewer"]]).dropLast(4) + "AAAA"
            #expect(try await api.get("/api/v1/tenants", key: String(tampered)).status == 401)
        }
    }
}
