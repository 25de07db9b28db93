import Foundation

/// The lifecycle state of a tenant.
public enum TenantStatus: String, Sendable, CaseIterable, Codable {
    /// The tenant is recorded and its database is being prepared; it cannot be used yet.
    case provisioning
    /// The tenant is ready for use.
    case active
    /// The tenant exists but is switched off by an operator.
    case suspended
    /// Provisioning stopped at a step; creating the tenant again resumes it.
    case failed
}

/// A tenant as recorded in the control plane.
public struct Tenant: Hashable, Sendable {
    /// The tenant's slug.
    public var id: TenantID
    /// The name shown to people.
    public var displayName: String
    /// Where the tenant is in its lifecycle.
    public var status: TenantStatus
    /// Where the tenant's database lives.
    public var databaseLocator: DatabaseLocator
    /// Why provisioning failed, when ``status`` is ``TenantStatus/failed``.
    public var failureReason: String?
    /// When the tenant was first recorded.
    public var createdAt: Date
    /// When the record last changed.
    public var updatedAt: Date

    /// Creates a tenant record.
    public init(
        id: TenantID,
        displayName: String,
        status: TenantStatus,
        databaseLocator: DatabaseLocator,
        failureReason: String? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.displayName = displayName
        self.status = status
        self.databaseLocator = databaseLocator
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
