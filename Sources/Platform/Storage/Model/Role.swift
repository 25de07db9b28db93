/// A role that can be assigned to users of a tenant.
public struct Role: Hashable, Sendable {
    /// The role's unique name, such as `admin`.
    public var name: String
    /// What the role is for.
    public var description: String

    /// Creates a role.
    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }

    /// The roles every tenant starts with, seeded by ``TenantProvisioner``.
    public static let defaults: [Role] = [
        Role(name: "owner", description: "Full control of the tenant, including its owners"),
        Role(name: "admin", description: "Manages users, providers and quotas"),
        Role(name: "developer", description: "Uses providers and manages own resources"),
        Role(name: "viewer", description: "Read-only access"),
    ]
}
