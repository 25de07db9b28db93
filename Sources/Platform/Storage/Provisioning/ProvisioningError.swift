/// An error from provisioning a tenant or changing its status.
///
/// Messages name the tenant and, for a failed step, the step. Equality compares the ``code`` only.
public struct ProvisioningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case stepFailed, tenantNotFound, tenantNotActive, invalidTransition
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A provisioning step failed; the tenant is marked `failed` (or was never recorded).
        public static let stepFailed = Code(.stepFailed)
        /// The control plane has no such tenant.
        public static let tenantNotFound = Code(.tenantNotFound)
        /// The tenant exists but is not `active`, so its store cannot be opened.
        public static let tenantNotActive = Code(.tenantNotActive)
        /// The requested status change is not allowed (only active ↔ suspended is).
        public static let invalidTransition = Code(.invalidTransition)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The tenant concerned.
    public let tenant: TenantID
    /// The step that failed, for ``Code-swift.struct/stepFailed``.
    public let step: ProvisioningStep?
    /// What went wrong.
    public let message: String
    /// The error the step threw.
    public let cause: (any Error & Sendable)?

    init(_ code: Code, tenant: TenantID, step: ProvisioningStep? = nil, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.tenant = tenant
        self.step = step
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return "\(self.code): \(self.message)" }
        return "\(self.code): \(self.message): \(ErrorSummary.describe(cause))"
    }

    public static func == (lhs: ProvisioningError, rhs: ProvisioningError) -> Bool {
        lhs.code == rhs.code
    }
}
