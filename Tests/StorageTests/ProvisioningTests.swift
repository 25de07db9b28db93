import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// A new tenant ends active, in its own migrated database, with the default roles and an audit trail.
    @Test(arguments: BackendKind.available)
    func createsActiveTenant(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let provisioner = TenantProvisioner(backend: fixture.backend, platform: platform)
            let id = try TenantID("acme")

            let tenant = try await provisioner.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0, actor: "ops@example.com")

            #expect(tenant.status == .active)
            #expect(tenant.displayName == "Acme Corp")
            #expect(tenant.databaseLocator == fixture.backend.tenantDatabaseLocator(for: id))
            #expect(tenant.failureReason == nil)
            #expect(try await platform.tenant(id) == tenant)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            #expect(try await store.roles() == Role.defaults.sorted { $0.name < $1.name })
            let database = try await fixture.backend.tenantDatabase(at: tenant.databaseLocator)
            #expect(try await Migrator.tenant.appliedMigrations(in: database).count == Migrator.tenant.migrations.count)
            switch fixture.kind {
            case .sqlite:
                let directory = try #require(fixture.backend as? SQLiteBackend).dataDirectory
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tenants/acme.sqlite").path))
            case .postgres:
                let name = try await database.raw("SELECT current_database() AS name").first(decodingColumn: "name", as: String.self)
                #expect(name?.hasSuffix("_acme") == true)
            }

            let audit = try await platform.auditLog(target: "tenant:acme", limit: 10)
            #expect(audit.map(\.action) == ["tenant.create", "tenant.status"])
            #expect(audit.allSatisfy { $0.actor == "ops@example.com" && $0.at == StorageFixture.t0 })
            #expect(try audit.last?.newValue?.decode([String: String].self) == ["status": "active"])
        }
    }

    /// Creating an active tenant again returns it unchanged and records nothing.
    @Test(arguments: BackendKind.available)
    func recreatingActiveTenantChangesNothing(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let provisioner = TenantProvisioner(backend: fixture.backend, platform: platform)
            let id = try TenantID("acme")
            let first = try await provisioner.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0)
            let auditBefore = try await platform.auditLog(target: nil, limit: 100)

            let second = try await provisioner.createTenant(id: id, name: "Renamed", now: StorageFixture.t0 + 3600)

            #expect(second == first)
            #expect(try await platform.auditLog(target: nil, limit: 100) == auditBefore)
        }
    }

    /// A failure injected at any step leaves the tenant failed (or unrecorded, for the first step) with
    /// the step in its reason, never active; creating it again resumes and completes it.
    @Test(arguments: BackendKind.available, ProvisioningStep.allCases)
    func failureAtStepIsRecordedAndResumed(kind: BackendKind, step: ProvisioningStep) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let id = try TenantID("acme")
            let failing = TenantProvisioner(backend: fixture.backend, platform: platform, hooks: .failing(at: step))

            let error = await #expect(throws: ProvisioningError.self) {
                _ = try await failing.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0)
            }
            #expect(error?.code == .stepFailed)
            #expect(error?.step == step)
            #expect(error?.tenant == id)
            #expect(error?.description.contains("injected failure") == true)

            let recorded = try await platform.tenant(id)
            if step == .recordTenant {
                #expect(recorded == nil)
            } else {
                #expect(recorded?.status == .failed)
                #expect(recorded?.failureReason?.contains("'\(step)'") == true)
                let notActive = await #expect(throws: ProvisioningError.self) {
                    _ = try await failing.openTenantStore(id, now: StorageFixture.t0)
                }
                #expect(notActive?.code == .tenantNotActive)
            }

            let healthy = TenantProvisioner(backend: fixture.backend, platform: platform)
            let resumed = try await healthy.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0 + 60)
            #expect(resumed.status == .active)
            #expect(resumed.failureReason == nil)
            let store = try await healthy.openTenantStore(id, now: StorageFixture.t0 + 60)
            #expect(try await store.roles().map(\.name) == ["admin", "developer", "owner", "viewer"])
        }
    }

    /// A tenant left `provisioning` by a crash after its database was created and migrated is completed.
    @Test(arguments: BackendKind.available)
    func resumesTenantLeftProvisioningByCrash(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let id = try TenantID("acme")
            // The state a process dying after the migrate step leaves behind.
            let locator = try await fixture.backend.createTenantDatabase(for: id)
            try await Migrator.tenant.migrate(try await fixture.backend.tenantDatabase(at: locator), label: "tenant 'acme'", now: StorageFixture.t0)
            try await platform.insertTenant(
                Tenant(id: id, displayName: "Acme Corp", status: .provisioning, databaseLocator: locator, createdAt: StorageFixture.t0, updatedAt: StorageFixture.t0),
                actor: "system"
            )

            let tenant = try await TenantProvisioner(backend: fixture.backend, platform: platform)
                .createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0 + 60)

            #expect(tenant.status == .active)
            #expect(tenant.createdAt == StorageFixture.t0)
            #expect(tenant.updatedAt == StorageFixture.t0 + 60)
        }
    }

    /// Two concurrent creations of one tenant both end with the same active tenant.
    @Test(arguments: BackendKind.available)
    func concurrentCreationsAgree(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            async let first = provisioner.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0)
            async let second = provisioner.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0)
            let (a, b) = try await (first, second)
            #expect(a.status == .active)
            #expect(b.status == .active)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            #expect(try await store.roles().count == Role.defaults.count)
        }
    }

    /// Suspension closes the store to callers; reactivation opens it; failed tenants cannot be switched.
    @Test(arguments: BackendKind.available)
    func suspendsAndReactivates(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let platform = try await fixture.platform()
            let provisioner = TenantProvisioner(backend: fixture.backend, platform: platform)
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0)

            let suspended = try await provisioner.setStatus(.suspended, for: id, now: StorageFixture.t0 + 1, actor: "ops")
            #expect(suspended.status == .suspended)
            let error = await #expect(throws: ProvisioningError.self) {
                _ = try await provisioner.openTenantStore(id, now: StorageFixture.t0 + 2)
            }
            #expect(error?.code == .tenantNotActive)
            #expect(try await provisioner.createTenant(id: id, name: "Acme Corp", now: StorageFixture.t0 + 3) == suspended)

            #expect(try await provisioner.setStatus(.active, for: id, now: StorageFixture.t0 + 4, actor: "ops").status == .active)
            _ = try await provisioner.openTenantStore(id, now: StorageFixture.t0 + 5)

            let broken = try TenantID("broken")
            _ = try? await TenantProvisioner(backend: fixture.backend, platform: platform, hooks: .failing(at: .seedRoles))
                .createTenant(id: broken, name: "Broken", now: StorageFixture.t0)
            let invalid = await #expect(throws: ProvisioningError.self) {
                _ = try await provisioner.setStatus(.active, for: broken, now: StorageFixture.t0 + 6, actor: "ops")
            }
            #expect(invalid?.code == .invalidTransition)
        }
    }
}
