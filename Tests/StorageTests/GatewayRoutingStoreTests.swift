import Foundation
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// Virtual keys: unique by id and digest, listed oldest first, revoked once (the first
    /// time kept), last used from the usage ledger.
    @Test(arguments: BackendKind.available)
    func keepsVirtualKeys(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            let a = StoredVirtualKey(id: "vk_a", name: "app", digestHex: String(repeating: "a", count: 64), models: ["chat", "fast"],
                                     expiresAt: StorageFixture.t0 + 3600, createdAt: StorageFixture.t0, createdBy: "user:olga")
            let b = StoredVirtualKey(id: "vk_b", name: "vk_b", digestHex: String(repeating: "b", count: 64), models: nil, expiresAt: nil,
                                     createdAt: StorageFixture.t0 + 1, createdBy: "serve-file")
            try await store.insertVirtualKey(b)
            try await store.insertVirtualKey(a)
            #expect(try await store.virtualKeys() == [a, b])
            let sameDigest = await #expect(throws: StorageError.self) {
                var c = b
                c.id = "vk_c"
                try await store.insertVirtualKey(c)
            }
            #expect(sameDigest?.code == .conflict)

            let revoked = try #require(try await store.revokeVirtualKey(id: "vk_a", now: StorageFixture.t0 + 10))
            #expect(revoked.revokedAt == StorageFixture.t0 + 10)
            #expect(try await store.revokeVirtualKey(id: "vk_a", now: StorageFixture.t0 + 20)?.revokedAt == StorageFixture.t0 + 10)
            #expect(try await store.revokeVirtualKey(id: "vk_none", now: StorageFixture.t0) == nil)

            #expect(try await store.virtualKeysLastUsed().isEmpty)
            func entry(_ n: Int, key: String, at: TimeInterval) -> UsageEntry {
                UsageEntry(requestID: "r\(n)", at: StorageFixture.t0 + at, keyID: key, model: "chat", provider: "openai", upstreamModel: "m",
                           stream: false, status: 200, errorKind: nil, promptTokens: 1, completionTokens: 1, costMicros: 1, latencyMicros: 1,
                           usageSource: "reported")
            }
            try await store.recordUsage([entry(1, key: "vk_b", at: 5), entry(2, key: "vk_b", at: 50), entry(3, key: "vk_a", at: 7)])
            #expect(try await store.virtualKeysLastUsed() == ["vk_b": StorageFixture.t0 + 50, "vk_a": StorageFixture.t0 + 7])
        }
    }

    /// Aliases: saved (replacing), listed by name, deleted; gateway versions count per scope.
    @Test(arguments: BackendKind.available)
    func keepsAliasesAndGatewayVersions(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            var chat = StoredModelAlias(name: "chat", provider: "openai", model: "gpt-4o-mini", targets: ["openai": "gpt-4o-mini"],
                                        updatedAt: StorageFixture.t0, updatedBy: "serve-file")
            let big = StoredModelAlias(name: "big", provider: "anthropic", model: "claude", targets: ["anthropic": "claude"],
                                       updatedAt: StorageFixture.t0, updatedBy: "user:olga")
            try await store.saveAlias(chat)
            try await store.saveAlias(big)
            chat.provider = "anthropic"; chat.model = "claude-3-5-haiku-latest"; chat.targets["anthropic"] = chat.model
            chat.updatedAt = StorageFixture.t0 + 1; chat.updatedBy = "user:olga"
            try await store.saveAlias(chat)
            #expect(try await store.aliases() == [big, chat])
            try await store.deleteAlias("big")
            try await store.deleteAlias("big")
            #expect(try await store.aliases() == [chat])

            let platform = try await fixture.platform()
            #expect(try await platform.gatewayVersions().isEmpty)
            try await platform.bumpGatewayVersion("acme")
            try await platform.bumpGatewayVersion("acme")
            try await platform.bumpGatewayVersion("*")
            #expect(try await platform.gatewayVersions() == ["acme": 2, "*": 1])
        }
    }
}
