import Foundation
import Logging

/// Creates tenants, changes their status and opens their stores.
///
/// Creating a tenant records it as `provisioning`, creates and migrates its database, claims the database
/// for the tenant, seeds the default roles and only then marks it `active`. Each step can run again, so:
/// - creating a tenant that is already `active` (or `suspended`) returns it unchanged;
/// - a tenant left `provisioning` by a crash, or `failed` by an error, is resumed by creating it again;
/// - a step that throws marks the tenant `failed` with the error text, so no half-made tenant looks active.
///
/// ```swift
/// let provisioner = TenantProvisioner(backend: backend, platform: platform)
/// let tenant = try await provisioner.createTenant(id: TenantID("acme"), name: "Acme Corp", now: now)
/// let store = try await provisioner.openTenantStore(tenant.id, now: now)
/// ```
public struct TenantProvisioner: Sendable {
    private let backend: any StorageBackend
    private let platform: any PlatformStore
    private let hooks: ProvisioningHooks
    private let logger: Logger

    /// Creates a provisioner.
    ///
    /// - Parameters:
    ///   - backend: Where tenant databases are created.
    ///   - platform: The control plane that records tenants.
    ///   - hooks: Test callbacks; ``ProvisioningHooks/none`` in production.
    ///   - logger: Receives one info line per provisioned tenant and debug lines per step.
    public init(
        backend: any StorageBackend,
        platform: any PlatformStore,
        hooks: ProvisioningHooks = .none,
        logger: Logger = .storageDisabled
    ) {
        self.backend = backend
        self.platform = platform
        self.hooks = hooks
        self.logger = logger
    }

    /// Creates the tenant `id`, or resumes it if an earlier attempt stopped part-way.
    ///
    /// - Parameters:
    ///   - id: The tenant's slug.
    ///   - name: The display name, used only when the tenant is first recorded.
    ///   - now: The time recorded for every change.
    ///   - actor: Who asked, for the audit log.
    /// - Returns: The tenant, `active` (or unchanged if it already existed and was not mid-provisioning).
    /// - Throws: ``ProvisioningError`` naming the failed step; the tenant is then `failed`, or absent if
    ///   the failure was in ``ProvisioningStep/recordTenant``.
    @discardableResult
    public func createTenant(id: TenantID, name: String, now: Date, actor: String = "system") async throws -> Tenant {
        let tenant: Tenant
        switch try await self.start(id: id, name: name, now: now, actor: actor) {
        case .alreadyProvisioned(let existing):
            return existing
        case .provision(let pending):
            tenant = pending
        }
        do {
            return try await self.provision(tenant, now: now, actor: actor)
        } catch let error as ProvisioningError {
            await self.markFailed(tenant.id, error: error, now: now, actor: actor)
            throw error
        }
    }

    /// Suspends or reactivates a tenant.
    ///
    /// - Throws: ``ProvisioningError`` with code `invalidTransition` for anything but active ↔ suspended
    ///   (a failed tenant is resumed by ``createTenant(id:name:now:actor:)``, not activated here), or with
    ///   code `tenantNotFound`; ``StorageError`` with code `notFound` if the tenant vanishes meanwhile.
    @discardableResult
    public func setStatus(_ status: TenantStatus, for id: TenantID, now: Date, actor: String) async throws -> Tenant {
        let switchable: Set<TenantStatus> = [.active, .suspended]
        _ = try await self.existingTenant(id)
        let current = switchable.contains(status)
            ? try await self.platform.updateTenantStatus(id, from: switchable, to: status, failureReason: nil, actor: actor, now: now)
            : try await self.existingTenant(id)
        guard current.status == status else {
            throw ProvisioningError(
                .invalidTransition, tenant: id,
                "tenant '\(id)' cannot change from \(current.status) to \(status); only active and suspended tenants can be switched"
            )
        }
        return current
    }

    /// Opens the store of an active tenant (or a suspended one, when `allowSuspended`: the
    /// gateway still loads a suspended tenant, to refuse its keys with 403), first bringing
    /// its schema up to date.
    ///
    /// - Throws: ``ProvisioningError`` when the tenant is unknown or not active, ``MigrationError`` when its
    ///   database is newer than this code, ``StorageError`` when the database belongs to another tenant.
    public func openTenantStore(_ id: TenantID, now: Date, allowSuspended: Bool = false) async throws -> any TenantStore {
        let tenant = try await self.existingTenant(id)
        guard tenant.status == .active || (allowSuspended && tenant.status == .suspended) else {
            throw ProvisioningError(.tenantNotActive, tenant: id, "tenant '\(id)' is \(tenant.status), not active")
        }
        let database = try await self.backend.tenantDatabase(at: tenant.databaseLocator)
        try await Migrator.tenant.migrate(database, label: SQLTenantStore.label(for: id), now: now)
        return try await SQLTenantStore.open(database: database, tenant: id)
    }

    // MARK: Steps

    /// Where ``createTenant(id:name:now:actor:)`` starts from.
    private enum Start {
        /// The tenant is active or suspended: nothing to do.
        case alreadyProvisioned(Tenant)
        /// The tenant is recorded as `provisioning`: run the remaining steps.
        case provision(Tenant)
    }

