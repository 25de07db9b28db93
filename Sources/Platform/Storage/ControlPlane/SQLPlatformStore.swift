import Foundation
import SQLKit

/// A ``PlatformStore`` over any SQLKit database; the same code serves SQLite and PostgreSQL.
///
/// ```swift
/// let platform = try await SQLPlatformStore.open(backend: backend, now: clock.now)
/// let tenant = try await platform.tenant(TenantID("acme"))
/// ```
public struct SQLPlatformStore: PlatformStore {
    let database: any SQLDatabase
    static let label = "control plane"

    /// Wraps a control-plane database that is already migrated.
    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// Opens the backend's control-plane database and applies ``Migrator/controlPlane``.
    ///
    /// - Throws: ``MigrationError`` when the database is newer than this code or a step fails.
    public static func open(backend: any StorageBackend, now: Date) async throws -> SQLPlatformStore {
        let database = try await backend.controlPlaneDatabase()
        try await Migrator.controlPlane.migrate(database, label: Self.label, now: now)
        return SQLPlatformStore(database: database)
    }

    // MARK: Tenants

    public func tenant(_ id: TenantID) async throws -> Tenant? {
        try await StorageError.wrapping("reading tenant '\(id)'", in: Self.label) {
            try await Self.tenant(id, in: self.database)
        }
    }

    public func tenants() async throws -> [Tenant] {
        try await StorageError.wrapping("listing tenants", in: Self.label) {
            try await self.database.select().columns(Self.tenantColumns).from("tenants").orderBy("id")
                .all()
                .map(Self.tenant(from:))
        }
    }

    public func insertTenant(_ tenant: Tenant, actor: String) async throws {
        try await StorageError.wrapping("recording tenant '\(tenant.id)'", in: Self.label) {
            try await self.database.transaction { db in
                // Insert-or-nothing is atomic, unlike check-then-insert, so concurrent creators get `conflict`.
                let inserted = try await db.insert(into: "tenants")
                    .columns(Self.tenantColumns)
                    .values(
                        tenant.id.rawValue, tenant.displayName, tenant.status.rawValue, tenant.databaseLocator.rawValue,
                        tenant.failureReason, tenant.createdAt.storageMicroseconds, tenant.updatedAt.storageMicroseconds
                    )
                    .ignoringConflicts(with: ["id"])
                    .returning("id")
                    .first()
                guard inserted != nil else {
                    throw StorageError(.conflict, "\(Self.label): tenant '\(tenant.id)' already exists")
                }
                try await Self.appendAudit(
                    on: db, action: "tenant.create", target: "tenant:\(tenant.id)",
                    oldValue: nil, newValue: JSONText(encoding: TenantSnapshot(tenant)),
                    actor: actor, at: tenant.createdAt
                )
            }
        }
    }

    public func updateTenantStatus(
        _ id: TenantID,
        from allowed: Set<TenantStatus>,
        to status: TenantStatus,
        failureReason: String?,
        actor: String,
        now: Date
    ) async throws -> Tenant {
        try await StorageError.wrapping("updating the status of tenant '\(id)'", in: Self.label) {
            try await self.database.transaction { db in
                guard var tenant = try await Self.tenant(id, in: db, lockingForUpdate: true) else {
                    throw StorageError(.notFound, "\(Self.label): no tenant '\(id)'")
                }
                guard allowed.contains(tenant.status), tenant.status != status || tenant.failureReason != failureReason else {
                    return tenant
                }
                let old = StatusSnapshot(status: tenant.status, failureReason: tenant.failureReason)
                tenant.status = status
                tenant.failureReason = failureReason
                tenant.updatedAt = now
                try await db.update("tenants")
                    .set("status", to: status.rawValue)
                    .set("failure_reason", to: failureReason)
                    .set("updated_at", to: now.storageMicroseconds)
                    .where("id", .equal, id.rawValue)
                    .run()
                try await Self.appendAudit(
                    on: db, action: "tenant.status", target: "tenant:\(id)",
                    oldValue: JSONText(encoding: old),
                    newValue: JSONText(encoding: StatusSnapshot(status: status, failureReason: failureReason)),
                    actor: actor, at: now
                )
                return tenant
            }
        }
    }

    // MARK: Settings

    public func setting(_ key: String) async throws -> JSONText? {
        try await StorageError.wrapping("reading setting '\(key)'", in: Self.label) {
            try await Self.setting(key, in: self.database)
        }
    }

    public func settings() async throws -> [String: JSONText] {
        try await StorageError.wrapping("listing settings", in: Self.label) {
            let rows = try await self.database.select().columns("key", "value").from("platform_settings").all()
            return try Dictionary(uniqueKeysWithValues: rows.map { row in
                (try row.decode(column: "key", as: String.self), JSONText(trusted: try row.decode(column: "value", as: String.self)))
            })
        }
    }

