import Foundation
@testable import Mocks
@testable import Server
import Testing

/// A quota set through the Platform API reaches the gateway: the API's mirror and the
/// gateway's enforcement are the same configuration.
@Suite(.serialized) struct QuotaSyncTests {
    @Test func aQuotaSetThroughTheAPIIsEnforcedByTheGateway() async throws {
        try await LivePlatform.with { live in
            let sync = QuotaSyncService(gateway: live.gateway, service: live.service)
            func call() async throws -> Int {
                try await live.client.post("/v1/chat/completions", key: "dk-acme", json: TestClient.chat("chat", "hi")).status
            }
            for _ in 0..<3 { #expect(try await call() == 200) }
            let owner = try await live.token("olga", roles: ["owner"])
            let put = try await live.client.put("/api/v1/tenants/acme/quotas/requests_per_minute", key: owner, json: #"{"limit": 2}"#)
            #expect(put.status == 200, "\(put.body)")
            await sync.syncOnce()
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await call()) }
            #expect(statuses == [200, 200, 429, 429], "\(statuses)")
            // Dropping the override lifts the limit again.
            #expect(try await live.client.delete("/api/v1/tenants/acme/quotas/requests_per_minute", key: owner).status == 200)
            await sync.syncOnce()
            #expect(try await call() == 200)
        }
    }
}
