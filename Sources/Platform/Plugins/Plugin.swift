import Foundation

/// A plugin: a manifest and lifecycle hooks. Capability hooks come from the capability
/// protocols (``AlertSinkPlugin``, ``DocumentSourcePlugin``); a plugin runs only through
/// them, with the seams its ``PluginContext`` gives it.
public protocol Plugin: Sendable {
    var manifest: PluginManifest { get }
    /// Checks a tenant's configuration beyond the schema (the host has already checked the schema).
    func validate(_ configuration: PluginConfiguration) throws
    /// Called when the plugin becomes active for a tenant (its flag turned on).
    func enable(_ context: PluginContext) async throws
    /// Called when the plugin stops being active for a tenant.
    func disable(_ context: PluginContext) async
    /// Whether the plugin can reach what it needs for this tenant.
    func health(_ context: PluginContext) async -> PluginHealth
}

extension Plugin {
    public func validate(_ configuration: PluginConfiguration) throws {}
    public func enable(_ context: PluginContext) async throws {}
    public func disable(_ context: PluginContext) async {}
    public func health(_ context: PluginContext) async -> PluginHealth { .healthy }
}

public enum PluginHealth: Sendable, Equatable {
    case healthy
    case unhealthy(String)
}

/// An alert as plugins receive it.
public struct PluginAlert: Sendable, Equatable {
    public var kind: String
    public var tenant: String
    public var message: String
    public var at: Date
    /// `info`, `warning` or `critical`.
    public var severity: String

    public init(kind: String, tenant: String, message: String, at: Date, severity: String = "warning") {
        self.kind = kind; self.tenant = tenant; self.message = message; self.at = at; self.severity = severity
    }
}

/// Receives alerts (capability ``PluginCapability/alertSink``).
public protocol AlertSinkPlugin: Plugin {
    func deliver(_ alert: PluginAlert, _ context: PluginContext) async throws
}

/// A document a source can fetch.
public struct SourceDocument: Sendable, Equatable {
    public var id: String
    public var name: String
    public var modified: String?
    public var size: Int?
    public init(id: String, name: String, modified: String? = nil, size: Int? = nil) {
        self.id = id; self.name = name; self.modified = modified; self.size = size
    }
}

/// Lists and fetches documents for ingestion (capability ``PluginCapability/documentSource``).
public protocol DocumentSourcePlugin: Plugin {
    func list(_ context: PluginContext) async throws -> [SourceDocument]
    func fetch(_ document: SourceDocument, _ context: PluginContext) async throws -> [UInt8]
}
