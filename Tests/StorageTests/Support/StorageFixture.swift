import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

/// A fresh, empty set of databases on one backend, removed again when the test ends.
///
/// SQLite gets a temporary data directory. PostgreSQL gets a new control-plane database and a
/// tenant-database prefix unique to the test, so tests never see each other's tenants.
struct StorageFixture: Sendable {
    let kind: BackendKind
    let backend: any StorageBackend

    /// A fixed instant; tests add seconds to it instead of reading a clock.
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    /// Runs `body` against fresh databases of `kind`, then shuts the backend down and deletes the databases.
    static func with(_ kind: BackendKind, _ body: (StorageFixture) async throws -> Void) async throws {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("storage-tests-\(UUID().uuidString)", isDirectory: true)
            let backend = SQLiteBackend(dataDirectory: directory)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await Self.run(StorageFixture(kind: kind, backend: backend), body)
        case .postgres(let adminURL):
            let scratch = try PostgresScratch(adminURL: adminURL)
            try await scratch.create()
            do {
                let backend = try PostgresBackend(url: scratch.url, configuration: scratch.configuration)
                try await Self.run(StorageFixture(kind: kind, backend: backend), body)
            } catch {
                try? await scratch.drop()
                throw error
            }
            try await scratch.drop()
        }
    }

    private static func run(_ fixture: StorageFixture, _ body: (StorageFixture) async throws -> Void) async throws {
        do {
            try await body(fixture)
        } catch {
            try? await fixture.backend.shutdown()
            throw error
        }
        try await fixture.backend.shutdown()
    }

    /// The migrated control plane.
    func platform(now: Date = Self.t0) async throws -> SQLPlatformStore {
        try await SQLPlatformStore.open(backend: self.backend, now: now)
    }

    /// A provisioner over the migrated control plane.
    func provisioner(hooks: ProvisioningHooks = .none) async throws -> TenantProvisioner {
        TenantProvisioner(backend: self.backend, platform: try await self.platform(), hooks: hooks)
    }
}
