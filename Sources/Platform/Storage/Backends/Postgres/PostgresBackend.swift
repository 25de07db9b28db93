import Foundation
import Logging
import PostgresKit

/// A ``StorageBackend`` on one PostgreSQL server, for scale-out.
///
/// The database named in the URL holds the control plane. Each tenant gets its own database,
/// `dcoder_tenant_<id>` by default, created with `CREATE DATABASE` through the control-plane
/// connection (so the URL's role needs `CREATEDB`). Each database gets its own `PostgresClient` pool,
/// started on first use and stopped by ``shutdown()``.
///
/// ```swift
/// let backend = try PostgresBackend(url: "postgres://dcoder@db.internal:5432/dcoder?sslmode=require")
/// let platform = try await SQLPlatformStore.open(backend: backend, now: now)
/// // …
/// try await backend.shutdown()
/// ```
public actor PostgresBackend: StorageBackend {
    private struct RunningClient {
        let client: PostgresClient
        let run: Task<Void, Never>
    }

    private let clientConfiguration: PostgresClient.Configuration
    private let controlPlaneName: String
    private let configuration: Configuration
    private let logger: Logger
    private var clients: [String: RunningClient] = [:]
    private var isShutDown = false

    private static let locatorScheme = "postgresql:"

    /// Creates a backend; nothing connects until first use.
    ///
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port]/database[?sslmode=…]`; the database holds the control plane.
    ///   - configuration: The tenant database prefix and pool size.
    ///   - logger: Receives the pools' background logs and debug lines for created and dropped databases.
    /// - Throws: ``StorageError`` with code `invalidConfiguration`; the message shows the URL without its password.
    public init(url: String, configuration: Configuration = .init(), logger: Logger = .storageDisabled) throws {
        try configuration.validate()
        var clientConfiguration = try PostgresClient.Configuration.parse(url: url)
        guard let database = clientConfiguration.database, !database.isEmpty else {
            throw StorageError(.invalidConfiguration, "PostgreSQL URL \(PostgresClient.Configuration.redacted(url)) names no database for the control plane")
        }
        clientConfiguration.options.maximumConnections = configuration.maximumConnectionsPerDatabase
        self.clientConfiguration = clientConfiguration
        self.controlPlaneName = database
        self.configuration = configuration
        self.logger = logger
    }

    public func controlPlaneDatabase() async throws -> any SQLDatabase {
        try self.checkRunning()
        return self.database(named: self.controlPlaneName)
    }

    public nonisolated func tenantDatabaseLocator(for id: TenantID) -> DatabaseLocator {
        DatabaseLocator(rawValue: Self.locatorScheme + self.databaseName(for: id))
    }

    @discardableResult
    public func createTenantDatabase(for id: TenantID) async throws -> DatabaseLocator {
        try self.checkRunning()
        let name = self.databaseName(for: id)
        let admin = self.database(named: self.controlPlaneName)
        guard try await !self.databaseExists(name, admin: admin) else {
            return self.tenantDatabaseLocator(for: id)
        }
        do {
            // `name` is the validated prefix plus a validated tenant id, and is quoted as an identifier besides.
            try await admin.raw("CREATE DATABASE \(ident: name)").run()
        } catch {
            // A concurrent provisioner may have created it between the check and the statement.
            guard try await self.databaseExists(name, admin: admin) else {
                throw StorageError(.databaseFailure, "could not create database \(name) for tenant '\(id)'", cause: error)
            }
        }
        self.logger.debug("created tenant database", metadata: ["tenant.id": "\(id)", "tenant.database": "\(name)"])
        return self.tenantDatabaseLocator(for: id)
    }

    public func tenantDatabase(at locator: DatabaseLocator) async throws -> any SQLDatabase {
        try self.checkRunning()
        let name = try self.databaseName(of: locator)
        if self.clients[name] == nil {
            guard try await self.databaseExists(name, admin: self.database(named: self.controlPlaneName)) else {
                throw StorageError(.databaseNotFound, "tenant database \(locator) does not exist")
            }
        }
        return self.database(named: name)
    }

    public func dropTenantDatabase(at locator: DatabaseLocator) async throws {
        try self.checkRunning()
        let name = try self.databaseName(of: locator)
        await self.stopClient(for: name)
        do {
            try await self.database(named: self.controlPlaneName).raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        } catch {
            throw StorageError(.databaseFailure, "could not drop tenant database \(locator)", cause: error)
        }
        self.logger.debug("dropped tenant database", metadata: ["tenant.database": "\(name)"])
    }

    public func shutdown() async throws {
        guard !self.isShutDown else { return }
        self.isShutDown = true
        for name in self.clients.keys.sorted() {
            await self.stopClient(for: name)
        }
    }

    // MARK: Helpers

    private nonisolated func databaseName(for id: TenantID) -> String {
        self.configuration.tenantDatabasePrefix + id.rawValue
    }

    /// Maps a locator of this backend to its database name, refusing anything but `postgresql:<prefix><valid id>`.
    private func databaseName(of locator: DatabaseLocator) throws -> String {
        let prefix = Self.locatorScheme + self.configuration.tenantDatabasePrefix
        guard locator.rawValue.hasPrefix(prefix), let id = try? TenantID(String(locator.rawValue.dropFirst(prefix.count))) else {
            throw StorageError(.invalidLocator, "\(locator) is not a PostgreSQL tenant locator (expected \(prefix)<id>)")
        }
        return self.databaseName(for: id)
    }

    /// Returns the pool for database `name`, starting it on first use.
    private func database(named name: String) -> PostgresClientDatabase {
        if let running = self.clients[name] {
            return PostgresClientDatabase(client: running.client, logger: self.logger)
        }
        var configuration = self.clientConfiguration
        configuration.database = name
        let client = PostgresClient(configuration: configuration, backgroundLogger: self.logger)
        // The pool lives until `stopClient(for:)` cancels this task, which closes its connections.
        let run = Task { await client.run() }
        self.clients[name] = RunningClient(client: client, run: run)
        return PostgresClientDatabase(client: client, logger: self.logger)
    }

    private func stopClient(for name: String) async {
        guard let running = self.clients.removeValue(forKey: name) else { return }
        running.run.cancel()
        await running.run.value
    }

    private func databaseExists(_ name: String, admin: any SQLDatabase) async throws -> Bool {
        try await StorageError.wrapping("looking up database \(name)", in: "control plane") {
            try await admin.raw("SELECT 1 AS present FROM pg_database WHERE datname = \(bind: name)").first() != nil
        }
    }

    private func checkRunning() throws {
        guard !self.isShutDown else {
            throw StorageError(.backendShutDown, "the PostgreSQL backend for database \(self.controlPlaneName) was shut down")
        }
    }
}
