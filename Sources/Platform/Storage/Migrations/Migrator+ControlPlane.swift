import SQLKit

extension Migrator {
    /// The control-plane schema: tenants, platform settings, the audit log and Platform API keys.
    ///
    /// Times are `BIGINT` microseconds since 1970 and JSON is `TEXT`, so the schema reads the same
    /// on SQLite and PostgreSQL.
    public static let controlPlane = Migrator(name: "control-plane", migrations: [
        Migration(version: 1, name: "create_tenants") { db in
            try await db.create(table: "tenants")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("display_name", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("database_locator", type: .text, .notNull)
                .column("failure_reason", type: .text)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 2, name: "create_platform_settings") { db in
            try await db.create(table: "platform_settings")
                .column("key", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 3, name: "create_audit_log") { db in
            try await db.create(table: "audit_log")
                .column("id", type: .bigint, .primaryKey(autoIncrement: true))
                .column("at", type: .bigint, .notNull)
                .column("actor", type: .text, .notNull)
                .column("action", type: .text, .notNull)
                .column("target", type: .text, .notNull)
                .column("old_value", type: .text)
                .column("new_value", type: .text)
                .run()
            try await db.create(index: "audit_log_target_idx")
                .on("audit_log")
                .column("target")
                .run()
        },
        Migration(version: 4, name: "create_api_keys") { db in
            // Keys for machine clients of the Platform API; only a SHA-256 of each secret is kept.
            try await db.create(table: "api_keys")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("tenant_id", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("roles", type: .text, .notNull)
                .column("secret_hash", type: .text, .notNull)
                .column("created_by", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("revoked_at", type: .bigint)
                .run()
            try await db.create(index: "api_keys_tenant_idx")
                .on("api_keys")
                .column("tenant_id")
                .run()
        },
        Migration(version: 5, name: "create_gateway_versions") { db in
            // A counter per scope (a tenant id, `*` for every tenant, `flags`) that every change
            // to the gateway's routing state increments; replicas poll it and reload what moved.
            try await db.create(table: "gateway_versions")
                .column("scope", type: .text, .primaryKey(autoIncrement: false))
                .column("version", type: .bigint, .notNull)
                .run()
        },
    ])
}
