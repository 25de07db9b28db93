import Foundation
import Logging
import SQLiteKit

/// A ``StorageBackend`` of SQLite files in one data directory: the embedded default.
///
/// The control plane is `<dataDirectory>/platform.sqlite` and each tenant is
/// `<dataDirectory>/tenants/<id>.sqlite`. Each file gets one connection, opened on first use and
/// closed by ``shutdown()``.
///
/// ```swift
/// let backend = SQLiteBackend(dataDirectory: URL(fileURLWithPath: "/var/lib/dcoder"))
/// let platform = try await SQLPlatformStore.open(backend: backend, now: now)
/// // …
/// try await backend.shutdown()
/// ```
public actor SQLiteBackend: StorageBackend {
    /// The directory holding every database file.
    public nonisolated let dataDirectory: URL
    private let logger: Logger
    private var connections: [String: Task<SQLiteConnectionHandle, any Error>] = [:]
    private var isShutDown = false

    private static let locatorPrefix = "sqlite:tenants/"
    private static let fileExtension = ".sqlite"

    /// Creates a backend; nothing is opened or created until first use.
    ///
    /// - Parameters:
    ///   - dataDirectory: The directory for the database files; created when missing.
    ///   - logger: Receives debug lines when files are opened and closed.
    public init(dataDirectory: URL, logger: Logger = .storageDisabled) {
        self.dataDirectory = dataDirectory
        self.logger = logger
    }

    public func controlPlaneDatabase() async throws -> any SQLDatabase {
        try self.checkRunning()
        try self.createDirectory(self.dataDirectory)
        return try await self.connection(at: self.dataDirectory.appendingPathComponent("platform.sqlite").path).database
    }

    public nonisolated func tenantDatabaseLocator(for id: TenantID) -> DatabaseLocator {
        DatabaseLocator(rawValue: Self.locatorPrefix + id.rawValue + Self.fileExtension)
    }

    @discardableResult
    public func createTenantDatabase(for id: TenantID) async throws -> DatabaseLocator {
        try self.checkRunning()
        let locator = self.tenantDatabaseLocator(for: id)
        try self.createDirectory(self.tenantsDirectory)
        // Opening the file creates it; an existing file is opened as it is.
        _ = try await self.connection(at: self.path(of: locator))
        return locator
    }

    public func tenantDatabase(at locator: DatabaseLocator) async throws -> any SQLDatabase {
        try self.checkRunning()
        let path = try self.path(of: locator)
        guard self.connections[path] != nil || FileManager.default.fileExists(atPath: path) else {
            throw StorageError(.databaseNotFound, "tenant database \(locator) does not exist in \(self.dataDirectory.path)")
        }
        return try await self.connection(at: path).database
    }

    public func dropTenantDatabase(at locator: DatabaseLocator) async throws {
        try self.checkRunning()
        let path = try self.path(of: locator)
        if let opening = self.connections.removeValue(forKey: path), let handle = try? await opening.value {
            try await handle.close()
        }
        for suffix in ["", "-journal", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            do {
                try FileManager.default.removeItem(atPath: path + suffix)
            } catch {
                throw StorageError(.databaseFailure, "could not delete tenant database \(locator)", cause: error)
            }
        }
        self.logger.debug("dropped tenant database", metadata: ["tenant.database": "\(locator)"])
    }

    public func shutdown() async throws {
        guard !self.isShutDown else { return }
        self.isShutDown = true
        let opened = self.connections
        self.connections = [:]
        var failures: [String] = []
        for (path, opening) in opened.sorted(by: { $0.key < $1.key }) {
            guard let handle = try? await opening.value else { continue }
            do {
                try await handle.close()
            } catch {
                failures.append("\(path): \(error)")
            }
        }
        guard failures.isEmpty else {
            throw StorageError(.databaseFailure, "could not close SQLite databases: \(failures.joined(separator: "; "))")
        }
    }

    // MARK: Helpers

    private var tenantsDirectory: URL {
        self.dataDirectory.appendingPathComponent("tenants", isDirectory: true)
    }

    /// Returns the open connection to `path`, opening it once even when several tasks ask at the same time.
    private func connection(at path: String) async throws -> SQLiteConnectionHandle {
        if let opening = self.connections[path] {
            return try await opening.value
        }
        let logger = self.logger
        let opening = Task { try await SQLiteConnectionHandle.open(path: path, logger: logger) }
        self.connections[path] = opening
        do {
            let handle = try await opening.value
            logger.debug("opened SQLite database", metadata: ["database.path": "\(path)"])
            return handle
        } catch {
            self.connections[path] = nil
            throw StorageError(.databaseFailure, "could not open SQLite database at \(path)", cause: error)
        }
    }

    /// Maps a locator of this backend to its file, refusing anything but `sqlite:tenants/<valid id>.sqlite`.
    private func path(of locator: DatabaseLocator) throws -> String {
        let raw = locator.rawValue
        guard raw.hasPrefix(Self.locatorPrefix), raw.hasSuffix(Self.fileExtension),
              let id = try? TenantID(String(raw.dropFirst(Self.locatorPrefix.count).dropLast(Self.fileExtension.count)))
        else {
            throw StorageError(.invalidLocator, "\(locator) is not a SQLite tenant locator (expected \(Self.locatorPrefix)<id>\(Self.fileExtension))")
        }
        return self.tenantsDirectory.appendingPathComponent(id.rawValue + Self.fileExtension).path
    }

    private func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw StorageError(.databaseFailure, "could not create directory \(url.path)", cause: error)
        }
    }

    private func checkRunning() throws {
        guard !self.isShutDown else {
            throw StorageError(.backendShutDown, "the SQLite backend at \(self.dataDirectory.path) was shut down")
        }
    }
}
