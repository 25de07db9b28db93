import Config
import AsyncHTTPClient
import Crypto
import Flags
import Foundation
import Identity
import Mocks
@testable import Server
import NIOCore
import Base
import Gateway
import PlatformAPI
import Plugins
import Storage
import Testing

/// The connectors over real HTTP against `MockConnectorServer`, and the whole path in the
/// live server: a budget alert, the tenant's flag turned on through the Platform API, the
/// alert delivered to that tenant's Slack webhook only.
@Suite(.serialized) struct PluginsLiveTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    @Test func eachConnectorWorksAgainstItsMockServiceOverHTTP() async throws {
        let mock = MockConnectorServer()
        let http = PluginHTTPClient()
        try await Self.closing(http) { try await LiveHarness.withApps([{ LiveHarness.app(mock.router(), announce: $0) }]) { ports in
            let base = "http://127.0.0.1:\(ports[0])"
            let host = try PluginHost(plugins: Connectors.builtIn, transport: http, egressAllowed: { $0.port == ports[0] }, clock: { Self.t0 })
            try await host.configure(tenant: "acme", plugin: "slack", PluginConfiguration(["webhook_url": "\(base)/services/T1/B1/acme"]))
            try await host.configure(tenant: "acme", plugin: "teams", PluginConfiguration(["webhook_url": "\(base)/webhookb2/acme@dir/IncomingWebhook/x/y"]))
            try await host.configure(tenant: "acme", plugin: "jira", PluginConfiguration([
                "site_url": base, "email": "ops@acme.test", "api_token": "token", "project_key": "OPS"]))
            try await host.configure(tenant: "acme", plugin: "sharepoint", PluginConfiguration([
                "directory_id": "dir", "client_id": "app", "client_secret": MockConnectorServices.graphClientSecret,
                "site_id": "contoso.sharepoint.com,1,2", "graph_url": base, "login_url": base]))
            await host.sync(tenant: "acme") { _ in true }
            let alert = PluginAlert(kind: "budget_threshold", tenant: "acme", message: "acme spent 80% of its budget", at: Self.t0)
            let deliveries = await host.deliver(alert)
            #expect(deliveries.map(\.plugin) == ["slack", "teams", "jira"] && deliveries.allSatisfy { $0.failure == nil }, "\(deliveries)")
            #expect(await host.health(tenant: "acme", plugin: "jira") == .healthy)
            let docs = try await host.listDocuments(tenant: "acme", plugin: "sharepoint")
            #expect(docs.count == 3)  // two pages, the folder skipped
            let body = try await host.fetchDocument(docs[1], tenant: "acme", plugin: "sharepoint")  // through Graph's 302
            #expect(String(decoding: body, as: UTF8.self) == "Rotate provider keys every 90 days.\n")
            let received = await mock.services.received.map(\.service)
            #expect(received.filter { $0 != "graph" } == ["slack", "teams", "jira"])
        } }
    }

    /// Runs `body`, then shuts the client down whether it threw or not.
    static func closing(_ http: PluginHTTPClient, _ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// The gateway raises budget alerts; only a tenant whose connectors.slack flag is on
    /// (turned on through the Platform API while the server runs) gets them in Slack.
    @Test func aFlagTurnedOnThroughTheAPIRoutesThatTenantsAlertsToItsSlack() async throws {
        let providers = try MockProviderServer(seed: 3)
        let connectors = MockConnectorServer()
        let http = PluginHTTPClient()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-live-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let backend = SQLiteBackend(dataDirectory: data)
        defer { Task { [backend] in try? await backend.shutdown() } }
        try await Self.closing(http) { try await LiveHarness.withApps([
            { LiveHarness.app(providers.router(), announce: $0) },
            { LiveHarness.app(connectors.router(), announce: $0) },
        ]) { ports in
            let m = "http://127.0.0.1:\(ports[0])", c = "http://127.0.0.1:\(ports[1])"
            let file = data.appendingPathComponent("serve.yaml").path
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try """
            platform: {egress_allowlist: ["\(m)", "\(c)"]}
            flags:
              environment_key: ser.test
              features:
                connectors.slack: false
            tenants:
              acme:
                keys: [dk-acme]
                providers: {openai: {key: sk-acme, endpoint: "\(m)/v1"}}
                models: {chat: openai/gpt-4o-mini}
                budget: {monthly_usd: 0.000001}
                integrations: {slack: {webhook_url: "\(c)/services/T1/B1/acme"}}
              globex:
                keys: [dk-globex]
                providers: {openai: {key: sk-globex, endpoint: "\(m)/v1"}}
                models: {chat: openai/gpt-4o-mini}
                budget: {monthly_usd: 0.000001}
                integrations: {slack: {webhook_url: "\(c)/services/T2/B2/globex"}}
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let settings = try ServeConfig.load(path: file, environment: [:])
            let idp = try MockIdentityProvider(issuer: "https://idp.dcoder.test/oidc")
            let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
            let service = APIService(
                backend: backend, platform: platform,
                validator: OIDCTokenValidator(config: OIDCProviderConfig(issuer: idp.issuer, audiences: ["aud"]), fetcher: idp),
                enforcer: try APIService.defaultEnforcer(), secrets: try SecretBox(key: SymmetricKey(size: .bits256), keyID: "t"),
                clock: { Date() }, random: APIService.systemRandom)
            try await service.loadFlags(seed: settings.flags?.definitions)
            let plugins = try #require(try await LivePlugins.make(tenants: settings.tenants, flags: service.flags, transport: http,
                                                                  allowlist: try EgressAllowlist(settings.platform.allowlist), logger: LiveHarness.quiet))
            let transport = ProviderHTTPTransport()
            let gateway = try LiveHarness.gateway(settings, transport: transport,
                                          platformAPI: PlatformAPIRoutes(service: service), flags: service.flags, plugins: plugins)
            try await LiveHarness.withApps([{ LiveHarness.app(gateway.router(), services: [TransportService(transport), plugins], announce: $0) }]) { gp in
                let client = TestClient(base: "http://127.0.0.1:\(gp[0])")
                var admin = idp.standardClaims(subject: "root", audience: "aud", issuedAt: Date())
                admin["roles"] = ["platform-admin"]
                let root = try await idp.sign(admin)
                for t in ["acme", "globex"] { _ = try await client.post("/api/v1/tenants", key: root, json: #"{"id": "\#(t)"}"#) }

                // Off by default: acme's budget alerts reach no one.
                #expect(try await client.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("chat", "hi")).status == 200)
                // globex's owner turns Slack on for globex, through the Platform API.
                var claims = idp.standardClaims(subject: "gina", audience: "aud", issuedAt: Date())
                claims["organization_id"] = "globex"
                claims["organization_roles"] = ["globex:owner"]
                let gina = try await idp.sign(claims)
                let put = try await client.put("/api/v1/flags/tenants/globex/features/connectors.slack", key: gina, json: #"{"enabled": true}"#)
                #expect(put.status == 200, "\(put.body)")
                // …which the Flagsmith read API shows at once,
                let flagsmith = try await client.send({
                    var r = HTTPClientRequest(url: client.base + "/api/v1/identities/")
                    r.method = .POST
                    r.headers.add(name: "X-Environment-Key", value: "ser.test")
                    r.body = .bytes(ByteBuffer(string: #"{"identifier": "globex"}"#))
                    return r
                }())
                #expect(flagsmith.body.contains("TENANT_OVERRIDE"), "\(flagsmith.body)")
                // …and the gateway's alerts follow.
                #expect(try await client.post("/v1/chat/completions", key: "dk-globex", json: TestClient.chat("chat", "hi")).status == 200)
                var slack: [String] = []
                for _ in 0..<100 {
                    slack = await connectors.services.received.filter { $0.service == "slack" }.map(\.url)
                    if slack.count >= 3 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(slack.count == 3 && slack.allSatisfy { $0.hasSuffix("/services/T2/B2/globex") }, "\(slack)")
                #expect(plugins.deliveries.allSatisfy { $0.tenant == "globex" && $0.failure == nil })
                #expect(gateway.alerts.filter { $0.tenant == "acme" }.count == 3)
                // acme's admin may not change platform definitions.
                var acmeClaims = idp.standardClaims(subject: "ada", audience: "aud", issuedAt: Date())
                acmeClaims["organization_id"] = "acme"
                acmeClaims["organization_roles"] = ["acme:admin"]
                let ada = try await idp.sign(acmeClaims)
                #expect(try await client.put("/api/v1/flags/features/connectors.slack", key: ada, json: #"{"enabled": true}"#).status == 403)
                #expect(try await client.put("/api/v1/flags/tenants/globex/features/connectors.slack", key: ada, json: #"{"enabled": false}"#).status == 403)
            }
        } }
    }
}
