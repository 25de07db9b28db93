import PostgresNIO

/// Turns an error from a driver into one line fit for an error message or a tenant's failure reason.
enum ErrorSummary {
    /// Describes `error` without the statement's bound values.
    ///
    /// `PSQLError` prints a deliberately vague description; its server fields (SQLSTATE and message)
    /// say what went wrong without echoing binds, so they are used instead.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, let server = error.serverInfo {
            let state = server[.sqlState] ?? "?"
            let message = server[.message] ?? "no message"
            return "PostgreSQL error \(state): \(message)"
        }
        return String(describing: error)
    }
}
