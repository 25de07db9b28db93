/// A step of provisioning a tenant, in the order ``TenantProvisioner`` takes them.
///
/// Every step checks whether it was already done, so a tenant left `provisioning` or `failed`
/// resumes where it stopped.
public enum ProvisioningStep: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Record the tenant as `provisioning` in the control plane.
    case recordTenant = "record-tenant"
    /// Create the tenant's database unless it exists.
    case createDatabase = "create-database"
    /// Apply ``Migrator/tenant`` to the tenant's database.
    case migrateSchema = "migrate-schema"
    /// Name the tenant in the database's `meta` table.
    case claimDatabase = "claim-database"
    /// Insert the default roles (owner, admin, developer, viewer) that are missing.
    case seedRoles = "seed-roles"
    /// Mark the tenant `active`.
    case activate

    public var description: String { self.rawValue }
}

/// Callbacks into provisioning, for tests that inject failures.
public struct ProvisioningHooks: Sendable {
    /// Called before each step; an error thrown here fails that step as if the step itself had failed.
    public var beforeStep: @Sendable (ProvisioningStep, TenantID) async throws -> Void

    /// Creates hooks.
    public init(beforeStep: @escaping @Sendable (ProvisioningStep, TenantID) async throws -> Void) {
        self.beforeStep = beforeStep
    }

    /// No callbacks: the production setting.
    public static let none = ProvisioningHooks { _, _ in }
}
