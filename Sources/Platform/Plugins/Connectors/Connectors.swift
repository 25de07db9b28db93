/// The connectors that ship with the platform, all disabled until a tenant configures one
/// and its `connectors.<id>` flag is on.
public enum Connectors {
    public static let builtIn: [any Plugin] = [SlackConnector(), TeamsConnector(), JiraConnector(), SharePointConnector(), WebhookConnector()]
}
