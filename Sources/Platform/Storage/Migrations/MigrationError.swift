/// An error from migrating a database.
///
/// Messages name the database (such as `control plane` or `tenant 'acme'`) and the step.
/// Equality compares the ``code`` only.
public struct MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case databaseTooNew, historyMismatch, stepFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The database has a version newer than this code knows; upgrade the code, do not downgrade data.
        public static let databaseTooNew = Code(.databaseTooNew)
        /// The recorded steps differ from this code's steps (a renamed or missing step).
        public static let historyMismatch = Code(.historyMismatch)
        /// A step threw; its transaction was rolled back.
        public static let stepFailed = Code(.stepFailed)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, naming the database and step.
    public let message: String
    /// The error a failing step threw.
    public let cause: (any Error & Sendable)?

    init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return "\(self.code): \(self.message)" }
        return "\(self.code): \(self.message) (cause: \(ErrorSummary.describe(cause)))"
    }

    public static func == (lhs: MigrationError, rhs: MigrationError) -> Bool {
        lhs.code == rhs.code
    }
}
