import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// A fresh database gets every step, recorded with its name and the given time.
    @Test(arguments: BackendKind.available)
    func migratesFreshDatabase(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let database = try await fixture.backend.controlPlaneDatabase()
            let applied = try await Migrator.controlPlane.migrate(database, label: "control plane", now: StorageFixture.t0)
            #expect(applied == [1, 2, 3, 4, 5])
            let history = try await Migrator.controlPlane.appliedMigrations(in: database)
            #expect(history.map(\.name) == ["create_tenants", "create_platform_settings", "create_audit_log", "create_api_keys", "create_gateway_versions"])
            #expect(history.allSatisfy { $0.appliedAt == StorageFixture.t0 })
        }
    }

    /// Running the migrator again applies nothing and leaves the history as it was.
    @Test(arguments: BackendKind.available)
    func rerunningMigrationsIsANoOp(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let database = try await fixture.backend.controlPlaneDatabase()
            try await Migrator.controlPlane.migrate(database, label: "control plane", now: StorageFixture.t0)
            let before = try await Migrator.controlPlane.appliedMigrations(in: database)
            let applied = try await Migrator.controlPlane.migrate(database, label: "control plane", now: StorageFixture.t0 + 60)
            #expect(applied.isEmpty)
            #expect(try await Migrator.controlPlane.appliedMigrations(in: database) == before)
        }
    }

    /// Code that knows more steps applies only the new ones.
    @Test(arguments: BackendKind.available)
    func appliesOnlyNewSteps(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let database = try await fixture.backend.controlPlaneDatabase()
            let first = Array(Migrator.tenant.migrations.prefix(2))
            try await Migrator(name: "tenant", migrations: first).migrate(database, label: "scratch", now: StorageFixture.t0)
            let applied = try await Migrator.tenant.migrate(database, label: "scratch", now: StorageFixture.t0 + 1)
            #expect(applied == Array(Migrator.tenant.migrations.map(\.version).dropFirst(2)))
        }
    }

    /// A database recording a version this code does not know is refused with a message naming both versions.
    @Test(arguments: BackendKind.available)
    func refusesDatabaseNewerThanCode(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let database = try await fixture.backend.controlPlaneDatabase()
            try await Migrator.controlPlane.migrate(database, label: "control plane", now: StorageFixture.t0)
            try await database.insert(into: "schema_migrations")
                .columns("version", "name", "applied_at")
                .values(Int64(99), "from_the_future", Int64(0))
                .run()
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator.controlPlane.migrate(database, label: "control plane", now: StorageFixture.t0)
            }
            #expect(error?.code == .databaseTooNew)
            #expect(error?.message.contains("control plane") == true)
            #expect(error?.message.contains("99") == true)
            await #expect(throws: MigrationError.self) {
                _ = try await SQLPlatformStore.open(backend: fixture.backend, now: StorageFixture.t0)
            }
        }
    }

    /// A recorded step whose name differs from the code's step of that version is refused.
    @Test(arguments: BackendKind.available)
    func refusesDivergingHistory(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let database = try await fixture.backend.controlPlaneDatabase()
            let renamed = Migrator(name: "scratch", migrations: [Migration(version: 1, name: "old_name") { _ in }])
            try await renamed.migrate(database, label: "scratch", now: StorageFixture.t0)
            let current = Migrator(name: "scratch", migrations: [Migration(version: 1, name: "new_name") { _ in }])
            let error = await #expect(throws: MigrationError.self) {
                try await current.migrate(database, label: "scratch", now: StorageFixture.t0)
            }
            #expect(error?.code == .historyMismatch)
        }
    }

    /// A failing step is rolled back with its schema changes, recorded nowhere, and retried next time.
    @Test(arguments: BackendKind.available)
    func failedStepRollsBackAndIsRetried(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let database = try await fixture.backend.controlPlaneDatabase()
            let createThings = Migration(version: 1, name: "create_things") { db in
                try await db.create(table: "things").column("id", type: .text, .primaryKey(autoIncrement: false)).run()
            }
            let broken = Migrator(name: "scratch", migrations: [
                createThings,
                Migration(version: 2, name: "create_widgets") { db in
                    try await db.create(table: "widgets").column("id", type: .text, .primaryKey(autoIncrement: false)).run()
                    throw InjectedFailure(step: .migrateSchema)
                },
            ])
            let error = await #expect(throws: MigrationError.self) {
                try await broken.migrate(database, label: "scratch", now: StorageFixture.t0)
            }
            #expect(error?.code == .stepFailed)
            #expect(error?.message.contains("create_widgets") == true)
            #expect(try await broken.appliedMigrations(in: database).map(\.version) == [1])

            // Creating `widgets` again succeeds only because the failed step's table was rolled back.
            let fixed = Migrator(name: "scratch", migrations: [
                createThings,
                Migration(version: 2, name: "create_widgets") { db in
                    try await db.create(table: "widgets").column("id", type: .text, .primaryKey(autoIncrement: false)).run()
                },
            ])
            #expect(try await fixed.migrate(database, label: "scratch", now: StorageFixture.t0) == [2])
        }
    }
}
