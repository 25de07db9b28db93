import Base
import Foundation
import Gateway
import Mocks
import Plugins

/// Flags and plugins in the Lab: the flag book, the plugin host over the mock connector
/// services, and the alerts handed to the tenants' sinks.
extension LabRunner {

    /// Configures every tenant's integrations and applies the flags once.
    func startPlugins() async throws {
        let specs = scenario.tenants + scenario.steps.compactMap { if case .addTenant(let t) = $0.action { return t } else { return nil } }
        guard specs.contains(where: { !$0.integrations.isEmpty }) else { return }
        let clock = self.clock, allowlist = pluginAllowlist
        let host = try PluginHost(plugins: Connectors.builtIn, transport: connectorMocks, egressAllowed: { url in
            guard case .success(let endpoint) = Endpoint.parse(url.absoluteString) else { return false }
            return allowlist.value.allows(endpoint)
        }, clock: { clock.currentDate() })
        for spec in specs {
            for (plugin, values) in spec.integrations.sorted(by: { $0.key < $1.key }) {
                try await host.configure(tenant: spec.id, plugin: plugin, PluginConfiguration(values))
            }
        }
        pluginHost = host
        await syncPlugins()
    }

    func syncPlugins() async {
        guard let host = pluginHost else { return }
        let book = flagBook
        for tenant in tenantOrder {
            for change in await host.sync(tenant: tenant, isEnabled: { book.isEnabled($0, tenant: tenant) }) {
                if let error = change.error {
                    stepLog.append(StepOutcome(at: clock.now(), description: "enable \(change.plugin) for \(tenant)", error: error))
                }
            }
        }
    }

    func applyFlagStep(_ step: Scenario.Step) async {
        switch step.action {
        case .setFlag(let feature, let tenant, let state):
            if let tenant {
                flagBook.overrides[tenant, default: [:]][feature] = state
            } else if let state, var f = flagBook.definitions.feature(named: feature) {
                f.enabled = state.enabled
                if let v = state.value { f.value = v }
                flagBook.definitions.put(f)
            }
        case .setRollout(let feature, let percent):
            if var f = flagBook.definitions.feature(named: feature) {
                f.rollout = percent
                flagBook.definitions.put(f)
            }
        default:
            return
        }
        stepLog.append(StepOutcome(at: clock.now(), description: step.description, error: nil))
        await syncPlugins()
        applyDocChatFlags()
        recordFlags(cause: step.description)
    }

    /// Hands alerts raised since the last event to the tenants' active alert sinks.
    func deliverAlerts() async {
        guard let host = pluginHost else { return }
        while alertsDelivered < metrics.alerts.count {
            let alert = metrics.alerts[alertsDelivered]
            alertsDelivered += 1
            guard let tenant = alert.tenant else { continue }
            let pluginAlert = PluginAlert(kind: alert.kind.rawValue, tenant: tenant, message: alert.message, at: clock.date(of: alert.at))
            for d in await host.deliver(pluginAlert) {
                metrics.deliveries.append(RunMetrics.Delivery(at: alert.at, plugin: d.plugin, tenant: d.tenant, alertKind: d.alertKind, failure: d.failure))
            }
        }
    }

    /// Every tenant's flags now, for the report's timeline and the `flag.enabled` metric.
    func recordFlags(cause: String) {
        var states: [String: [String: Bool]] = [:]
        for tenant in tenantOrder {
            var row: [String: Bool] = [:]
            for flag in flagBook.evaluate(tenant: tenant) { row[flag.name] = flag.enabled }
            states[tenant] = row
        }
        metrics.flagSnapshots.append(.init(at: clock.now(), cause: cause, states: states))
    }

    /// What the mock connector services received, attributed to the tenant whose
    /// configuration names that URL.
    func collectConnectorMessages() async {
        guard pluginHost != nil else { return }
        let specs = scenario.tenants + scenario.steps.compactMap { if case .addTenant(let t) = $0.action { return t } else { return nil } }
        for r in await connectorMocks.received {
            let owner = specs.first { spec in
                spec.integrations.values.contains { config in
                    config.values.contains { value in value.hasPrefix("http") && (r.url == value || (r.url.hasPrefix(value) && value.count > 12)) }
                }
            }?.id ?? "-"
            metrics.connectorMessages.append(.init(service: r.service, tenant: owner, url: r.url))
        }
    }
}
