import Foundation
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// Each settings change is audited with actor, time and the values before and after; no-op writes are not.
    @Test(arguments: BackendKind.available)
    func auditsSettingChanges(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let key = "signup.enabled"
            try await platform.setSetting(key, to: JSONText(validating: "true"), actor: "alice", now: StorageFixture.t0)
            try await platform.setSetting(key, to: JSONText(validating: "true"), actor: "alice", now: StorageFixture.t0 + 1)
            try await platform.setSetting(key, to: JSONText(validating: "false"), actor: "bob", now: StorageFixture.t0 + 2)
            #expect(try await platform.setting(key)?.rawValue == "false")
            try await platform.setSetting(key, to: nil, actor: "carol", now: StorageFixture.t0 + 3)

            #expect(try await platform.setting(key) == nil)
            #expect(try await platform.settings().isEmpty)
            let audit = try await platform.auditLog(target: "setting:\(key)", limit: 10)
            #expect(audit.map(\.action) == ["setting.set", "setting.set", "setting.remove"])
            #expect(audit.map(\.actor) == ["alice", "bob", "carol"])
            #expect(audit.map(\.at) == [StorageFixture.t0, StorageFixture.t0 + 2, StorageFixture.t0 + 3])
            #expect(audit.map(\.oldValue?.rawValue) == [nil, "true", "false"])
            #expect(audit.map(\.newValue?.rawValue) == [Optional("true"), "false", nil])
            #expect(audit.map(\.id) == audit.map(\.id).sorted())
        }
    }

    /// The audit log returns the latest entries, oldest first, and filters by target.
    @Test(arguments: BackendKind.available)
    func readsLatestAuditEntries(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            for index in 0..<5 {
                try await platform.appendAudit(
                    action: "test.event", target: index.isMultiple(of: 2) ? "even" : "odd",
                    oldValue: nil, newValue: try JSONText(encoding: index), actor: "test", at: StorageFixture.t0 + Double(index)
                )
            }
            #expect(try await platform.auditLog(target: nil, limit: 2).map(\.newValue?.rawValue) == ["3", "4"])
            #expect(try await platform.auditLog(target: "even", limit: 10).map(\.newValue?.rawValue) == ["0", "2", "4"])
        }
    }

    /// Recording a tenant twice is a conflict; a missing tenant cannot change status.
    @Test(arguments: BackendKind.available)
    func rejectsDuplicateAndMissingTenants(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let id = try TenantID("acme")
            let tenant = Tenant(
                id: id, displayName: "Acme", status: .provisioning,
                databaseLocator: fixture.backend.tenantDatabaseLocator(for: id),
                createdAt: StorageFixture.t0, updatedAt: StorageFixture.t0
            )
            try await platform.insertTenant(tenant, actor: "test")
            let conflict = await #expect(throws: StorageError.self) {
                try await platform.insertTenant(tenant, actor: "test")
            }
            #expect(conflict?.code == .conflict)
            let missing = await #expect(throws: StorageError.self) {
                _ = try await platform.updateTenantStatus(try TenantID("nobody"), from: [.provisioning], to: .active, failureReason: nil, actor: "test", now: StorageFixture.t0)
            }
            #expect(missing?.code == .notFound)
            #expect(try await platform.tenants() == [tenant])
        }
    }

    /// API keys: stored with their hash only, listed per tenant, revoked once, audited without secrets.
    @Test(arguments: BackendKind.available)
    func storesAPIKeys(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let acme = try TenantID("acme"), globex = try TenantID("globex")
            let key = APIKeyRecord(id: "k1", tenantID: acme, name: "ci", roles: ["developer"], secretHash: "ab12",
                                   createdBy: "alice", createdAt: StorageFixture.t0)
            try await platform.insertAPIKey(key, actor: "alice")
            try await platform.insertAPIKey(APIKeyRecord(id: "k2", tenantID: globex, name: "ops", roles: ["admin"], secretHash: "cd34",
                                                         createdBy: "bob", createdAt: StorageFixture.t0), actor: "bob")
            await #expect(throws: StorageError.self) { try await platform.insertAPIKey(key, actor: "mallory") }

            #expect(try await platform.apiKey(id: "k1") == key)
            #expect(try await platform.apiKeys(tenant: acme).map(\.id) == ["k1"])
            // Another tenant cannot revoke acme's key.
            #expect(try await platform.revokeAPIKey(id: "k1", tenant: globex, actor: "bob", now: StorageFixture.t0 + 1) == nil)
            let revoked = try await platform.revokeAPIKey(id: "k1", tenant: acme, actor: "alice", now: StorageFixture.t0 + 2)
            #expect(revoked?.revokedAt == StorageFixture.t0 + 2)
            let again = try await platform.revokeAPIKey(id: "k1", tenant: acme, actor: "alice", now: StorageFixture.t0 + 3)
            #expect(again?.revokedAt == StorageFixture.t0 + 2)
            let audit = try await platform.auditLog(target: "tenant:acme/api_key:k1", limit: 10)
            #expect(audit.map(\.action) == ["api_key.create", "api_key.revoke"])
            #expect(audit.allSatisfy { !($0.newValue?.rawValue.contains("ab12") ?? false) })
        }
    }
}

