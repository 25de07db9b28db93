import Foundation
import Mocks
import Plugins
import Testing

// The example of Docs/plugins.md (the built-in `webhook` connector), tested here.

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
        let host = try PluginHost(plugins: [WebhookConnector()], transport: transport, egressAllowed: { _ in true }, clock: { Date(timeIntervalSince1970: 0) })
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