    public func setSetting(_ key: String, to value: JSONText?, actor: String, now: Date) async throws {
        try await StorageError.wrapping("writing setting '\(key)'", in: Self.label) {
            try await self.database.transaction { db in
                let old = try await Self.setting(key, in: db)
                guard old != value else { return }
                if let value {
                    try await db.insert(into: "platform_settings")
                        .columns("key", "value", "updated_at")
                        .values(key, value.rawValue, now.storageMicroseconds)
                        .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value").set(excludedValueOf: "updated_at") }
                        .run()
                } else {
                    try await db.delete(from: "platform_settings").where("key", .equal, key).run()
                }
                try await Self.appendAudit(
                    on: db, action: value == nil ? "setting.remove" : "setting.set", target: "setting:\(key)",
                    oldValue: old, newValue: value, actor: actor, at: now
                )
            }
        }
    }

    // MARK: Audit log

    public func appendAudit(
        action: String,
        target: String,
        oldValue: JSONText?,
        newValue: JSONText?,
        actor: String,
        at: Date
    ) async throws {
        try await StorageError.wrapping("appending audit entry '\(action)'", in: Self.label) {
            try await Self.appendAudit(
                on: self.database, action: action, target: target,
                oldValue: oldValue, newValue: newValue, actor: actor, at: at
            )
        }
    }

    public func auditLog(target: String?, limit: Int) async throws -> [AuditEntry] {
        try await StorageError.wrapping("reading the audit log", in: Self.label) {
            let query = self.database.select()
                .columns("id", "at", "actor", "action", "target", "old_value", "new_value")
                .from("audit_log")
                .orderBy("id", .descending)
                .limit(max(limit, 0))
            if let target {
                query.where("target", .equal, target)
            }
            return try await query.all().reversed().map { row in
                AuditEntry(
                    id: try row.decode(column: "id", as: Int64.self),
                    at: Date(storageMicroseconds: try row.decode(column: "at", as: Int64.self)),
                    actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    target: try row.decode(column: "target", as: String.self),
                    oldValue: try row.decode(column: "old_value", as: String?.self).map(JSONText.init(trusted:)),
                    newValue: try row.decode(column: "new_value", as: String?.self).map(JSONText.init(trusted:))
                )
            }
        }
    }

    // MARK: Platform API keys

    public func insertAPIKey(_ key: APIKeyRecord, actor: String) async throws {
        try await StorageError.wrapping("recording API key '\(key.id)'", in: Self.label) {
            try await self.database.transaction { db in
                let inserted = try await db.insert(into: "api_keys")
                    .columns(Self.apiKeyColumns)
                    .values(
                        key.id, key.tenantID.rawValue, key.name, try JSONText(encoding: key.roles).rawValue, key.secretHash,
                        key.createdBy, key.createdAt.storageMicroseconds, key.revokedAt?.storageMicroseconds
                    )
                    .ignoringConflicts(with: ["id"])
                    .returning("id")
                    .first()
                guard inserted != nil else {
                    throw StorageError(.conflict, "\(Self.label): API key '\(key.id)' already exists")
                }
                try await Self.appendAudit(
                    on: db, action: "api_key.create", target: "tenant:\(key.tenantID)/api_key:\(key.id)",
                    oldValue: nil, newValue: JSONText(encoding: APIKeySnapshot(key)), actor: actor, at: key.createdAt
                )
            }
        }
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await StorageError.wrapping("reading API key '\(id)'", in: Self.label) {
            try await self.database.select().columns(Self.apiKeyColumns).from("api_keys")
                .where("id", .equal, id).first().map(Self.apiKey(from:))
        }
    }

    public func apiKeys(tenant: TenantID) async throws -> [APIKeyRecord] {
        try await StorageError.wrapping("listing the API keys of tenant '\(tenant)'", in: Self.label) {
            try await self.database.select().columns(Self.apiKeyColumns).from("api_keys")
                .where("tenant_id", .equal, tenant.rawValue).orderBy("id").all().map(Self.apiKey(from:))
        }
    }

