import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// Each tenant's store sees only the rows written through it.
    @Test(arguments: BackendKind.available)
    func tenantStoresAreIsolated(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let (a, b) = (try TenantID("tenant-a"), try TenantID("tenant-b"))
            try await provisioner.createTenant(id: a, name: "A", now: StorageFixture.t0)
            try await provisioner.createTenant(id: b, name: "B", now: StorageFixture.t0)
            let storeA = try await provisioner.openTenantStore(a, now: StorageFixture.t0)
            let storeB = try await provisioner.openTenantStore(b, now: StorageFixture.t0)

            try await storeA.createUser(User(id: "u-1", subject: "sub-a", email: "a@example.com", name: "Ann", createdAt: StorageFixture.t0))
            try await storeA.setQuota("requests", to: JSONText(encoding: ["perMinute": 60]), now: StorageFixture.t0)
            try await storeB.createUser(User(id: "u-2", subject: "sub-b", email: nil, name: nil, createdAt: StorageFixture.t0))

            #expect(try await storeA.users().map(\.id) == ["u-1"])
            #expect(try await storeB.users().map(\.id) == ["u-2"])
            #expect(try await storeB.user(subject: "sub-a") == nil)
            #expect(try await storeB.quotas().isEmpty)
            #expect(storeA.tenantID == a)
        }
    }

    /// A tenant database opened for another tenant is refused, naming its real owner.
    @Test(arguments: BackendKind.available)
    func refusesDatabaseOfAnotherTenant(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let (a, b) = (try TenantID("tenant-a"), try TenantID("tenant-b"))
            try await provisioner.createTenant(id: a, name: "A", now: StorageFixture.t0)
            try await provisioner.createTenant(id: b, name: "B", now: StorageFixture.t0)
            let databaseOfB = try await fixture.backend.tenantDatabase(at: fixture.backend.tenantDatabaseLocator(for: b))

            let error = await #expect(throws: StorageError.self) {
                _ = try await SQLTenantStore.open(database: databaseOfB, tenant: a)
            }
            #expect(error?.code == .tenantMismatch)
            #expect(error?.message.contains("tenant 'tenant-a'") == true)
            #expect(error?.message.contains("tenant-b") == true)
        }
    }

    /// A database no tenant has claimed is refused too.
    @Test(arguments: BackendKind.available)
    func refusesUnclaimedDatabase(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let id = try TenantID("orphan")
            let locator = try await fixture.backend.createTenantDatabase(for: id)
            let database = try await fixture.backend.tenantDatabase(at: locator)
            try await Migrator.tenant.migrate(database, label: "tenant 'orphan'", now: StorageFixture.t0)

            let error = await #expect(throws: StorageError.self) {
                _ = try await SQLTenantStore.open(database: database, tenant: id)
            }
            #expect(error?.code == .tenantMismatch)
        }
    }

    /// Locators are checked: foreign or malformed ones are refused, missing databases reported, dropped ones gone.
    @Test(arguments: BackendKind.available)
    func checksLocators(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            for raw in ["sqlite:tenants/../platform.sqlite", "postgresql:postgres", "sqlite:tenants/A.sqlite", "mysql:acme", ""] {
                let error = await #expect(throws: StorageError.self, "\(raw)") {
                    _ = try await fixture.backend.tenantDatabase(at: DatabaseLocator(rawValue: raw))
                }
                #expect(error?.code == .invalidLocator)
            }
            let ghost = fixture.backend.tenantDatabaseLocator(for: try TenantID("ghost"))
            let missing = await #expect(throws: StorageError.self) {
                _ = try await fixture.backend.tenantDatabase(at: ghost)
            }
            #expect(missing?.code == .databaseNotFound)

            let locator = try await fixture.backend.createTenantDatabase(for: try TenantID("doomed"))
            _ = try await fixture.backend.tenantDatabase(at: locator)
            try await fixture.backend.dropTenantDatabase(at: locator)
            let dropped = await #expect(throws: StorageError.self) {
                _ = try await fixture.backend.tenantDatabase(at: locator)
            }
            #expect(dropped?.code == .databaseNotFound)
        }
    }
}
