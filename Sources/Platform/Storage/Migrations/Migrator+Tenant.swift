import SQLKit

extension Migrator {
    /// The schema of every tenant database: meta, users, roles, provider configurations, quotas
    /// and the tenant's configuration overrides (settings).
    public static let tenant = Migrator(name: "tenant", migrations: [
        Migration(version: 1, name: "create_meta") { db in
            try await db.create(table: "meta")
                .column("key", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .text, .notNull)
                .run()
        },
        Migration(version: 2, name: "create_users_and_roles") { db in
            try await db.create(table: "users")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("subject", type: .text, .notNull, .unique)
                .column("email", type: .text)
                .column("name", type: .text)
                .column("created_at", type: .bigint, .notNull)
                .run()
            try await db.create(table: "roles")
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("description", type: .text, .notNull)
                .run()
            try await db.create(table: "role_assignments")
                .column("user_id", type: .text, .notNull)
                .column("role", type: .text, .notNull)
                .primaryKey("user_id", "role")
                .foreignKey(["user_id"], references: "users", ["id"], onDelete: .cascade)
                .foreignKey(["role"], references: "roles", ["name"], onDelete: .cascade)
                .run()
        },
        Migration(version: 3, name: "create_provider_configurations") { db in
            try await db.create(table: "provider_configurations")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("kind", type: .text, .notNull)
                .column("endpoint", type: .text, .notNull)
                .column("api_key", type: .blob, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 4, name: "create_quotas") { db in
            try await db.create(table: "quotas")
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 5, name: "create_settings") { db in
            // Tenant-level overrides of the platform configuration (features, integrations, …).
            try await db.create(table: "settings")
                .column("key", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 6, name: "create_usage_events") { db in
            // The usage ledger: one row per gateway call, keyed by request id (replays are no-ops).
            try await db.create(table: "usage_events")
                .column("request_id", type: .text, .primaryKey(autoIncrement: false))
                .column("at", type: .bigint, .notNull)
                .column("key_id", type: .text)
                .column("model", type: .text, .notNull)
                .column("provider", type: .text)
                .column("upstream_model", type: .text)
                .column("stream", type: .bigint, .notNull)
                .column("status", type: .bigint, .notNull)
                .column("error_kind", type: .text)
                .column("prompt_tokens", type: .bigint, .notNull)
                .column("completion_tokens", type: .bigint, .notNull)
                .column("cost_micros", type: .bigint, .notNull)
                .column("latency_micros", type: .bigint, .notNull)
                .column("usage_source", type: .text, .notNull)
                .run()
            try await db.create(index: "usage_events_at_idx").on("usage_events").column("at").run()
        },
        Migration(version: 7, name: "create_knowledge") { db in
            // Documents, their chunks with vectors (float32, little-endian), and ingestion jobs with
            // the bytes they were given, so that a job interrupted by a restart is resumed.
            try await db.create(table: "documents")
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("format", type: .text, .notNull)
                .column("sha256", type: .text, .notNull)
                .column("chunk_count", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
            try await db.create(table: "chunks")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("document", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("text", type: .text, .notNull)
                .column("section", type: .text, .notNull)
                .column("start_offset", type: .bigint, .notNull)
                .column("end_offset", type: .bigint, .notNull)
                .column("page", type: .bigint)
                .column("vector", type: .blob, .notNull)
                .run()
            try await db.create(index: "chunks_document_idx").on("chunks").column("document").run()
            try await db.create(table: "ingestion_jobs")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("status", type: .text, .notNull)
                .column("record", type: .text, .notNull)
                .column("submitted_at", type: .bigint, .notNull)
                .run()
            try await db.create(table: "job_documents")
                .column("job_id", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("name", type: .text, .notNull)
                .column("format", type: .text, .notNull)
                .column("content", type: .blob, .notNull)
                .primaryKey("job_id", "position")
                .run()
        },
        Migration(version: 8, name: "add_vector_search") { db in
            // PostgreSQL: chunks' vectors also as pgvector values, searched in the database
            // (an HNSW index per dimension is made when chunks of that dimension arrive).
            // SQLite keeps only the BLOB; its dense search runs in memory.
            guard db.dialect.name == "postgresql" else { return }
            try await db.raw("CREATE EXTENSION IF NOT EXISTS vector").run()
            try await db.raw("ALTER TABLE chunks ADD COLUMN embedding vector").run()
        },
        Migration(version: 9, name: "add_usage_replica") { db in
            // The gateway replica that wrote each row: reconciliation compares each replica's
            // counters with its own rows. Rows from before have none ('').
            try await db.raw("ALTER TABLE usage_events ADD COLUMN replica TEXT NOT NULL DEFAULT ''").run()
        },
        Migration(version: 10, name: "create_gateway_routing") { db in
            // The gateway's routing state, managed through the Platform API (a serve file only
            // seeds it): virtual keys (SHA-256 only) and model aliases.
            try await db.create(table: "virtual_keys")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("digest", type: .text, .notNull, .unique)
                .column("models", type: .text)
                .column("expires_at", type: .bigint)
                .column("created_at", type: .bigint, .notNull)
                .column("created_by", type: .text, .notNull)
                .column("revoked_at", type: .bigint)
                .run()
            try await db.create(table: "model_aliases")
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("provider", type: .text, .notNull)
                .column("model", type: .text, .notNull)
                .column("targets", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .column("updated_by", type: .text, .notNull)
                .run()
            try await db.create(index: "usage_events_key_idx").on("usage_events").column("key_id").column("at").run()
        },
    ])
}