    public func revokeAPIKey(id: String, tenant: TenantID, actor: String, now: Date) async throws -> APIKeyRecord? {
        try await StorageError.wrapping("revoking API key '\(id)'", in: Self.label) {
            try await self.database.transaction { db in
                guard var key = try await db.select().columns(Self.apiKeyColumns).from("api_keys")
                    .where("id", .equal, id).where("tenant_id", .equal, tenant.rawValue)
                    .first().map(Self.apiKey(from:))
                else { return nil }
                guard key.revokedAt == nil else { return key }
                key.revokedAt = now
                try await db.update("api_keys").set("revoked_at", to: now.storageMicroseconds).where("id", .equal, id).run()
                try await Self.appendAudit(
                    on: db, action: "api_key.revoke", target: "tenant:\(tenant)/api_key:\(id)",
                    oldValue: nil, newValue: nil, actor: actor, at: now
                )
                return key
            }
        }
    }

    // MARK: Rows

    private static let tenantColumns = [
        "id", "display_name", "status", "database_locator", "failure_reason", "created_at", "updated_at",
    ]

    /// Reads one tenant; with `lockingForUpdate`, PostgreSQL locks the row until the transaction ends
    /// (SQLite's `BEGIN IMMEDIATE` already holds the database's write lock).
    private static func tenant(_ id: TenantID, in db: any SQLDatabase, lockingForUpdate: Bool = false) async throws -> Tenant? {
        let query = db.select().columns(Self.tenantColumns).from("tenants").where("id", .equal, id.rawValue)
        if lockingForUpdate {
            query.for(.update)
        }
        return try await query.first().map(Self.tenant(from:))
    }

    private static func tenant(from row: any SQLRow) throws -> Tenant {
        let rawID = try row.decode(column: "id", as: String.self)
        let rawStatus = try row.decode(column: "status", as: String.self)
        guard let id = try? TenantID(rawID), let status = TenantStatus(rawValue: rawStatus) else {
            throw StorageError(.corruptData, "\(Self.label): tenant row '\(rawID.prefix(60))' has an invalid id or status '\(rawStatus.prefix(40))'")
        }
        return Tenant(
            id: id,
            displayName: try row.decode(column: "display_name", as: String.self),
            status: status,
            databaseLocator: DatabaseLocator(rawValue: try row.decode(column: "database_locator", as: String.self)),
            failureReason: try row.decode(column: "failure_reason", as: String?.self),
            createdAt: Date(storageMicroseconds: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(storageMicroseconds: try row.decode(column: "updated_at", as: Int64.self))
        )
    }

    private static let apiKeyColumns = [
        "id", "tenant_id", "name", "roles", "secret_hash", "created_by", "created_at", "revoked_at",
    ]

    private static func apiKey(from row: any SQLRow) throws -> APIKeyRecord {
        let rawTenant = try row.decode(column: "tenant_id", as: String.self)
        guard let tenant = try? TenantID(rawTenant),
              let roles = try? JSONText(trusted: try row.decode(column: "roles", as: String.self)).decode([String].self)
        else {
            throw StorageError(.corruptData, "\(Self.label): an API key row has an invalid tenant or roles")
        }
        return APIKeyRecord(
            id: try row.decode(column: "id", as: String.self),
            tenantID: tenant,
            name: try row.decode(column: "name", as: String.self),
            roles: roles,
            secretHash: try row.decode(column: "secret_hash", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: Date(storageMicroseconds: try row.decode(column: "created_at", as: Int64.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(storageMicroseconds:))
        )
    }

    private static func setting(_ key: String, in db: any SQLDatabase) async throws -> JSONText? {
        try await db.select().column("value").from("platform_settings")
            .where("key", .equal, key)
            .first(decodingColumn: "value", as: String.self)
            .map(JSONText.init(trusted:))
    }

    private static func appendAudit(
        on db: any SQLDatabase,
        action: String,
        target: String,
        oldValue: JSONText?,
        newValue: JSONText?,
        actor: String,
        at: Date
    ) async throws {
        try await db.insert(into: "audit_log")
            .columns("at", "actor", "action", "target", "old_value", "new_value")
            .values(at.storageMicroseconds, actor, action, target, oldValue?.rawValue, newValue?.rawValue)
            .run()
    }
}

/// What the audit log records about a new tenant.
private struct TenantSnapshot: Encodable {
    let id: String
    let displayName: String
    let status: TenantStatus
    let databaseLocator: String

    init(_ tenant: Tenant) {
        self.id = tenant.id.rawValue
        self.displayName = tenant.displayName
        self.status = tenant.status
        self.databaseLocator = tenant.databaseLocator.rawValue
    }
}

/// What the audit log records about a status change.
private struct StatusSnapshot: Encodable {
    let status: TenantStatus
    let failureReason: String?
}

/// What the audit log records about a new API key: never its secret or hash.
private struct APIKeySnapshot: Encodable {
    let id: String
    let name: String
    let roles: [String]

    init(_ key: APIKeyRecord) {
        self.id = key.id
        self.name = key.name
        self.roles = key.roles
    }
}
