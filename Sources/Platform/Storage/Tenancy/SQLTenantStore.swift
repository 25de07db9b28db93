import Foundation
import SQLKit

/// A ``TenantStore`` over any SQLKit database; the same code serves SQLite and PostgreSQL.
///
/// Open it with ``open(database:tenant:)``, which refuses a database that names another tenant
/// (or none) in its `meta` table.
///
/// ```swift
/// let store = try await SQLTenantStore.open(database: try await backend.tenantDatabase(at: locator), tenant: id)
/// try await store.createUser(User(id: ids.next(), subject: claims.sub, email: claims.email, name: nil, createdAt: now))
/// ```
public struct SQLTenantStore: TenantStore {
    public let tenantID: TenantID
    let database: any SQLDatabase

    private init(tenantID: TenantID, database: any SQLDatabase) {
        self.tenantID = tenantID
        self.database = database
    }

    /// Binds a migrated tenant database to `tenant` after checking that its `meta` row names that tenant.
    ///
    /// - Throws: ``StorageError`` with code `tenantMismatch` when the database belongs to another
    ///   tenant or to none.
    public static func open(database: any SQLDatabase, tenant: TenantID) async throws -> SQLTenantStore {
        let label = Self.label(for: tenant)
        let owner = try await StorageError.wrapping("reading the owning tenant", in: label) {
            try await Self.owner(of: database)
        }
        guard let owner else {
            throw StorageError(.tenantMismatch, "\(label): the database names no tenant; it was never provisioned")
        }
        guard owner == tenant.rawValue else {
            throw StorageError(.tenantMismatch, "\(label): the database belongs to tenant '\(owner.prefix(60))', refusing to open it")
        }
        return SQLTenantStore(tenantID: tenant, database: database)
    }

    // MARK: Users

    public func createUser(_ user: User) async throws {
        try await self.wrapping("creating user '\(user.id)'") {
            // Insert-or-nothing on either unique column (id, subject) is atomic under concurrent writers.
            let inserted = try await self.database.insert(into: "users")
                .columns("id", "subject", "email", "name", "created_at")
                .values(user.id, user.subject, user.email, user.name, user.createdAt.storageMicroseconds)
                .ignoringConflicts()
                .returning("id")
                .first()
            guard inserted != nil else {
                throw StorageError(.conflict, "\(self.label): a user with id '\(user.id)' or the same subject exists")
            }
        }
    }

    public func user(id: String) async throws -> User? {
        try await self.wrapping("reading user '\(id)'") {
            try await self.selectUsers().where("id", .equal, id).first().map(Self.user(from:))
        }
    }

    public func user(subject: String) async throws -> User? {
        try await self.wrapping("reading a user by subject") {
            try await self.selectUsers().where("subject", .equal, subject).first().map(Self.user(from:))
        }
    }

    public func users() async throws -> [User] {
        try await self.wrapping("listing users") {
            try await self.selectUsers().orderBy("id").all().map(Self.user(from:))
        }
    }

    public func deleteUser(id: String) async throws {
        try await self.wrapping("deleting user '\(id)'") {
            try await self.database.delete(from: "users").where("id", .equal, id).run()
        }
    }

    // MARK: Roles

    public func roles() async throws -> [Role] {
        try await self.wrapping("listing roles") {
            try await self.database.select().columns("name", "description").from("roles").orderBy("name").all().map { row in
                Role(name: try row.decode(column: "name", as: String.self), description: try row.decode(column: "description", as: String.self))
            }
        }
    }

    public func assignRole(_ role: String, to userID: String) async throws {
        try await self.wrapping("assigning role '\(role)' to user '\(userID)'") {
            try await self.database.transaction { [label] db in
                guard try await db.select().column("id").from("users").where("id", .equal, userID).first() != nil else {
                    throw StorageError(.notFound, "\(label): no user '\(userID)'")
                }
                guard try await db.select().column("name").from("roles").where("name", .equal, role).first() != nil else {
                    throw StorageError(.notFound, "\(label): no role '\(role)'")
                }
                try await db.insert(into: "role_assignments")
                    .columns("user_id", "role")
                    .values(userID, role)
                    .ignoringConflicts(with: ["user_id", "role"])
                    .run()
            }
        }
    }

