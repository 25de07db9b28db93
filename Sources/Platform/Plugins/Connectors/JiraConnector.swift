import Base
import Foundation

/// Opens a Jira issue for each alert (Jira Cloud REST API v3).
///
/// `POST {site_url}/rest/api/3/issue` with basic authentication (account e-mail and API
/// token) and the fields `project.key`, `issuetype.name`, `summary`, `labels` (`dcoder` and
/// the alert kind) and a `description` in Atlassian Document Format. Jira answers `201`
/// with the new issue's key. `health` calls `GET /rest/api/3/myself`.
///
/// Does not: deduplicate (one issue per alert delivered; the platform raises each alert
/// condition once), transition or comment on issues, or use OAuth.
public struct JiraConnector: AlertSinkPlugin {
    public init() {}

    public let manifest = PluginManifest(
        id: "jira", version: "1.0.0", name: "Jira", summary: "A Jira issue for each alert (Jira Cloud REST API v3).",
        capabilities: [.alertSink, .network],
        configuration: [
            PluginConfigField("site_url", .url, help: "the Jira site, https://your-team.atlassian.net"),
            PluginConfigField("email", .string, help: "the account that creates the issues"),
            PluginConfigField("api_token", .string, secret: true, help: "that account's API token"),
            PluginConfigField("project_key", .string, help: "the project's key, such as OPS"),
            PluginConfigField("issue_type", .string, required: false, default: "Task", help: "the issue type (default Task)"),
        ])

    public func validate(_ configuration: PluginConfiguration) throws {
        guard let key = configuration["project_key"], key.range(of: #"^[A-Z][A-Z0-9_]{0,9}$"#, options: .regularExpression) != nil else {
            throw PluginError(.invalidConfiguration, plugin: manifest.id, "'project_key' must be a Jira project key (capitals and digits, like OPS)")
        }
    }

    public static func issue(_ alert: PluginAlert, project: String, type: String) -> JSONValue {
        let paragraph: JSONValue = ["type": "paragraph", "content": [["type": "text", "text": .string(alert.message)]]]
        let facts: JSONValue = ["type": "paragraph", "content": [["type": "text",
            "text": "Tenant \(alert.tenant) · \(alert.kind) · severity \(alert.severity) · \(ConnectorSupport.iso8601(alert.at))"]]]
        return ["fields": [
            "project": ["key": .string(project)], "issuetype": ["name": .string(type)],
            "summary": .string(ConnectorSupport.title(alert)), "labels": ["dcoder", .string(alert.kind)],
            "description": ["type": "doc", "version": 1, "content": [paragraph, facts]],
        ]]
    }

    func authorization(_ c: PluginConfiguration) -> String {
        "Basic " + Data("\(c["email"] ?? ""):\(c["api_token"] ?? "")".utf8).base64EncodedString()
    }

    public func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws {
        let c = context.configuration
        guard let site = c.url("site_url") else { return }
        let body = Self.issue(alert, project: c["project_key"] ?? "", type: c["issue_type"] ?? "Task")
        let response = try await context.http(PluginHTTPRequest(
            method: "POST", url: ConnectorSupport.url(site, "/rest/api/3/issue"),
            headers: ["content-type": "application/json", "accept": "application/json", "authorization": authorization(c)],
            body: ConnectorSupport.json(body)))
        try ConnectorSupport.expectSuccess(response, plugin: manifest.id, doing: "creating a Jira issue")
        guard ConnectorSupport.object(response.body)?["key"]?.stringValue != nil else {
            throw PluginError(.remoteFailure, plugin: manifest.id, "Jira's answer has no issue key")
        }
    }

    public func health(_ context: PluginContext) async -> PluginHealth {
        guard let site = context.configuration.url("site_url") else { return .unhealthy("no site_url") }
        do {
            let r = try await context.http(PluginHTTPRequest(method: "GET", url: ConnectorSupport.url(site, "/rest/api/3/myself"),
                                                             headers: ["accept": "application/json", "authorization": authorization(context.configuration)]))
            return (200..<300).contains(r.status) ? .healthy : .unhealthy("Jira answered \(r.status)")
        } catch {
            return .unhealthy("\(error)")
        }
    }
}
