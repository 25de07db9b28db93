/// An error from a store, a backend or the values they validate.
///
/// Messages name the tenant, database or setting involved and never include a secret.
/// Equality compares the ``code`` only, so tests and callers can match on the kind of failure.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidTenantID, invalidLocator, invalidConfiguration, invalidJSON
            case databaseNotFound, tenantMismatch, notFound, conflict
            case corruptData, backendShutDown, databaseFailure
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A tenant id is not a slug of 2 to 40 characters from `a-z`, `0-9` and `-`.
        public static let invalidTenantID = Code(.invalidTenantID)
        /// A database locator is malformed or belongs to another backend.
        public static let invalidLocator = Code(.invalidLocator)
        /// A backend was configured with values it cannot use.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A value that must be JSON text is not valid JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// A tenant database does not exist.
        public static let databaseNotFound = Code(.databaseNotFound)
        /// A tenant database belongs to another tenant, or to none.
        public static let tenantMismatch = Code(.tenantMismatch)
        /// A referenced row (tenant, user, role, provider) does not exist.
        public static let notFound = Code(.notFound)
        /// A row with the same identity already exists.
        public static let conflict = Code(.conflict)
        /// A stored value cannot be read back (an unknown status, for instance).
        public static let corruptData = Code(.corruptData)
        /// The backend was shut down.
        public static let backendShutDown = Code(.backendShutDown)
        /// The database reported an error.
        public static let databaseFailure = Code(.databaseFailure)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable message naming the tenant or database involved.
    public let message: String
    /// The underlying error, when one caused this one.
    public let cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return "\(self.code): \(self.message)" }
        return "\(self.code): \(self.message) (cause: \(ErrorSummary.describe(cause)))"
    }

    public static func == (lhs: StorageError, rhs: StorageError) -> Bool {
        lhs.code == rhs.code
    }
}
