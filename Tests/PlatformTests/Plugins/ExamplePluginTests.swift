import Foundation
import Lab
import Plugins
import Testing

// The example of Docs/plugins.md, compiled and tested here so that it stays true.

/// Posts each alert as JSON to a URL of the tenant's choosing, with an optional bearer token.
struct WebhookPlugin: AlertSinkPlugin {
    let manifest = PluginManifest(
        id: "webhook", version: "1.0.0", name: "Webhook", summary: "Alerts as JSON to any HTTPS endpoint.",
        capabilities: [.alertSink, .network],
        configuration: [
            PluginConfigField("url", .url, help: "where to POST the alerts"),
            PluginConfigField("token", .string, required: false, secret: true, help: "sent as 'Authorization: Bearer …'"),
        ])

    func validate(_ configuration: PluginConfiguration) throws {
        guard configuration.url("url")?.scheme == "https" else {
            throw PluginError(.invalidConfiguration, plugin: manifest.id, "'url' must be https")
        }
    }

    func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {
        guard let url = context.configuration.url("url") else { return }
        var headers = ["content-type": "application/json"]
        if let token = context.configuration["token"] { headers["authorization"] = "Bearer \(token)" }
        let body = try JSONSerialization.data(withJSONObject: ["kind": alert.kind, "tenant": alert.tenant, "message": alert.message],
                                              options: [.sortedKeys])
        let response = try await context.http(PluginHTTPRequest(method: "POST", url: url, headers: headers, body: Array(body)))
        guard (200..<300).contains(response.status) else {
            throw PluginError(.remoteFailure, plugin: manifest.id, "the endpoint answered \(response.status)")
        }
    }
}

/// Records requests and answers 204, as a webhook receiver would.
actor RecordingTransport: PluginHTTPTransport {
    var requests: [PluginHTTPRequest] = []
    func send(_ request: PluginHTTPRequest) async throws -> PluginHTTPResponse {
        requests.append(request)
        return PluginHTTPResponse(status: 204, body: [])
    }
}

@Suite struct ExamplePluginTests {
    @Test func theDocumentedExamplePluginDeliversAlerts() async throws {
        let transport = RecordingTransport()
        let host = try PluginHost(plugins: [WebhookPlugin()], transport: transport, egressAllowed: { _ in true }, clock: { Date(timeIntervalSince1970: 0) })
        try await host.configure(tenant: "acme", plugin: "webhook", PluginConfiguration(["url": "https://alerts.acme.test/in", "token": "t0k"]))
        await #expect(throws: PluginError.self) {
            try await host.configure(tenant: "globex", plugin: "webhook", PluginConfiguration(["url": "http://plain.test/in"]))
        }
        await host.sync(tenant: "acme") { $0 == "connectors.webhook" }
        let d = await host.deliver(PluginAlert(kind: "budget_threshold", tenant: "acme", message: "80% spent", at: Date(timeIntervalSince1970: 0)))
        #expect(d.map(\.failure) == [nil])
        let sent = try #require(await transport.requests.first)
        #expect(sent.headers["authorization"] == "Bearer t0k" && String(decoding: sent.body, as: UTF8.self).contains(#""tenant":"acme""#))
    }
}
