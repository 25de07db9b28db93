import Foundation

/// A Platform API key for a machine client, as the control plane keeps it.
///
/// The secret itself is never stored: only its SHA-256 (``secretHash``), so a copy of the
/// database does not let anyone call the API. Keys belong to one tenant and carry the roles
/// they act with; a revoked key stays on record (for the audit trail) but no longer signs in.
public struct APIKeyRecord: Hashable, Sendable {
    /// The key's public id (the part of the key before its secret).
    public var id: String
    /// The tenant the key acts in.
    public var tenantID: TenantID
    /// A label chosen by whoever created the key.
    public var name: String
    /// The tenant roles the key acts with.
    public var roles: [String]
    /// Lower-case hex SHA-256 of the whole key text.
    public var secretHash: String
    /// Who created the key (a subject or another key's id).
    public var createdBy: String
    /// When the key was created.
    public var createdAt: Date
    /// When the key was revoked, if it was.
    public var revokedAt: Date?

    /// Creates a key record.
    public init(
        id: String, tenantID: TenantID, name: String, roles: [String], secretHash: String,
        createdBy: String, createdAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.roles = roles
        self.secretHash = secretHash
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