    public func revokeRole(_ role: String, from userID: String) async throws {
        try await self.wrapping("revoking role '\(role)' from user '\(userID)'") {
            try await self.database.delete(from: "role_assignments")
                .where("user_id", .equal, userID)
                .where("role", .equal, role)
                .run()
        }
    }

    public func roleNames(of userID: String) async throws -> [String] {
        try await self.wrapping("listing the roles of user '\(userID)'") {
            try await self.database.select().column("role").from("role_assignments")
                .where("user_id", .equal, userID)
                .orderBy("role")
                .all(decodingColumn: "role", as: String.self)
        }
    }

    // MARK: Provider configurations

    @discardableResult
    public func saveProvider(id: String, kind: String, endpoint: String, apiKey: SealedSecret, now: Date) async throws -> ProviderConfiguration {
        try await self.wrapping("saving provider configuration '\(id)'") {
            try await self.database.transaction { db in
                let existing = try await Self.selectProviders(on: db).where("id", .equal, id).first().map(Self.provider(from:))
                let saved = ProviderConfiguration(
                    id: id, kind: kind, endpoint: endpoint, apiKey: apiKey,
                    createdAt: existing?.createdAt ?? now, updatedAt: now
                )
                try await db.insert(into: "provider_configurations")
                    .columns("id", "kind", "endpoint", "api_key", "created_at", "updated_at")
                    .values(saved.id, saved.kind, saved.endpoint, saved.apiKey.bytes, saved.createdAt.storageMicroseconds, saved.updatedAt.storageMicroseconds)
                    .onConflict(with: ["id"]) { update in
                        update.set(excludedValueOf: "kind")
                            .set(excludedValueOf: "endpoint")
                            .set(excludedValueOf: "api_key")
                            .set(excludedValueOf: "updated_at")
                    }
                    .run()
                return saved
            }
        }
    }

    public func provider(id: String) async throws -> ProviderConfiguration? {
        try await self.wrapping("reading provider configuration '\(id)'") {
            try await Self.selectProviders(on: self.database).where("id", .equal, id).first().map(Self.provider(from:))
        }
    }

    public func providers() async throws -> [ProviderConfiguration] {
        try await self.wrapping("listing provider configurations") {
            try await Self.selectProviders(on: self.database).orderBy("id").all().map(Self.provider(from:))
        }
    }

    public func deleteProvider(id: String) async throws {
        try await self.wrapping("deleting provider configuration '\(id)'") {
            try await self.database.delete(from: "provider_configurations").where("id", .equal, id).run()
        }
    }

    // MARK: Quotas

    public func quota(_ name: String) async throws -> JSONText? {
        try await self.wrapping("reading quota '\(name)'") {
            try await self.database.select().column("value").from("quotas")
                .where("name", .equal, name)
                .first(decodingColumn: "value", as: String.self)
                .map(JSONText.init(trusted:))
        }
    }

    public func quotas() async throws -> [String: JSONText] {
        try await self.wrapping("listing quotas") {
            let rows = try await self.database.select().columns("name", "value").from("quotas").all()
            return try Dictionary(uniqueKeysWithValues: rows.map { row in
                (try row.decode(column: "name", as: String.self), JSONText(trusted: try row.decode(column: "value", as: String.self)))
            })
        }
    }

