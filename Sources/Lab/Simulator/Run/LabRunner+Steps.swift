import Base
import Config
import Gateway
import Mocks
import PlatformAPI

/// Scripted steps and the configuration model's quotas, applied to every replica.
extension LabRunner {
    func apply(_ step: Scenario.Step) {
        let now = clock.now()
        var error: String?
        do {
            switch step.action {
            case .switchProvider(let tenant, let alias, let to):
                try configure { try $0.switchProvider(tenant: tenant, alias: alias, to: to) }
                expectedActive[AliasKey(tenant: tenant, alias: alias)] = to
            case .outage(let name, let duration, let failure):
                let targets = mocks.indices.filter { mocks[$0].profile.name == name || (mocks[$0].profile.kind.rawValue == name) }
                if targets.isEmpty { error = "no mock provider '\(name)'" }
                for i in targets { mocks[i].profile.outages.append(.init(from: now, until: now + duration, failure: failure)) }
            case .setKey(let tenant, let provider, let key, let valid):
                guard let t = core.tenants[tenant] else { throw GatewayCore.ConfigurationError(message: "no tenant '\(tenant)'") }
                let defaultEndpoint = try Endpoint.parse(provider.defaultBaseURL).get()
                let endpoint = t.accounts[provider]?.endpoint ?? defaultEndpoint
                try configure { try $0.setProviderAccount(tenant: tenant, account: ProviderAccount(provider: provider, endpoint: endpoint, apiKey: Secret(key)), at: now) }
                    .forEach(metrics.raise)
                if valid, let m = mockIndex(for: provider, endpoint: endpoint) { mocks[m].issueKey(key, to: tenant) }
            case .addTenant(let spec):
                try addTenant(spec)
            case .allowlistAdd(let entry):
                var list = core.configuration.allowlist
                try list.add(entry)
                configure { $0.setAllowlist(list, at: now) }.forEach(metrics.raise)
            case .allowlistRemove(let entry):
                var list = core.configuration.allowlist
                list.remove(entry)
                configure { $0.setAllowlist(list, at: now) }.forEach(metrics.raise)
            case .suspendTenant(let t): try configure { try $0.setSuspended(tenant: t, true) }
            case .resumeTenant(let t): try configure { try $0.setSuspended(tenant: t, false) }
            case .platform, .setFlag, .setRollout, .restartGateway, .crashGateway: break  // run by `run` itself
            }
        } catch {
            let text = "\(error)"
            return stepLog.append(StepOutcome(at: now, description: step.description, error: text))
        }
        stepLog.append(StepOutcome(at: now, description: step.description, error: error))
    }

    // MARK: Flags the gateway serves

    /// Switches each tenant's `doc-chat` by its flag, as the live control plane does
    /// (``APIService/servesDocChat(_:tenant:)``).
    func applyDocChatFlags() {
        let book = flagBook
        for tenant in core.tenants.keys.sorted() {
            _ = try? configure { try $0.setDocChat(tenant: tenant, APIService.servesDocChat(book, tenant: tenant)) }
        }
    }

    // MARK: Quotas from the configuration model

    /// Lays each gateway tenant's effective quotas (from the Platform API) over its
    /// configured limits and budget (``GatewayCore/applyQuotas(tenant:_:)``), as the live
    /// server's quota sync does.
    func applyConfiguredQuotas(_ platform: LabPlatform) async {
        for tenant in core.tenants.keys.sorted() {
            guard let quotas = try? await platform.service.effectiveQuotas(tenant: tenant) else { continue }
            _ = try? configure { try $0.applyQuotas(tenant: tenant, quotas) }
        }
    }
}
