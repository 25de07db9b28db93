import Logging
import SQLiteKit

/// An `SQLDatabase` over one connection that runs one statement or one session at a time.
///
/// SQLite connections carry transaction state, so a session (``withSession(_:)``) holds the gate for its
/// whole length and statements from other tasks wait instead of landing inside someone else's transaction.
struct SerializedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let gate: AsyncSerialGate

    var logger: Logger { self.base.logger }
    var eventLoop: any EventLoop { self.base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { self.base.version }
    var dialect: any SQLDialect { self.base.dialect }
    var queryLogLevel: Logger.Level? { self.base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        self.eventLoop.makeFutureWithTask {
            try await self.execute(sql: query, onRow)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await self.gate.withGate {
            try await self.base.execute(sql: query, onRow)
        }
    }

    func withSession<Result>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await self.gate.withGate {
            try await closure(self.base)
        }
    }
}