    public func setQuota(_ name: String, to value: JSONText?, now: Date) async throws {
        try await self.wrapping("writing quota '\(name)'") {
            if let value {
                try await self.database.insert(into: "quotas")
                    .columns("name", "value", "updated_at")
                    .values(name, value.rawValue, now.storageMicroseconds)
                    .onConflict(with: ["name"]) { $0.set(excludedValueOf: "value").set(excludedValueOf: "updated_at") }
                    .run()
            } else {
                try await self.database.delete(from: "quotas").where("name", .equal, name).run()
            }
        }
    }

    // MARK: Settings

    public func settings() async throws -> [String: JSONText] {
        try await self.wrapping("listing settings") {
            let rows = try await self.database.select().columns("key", "value").from("settings").all()
            return try Dictionary(uniqueKeysWithValues: rows.map { row in
                (try row.decode(column: "key", as: String.self), JSONText(trusted: try row.decode(column: "value", as: String.self)))
            })
        }
    }

    public func setSetting(_ key: String, to value: JSONText?, now: Date) async throws {
        try await self.wrapping("writing setting '\(key)'") {
            if let value {
                try await self.database.insert(into: "settings")
                    .columns("key", "value", "updated_at")
                    .values(key, value.rawValue, now.storageMicroseconds)
                    .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value").set(excludedValueOf: "updated_at") }
                    .run()
            } else {
                try await self.database.delete(from: "settings").where("key", .equal, key).run()
            }
        }
    }

    // MARK: Usage ledger

    private static let usageColumns = [
        "request_id", "at", "key_id", "model", "provider", "upstream_model", "stream", "status", "error_kind",
        "prompt_tokens", "completion_tokens", "cost_micros", "latency_micros", "usage_source", "replica",
    ]

