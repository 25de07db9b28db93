extension StorageError {
    /// Runs `body`, turning any error that is not already a ``StorageError`` into one that names
    /// the database and the operation.
    static func wrapping<Result>(
        _ operation: String,
        in database: String,
        _ body: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await body()
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.databaseFailure, "\(database): \(operation) failed", cause: error)
        }
    }
}
