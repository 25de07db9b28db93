import Crypto
import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// Users are unique by id and subject; roles must exist to be assigned; deleting a user drops their roles.
    @Test(arguments: BackendKind.available)
    func managesUsersAndRoles(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            let ann = User(id: "u-1", subject: "oidc|ann", email: "ann@example.com", name: "Ann", createdAt: StorageFixture.t0)

            try await store.createUser(ann)
            #expect(try await store.user(id: "u-1") == ann)
            #expect(try await store.user(subject: "oidc|ann") == ann)
            let duplicate = await #expect(throws: StorageError.self) {
                try await store.createUser(User(id: "u-2", subject: "oidc|ann", email: nil, name: nil, createdAt: StorageFixture.t0))
            }
            #expect(duplicate?.code == .conflict)

            try await store.assignRole("admin", to: "u-1")
            try await store.assignRole("viewer", to: "u-1")
            try await store.assignRole("admin", to: "u-1")
            #expect(try await store.roleNames(of: "u-1") == ["admin", "viewer"])
            let unknownRole = await #expect(throws: StorageError.self) {
                try await store.assignRole("emperor", to: "u-1")
            }
            #expect(unknownRole?.code == .notFound)
            let unknownUser = await #expect(throws: StorageError.self) {
                try await store.assignRole("admin", to: "u-404")
            }
            #expect(unknownUser?.code == .notFound)

            try await store.revokeRole("viewer", from: "u-1")
            #expect(try await store.roleNames(of: "u-1") == ["admin"])
            try await store.deleteUser(id: "u-1")
            #expect(try await store.users().isEmpty)
            #expect(try await store.roleNames(of: "u-1").isEmpty)
        }
    }

    /// Provider API keys are stored sealed and open again with the platform key; updates keep the creation time.
    @Test(arguments: BackendKind.available)
    func storesProviderKeysSealed(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            let box = try SecretBox(key: SymmetricKey(size: .bits256), keyID: "platform-1")
            let apiKey = "sk-test-0123456789abcdef"

            try await store.saveProvider(id: "openai", kind: "openai", endpoint: "https://api.openai.com/v1", apiKey: try box.seal(Secret(apiKey)), now: StorageFixture.t0)
            let updated = try await store.saveProvider(
                id: "openai", kind: "openai", endpoint: "https://proxy.internal/v1",
                apiKey: try box.seal(Secret(apiKey + "-rotated")), now: StorageFixture.t0 + 60
            )

            #expect(updated.createdAt == StorageFixture.t0)
            let stored = try #require(try await store.provider(id: "openai"))
            #expect(stored == updated)
            #expect(stored.endpoint == "https://proxy.internal/v1")
            #expect(try box.open(stored.apiKey).reveal() == apiKey + "-rotated")
            #expect(stored.apiKey.keyID == "platform-1")

            let database = try await fixture.backend.tenantDatabase(at: fixture.backend.tenantDatabaseLocator(for: id))
            let raw = try #require(try await database.select().column("api_key").from("provider_configurations").first(decodingColumn: "api_key", as: Data.self))
            #expect(raw.range(of: Data(apiKey.utf8)) == nil)

            try await store.deleteProvider(id: "openai")
            #expect(try await store.providers().isEmpty)
        }
    }

    /// Quotas are JSON values by name; nil removes one.
    @Test(arguments: BackendKind.available)
    func storesQuotas(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)

            try await store.setQuota("tokens", to: JSONText(encoding: ["perDay": 1_000_000]), now: StorageFixture.t0)
            try await store.setQuota("tokens", to: JSONText(encoding: ["perDay": 2_000_000]), now: StorageFixture.t0 + 1)
            try await store.setQuota("requests", to: JSONText(validating: #"{"perMinute": 60}"#), now: StorageFixture.t0)

            #expect(try await store.quota("tokens")?.decode([String: Int].self) == ["perDay": 2_000_000])
            #expect(try await store.quotas().keys.sorted() == ["requests", "tokens"])
            try await store.setQuota("tokens", to: nil, now: StorageFixture.t0 + 2)
            #expect(try await store.quota("tokens") == nil)
        }
    }

    /// Tenant settings (overrides of the platform configuration) are JSON values by key; nil removes one.
    @Test(arguments: BackendKind.available)
    func storesTenantSettings(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)

            try await store.setSetting("features", to: JSONText(validating: #"{"beta": true}"#), now: StorageFixture.t0)
            try await store.setSetting("features", to: JSONText(validating: #"{"beta": false}"#), now: StorageFixture.t0 + 1)
            try await store.setSetting("integrations", to: JSONText(validating: #"{"slack": {"enabled": false}}"#), now: StorageFixture.t0)
            #expect(try await store.settings().mapValues(\.rawValue) == [
                "features": #"{"beta": false}"#, "integrations": #"{"slack": {"enabled": false}}"#,
            ])
            try await store.setSetting("features", to: nil, now: StorageFixture.t0 + 2)
            #expect(try await store.settings().keys.sorted() == ["integrations"])
        }
    }
}

