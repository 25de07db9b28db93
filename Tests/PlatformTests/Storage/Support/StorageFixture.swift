import Foundation
import SQLKit
import Storage
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

/// A throwaway control-plane database and tenant prefix on a PostgreSQL server, created and dropped
/// through a connection to the server's admin database.
private struct PostgresScratch {
    let adminURL: String
    let url: String
    let databaseName: String
    let configuration: PostgresBackend.Configuration

    init(adminURL: String) throws {
        let nonce = UUID().uuidString.prefix(8).lowercased()
        guard var components = URLComponents(string: adminURL) else {
            throw StorageError(.invalidConfiguration, "\(BackendKind.postgresURLVariable) is not a URL")
        }
        self.adminURL = adminURL
        self.databaseName = "dcoder_test_\(nonce)"
        components.path = "/\(self.databaseName)"
        guard let url = components.string else {
            throw StorageError(.invalidConfiguration, "cannot build a test database URL from \(BackendKind.postgresURLVariable)")
        }
        self.url = url
        self.configuration = PostgresBackend.Configuration(tenantDatabasePrefix: "dct_\(nonce)_", maximumConnectionsPerDatabase: 2)
    }

    func create() async throws {
        try await self.withAdmin { admin in
            try await admin.raw("CREATE DATABASE \(ident: self.databaseName)").run()
        }
    }

    /// Drops the control-plane database and every tenant database with the test's prefix.
    func drop() async throws {
        try await self.withAdmin { admin in
            let tenants = try await admin
                .raw("SELECT datname FROM pg_database WHERE starts_with(datname, \(bind: self.configuration.tenantDatabasePrefix))")
                .all(decodingColumn: "datname", as: String.self)
            for name in tenants + [self.databaseName] {
                try await admin.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
            }
        }
    }

    private func withAdmin(_ body: (any SQLDatabase) async throws -> Void) async throws {
        let admin = try PostgresBackend(url: self.adminURL, configuration: .init(maximumConnectionsPerDatabase: 1))
        do {
            try await body(try await admin.controlPlaneDatabase())
        } catch {
            try? await admin.shutdown()
            throw error
        }
        try await admin.shutdown()
    }
}