    /// Records the tenant, or finds it and decides whether it needs provisioning.
    private func start(id: TenantID, name: String, now: Date, actor: String) async throws -> Start {
        if let existing = try await self.platform.tenant(id) {
            return try await self.resume(existing, now: now, actor: actor)
        }
        do {
            return try await self.step(.recordTenant, for: id) {
                let tenant = Tenant(
                    id: id, displayName: name, status: .provisioning,
                    databaseLocator: self.backend.tenantDatabaseLocator(for: id),
                    createdAt: now, updatedAt: now
                )
                try await self.platform.insertTenant(tenant, actor: actor)
                return .provision(tenant)
            }
        } catch let error as ProvisioningError where (error.cause as? StorageError)?.code == .conflict {
            // Another caller recorded the tenant first; carry on from its record.
            return try await self.resume(self.existingTenant(id), now: now, actor: actor)
        }
    }

    /// Decides what to do with a recorded tenant; a `failed` one goes back to `provisioning` first.
    private func resume(_ tenant: Tenant, now: Date, actor: String) async throws -> Start {
        switch tenant.status {
        case .active, .suspended:
            return .alreadyProvisioned(tenant)
        case .provisioning:
            return .provision(tenant)
        case .failed:
            self.logger.info("resuming failed tenant", metadata: ["tenant.id": "\(tenant.id)"])
            let reopened = try await self.platform.updateTenantStatus(
                tenant.id, from: [.failed], to: .provisioning, failureReason: nil, actor: actor, now: now
            )
            // A concurrent caller may have completed it meanwhile; then there is nothing left to do.
            return [.active, .suspended].contains(reopened.status) ? .alreadyProvisioned(reopened) : .provision(reopened)
        }
    }

    private func provision(_ tenant: Tenant, now: Date, actor: String) async throws -> Tenant {
        let id = tenant.id
        try await self.step(.createDatabase, for: id) {
            let locator = try await self.backend.createTenantDatabase(for: id)
            guard locator == tenant.databaseLocator else {
                throw StorageError(
                    .invalidLocator,
                    "tenant '\(id)' is recorded at \(tenant.databaseLocator) but this backend keeps it at \(locator)"
                )
            }
        }
        let database = try await self.step(.migrateSchema, for: id) {
            let database = try await self.backend.tenantDatabase(at: tenant.databaseLocator)
            try await Migrator.tenant.migrate(database, label: SQLTenantStore.label(for: id), now: now)
            return database
        }
        try await self.step(.claimDatabase, for: id) {
            try await SQLTenantStore.claim(database, for: id)
        }
        try await self.step(.seedRoles, for: id) {
            try await SQLTenantStore.seed(Role.defaults, in: database)
        }
        let active = try await self.step(.activate, for: id) {
            let tenant = try await self.platform.updateTenantStatus(
                id, from: [.provisioning], to: .active, failureReason: nil, actor: actor, now: now
            )
            guard tenant.status == .active else {
                throw StorageError(.conflict, "tenant '\(id)' became \(tenant.status) while it was being provisioned")
            }
            return tenant
        }
        self.logger.info("tenant provisioned", metadata: ["tenant.id": "\(id)", "tenant.database": "\(tenant.databaseLocator)"])
        return active
    }

    /// Runs one step after the test hook, turning any error into a ``ProvisioningError`` naming the step.
    @discardableResult
    private func step<Result>(
        _ step: ProvisioningStep,
        for id: TenantID,
        _ body: () async throws -> Result
    ) async throws -> Result {
        self.logger.debug("provisioning step", metadata: ["tenant.id": "\(id)", "provisioning.step": "\(step)"])
        do {
            try await self.hooks.beforeStep(step, id)
            return try await body()
        } catch {
            throw ProvisioningError(
                .stepFailed, tenant: id, step: step,
                "tenant '\(id)': provisioning step '\(step)' failed", cause: error
            )
        }
    }

    /// Records the failure on the tenant. If even that fails, the tenant stays `provisioning`, which the
    /// next attempt resumes just the same.
    private func markFailed(_ id: TenantID, error: ProvisioningError, now: Date, actor: String) async {
        do {
            // Only a tenant still provisioning is marked: a concurrent caller may have completed it meanwhile.
            _ = try await self.platform.updateTenantStatus(
                id, from: [.provisioning], to: .failed, failureReason: error.description, actor: actor, now: now
            )
        } catch let markError {
            self.logger.warning(
                "could not mark tenant failed",
                metadata: ["tenant.id": "\(id)", "provisioning.step": "\(error.step.map(\.rawValue) ?? "-")", "error": "\(markError)"]
            )
        }
        self.logger.info("tenant provisioning failed", metadata: ["tenant.id": "\(id)", "error": "\(error)"])
    }

    private func existingTenant(_ id: TenantID) async throws -> Tenant {
        guard let tenant = try await self.platform.tenant(id) else {
            throw ProvisioningError(.tenantNotFound, tenant: id, "no tenant '\(id)' in the control plane")
        }
        return tenant
    }
}
