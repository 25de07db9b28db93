import Base
import Foundation

// The `webhook` connector, also the complete example of Docs/plugins.md.

/// Posts each alert as JSON to a URL of the tenant's choosing, with an optional bearer token.
public struct WebhookConnector: AlertSinkPlugin {
    public init() {}

    public let manifest = PluginManifest(
        id: "webhook", version: "1.0.0", name: "Webhook", summary: "Alerts as JSON to any HTTPS endpoint.",
        capabilities: [.alertSink, .network],
        configuration: [
            PluginConfigField("url", .url, help: "where to POST the alerts"),
            PluginConfigField("token", .string, required: false, secret: true, help: "sent as 'Authorization: Bearer …'"),
        ])

    public func validate(_ configuration: PluginConfiguration) throws {
        guard configuration.url("url")?.scheme == "https" else {
            throw PluginError(.invalidConfiguration, plugin: manifest.id, "'url' must be https")
        }
    }

    public func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {
        guard let url = context.configuration.url("url") else { return }
        var headers = ["content-type": "application/json"]
        if let token = context.configuration["token"] { headers["authorization"] = "Bearer \(token)" }
        let body: JSONValue = ["kind": .string(alert.kind), "tenant": .string(alert.tenant), "message": .string(alert.message)]
        let response = try await context.http(PluginHTTPRequest(method: "POST", url: url, headers: headers, body: ConnectorSupport.json(body)))
        guard (200..<300).contains(response.status) else {
            throw PluginError(.remoteFailure, plugin: manifest.id, "the endpoint answered \(response.status)")
        }
    }
}
