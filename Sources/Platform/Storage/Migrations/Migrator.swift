import Foundation
import SQLKit

/// Applies an ordered list of ``Migration``s to one database, each exactly once.
///
/// Applied steps are recorded in a `schema_migrations` table (version, name, applied_at). Each step runs
/// in its own transaction together with its record, so a failed step leaves no trace and the next run
/// retries it. Re-running is a no-op. A database recording a version newer than ``latestVersion`` is
/// refused, as is one whose recorded steps differ from ``migrations``.
///
/// On PostgreSQL each transaction takes an advisory lock first, so two processes migrating the same
/// database apply each step once; on SQLite `BEGIN IMMEDIATE` does the same.
///
/// ```swift
/// try await Migrator.controlPlane.migrate(database, label: "control plane", now: now)
/// ```
public struct Migrator: Sendable {
    /// Names the migration set in errors, such as `control-plane` or `tenant`.
    public let name: String
    /// The steps, in version order.
    public let migrations: [Migration]

    /// Creates a migrator.
    ///
    /// - Precondition: Versions are greater than zero and strictly increasing.
    public init(name: String, migrations: [Migration]) {
        precondition(
            migrations.allSatisfy { $0.version > 0 }
                && zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version },
            "migration versions of '\(name)' must be positive and strictly increasing"
        )
        self.name = name
        self.migrations = migrations
    }

    /// The version of the last step this code knows.
    public var latestVersion: Int {
        self.migrations.last?.version ?? 0
    }

    /// Applies every step the database has not recorded yet.
    ///
    /// - Parameters:
    ///   - database: The database to migrate.
    ///   - label: Names the database in errors, such as `tenant 'acme'`.
    ///   - now: The time recorded as `applied_at`.
    /// - Returns: The versions applied by this call, in order; empty when the database was current.
    /// - Throws: ``MigrationError`` when the database is too new, its history differs, or a step fails.
    @discardableResult
    public func migrate(_ database: any SQLDatabase, label: String, now: Date) async throws -> [Int] {
        var applied: [Int] = []
        while let version = try await self.applyNextStep(on: database, label: label, now: now) {
            applied.append(version)
        }
        return applied
    }

    /// Reads the steps recorded in `database`, oldest first; empty when it was never migrated.
    public func appliedMigrations(in database: any SQLDatabase) async throws -> [AppliedMigration] {
        guard try await Self.historyTableExists(in: database) else { return [] }
        return try await Self.history(in: database)
    }

    /// Applies the first unrecorded step in one transaction and returns its version, or nil when none is left.
    private func applyNextStep(on database: any SQLDatabase, label: String, now: Date) async throws -> Int? {
        try await database.transaction { session in
            try await Self.lockAgainstConcurrentMigrators(session)
            try await session.create(table: Self.historyTable)
                .ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
            let history = try await Self.history(in: session)
            try self.validate(history, label: label)
            guard let next = self.migrations.dropFirst(history.count).first else { return nil }
            do {
                try await next.apply(on: session)
            } catch {
                throw MigrationError(
                    .stepFailed,
                    "\(label): migration \(self.name) #\(next.version) '\(next.name)' failed and was rolled back",
                    cause: error
                )
            }
            try await session.insert(into: Self.historyTable)
                .columns("version", "name", "applied_at")
                .values(Int64(next.version), next.name, now.storageMicroseconds)
                .run()
            return next.version
        }
    }

    /// Checks that the recorded steps are a prefix of this migrator's steps.
    private func validate(_ history: [AppliedMigration], label: String) throws {
        if let newest = history.last, newest.version > self.latestVersion {
            throw MigrationError(
                .databaseTooNew,
                "\(label): database is at \(self.name) version \(newest.version) ('\(newest.name)'), newer than the \(self.latestVersion) this code knows; upgrade the code instead of running it against this database"
            )
        }
        for (recorded, known) in zip(history, self.migrations) where recorded.version != known.version || recorded.name != known.name {
            throw MigrationError(
                .historyMismatch,
                "\(label): recorded \(self.name) migration #\(recorded.version) '\(recorded.name)' does not match this code's #\(known.version) '\(known.name)'"
            )
        }
    }

    private static let historyTable = "schema_migrations"

    /// A fixed key for `pg_advisory_xact_lock`, shared by every migrator of this package.
    private static let advisoryLockKey: Int64 = 0x6463_6F64_6572

    private static func lockAgainstConcurrentMigrators(_ session: any SQLDatabase) async throws {
        guard session.dialect.name == "postgresql" else { return }
        try await session.execute(sql: SQLRaw("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))")) { _ in }
    }

    private static func historyTableExists(in database: any SQLDatabase) async throws -> Bool {
        let query: SQLQueryString
        switch database.dialect.name {
        case "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: Self.historyTable)"
        default:
            query = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = \(bind: Self.historyTable)"
        }
        return try await database.raw(query).first() != nil
    }

    private static func history(in database: any SQLDatabase) async throws -> [AppliedMigration] {
        try await database.select()
            .columns("version", "name", "applied_at")
            .from(Self.historyTable)
            .orderBy("version")
            .all()
            .map { row in
                AppliedMigration(
                    version: Int(try row.decode(column: "version", as: Int64.self)),
                    name: try row.decode(column: "name", as: String.self),
                    appliedAt: Date(storageMicroseconds: try row.decode(column: "applied_at", as: Int64.self))
                )
            }
    }
}
