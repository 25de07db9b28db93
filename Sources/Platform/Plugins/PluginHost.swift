import Foundation

/// Runs plugins for tenants, only through their declared seams.
///
/// - Registration refuses a plugin whose code and manifest disagree about capabilities
///   (an alert sink that does not declare `alert_sink`, a declared capability it does not
///   implement).
/// - A tenant's plugin is **active** only when the tenant has configured it *and* the
///   plugin's flag (`connectors.<id>`) is on for the tenant; ``sync(tenant:isEnabled:)``
///   applies flag changes and calls `enable` / `disable`. Every connector therefore ships
///   disabled: no flag, no activity.
/// - Alerts go to the active alert sinks of the alert's tenant and of no other tenant.
public actor PluginHost {
    public struct Delivery: Sendable, Equatable {
        public var plugin: String
        public var tenant: String
        public var alertKind: String
        public var at: Date
        /// nil when delivered, else why not.
        public var failure: String?
    }

    public struct Status: Sendable, Equatable {
        public var plugin: String
        public var configured: Bool
        public var active: Bool
        public init(plugin: String, configured: Bool, active: Bool) { self.plugin = plugin; self.configured = configured; self.active = active }
    }

    private let plugins: [String: any Plugin]
    private let order: [String]
    private let transport: any PluginHTTPTransport
    private let egressAllowed: @Sendable (URL) -> Bool
    private let clock: @Sendable () -> Date
    private var configurations: [String: [String: PluginConfiguration]] = [:]   // tenant → plugin → config
    private var active: [String: Set<String>] = [:]                              // tenant → plugins

    /// - Throws: ``PluginError`` `undeclared_capability` or `duplicate_plugin`.
    public init(plugins: [any Plugin], transport: any PluginHTTPTransport,
                egressAllowed: @escaping @Sendable (URL) -> Bool, clock: @escaping @Sendable () -> Date) throws {
        var byID: [String: any Plugin] = [:]
        for p in plugins {
            try Self.checkCapabilities(p)
            guard byID[p.manifest.id] == nil else { throw PluginError(.duplicatePlugin, plugin: p.manifest.id, "registered twice") }
            byID[p.manifest.id] = p
        }
        self.plugins = byID
        self.order = plugins.map(\.manifest.id)
        self.transport = transport
        self.egressAllowed = egressAllowed
        self.clock = clock
    }

    /// Refuses a plugin whose implemented capabilities and manifest differ.
    public static func checkCapabilities(_ plugin: any Plugin) throws {
        let m = plugin.manifest
        let implemented: [(PluginCapability, Bool)] = [(.alertSink, plugin is any AlertSinkPlugin), (.documentSource, plugin is any DocumentSourcePlugin)]
        for (capability, implements) in implemented {
            if implements && !m.capabilities.contains(capability) {
                throw PluginError(.undeclaredCapability, plugin: m.id,
                                  "implements '\(capability.rawValue)' but its manifest does not declare it; declared: \(m.capabilities.sorted().map(\.rawValue).joined(separator: ", "))")
            }
            if !implements && m.capabilities.contains(capability) {
                throw PluginError(.undeclaredCapability, plugin: m.id, "declares '\(capability.rawValue)' but does not implement it")
            }
        }
    }

    public var manifests: [PluginManifest] { order.compactMap { plugins[$0]?.manifest } }

    /// Sets (or, with nil, removes) a tenant's configuration of a plugin, after checking it.
    /// A plugin whose configuration is removed is disabled for the tenant.
    public func configure(tenant: String, plugin id: String, _ configuration: PluginConfiguration?) async throws {
        guard let plugin = plugins[id] else { throw PluginError(.unknownPlugin, plugin: id, "no such plugin; known: \(order.joined(separator: ", "))") }
        guard let configuration else {
            if let old = configurations[tenant]?[id], active[tenant]?.contains(id) == true {
                active[tenant]?.remove(id)
                await plugin.disable(context(plugin, tenant, old))
            }
            configurations[tenant]?[id] = nil
            return
        }
        let checked = try configuration.validated(against: plugin.manifest)
        try plugin.validate(checked)
        configurations[tenant, default: [:]][id] = checked
    }

    /// Applies the tenant's flags: plugins whose flag is on and that are configured become
    /// active (`enable`), the others inactive (`disable`).
    ///
    /// - Returns: what changed, as `(plugin, nowActive, error)`; a plugin whose `enable` throws stays inactive.
    @discardableResult
    public func sync(tenant: String, isEnabled: (String) -> Bool) async -> [(plugin: String, active: Bool, error: String?)] {
        var changes: [(String, Bool, String?)] = []
        for id in order {
            guard let plugin = plugins[id] else { continue }
            let config = configurations[tenant]?[id]
            let want = config != nil && isEnabled(plugin.manifest.flag)
            let has = active[tenant]?.contains(id) ?? false
            guard want != has, let config else {
                if has && config == nil { active[tenant]?.remove(id) }
                continue
            }
            if want {
                do {
                    try await plugin.enable(context(plugin, tenant, config))
                    active[tenant, default: []].insert(id)
                    changes.append((id, true, nil))
                } catch {
                    changes.append((id, false, "\(error)"))
                }
            } else {
                active[tenant]?.remove(id)
                await plugin.disable(context(plugin, tenant, config))
                changes.append((id, false, nil))
            }
        }
        return changes
    }

    /// Sends `alert` to every active alert sink of its tenant.
    public func deliver(_ alert: PluginAlert) async -> [Delivery] {
        var out: [Delivery] = []
        for id in order where active[alert.tenant]?.contains(id) == true {
            guard let sink = plugins[id] as? any AlertSinkPlugin, let config = configurations[alert.tenant]?[id] else { continue }
            do {
                try await sink.deliver(alert, context(sink, alert.tenant, config))
                out.append(Delivery(plugin: id, tenant: alert.tenant, alertKind: alert.kind, at: alert.at, failure: nil))
            } catch {
                out.append(Delivery(plugin: id, tenant: alert.tenant, alertKind: alert.kind, at: alert.at, failure: "\(error)"))
            }
        }
        return out
    }

    /// The documents an active document source of the tenant offers.
    public func listDocuments(tenant: String, plugin id: String) async throws -> [SourceDocument] {
        let (source, config) = try activeSource(tenant, id)
        return try await source.list(context(source, tenant, config))
    }

    public func fetchDocument(_ document: SourceDocument, tenant: String, plugin id: String) async throws -> [UInt8] {
        let (source, config) = try activeSource(tenant, id)
        return try await source.fetch(document, context(source, tenant, config))
    }

    public func health(tenant: String, plugin id: String) async -> PluginHealth {
        guard let plugin = plugins[id], let config = configurations[tenant]?[id] else { return .unhealthy("not configured") }
        return await plugin.health(context(plugin, tenant, config))
    }

    public func status(tenant: String) -> [Status] {
        order.map { Status(plugin: $0, configured: configurations[tenant]?[$0] != nil, active: active[tenant]?.contains($0) ?? false) }
    }

    private func activeSource(_ tenant: String, _ id: String) throws -> (any DocumentSourcePlugin, PluginConfiguration) {
        guard let source = plugins[id] as? any DocumentSourcePlugin else {
            throw PluginError(.undeclaredCapability, plugin: id, "is not a document source")
        }
        guard active[tenant]?.contains(id) == true, let config = configurations[tenant]?[id] else {
            throw PluginError(.invalidConfiguration, plugin: id, "is not active for tenant '\(tenant)' (configure it and turn on \(source.manifest.flag))")
        }
        return (source, config)
    }

    private func context(_ plugin: any Plugin, _ tenant: String, _ config: PluginConfiguration) -> PluginContext {
        PluginContext(tenant: tenant, configuration: config, now: clock(), manifest: plugin.manifest, transport: transport, egressAllowed: egressAllowed)
    }
}
