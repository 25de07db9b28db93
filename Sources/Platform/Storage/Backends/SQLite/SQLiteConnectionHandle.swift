import SQLiteKit

/// One open SQLite file: a single connection, shared by all tasks one at a time.
///
/// SQLite allows one writer per file anyway; one connection per file avoids `SQLITE_BUSY` between
/// connections of the same process.
final class SQLiteConnectionHandle: Sendable {
    private let connection: SQLiteConnection
    private let gate: AsyncSerialGate
    /// The serialized database the stores use.
    let database: any SQLDatabase

    private init(connection: SQLiteConnection) {
        let gate = AsyncSerialGate()
        self.connection = connection
        self.gate = gate
        // Statements log at trace: their binds hold user data.
        self.database = SerializedSQLDatabase(base: connection.sql(queryLogLevel: .trace), gate: gate)
    }

    /// Opens (and creates, if missing) the file at `path`, with foreign keys enforced.
    static func open(path: String, logger: Logger) async throws -> SQLiteConnectionHandle {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            // Waits for another process's write lock instead of failing at once.
            _ = try await connection.query("PRAGMA busy_timeout = 5000")
        } catch {
            try? await connection.close()
            throw error
        }
        return SQLiteConnectionHandle(connection: connection)
    }

    /// Closes the connection once the current statement or session is done.
    func close() async throws {
        try await self.gate.withGate {
            try await self.connection.close()
        }
    }
}
