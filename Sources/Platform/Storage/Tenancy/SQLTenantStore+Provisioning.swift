import SQLKit

/// The steps ``TenantProvisioner`` takes inside a tenant database; each can run again safely.
extension SQLTenantStore {
    /// The `meta` key whose value names the tenant that owns the database.
    private static let ownerKey = "tenant_id"

    /// Returns the tenant named in `database`'s `meta` table, or nil when none is.
    static func owner(of database: any SQLDatabase) async throws -> String? {
        try await database.select().column("value").from("meta")
            .where("key", .equal, Self.ownerKey)
            .first(decodingColumn: "value", as: String.self)
    }

    /// Names `tenant` as the owner of `database`, unless it already is.
    ///
    /// - Throws: ``StorageError`` with code `tenantMismatch` when another tenant owns the database.
    static func claim(_ database: any SQLDatabase, for tenant: TenantID) async throws {
        try await database.insert(into: "meta")
            .columns("key", "value")
            .values(Self.ownerKey, tenant.rawValue)
            .ignoringConflicts(with: ["key"])
            .run()
        let owner = try await Self.owner(of: database)
        guard owner == tenant.rawValue else {
            throw StorageError(
                .tenantMismatch,
                "\(Self.label(for: tenant)): the database is already claimed by tenant '\(owner?.prefix(60) ?? "")'"
            )
        }
    }

    /// Inserts each of `roles` that the database does not have yet.
    static func seed(_ roles: [Role], in database: any SQLDatabase) async throws {
        try await database.transaction { db in
            for role in roles {
                try await db.insert(into: "roles")
                    .columns("name", "description")
                    .values(role.name, role.description)
                    .ignoringConflicts(with: ["name"])
                    .run()
            }
        }
    }
}