    @discardableResult
    public func recordUsage(_ entries: [UsageEntry]) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        return try await self.wrapping("recording \(entries.count) usage entries") {
            try await self.database.transaction { db in
                var inserted = 0
                // Rows in chunks, well under SQLite's and PostgreSQL's bind limits.
                for start in stride(from: 0, to: entries.count, by: 200) {
                    let chunk = entries[start..<min(start + 200, entries.count)]
                    let query = db.insert(into: "usage_events").columns(Self.usageColumns)
                    for e in chunk {
                        query.values(
                            e.requestID, e.at.storageMicroseconds, e.keyID, e.model, e.provider, e.upstreamModel, e.stream ? 1 : 0,
                            e.status, e.errorKind, e.promptTokens, e.completionTokens, e.costMicros, e.latencyMicros, e.usageSource,
                            e.replica
                        )
                    }
                    inserted += try await query.ignoringConflicts(with: ["request_id"]).returning("request_id").all().count
                }
                return inserted
            }
        }
    }

    public func usageSummary(from: Date, to: Date) async throws -> UsageSummary {
        try await self.wrapping("summing usage") {
            // Grouped in SQL by (model, key, status); the breakdowns are folded from those groups.
            let rows = try await self.usageSums(from: from, to: to, by: ["model", "key_id", "status"]).all()
            var summary = UsageSummary(from: from, to: to)
            for row in rows {
                let calls = Int(try row.decode(column: "calls", as: Int64.self))
                let status = Int(try row.decode(column: "status", as: Int64.self))
                let t = UsageTotals(
                    calls: calls, errors: status == 200 ? 0 : calls,
                    promptTokens: Int(try row.decode(column: "prompt", as: Int64?.self) ?? 0),
                    completionTokens: Int(try row.decode(column: "completion", as: Int64?.self) ?? 0),
                    costMicros: try row.decode(column: "cost", as: Int64?.self) ?? 0)
                let model = try row.decode(column: "model", as: String.self)
                let key = try row.decode(column: "key_id", as: String?.self) ?? "-"
                summary.totals.merge(t)
                summary.byModel[model, default: UsageTotals()].merge(t)
                summary.byKey[key, default: UsageTotals()].merge(t)
                summary.byStatus[status, default: 0] += calls
            }
            return summary
        }
    }

    /// Calls, tokens and cost of the entries that started in `[from, to)`, grouped by `columns`
    /// (selected too).
    private func usageSums(from: Date, to: Date, by columns: [String]) -> SQLSelectBuilder {
        var select = self.database.select()
        for c in columns { select = select.column(c) }
        select = select
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "calls")
            // PostgreSQL sums BIGINTs as NUMERIC: cast back, on both backends.
            .column(SQLRaw("CAST(SUM(prompt_tokens) AS BIGINT)"), as: "prompt")
            .column(SQLRaw("CAST(SUM(completion_tokens) AS BIGINT)"), as: "completion")
            .column(SQLRaw("CAST(SUM(cost_micros) AS BIGINT)"), as: "cost")
            .from("usage_events")
            .where("at", .greaterThanOrEqual, from.storageMicroseconds)
            .where("at", .lessThan, to.storageMicroseconds)
        for c in columns { select = select.groupBy(c) }
        return select
    }

    public func usageTotals(from: Date, to: Date, replica: String) async throws -> (all: UsageTotals, replica: UsageTotals) {
        try await self.wrapping("summing usage by replica") {
            // Grouped by replica (a handful of rows); the tenant's totals are their sum.
            let rows = try await self.usageSums(from: from, to: to, by: ["replica"])
                .column(SQLRaw("CAST(SUM(CASE WHEN status = 200 THEN 0 ELSE 1 END) AS BIGINT)"), as: "errors")
                .all()
            var all = UsageTotals(), mine = UsageTotals()
            for row in rows {
                let t = UsageTotals(
                    calls: Int(try row.decode(column: "calls", as: Int64.self)),
                    errors: Int(try row.decode(column: "errors", as: Int64?.self) ?? 0),
                    promptTokens: Int(try row.decode(column: "prompt", as: Int64?.self) ?? 0),
                    completionTokens: Int(try row.decode(column: "completion", as: Int64?.self) ?? 0),
                    costMicros: try row.decode(column: "cost", as: Int64?.self) ?? 0)
                all.merge(t)
                if try row.decode(column: "replica", as: String.self) == replica { mine.merge(t) }
            }
            return (all, mine)
        }
    }

    public func recordedUsageIDs(among requestIDs: [String]) async throws -> Set<String> {
        guard !requestIDs.isEmpty else { return [] }
        return try await self.wrapping("looking up usage entries") {
            var found = Set<String>()
            for start in stride(from: 0, to: requestIDs.count, by: 500) {
                let chunk = Array(requestIDs[start..<min(start + 500, requestIDs.count)])
                for id in try await self.database.select().column("request_id").from("usage_events")
                    .where("request_id", .in, chunk).all(decodingColumn: "request_id", as: String.self) {
                    found.insert(id)
                }
            }
            return found
        }
    }

    // MARK: Knowledge

    public func createJob(_ job: IngestionJob, documents: [SubmittedDocument]) async throws {
        try await self.wrapping("recording ingestion job '\(job.id)'") {
            let record = try JSONText(encoding: job).rawValue
            try await self.database.transaction { db in
                try await db.insert(into: "ingestion_jobs").columns("id", "status", "record", "submitted_at")
                    .values(job.id, job.status.rawValue, record, job.submittedAt.storageMicroseconds).run()
                for (i, d) in documents.enumerated() {
                    try await db.insert(into: "job_documents").columns("job_id", "position", "name", "format", "content")
                        .values(job.id, i, d.name, d.format, Data(d.content)).run()
                }
            }
        }
    }

    public func updateJob(_ job: IngestionJob) async throws {
        try await self.wrapping("updating ingestion job '\(job.id)'") {
            try await self.database.update("ingestion_jobs")
                .set("status", to: job.status.rawValue)
                .set("record", to: try JSONText(encoding: job).rawValue)
                .where("id", .equal, job.id)
                .run()
        }
    }

    public func job(id: String) async throws -> IngestionJob? {
        try await self.wrapping("reading ingestion job '\(id)'") {
            try await self.database.select().column("record").from("ingestion_jobs").where("id", .equal, id)
                .first(decodingColumn: "record", as: String.self)
                .map { try JSONText(trusted: $0).decode(IngestionJob.self) }
        }
    }

    public func jobs(in states: Set<IngestionJob.Status>) async throws -> [IngestionJob] {
        try await self.wrapping("listing ingestion jobs") {
            try await self.database.select().column("record").from("ingestion_jobs")
                .where("status", .in, states.map(\.rawValue).sorted())
                .orderBy("submitted_at").orderBy("id")
                .all(decodingColumn: "record", as: String.self)
                .map { try JSONText(trusted: $0).decode(IngestionJob.self) }
        }
    }

    public func jobDocuments(_ jobID: String) async throws -> [SubmittedDocument] {
        try await self.wrapping("reading the documents of ingestion job '\(jobID)'") {
            try await self.database.select().columns("name", "format", "content").from("job_documents")
                .where("job_id", .equal, jobID).orderBy("position").all().map { row in
                    SubmittedDocument(name: try row.decode(column: "name", as: String.self), format: try row.decode(column: "format", as: String.self),
                                      content: Array(try row.decode(column: "content", as: Data.self)))
                }
        }
    }

    public func documentHash(_ name: String) async throws -> String? {
        try await self.wrapping("reading document '\(name)'") {
            try await self.database.select().column("sha256").from("documents").where("name", .equal, name)
                .first(decodingColumn: "sha256", as: String.self)
        }
    }

    public func replaceDocument(_ name: String, format: String, sha256: String, chunks: [StoredChunk], now: Date) async throws {
        try await self.wrapping("storing document '\(name)'") {
            try await self.database.transaction { db in
                try await db.delete(from: "chunks").where("document", .equal, name).run()
                for c in chunks {
                    var vector = Data(capacity: c.vector.count * 4)
                    for f in c.vector { withUnsafeBytes(of: f.bitPattern.littleEndian) { vector.append(contentsOf: $0) } }
                    try await db.insert(into: "chunks")
                        .columns("id", "document", "position", "text", "section", "start_offset", "end_offset", "page", "vector")
                        .values(c.id, name, c.index, c.text, try JSONText(encoding: c.section).rawValue, c.start, c.end, c.page, vector)
                        .run()
                }
                if db.dialect.name == "postgresql", let dimension = chunks.first?.vector.count, dimension > 0 {
                    for c in chunks {
                        try await db.raw("UPDATE chunks SET embedding = \(bind: Self.vectorLiteral(c.vector))::vector WHERE id = \(bind: c.id)").run()
                    }
                    try await db.raw("""
                        CREATE INDEX IF NOT EXISTS \(ident: "chunks_embedding_hnsw_\(dimension)") ON chunks
                        USING hnsw ((embedding::vector(\(unsafeRaw: String(dimension)))) vector_cosine_ops)
                        """).run()
                }
                try await db.insert(into: "documents").columns("name", "format", "sha256", "chunk_count", "updated_at")
                    .values(name, format, sha256, chunks.count, now.storageMicroseconds)
                    .onConflict(with: ["name"]) {
                        $0.set(excludedValueOf: "format").set(excludedValueOf: "sha256").set(excludedValueOf: "chunk_count").set(excludedValueOf: "updated_at")
                    }
                    .run()
            }
        }
    }

    public func storedChunks() async throws -> [StoredChunk] {
        try await self.wrapping("reading chunks") {
            try await self.database.select()
                .columns("id", "document", "position", "text", "section", "start_offset", "end_offset", "page", "vector")
                .from("chunks").orderBy("document").orderBy("position").all().map { row in
                    let bytes = try row.decode(column: "vector", as: Data.self)
                    var vector: [Float] = []
                    vector.reserveCapacity(bytes.count / 4)
                    bytes.withUnsafeBytes { raw in
                        for i in stride(from: 0, to: raw.count - 3, by: 4) {
                            vector.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))))
                        }
                    }
                    return StoredChunk(
                        id: try row.decode(column: "id", as: String.self), document: try row.decode(column: "document", as: String.self),
                        index: Int(try row.decode(column: "position", as: Int64.self)), text: try row.decode(column: "text", as: String.self),
                        section: try JSONText(trusted: try row.decode(column: "section", as: String.self)).decode([String].self),
                        start: Int(try row.decode(column: "start_offset", as: Int64.self)), end: Int(try row.decode(column: "end_offset", as: Int64.self)),
                        page: try row.decode(column: "page", as: Int64?.self).map(Int.init), vector: vector)
                }
        }
    }

    public func nearestChunks(to vector: [Float], k: Int) async throws -> [(id: String, score: Double)]? {
        guard self.database.dialect.name == "postgresql" else { return nil }
        return try await self.wrapping("searching chunks by vector") {
            let d = SQLRaw(String(vector.count))
            let literal = Self.vectorLiteral(vector)
            return try await self.database.raw("""
                SELECT id, 1 - (embedding::vector(\(d)) <=> \(bind: literal)::vector(\(d))) AS score FROM chunks
                WHERE embedding IS NOT NULL AND vector_dims(embedding) = \(bind: vector.count)
                ORDER BY embedding::vector(\(d)) <=> \(bind: literal)::vector(\(d)), id LIMIT \(bind: k)
                """).all().map { row in (try row.decode(column: "id", as: String.self), try row.decode(column: "score", as: Double.self)) }
        }
    }

    /// pgvector's text form of a vector: `[0.25,-1.5,…]`.
    static func vectorLiteral(_ v: [Float]) -> String {
        "[" + v.map { String($0) }.joined(separator: ",") + "]"
    }

    public func documents() async throws -> [(name: String, format: String, chunks: Int, updatedAt: Date)] {
        try await self.wrapping("listing documents") {
            try await self.database.select().columns("name", "format", "chunk_count", "updated_at").from("documents").orderBy("name").all().map { row in
                (try row.decode(column: "name", as: String.self), try row.decode(column: "format", as: String.self),
                 Int(try row.decode(column: "chunk_count", as: Int64.self)),
                 Date(storageMicroseconds: try row.decode(column: "updated_at", as: Int64.self)))
            }
        }
    }

    // MARK: Helpers

    var label: String {
        Self.label(for: self.tenantID)
    }

    static func label(for tenant: TenantID) -> String {
        "tenant '\(tenant)'"
    }

    func wrapping<Result>(_ operation: String, _ body: () async throws -> Result) async throws -> Result {
        try await StorageError.wrapping(operation, in: self.label, body)
    }

    private func selectUsers() -> SQLSelectBuilder {
        self.database.select().columns("id", "subject", "email", "name", "created_at").from("users")
    }

    private static func user(from row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: String.self),
            subject: try row.decode(column: "subject", as: String.self),
            email: try row.decode(column: "email", as: String?.self),
            name: try row.decode(column: "name", as: String?.self),
            createdAt: Date(storageMicroseconds: try row.decode(column: "created_at", as: Int64.self))
        )
    }

    private static func selectProviders(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().columns("id", "kind", "endpoint", "api_key", "created_at", "updated_at").from("provider_configurations")
    }

    private static func provider(from row: any SQLRow) throws -> ProviderConfiguration {
        ProviderConfiguration(
            id: try row.decode(column: "id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            endpoint: try row.decode(column: "endpoint", as: String.self),
            apiKey: SealedSecret(bytes: try row.decode(column: "api_key", as: Data.self)),
            createdAt: Date(storageMicroseconds: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(storageMicroseconds: try row.decode(column: "updated_at", as: Int64.self))
        )
    }
}
