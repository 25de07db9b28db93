import Base
import Foundation

/// Posts alerts to a Microsoft Teams channel through an incoming webhook (a Workflows
/// "post to a channel when a webhook request is received" URL, or a legacy connector URL).
///
/// Sends a `message` with one Adaptive Card (1.4) attachment: a title, the message and a
/// fact set (tenant, kind, severity, time). Teams answers 200 (legacy connectors, body `1`)
/// or 202 (Workflows); anything else is a failed delivery.
///
/// Does not: mention users, use actionable messages, or retry.
public struct TeamsConnector: AlertSinkPlugin {
    public init() {}

    public let manifest = PluginManifest(
        id: "teams", version: "1.0.0", name: "Microsoft Teams", summary: "Alerts to a Teams channel (incoming webhook, Adaptive Card).",
        capabilities: [.alertSink, .network],
        configuration: [PluginConfigField("webhook_url", .url, secret: true, help: "the channel's incoming webhook (Workflows) URL")])

    public static func message(_ alert: PluginAlert) -> JSONValue {
        let card: JSONValue = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": [
                ["type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": .string(ConnectorSupport.title(alert)), "wrap": true],
                ["type": "TextBlock", "text": .string(alert.message), "wrap": true],
                ["type": "FactSet", "facts": [
                    ["title": "Tenant", "value": .string(alert.tenant)], ["title": "Kind", "value": .string(alert.kind)],
                    ["title": "Severity", "value": .string(alert.severity)], ["title": "Time", "value": .string(ConnectorSupport.iso8601(alert.at))],
                ]],
            ],
        ]
        return ["type": "message", "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": .null, "content": card]]]
    }

    public func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {
        guard let url = context.configuration.url("webhook_url") else { return }
        let response = try await context.http(PluginHTTPRequest(method: "POST", url: url, headers: ["content-type": "application/json"],
                                                                 body: ConnectorSupport.json(Self.message(alert))))
        try ConnectorSupport.expectSuccess(response, plugin: manifest.id, doing: "the Teams webhook")
    }
}
