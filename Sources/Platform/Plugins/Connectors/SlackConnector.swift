import Base
import Foundation

/// Posts alerts to a Slack channel through an incoming webhook.
///
/// Sends Slack's incoming-webhook JSON: a `text` fallback and Block Kit `blocks` (a header,
/// the message, a context line with time and severity). Slack answers `200 ok`; any other
/// answer (`400 invalid_payload`, `403 invalid_token`, `404 no_service`,
/// `410 channel_is_archived`) is a failed delivery with Slack's text.
///
/// Does not: choose the channel (webhooks post to the channel they were created for),
/// thread replies, or retry (the host records the failure).
public struct SlackConnector: AlertSinkPlugin {
    public init() {}

    public let manifest = PluginManifest(
        id: "slack", version: "1.0.0", name: "Slack", summary: "Budget and guardrail alerts to a Slack channel (incoming webhook).",
        capabilities: [.alertSink, .network],
        configuration: [PluginConfigField("webhook_url", .url, secret: true, help: "the incoming webhook URL, https://hooks.slack.com/services/…")])

    /// The message Slack receives for an alert.
    public static func message(_ alert: PluginAlert) -> JSONValue {
        [
            "text": "\(ConnectorSupport.title(alert)): \(alert.message)",
            "blocks": [
                ["type": "header", "text": ["type": "plain_text", "text": .string(ConnectorSupport.title(alert))]],
                ["type": "section", "text": ["type": "mrkdwn", "text": "*\(alert.tenant)*: \(alert.message)"]],
                ["type": "context", "elements": [["type": "mrkdwn", "text": "\(ConnectorSupport.iso8601(alert.at)) · severity \(alert.severity)"]]],
            ],
        ]
    }

    public func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {
        guard let url = context.configuration.url("webhook_url") else { return }
        let response = try await context.http(PluginHTTPRequest(method: "POST", url: url, headers: ["content-type": "application/json"],
                                                                 body: ConnectorSupport.json(Self.message(alert))))
        try ConnectorSupport.expectSuccess(response, plugin: manifest.id, doing: "the Slack webhook")
    }
}
