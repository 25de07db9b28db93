import Crypto
import Foundation
import Identity
import Mocks
@testable import Server
import Logging
import Base
import Gateway
import PlatformAPI
import Storage
import Testing

/// The live server's ledger and reconciliation: calls journaled into SQLite ledgers, a
/// "restarted" gateway (fresh in-memory budgets) restored from the ledger without raising
/// its budget alerts again.
@Suite(.serialized) struct ReconciliationLiveTests {
    @Test func aRestartedGatewayGetsItsBudgetSpendBackFromTheLedger() async throws {
        let providers = try MockProviderServer(seed: 9)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let backend = SQLiteBackend(dataDirectory: data)
        let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
        let idp = try MockIdentityProvider(issuer: "https://idp.dcoder.test/oidc")
        let service = APIService(
            backend: backend, platform: platform,
            validator: OIDCTokenValidator(config: OIDCProviderConfig(issuer: idp.issuer, audiences: ["aud"]), fetcher: idp),
            enforcer: try APIService.defaultEnforcer(), secrets: try SecretBox(key: SymmetricKey(size: .bits256), keyID: "t"),
            clock: { Date() }, random: APIService.systemRandom)
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        do {
            try await LiveHarness.withApps([{ LiveHarness.app(providers.router(), announce: $0) }]) { ports in
                // A budget the first calls cross at 1 % and 2 %, but not 100 %.
                let settings = try LiveHarness.acmeSettings(path: data.appendingPathComponent("serve.yaml").path, providerPort: ports[0],
                                                            extra: "budget: {monthly_usd: 0.0001, thresholds: [1, 2, 100]}",
                                                            metricsToken: "prometheus-scrape-token")
                try await service.ensureTenants(settings.tenants.map(\.id))
                let ledger = ServiceLedger(service: service)

                // Each life is a process: it opens the journal's files anew.
                func runGateway(_ body: @Sendable (TestClient, LiveGateway, UsageReconcilerService) async throws -> Void) async throws {
                    let transport = ProviderHTTPTransport()
                    let gateway = try LiveHarness.gateway(settings, transport: transport, journal: try FileJournalFiles(directory: data))
                    let reconciler = UsageReconcilerService(gateway: gateway, ledger: ledger, every: .seconds(3600), logger: quiet)
                    try await LiveHarness.withApps([{ LiveHarness.app(gateway.router(), services: [TransportService(transport)], announce: $0) }]) { gp in
                        try await body(TestClient(base: "http://127.0.0.1:\(gp[0])"), gateway, reconciler)
                    }
                }
                // First life: 3 calls, thresholds 1 % and 2 % alert once each.
                try await runGateway { client, gateway, reconciler in
                    for _ in 0..<3 {
                        let reply = try await client.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("chat", "hi"))
                        #expect(reply.status == 200)
                    }
                    #expect(gateway.alerts.filter { $0.kind == .budgetThreshold }.count == 2)
                    let drift = await reconciler.reconcileOnce()
                    #expect(drift.allSatisfy { $0.isZero }, "\(drift)")
                }
                let spent = try await service.monthToDateCost(tenant: "acme")
                #expect(spent > 0)
                // Second life: the new process starts with no spend; start-up reconciliation restores it.
                try await runGateway { client, gateway, reconciler in
                    let drift = await reconciler.reconcileOnce()
                    #expect(drift.map(\.costMicros) == [-spent], "\(drift)")
                    #expect(gateway.alerts.contains { $0.kind == .usageDrift && $0.tenant == "acme" })
                    // … and a metric, for Prometheus.
                    #expect(try await client.get("/metrics").status == 401)
                    #expect(try await client.get("/metrics", key: "dk-acme").status == 401)  // a tenant's key is not the token
                    let before = try await client.get("/metrics", key: "prometheus-scrape-token").body
                    #expect(before.contains("dcoder_usage_drift_cost_micro_dollars{tenant=\"acme\"} \(Double(-spent))"), "\(before)")
                    #expect(before.contains("dcoder_usage_drift_repairs_total{tenant=\"acme\"} 1"))
                    let reply = try await client.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("chat", "hi"))
                    #expect(reply.status == 200)
                    // 1 % and 2 % were already crossed last life: no second alert for them.
                    #expect(gateway.alerts.filter { $0.kind == .budgetThreshold }.isEmpty)
                    let again = await reconciler.reconcileOnce()
                    #expect(again.allSatisfy { $0.isZero })
                    let after = try await client.get("/metrics", key: "prometheus-scrape-token").body
                    #expect(after.contains("dcoder_usage_drift_cost_micro_dollars{tenant=\"acme\"} 0.0"), "\(after)")
                    #expect(after.contains("dcoder_usage_reconciliations_total 2"))
                    #expect(after.contains("dcoder_gateway_requests_total{tenant=\"acme\",provider=\"openai\",status=\"200\"} 1"))
                }
                let summary = try await service.monthToDateCost(tenant: "acme")
                #expect(summary > spent)
            }
        } catch {
            try? await backend.shutdown()
            throw error
        }
        try await backend.shutdown()
    }
}
