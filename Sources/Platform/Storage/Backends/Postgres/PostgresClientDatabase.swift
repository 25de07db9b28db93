import Logging
import PostgresKit

/// An `SQLDatabase` over a `PostgresClient` pool: each statement leases a connection, and a session
/// (``withSession(_:)``) keeps one connection for its whole length, which is what transactions need.
struct PostgresClientDatabase: SQLDatabase {
    let client: PostgresClient
    let logger: Logger

    var eventLoop: any EventLoop { PostgresClient.defaultEventLoopGroup.any() }
    var dialect: any SQLDialect { PostgresDialect() }
    // Statements log at trace: their binds hold user data.
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        self.eventLoop.makeFutureWithTask {
            try await self.execute(sql: query, onRow)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await self.client.withConnection { connection in
            try await connection.sql(queryLogLevel: self.queryLogLevel, logger: self.logger).execute(sql: query, onRow)
        }
    }

    func withSession<Result>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await self.client.withConnection { connection in
            try await closure(connection.sql(queryLogLevel: self.queryLogLevel, logger: self.logger))
        }
    }
}
