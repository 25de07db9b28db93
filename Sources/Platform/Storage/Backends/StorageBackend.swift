import SQLKit

/// Where the platform's databases live: one control-plane database and one database per tenant.
///
/// A backend owns every connection it opens. Databases it returns stay usable until ``shutdown()``
/// (or, for one tenant, ``dropTenantDatabase(at:)``); callers never close them.
/// ``SQLiteBackend`` keeps files in a data directory; ``PostgresBackend`` uses one PostgreSQL server.
public protocol StorageBackend: Sendable {
    /// Returns the control-plane database, opening it on first use.
    func controlPlaneDatabase() async throws -> any SQLDatabase

    /// Returns where the database of tenant `id` lives; pure, it touches nothing.
    func tenantDatabaseLocator(for id: TenantID) -> DatabaseLocator

    /// Creates the database of tenant `id` unless it exists.
    ///
    /// - Returns: The database's locator, as ``tenantDatabaseLocator(for:)`` gives it.
    @discardableResult
    func createTenantDatabase(for id: TenantID) async throws -> DatabaseLocator

    /// Returns the tenant database at `locator`, opening it on first use.
    ///
    /// - Throws: ``StorageError`` with code `invalidLocator` for a locator of another backend or a malformed
    ///   one, and `databaseNotFound` when the database does not exist.
    func tenantDatabase(at locator: DatabaseLocator) async throws -> any SQLDatabase

    /// Closes the tenant database at `locator` and deletes it; does nothing if it does not exist.
    func dropTenantDatabase(at locator: DatabaseLocator) async throws

    /// Closes every connection. Later calls throw ``StorageError/Code-swift.struct/backendShutDown``.
    func shutdown() async throws
}
