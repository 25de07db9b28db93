import Base
import Config
import Gateway

extension ServeConfig {
    /// The gateway's configuration from the serve file: the egress allowlist, the pricing
    /// table, the upstream timeout and every tenant; with the alerts the tenants raised
    /// (accounts refused by the allowlist).
    ///
    /// - Throws: ``LiveError`` naming the allowlist entry or tenant that cannot be used.
    public func gatewayCore(epoch: Int64 = 0, at now: Instant) throws -> (core: GatewayCore, alerts: [Alert]) {
        let allowlist: EgressAllowlist
        do { allowlist = try EgressAllowlist(platform.allowlist) } catch { throw LiveError("platform.egress_allowlist: \(error)") }
        var core = GatewayCore(configuration: .init(allowlist: allowlist, pricing: platform.pricing, upstreamTimeout: platform.upstreamTimeout,
                                                    epoch: epoch))
        var alerts: [Alert] = []
        for t in tenants {
            do { alerts += try core.upsertTenant(t.gatewayConfig(), at: now) } catch { throw LiveError("tenant '\(t.id)': \(error)") }
        }
        return (core, alerts)
    }
}
