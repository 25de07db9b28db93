import Foundation
import SQLKit

/// One named, versioned step of a schema.
///
/// Steps run through SQLKit so the same step works on SQLite and PostgreSQL. A step receives the
/// transaction's session and must use only it.
///
/// ```swift
/// Migration(version: 2, name: "create_quotas") { db in
///     try await db.create(table: "quotas")
///         .column("name", type: .text, .primaryKey(autoIncrement: false))
///         .run()
/// }
/// ```
public struct Migration: Sendable {
    /// The step's position; versions of a ``Migrator`` increase strictly.
    public let version: Int
    /// A stable name, recorded with the version to detect diverging histories.
    public let name: String
    private let body: @Sendable (any SQLDatabase) async throws -> Void

    /// Creates a step.
    ///
    /// - Parameters:
    ///   - version: The step's version, greater than zero.
    ///   - name: A stable name such as `create_users`.
    ///   - body: The schema change, run inside a transaction.
    public init(version: Int, name: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.name = name
        self.body = body
    }

    /// Runs the step on `database`.
    func apply(on database: any SQLDatabase) async throws {
        try await self.body(database)
    }
}

/// A migration recorded in a database's `schema_migrations` table.
public struct AppliedMigration: Hashable, Sendable {
    /// The step's version.
    public var version: Int
    /// The step's name when it was applied.
    public var name: String
    /// When it was applied.
    public var appliedAt: Date

    /// Creates a record.
    public init(version: Int, name: String, appliedAt: Date) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
    }
}
