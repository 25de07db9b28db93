import Flags

/// Platform feature flags from the configuration, in the Flagsmith model, served with
/// Flagsmith's read API so that the official Flagsmith SDKs work against the gateway:
/// `GET /api/v1/flags/` (environment flags) and `POST /api/v1/identities/` (the flags of an
/// identity with traits), authenticated by the `X-Environment-Key` header.
///
/// ```yaml
/// flags:
///   environment_key: ser.platform-demo
///   features:
///     connectors.slack: false                          # a flag without a value
///     rag.retrieval: {enabled: true, value: hybrid}
///     new-ui: {enabled: true, value: control, variants: [{value: treatment, weight: 30}]}
///   segments:
///     enterprise:
///       rules: [{type: ALL, conditions: [{property: plan, operator: EQUAL, value: enterprise}]}]
///       overrides: {connectors.slack: true}
/// ```
///
/// Features are numbered in declaration order (Flagsmith's feature ids, which also seed
/// percentage splits and variant allocation), so keep the order when editing.
public struct FlagsConfig: Sendable {
    public var environmentKey: String
    /// The platform's flag definitions as the file declares them (the Platform API's stored
    /// definitions take over once it has any).
    public var definitions: FlagDefinitions

    /// Reads the `flags:` section (the same shape as a scenario's, plus `environment_key`).
    package static func parse(_ node: YAMLNode, secret: (YAMLNode) throws -> String) throws -> FlagsConfig {
        let (definitions, f) = try ConfigReader.parseFlags(node, extraKeys: ["environment_key"])
        return FlagsConfig(environmentKey: try secret(f.required("environment_key")), definitions: definitions)
    }
}
