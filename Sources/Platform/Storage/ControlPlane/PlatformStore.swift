import Foundation

/// The control plane: tenants, platform settings and the audit log.
///
/// Every change records an audit entry in the same transaction, naming the actor and the values
/// before and after.
public protocol PlatformStore: Sendable {
    /// Returns the tenant with `id`, or nil when there is none.
    func tenant(_ id: TenantID) async throws -> Tenant?

    /// Returns every tenant, ordered by id.
    func tenants() async throws -> [Tenant]

    /// Records a new tenant and audits `tenant.create`.
    ///
    /// - Throws: ``StorageError`` with code `conflict` when a tenant with the same id exists.
    func insertTenant(_ tenant: Tenant, actor: String) async throws

    /// Changes a tenant's status and failure reason, if its current status is one of `allowed`, and audits
    /// `tenant.status`.
    ///
    /// The check and the change happen in one transaction, so concurrent callers cannot both move a tenant
    /// out of the same state.
    ///
    /// - Returns: The tenant after the call: changed, or unchanged when its current status is not in
    ///   `allowed` or nothing would change. Compare its status with `status` to tell.
    /// - Throws: ``StorageError`` with code `notFound` when there is no such tenant.
    func updateTenantStatus(
        _ id: TenantID,
        from allowed: Set<TenantStatus>,
        to status: TenantStatus,
        failureReason: String?,
        actor: String,
        now: Date
    ) async throws -> Tenant

    /// Returns the platform setting `key`, or nil when it is not set.
    func setting(_ key: String) async throws -> JSONText?

    /// Returns every platform setting.
    func settings() async throws -> [String: JSONText]

    /// Sets (or, with nil, removes) the platform setting `key` and audits `setting.set` or `setting.remove`.
    func setSetting(_ key: String, to value: JSONText?, actor: String, now: Date) async throws

    /// Appends an entry to the audit log.
    func appendAudit(
        action: String,
        target: String,
        oldValue: JSONText?,
        newValue: JSONText?,
        actor: String,
        at: Date
    ) async throws

    /// Returns the latest `limit` audit entries, optionally only those about `target`, oldest first.
    func auditLog(target: String?, limit: Int) async throws -> [AuditEntry]

    // MARK: Platform API keys

    /// Records a new API key and audits `api_key.create` (without its secret hash).
    ///
    /// - Throws: ``StorageError`` with code `conflict` when the id is taken.
    func insertAPIKey(_ key: APIKeyRecord, actor: String) async throws

    /// Returns the key with `id`, revoked or not, or nil.
    func apiKey(id: String) async throws -> APIKeyRecord?

    /// Returns the keys of `tenant`, revoked ones included, ordered by id.
    func apiKeys(tenant: TenantID) async throws -> [APIKeyRecord]

    /// Revokes the key `id` of `tenant` and audits `api_key.revoke`.
    ///
    /// - Returns: The key after the call, or nil when `tenant` has no key `id`. Revoking twice keeps
    ///   the first revocation time.
    func revokeAPIKey(id: String, tenant: TenantID, actor: String, now: Date) async throws -> APIKeyRecord?

    // MARK: Gateway versions

    /// Increments the version of `scope` (a tenant id, `*` for every tenant, `flags`): a
    /// change to the gateway's routing state that every replica is to load.
    func bumpGatewayVersion(_ scope: String) async throws

    /// Every scope's version.
    func gatewayVersions() async throws -> [String: Int64]
}
