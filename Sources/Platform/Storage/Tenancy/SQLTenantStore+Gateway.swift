import Base
import Foundation
import SQLKit

// The gateway's routing state in a tenant's database: virtual keys and model aliases.
extension SQLTenantStore {
    // MARK: Virtual keys

    public func insertVirtualKey(_ key: StoredVirtualKey) async throws {
        try await self.wrapping("creating virtual key '\(key.id)'") {
            let inserted = try await self.database.insert(into: "virtual_keys")
                .columns("id", "name", "digest", "models", "expires_at", "created_at", "created_by", "revoked_at")
                .values(key.id, key.name, key.digestHex, try key.models.map(Self.jsonText), key.expiresAt?.storageMicroseconds,
                        key.createdAt.storageMicroseconds, key.createdBy, key.revokedAt?.storageMicroseconds)
                .ignoringConflicts()
                .returning("id")
                .first()
            guard inserted != nil else { throw StorageError(.conflict, "\(self.label): a virtual key with id '\(key.id)' or the same digest exists") }
        }
    }

    public func virtualKeys() async throws -> [StoredVirtualKey] {
        try await self.wrapping("listing virtual keys") {
            try await self.selectVirtualKeys().orderBy("created_at").orderBy("id").all().map(Self.virtualKey(from:))
        }
    }

    public func revokeVirtualKey(id: String, now: Date) async throws -> StoredVirtualKey? {
        try await self.wrapping("revoking virtual key '\(id)'") {
            try await self.database.update("virtual_keys").set("revoked_at", to: now.storageMicroseconds)
                .where("id", .equal, id).where("revoked_at", .is, SQLLiteral.null).run()
            return try await self.selectVirtualKeys().where("id", .equal, id).first().map(Self.virtualKey(from:))
        }
    }

    public func virtualKeysLastUsed() async throws -> [String: Date] {
        try await self.wrapping("reading when virtual keys were last used") {
            var out: [String: Date] = [:]
            let rows = try await self.database.select().column("key_id").column(SQLFunction("MAX", args: SQLColumn("at")), as: "last")
                .from("usage_events").where("key_id", .isNot, SQLLiteral.null).groupBy("key_id").all()
            for row in rows {
                if let id = try row.decode(column: "key_id", as: String?.self), let last = try row.decode(column: "last", as: Int64?.self) {
                    out[id] = Date(storageMicroseconds: last)
                }
            }
            return out
        }
    }

    private func selectVirtualKeys() -> SQLSelectBuilder {
        self.database.select().columns("id", "name", "digest", "models", "expires_at", "created_at", "created_by", "revoked_at").from("virtual_keys")
    }

    private static func virtualKey(from row: any SQLRow) throws -> StoredVirtualKey {
        StoredVirtualKey(
            id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
            digestHex: try row.decode(column: "digest", as: String.self),
            models: try row.decode(column: "models", as: String?.self).map { try JSONText(trusted: $0).decode([String].self) },
            expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map(Date.init(storageMicroseconds:)),
            createdAt: Date(storageMicroseconds: try row.decode(column: "created_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(storageMicroseconds:)))
    }

    // MARK: Model aliases

    public func saveAlias(_ alias: StoredModelAlias) async throws {
        try await self.wrapping("saving model alias '\(alias.name)'") {
            try await self.database.insert(into: "model_aliases")
                .columns("name", "provider", "model", "targets", "updated_at", "updated_by")
                .values(alias.name, alias.provider, alias.model, try Self.jsonText(alias.targets), alias.updatedAt.storageMicroseconds, alias.updatedBy)
                .onConflict(with: ["name"]) { update in
                    update.set(excludedValueOf: "provider").set(excludedValueOf: "model").set(excludedValueOf: "targets")
                        .set(excludedValueOf: "updated_at").set(excludedValueOf: "updated_by")
                }
                .run()
        }
    }

    public func aliases() async throws -> [StoredModelAlias] {
        try await self.wrapping("listing model aliases") {
            try await self.database.select().columns("name", "provider", "model", "targets", "updated_at", "updated_by").from("model_aliases")
                .orderBy("name").all().map { row in
                    StoredModelAlias(
                        name: try row.decode(column: "name", as: String.self), provider: try row.decode(column: "provider", as: String.self),
                        model: try row.decode(column: "model", as: String.self),
                        targets: try JSONText(trusted: try row.decode(column: "targets", as: String.self)).decode([String: String].self),
                        updatedAt: Date(storageMicroseconds: try row.decode(column: "updated_at", as: Int64.self)),
                        updatedBy: try row.decode(column: "updated_by", as: String.self))
                }
        }
    }

    public func deleteAlias(_ name: String) async throws {
        try await self.wrapping("deleting model alias '\(name)'") {
            try await self.database.delete(from: "model_aliases").where("name", .equal, name).run()
        }
    }

    private static func jsonText(_ value: some Encodable) throws -> String { try JSONText(encoding: value).rawValue }
}
