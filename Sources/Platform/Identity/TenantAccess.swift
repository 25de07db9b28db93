import Base
/// The tenant a token acts in and the roles it carries, per a ``ClaimMapping``.
struct TenantAccess {
    let tenantID: String?
    let globalRoles: [String]
    let tenantRoles: [String]

    /// Resolves the tenant and roles.
    ///
    /// Tenant resolution:
    /// 1. If the token has the single-tenant claim, that is the tenant; a `requestedTenant` must equal it.
    /// 2. Otherwise, if it has the membership claim: a `requestedTenant` must be a member and
    ///    becomes the tenant; without one, a single membership is the tenant, several are
    ///    refused with `tenant_required`, none leave the tenant unset.
    /// 3. Otherwise there is no tenant, and a `requestedTenant` is refused with `wrong_tenant`.
    ///
    /// Tenant roles are the tenant-roles entries whose tenant part equals the resolved tenant.
    init(
        claims: [String: JSONValue],
        mapping: ClaimMapping,
        requestedTenant: String?
    ) throws(TokenValidationError) {
        let tenantID = try Self.resolveTenant(claims: claims, mapping: mapping, requestedTenant: requestedTenant)
        if tenantID == nil, mapping.requiresTenant {
            throw TokenValidationError(.missingClaim, "token names no organization, and one is required")
        }
        self.tenantID = tenantID
        self.globalRoles = try claims.strings(claim: mapping.rolesClaim)?.uniqued() ?? []
        self.tenantRoles = try Self.tenantRoles(claims: claims, mapping: mapping, tenantID: tenantID)
    }

    private static func resolveTenant(
        claims: [String: JSONValue],
        mapping: ClaimMapping,
        requestedTenant: String?
    ) throws(TokenValidationError) -> String? {
        if let scoped = try claims.string(claim: mapping.tenantClaim) {
            if let requestedTenant, requestedTenant != scoped {
                throw TokenValidationError(
                    .wrongTenant, "token is scoped to a different organization than the request names")
            }
            return scoped
        }
        if let memberships = try claims.strings(claim: mapping.tenantMembershipClaim) {
            if let requestedTenant {
                guard memberships.contains(requestedTenant) else {
                    throw TokenValidationError(
                        .wrongTenant, "subject is not a member of the organization the request names")
                }
                return requestedTenant
            }
            guard memberships.count <= 1 else {
                throw TokenValidationError(
                    .tenantRequired,
                    "token lists \(memberships.count) organizations; the request must name one")
            }
            return memberships.first
        }
        if requestedTenant != nil {
            throw TokenValidationError(.wrongTenant, "token grants no organization, but the request names one")
        }
        return nil
    }

    private static func tenantRoles(
        claims: [String: JSONValue],
        mapping: ClaimMapping,
        tenantID: String?
    ) throws(TokenValidationError) -> [String] {
        guard let tenantID, let entries = try claims.strings(claim: mapping.tenantRolesClaim) else { return [] }
        return entries.compactMap { entry -> String? in
            guard let separator = entry.firstIndex(of: mapping.tenantRoleSeparator),
                entry[..<separator] == tenantID
            else { return nil }
            let role = entry[entry.index(after: separator)...]
            return role.isEmpty ? nil : String(role)
        }.uniqued()
    }
}
