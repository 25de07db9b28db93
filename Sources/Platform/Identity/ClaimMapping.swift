/// Where tenant, role and profile information lives in a provider's tokens.
///
/// The defaults follow Logto:
/// - an organization token carries the tenant in `organization_id` (a string);
/// - an ID token with the organizations scope lists memberships in `organizations` (an array of
///   organization ids) and scoped roles in `organization_roles` (entries like `"<orgId>:<role>"`);
/// - global roles are in `roles` (an array of role names).
///
/// Set any claim name to `nil` to ignore that source.
public struct ClaimMapping: Sendable, Hashable {
    /// A claim holding the single tenant (organization) the token is scoped to.
    public var tenantClaim: String?
    /// A claim holding the list of tenants the subject belongs to. Used only when ``tenantClaim``
    /// is absent from the token. With more than one entry the request must name the tenant.
    public var tenantMembershipClaim: String?
    /// A claim holding global role names (an array of strings, or a single string).
    public var rolesClaim: String?
    /// A claim holding tenant-scoped roles as `"<tenantId><separator><role>"` entries.
    public var tenantRolesClaim: String?
    /// The separator between tenant id and role name in ``tenantRolesClaim`` entries.
    public var tenantRoleSeparator: Character
    /// The claim holding the subject's e-mail address.
    public var emailClaim: String?
    /// The claim holding the subject's display name.
    public var nameClaim: String?
    /// When `true`, a token that resolves to no tenant is refused with `missing_claim`.
    public var requiresTenant: Bool

    /// Creates a claim mapping; every argument defaults to Logto's claim names.
    public init(
        tenantClaim: String? = "organization_id",
        tenantMembershipClaim: String? = "organizations",
        rolesClaim: String? = "roles",
        tenantRolesClaim: String? = "organization_roles",
        tenantRoleSeparator: Character = ":",
        emailClaim: String? = "email",
        nameClaim: String? = "name",
        requiresTenant: Bool = false
    ) {
        self.tenantClaim = tenantClaim
        self.tenantMembershipClaim = tenantMembershipClaim
        self.rolesClaim = rolesClaim
        self.tenantRolesClaim = tenantRolesClaim
        self.tenantRoleSeparator = tenantRoleSeparator
        self.emailClaim = emailClaim
        self.nameClaim = nameClaim
        self.requiresTenant = requiresTenant
    }

    /// Logto's claim names (the same as `ClaimMapping()`).
    public static let logto = ClaimMapping()
}
