import SQLKit

extension SQLDatabase {
    /// Runs `body` in one transaction on one session: commits when it returns, rolls back when it throws.
    ///
    /// SQLite starts with `BEGIN IMMEDIATE`, taking the write lock up front so two writers cannot
    /// deadlock upgrading a read lock; PostgreSQL starts with a plain `BEGIN`.
    /// Inside `body`, use only the database passed in: the outer one may be waiting for this session.
    func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await self.withSession { session in
            let begin = session.dialect.name == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN"
            try await session.execute(sql: SQLRaw(begin)) { _ in }
            do {
                let result = try await body(session)
                try await session.execute(sql: SQLRaw("COMMIT")) { _ in }
                return result
            } catch {
                // The original error matters more than a failed rollback, which the caller could not act on.
                try? await session.execute(sql: SQLRaw("ROLLBACK")) { _ in }
                throw error
            }
        }
    }
}
