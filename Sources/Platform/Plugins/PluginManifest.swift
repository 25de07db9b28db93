import Foundation

/// What a plugin may do. A plugin declares the capabilities it needs in its manifest; the
/// host refuses one whose code implements a capability it did not declare, and the seams
/// it is given refuse what it did not declare at run time.
public enum PluginCapability: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Receives the platform's alerts (budget thresholds, guardrails, egress denials…).
    case alertSink = "alert_sink"
    /// Lists and fetches documents for RAG ingestion.
    case documentSource = "document_source"
    /// Makes outbound HTTP calls, only to the hosts of its configured URLs, and only those on
    /// the platform's egress allowlist.
    case network

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One field of a plugin's configuration schema.
public struct PluginConfigField: Sendable, Equatable {
    public enum Kind: String, Sendable { case string, url, integer, boolean }

    public var name: String
    public var kind: Kind
    public var required: Bool
    /// A secret is stored sealed, shown as `[redacted]` and never logged.
    public var secret: Bool
    public var help: String
    /// Used when the tenant leaves the field out.
    public var defaultValue: String?

    public init(_ name: String, _ kind: Kind, required: Bool = true, secret: Bool = false, default defaultValue: String? = nil, help: String) {
        self.name = name; self.kind = kind; self.required = required; self.secret = secret; self.help = help; self.defaultValue = defaultValue
    }
}

/// A plugin's manifest: who it is, what it needs, how it is configured.
public struct PluginManifest: Sendable, Equatable {
    /// A stable id (`slack`); the plugin's flag is `connectors.<id>`.
    public var id: String
    public var version: String
    public var name: String
    public var summary: String
    public var capabilities: Set<PluginCapability>
    public var configuration: [PluginConfigField]

    public init(id: String, version: String, name: String, summary: String, capabilities: Set<PluginCapability>,
                configuration: [PluginConfigField]) {
        self.id = id; self.version = version; self.name = name; self.summary = summary
        self.capabilities = capabilities; self.configuration = configuration
    }

    /// The feature flag that turns the plugin on for a tenant.
    public var flag: String { "connectors.\(id)" }
}

/// A plugin's configuration for one tenant: field values as text, checked against the
/// manifest's schema by ``validated(against:)``.
public struct PluginConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var values: [String: String]
    /// Names of the fields that are secrets (filled in by validation, for redaction).
    var secretFields: Set<String> = []

    public init(_ values: [String: String]) { self.values = values }

    public subscript(_ name: String) -> String? { values[name] }

    public func url(_ name: String) -> URL? { values[name].flatMap(URL.init(string:)) }

    /// Checks every field: required ones present, URLs http(s) without credentials,
    /// integers and booleans well-formed, no unknown field.
    public func validated(against manifest: PluginManifest) throws -> PluginConfiguration {
        var out = self
        for key in values.keys.sorted() where !manifest.configuration.contains(where: { $0.name == key }) {
            throw PluginError(.invalidConfiguration, plugin: manifest.id,
                              "unknown field '\(key)'; \(manifest.id) takes \(manifest.configuration.map(\.name).joined(separator: ", "))")
        }
        for field in manifest.configuration where out.values[field.name] == nil {
            if let d = field.defaultValue { out.values[field.name] = d }
        }
        for field in manifest.configuration {
            guard let value = out.values[field.name], !value.isEmpty else {
                if field.required { throw PluginError(.invalidConfiguration, plugin: manifest.id, "'\(field.name)' is required: \(field.help)") }
                continue
            }
            switch field.kind {
            case .url:
                guard let u = URL(string: value), u.scheme == "https" || u.scheme == "http", u.host?.isEmpty == false, u.user == nil else {
                    throw PluginError(.invalidConfiguration, plugin: manifest.id, "'\(field.name)' must be an http(s) URL without credentials")
                }
            case .integer:
                guard Int(value) != nil else { throw PluginError(.invalidConfiguration, plugin: manifest.id, "'\(field.name)' must be a whole number") }
            case .boolean:
                guard value == "true" || value == "false" else { throw PluginError(.invalidConfiguration, plugin: manifest.id, "'\(field.name)' must be true or false") }
            case .string:
                break
            }
        }
        out.secretFields = Set(manifest.configuration.filter(\.secret).map(\.name))
        return out
    }

    public var description: String {
        values.keys.sorted().map { "\($0)=\(secretFields.contains($0) ? "[redacted]" : values[$0]!)" }.joined(separator: ", ")
    }
}

/// A plugin failure, naming the plugin.
public struct PluginError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case undeclaredCapability = "undeclared_capability"
        case invalidConfiguration = "invalid_configuration"
        case egressDenied = "egress_denied"
        case remoteFailure = "remote_failure"
        case unknownPlugin = "unknown_plugin"
        case duplicatePlugin = "duplicate_plugin"
    }

    public var code: Code
    public var plugin: String
    public var message: String

    public init(_ code: Code, plugin: String, _ message: String) { self.code = code; self.plugin = plugin; self.message = message }

    public var description: String { "plugin '\(plugin)': \(message)" }
}
