import Foundation
import Mocks
import Plugins
import Testing

/// The plugin host: capabilities, activation by flag, tenant isolation, and each connector
/// against the mock services in process (over HTTP in ServerTests).
@Suite struct PluginHostTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let all: [any Plugin] = [SlackConnector(), TeamsConnector(), JiraConnector(), SharePointConnector()]

    static func host(_ mocks: MockConnectorServices, plugins: [any Plugin] = all, allow: @escaping @Sendable (URL) -> Bool = { _ in true }) throws -> PluginHost {
        try PluginHost(plugins: plugins, transport: mocks, egressAllowed: allow, clock: { t0 })
    }

    static let alert = PluginAlert(kind: "budget_threshold", tenant: "acme", message: "acme has spent 80% of its monthly budget", at: t0)

    /// A sink that forgot to declare `alert_sink`, and one that calls out without `network`.
    struct Sneaky: AlertSinkPlugin {
        let manifest = PluginManifest(id: "sneaky", version: "0.1.0", name: "Sneaky", summary: "", capabilities: [.network],
                                      configuration: [PluginConfigField("url", .url, help: "")])
        func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {}
    }
    struct Offline: AlertSinkPlugin {
        let manifest = PluginManifest(id: "offline", version: "0.1.0", name: "Offline", summary: "", capabilities: [.alertSink],
                                      configuration: [PluginConfigField("url", .url, help: "")])
        func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {
            _ = try await context.http(PluginHTTPRequest(method: "POST", url: context.configuration.url("url")!))
        }
    }

    @Test func capabilitiesMustBeDeclared() async throws {
        #expect { try PluginHost(plugins: [Sneaky()], transport: MockConnectorServices(), egressAllowed: { _ in true }, clock: { Self.t0 }) } throws: {
            let e = $0 as? PluginError
            return e?.code == .undeclaredCapability && e?.message.contains("alert_sink") == true && e?.plugin == "sneaky"
        }
        let host = try Self.host(MockConnectorServices(), plugins: [Offline()])
        try await host.configure(tenant: "acme", plugin: "offline", PluginConfiguration(["url": "https://hooks.slack.com/services/T/B/X"]))
        await host.sync(tenant: "acme") { _ in true }
        let deliveries = await host.deliver(Self.alert)
        #expect(deliveries.count == 1 && deliveries[0].failure?.contains("network") == true, "\(deliveries)")
    }

    @Test func pluginsAreActiveOnlyWhenConfiguredAndFlaggedAndOnlyForTheirTenant() async throws {
        let mocks = MockConnectorServices()
        let host = try Self.host(mocks)
        try await host.configure(tenant: "acme", plugin: "slack", PluginConfiguration(["webhook_url": "https://hooks.slack.com/services/T1/B1/acme"]))
        try await host.configure(tenant: "globex", plugin: "slack", PluginConfiguration(["webhook_url": "https://hooks.slack.com/services/T2/B2/globex"]))
        // Shipped disabled: nothing is active before a flag turns on.
        #expect(await host.deliver(Self.alert).isEmpty)
        let changes = await host.sync(tenant: "acme") { $0 == "connectors.slack" }
        #expect(changes.map(\.plugin) == ["slack"] && changes[0].active)
        await host.sync(tenant: "globex") { _ in false }
        #expect(await host.deliver(Self.alert).map(\.failure) == [nil])
        var globexAlert = Self.alert
        globexAlert.tenant = "globex"
        #expect(await host.deliver(globexAlert).isEmpty)
        #expect(await mocks.received.map(\.url) == ["https://hooks.slack.com/services/T1/B1/acme"])
        // Turning the flag off disables it again.
        await host.sync(tenant: "acme") { _ in false }
        #expect(await host.deliver(Self.alert).isEmpty)
        #expect(await host.status(tenant: "acme").first { $0.plugin == "slack" } == PluginHost.Status(plugin: "slack", configured: true, active: false))
    }

    @Test func egressIsLimitedToConfiguredHostsOnTheAllowlist() async throws {
        let host = try Self.host(MockConnectorServices(), allow: { $0.host != "hooks.slack.com" })
        try await host.configure(tenant: "acme", plugin: "slack", PluginConfiguration(["webhook_url": "https://hooks.slack.com/services/T/B/X"]))
        await host.sync(tenant: "acme") { _ in true }
        let d = await host.deliver(Self.alert)
        #expect(d.first?.failure?.contains("egress allowlist") == true, "\(d)")
    }

    @Test func configurationIsCheckedAgainstTheSchemaAndSecretsAreRedacted() async throws {
        let host = try Self.host(MockConnectorServices())
        for (plugin, values, needle) in [
            ("slack", [:], "'webhook_url' is required"),
            ("slack", ["webhook_url": "ftp://x"], "http(s) URL"),
            ("slack", ["webhook_url": "https://hooks.slack.com/services/a/b/c", "channel": "#x"], "unknown field 'channel'"),
            ("jira", ["site_url": "https://x.atlassian.net", "email": "a@b", "api_token": "t", "project_key": "ops"], "project key"),
            ("nosuch", [:], "no such plugin"),
        ] as [(String, [String: String], String)] {
            await #expect { try await host.configure(tenant: "acme", plugin: plugin, PluginConfiguration(values)) } throws: {
                "\($0)".contains(needle)
            }
        }
        let checked = try PluginConfiguration(["webhook_url": "https://hooks.slack.com/services/T/B/s3cr3t"]).validated(against: SlackConnector().manifest)
        #expect("\(checked)" == "webhook_url=[redacted]")
    }

    @Test func connectorsSpeakTheirServicesFormats() async throws {
        let mocks = MockConnectorServices()
        let host = try Self.host(mocks)
        try await host.configure(tenant: "acme", plugin: "teams", PluginConfiguration(["webhook_url": "https://acme.webhook.office.com/webhookb2/abc"]))
        try await host.configure(tenant: "acme", plugin: "jira", PluginConfiguration([
            "site_url": "https://acme.atlassian.net", "email": "ops@acme.test", "api_token": "tok", "project_key": "OPS"]))
        await host.sync(tenant: "acme") { _ in true }
        #expect(await host.deliver(Self.alert).map(\.failure) == [nil, nil])
        let got = await mocks.received
        #expect(got.map(\.service) == ["teams", "jira"])
        #expect(got[0].body.contains("AdaptiveCard") && got[1].body.contains(#""summary":"D.Coder alert: budget_threshold for acme""#))
        #expect(await host.health(tenant: "acme", plugin: "jira") == .healthy)

        try await host.configure(tenant: "acme", plugin: "sharepoint", PluginConfiguration([
            "directory_id": "dir-1", "client_id": "app", "client_secret": MockConnectorServices.graphClientSecret, "site_id": "contoso.sharepoint.com,1,2",
            "graph_url": "https://graph.microsoft.com", "login_url": "https://login.microsoftonline.com"]))
        await host.sync(tenant: "acme") { _ in true }
        let docs = try await host.listDocuments(tenant: "acme", plugin: "sharepoint")
        #expect(docs.map(\.name) == ["handbook.md", "security.txt", "onboarding.html"])
        let bytes = try await host.fetchDocument(docs[0], tenant: "acme", plugin: "sharepoint")
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("# Handbook"))
        // A wrong secret is a clear failure, not an empty listing.
        try await host.configure(tenant: "globex", plugin: "sharepoint", PluginConfiguration([
            "directory_id": "dir-1", "client_id": "app", "client_secret": "wrong", "site_id": "s"]))
        await host.sync(tenant: "globex") { _ in true }
        await #expect { try await host.listDocuments(tenant: "globex", plugin: "sharepoint") } throws: { "\($0)".contains("invalid_client") }
    }
}
