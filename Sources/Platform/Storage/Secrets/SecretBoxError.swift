/// An error from sealing or opening a secret.
///
/// Messages name key ids and sizes, never key material or secret values.
/// Equality compares the ``code`` only.
public struct SecretBoxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidKey, invalidKeyID, malformed, unsupportedVersion, keyMismatch, authenticationFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The key is not valid base64 or not 256 bits long.
        public static let invalidKey = Code(.invalidKey)
        /// The key id is empty, too long, or uses characters other than `A-Z a-z 0-9 . _ : -`.
        public static let invalidKeyID = Code(.invalidKeyID)
        /// The sealed bytes are too short or their header is unreadable.
        public static let malformed = Code(.malformed)
        /// The sealed bytes use a format version this code does not know.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The secret was sealed with a key of another id.
        public static let keyMismatch = Code(.keyMismatch)
        /// The bytes were altered, or sealed with different key material under the same id.
        public static let authenticationFailed = Code(.authenticationFailed)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, without secret material.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }

    public static func == (lhs: SecretBoxError, rhs: SecretBoxError) -> Bool {
        lhs.code == rhs.code
    }
}
