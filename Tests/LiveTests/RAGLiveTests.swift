import Crypto
import Foundation
import Identity
import Lab
@testable import Live
import PlatformAPI
import Storage
import Testing

/// Documents and grounded answers through the live server: the answer comes from the
/// tenant's model through the gateway (the mock provider's reader), with citations.
@Suite(.serialized) struct RAGLiveTests {
    @Test func documentsAreIngestedAndAnsweredThroughTheGateway() async throws {
        let providers = try MockProviderServer(seed: 4)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rag-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let backend = SQLiteBackend(dataDirectory: data)
        defer { Task { [backend] in try? await backend.shutdown() } }
        try await LiveHarness.withApps([{ LiveHarness.app(providers.router(), announce: $0) }]) { ports in
            let file = data.appendingPathComponent("serve.yaml").path
            try """
            platform: {egress_allowlist: ["http://127.0.0.1:\(ports[0])"]}
            tenants:
              acme:
                keys: [dk-acme]
                providers: {openai: {key: sk-acme, endpoint: "http://127.0.0.1:\(ports[0])/v1"}}
                models: {chat: openai/gpt-4o-mini}
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let settings = try ServeConfig.load(path: file, environment: [:])
            let idp = try MockIdentityProvider(issuer: "https://idp.dcoder.test/oidc")
            let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
            let box = GatewayHolder()
            let service = APIService(
                backend: backend, platform: platform,
                validator: OIDCTokenValidator(config: OIDCProviderConfig(issuer: idp.issuer, audiences: ["aud"]), fetcher: idp),
                enforcer: try APIService.defaultEnforcer(), secrets: try SecretBox(key: SymmetricKey(size: .bits256), keyID: "t"),
                clock: { Date() }, random: APIService.systemRandom,
                answerer: { tenant, system, user in try await box.gateway!.complete(tenant: tenant, system: system, user: user) })
            try await service.ensureTenants(["acme"])
            let transport = ProviderHTTPTransport()
            let gateway = try LiveGateway(config: settings, transport: transport, logger: LiveHarness.quiet, platformAPI: PlatformAPIRoutes(service: service))
            box.gateway = gateway
            try await LiveHarness.withApps([{ LiveHarness.app(gateway.router(), services: [TransportService(transport)], announce: $0) }]) { gp in
                let client = TenancyLiveTests.HTTPCaller(base: "http://127.0.0.1:\(gp[0])")
                var claims = idp.standardClaims(subject: "olga", audience: "aud", issuedAt: Date())
                claims["organization_id"] = "acme"
                claims["organization_roles"] = ["acme:owner"]
                let token = try await idp.sign(claims)
                let handbook = try String(contentsOfFile: repositoryRoot + "/Corpora/handbook/expenses.md", encoding: .utf8)
                let body = String(decoding: try JSONEncoder().encode(["documents": [["name": "expenses.md", "content": handbook]]]), as: UTF8.self)
                let submitted = await client.call(.json("POST", "/api/v1/tenants/acme/documents", token: token, body: body))
                #expect(submitted.status == 202, "\(submitted.text)")
                await service.runIngestion()
                let job = try #require(submitted.json?.objectValue?["id"]?.stringValue)
                let status = await client.call(.json("GET", "/api/v1/tenants/acme/ingestion-jobs/\(job)", token: token))
                #expect(status.json?.objectValue?["status"] == "succeeded", "\(status.text)")
                let answer = await client.call(.json("POST", "/api/v1/tenants/acme/rag/query", token: token,
                                                     body: #"{"question": "Within how many days must expense claims be filed?"}"#))
                let a = try #require(answer.json?.objectValue, "\(answer.text)")
                #expect(a["answer"]?.stringValue?.contains("30 days") == true, "\(answer.text)")
                #expect(a["citations"]?.arrayValue?.first?.objectValue?["document"] == "expenses.md")
                // The answer was a call of the tenant's, through the gateway.
                #expect(gateway.usage.totals(for: "acme").calls == 1)

                // The same through the OpenAI-compatible endpoint, as Open WebUI's Doc Chat calls it.
                let chat = try await TestClient(base: client.base).post("/v1/chat/completions", key: "dk-acme",
                                                                          json: TestClient.chat("doc-chat", "Who approves claims of 500 euros or more?"))
                let content = ((chat.json?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String ?? ""
                #expect(chat.status == 200 && content.contains("finance team") && content.contains("Sources:\n[1] expenses.md"), "\(chat.body)")
                let models = try await TestClient(base: client.base).get("/v1/models", key: "dk-acme")
                #expect(models.body.contains(#""id":"doc-chat""#), "\(models.body)")
                let refused = try await TestClient(base: client.base).post("/v1/chat/completions", key: "dk-nobody", json: TestClient.chat("doc-chat", "hi"))
                #expect(refused.status == 401)
            }
        }
    }
}

/// The gateway, set once it is built (the service that needs it is built first).
final class GatewayHolder: @unchecked Sendable {
    var gateway: LiveGateway?
}
