import Foundation
import SQLKit
import Storage

/// A throwaway control-plane database and tenant prefix on a PostgreSQL server, created and dropped
/// through a connection to the server's admin database.
public struct PostgresScratch: Sendable {
    public let adminURL: String
    /// The scratch control-plane database's URL.
    public let url: String
    public let databaseName: String
    /// A tenant-database prefix unique to this scratch.
    public let configuration: PostgresBackend.Configuration

    public init(adminURL: String) throws {
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

    /// Creates the control-plane database.
    public func create() async throws {
        try await self.withAdmin { admin in
            try await admin.raw("CREATE DATABASE \(ident: self.databaseName)").run()
        }
    }

    /// Drops the control-plane database and every tenant database with the test's prefix.
    public func drop() async throws {
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
