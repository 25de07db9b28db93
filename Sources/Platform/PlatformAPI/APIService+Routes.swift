import Foundation
import Base
import Storage

extension APIService {
    /// Every route the Platform API serves. The router, the access checks and the OpenAPI
    /// document are all built from this table.
    public static let routes: [APIRoute] = coreRoutes + gatewayRoutes + usageRoutes + knowledgeRoutes + flagRoutes

    static let coreRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/openapi.json", "getOpenAPI", "This API's OpenAPI 3.1 document.", access: .open, resource: "openapi",
                 response: Schema.object([:])) { service, _ in .json(200, service.openAPIDocument()) },
        APIRoute("GET", "/api/v1/me", "getMe", "Who the caller is; signs a user in to their tenant on first use.", access: .signedIn,
                 resource: "me", response: Schema.me) { service, context in try await service.me(context) },

        // Tenants (control plane).
        APIRoute("GET", "/api/v1/tenants", "listTenants", "List every tenant.", resource: "tenants",
                 response: Schema.array(Schema.tenant)) { service, _ in try await service.listTenants() },
        APIRoute("POST", "/api/v1/tenants", "createTenant",
                 "Create a tenant and provision its database (idempotent: 200 when it exists, resumes a half-provisioned one).",
                 resource: "tenants", status: 201, request: Schema.createTenant, response: Schema.tenant) { service, context in
            try await service.createTenant(context)
        },
        APIRoute("GET", "/api/v1/tenants/{tenant}", "getTenant", "One tenant.", resource: "tenant",
                 response: Schema.tenant) { service, context in try await service.showTenant(context) },
        APIRoute("POST", "/api/v1/tenants/{tenant}/suspend", "suspendTenant", "Suspend a tenant: its users and keys are refused.",
                 resource: "tenant-status", response: Schema.tenant) { service, context in try await service.setStatus(.suspended, context) },
        APIRoute("POST", "/api/v1/tenants/{tenant}/resume", "resumeTenant", "Resume a suspended tenant.",
                 resource: "tenant-status", response: Schema.tenant) { service, context in try await service.setStatus(.active, context) },

        // Users and roles (tenant database).
        APIRoute("GET", "/api/v1/tenants/{tenant}/roles", "listRoles", "The tenant's roles.", resource: "roles",
                 response: Schema.array(Schema.role)) { service, context in try await service.listRoles(context) },
        APIRoute("GET", "/api/v1/tenants/{tenant}/users", "listUsers", "The tenant's users and their roles.", resource: "users",
                 response: Schema.array(Schema.user)) { service, context in try await service.listUsers(context) },
        APIRoute("POST", "/api/v1/tenants/{tenant}/users", "createUser", "Add a user (by OIDC subject) before they first sign in.",
                 resource: "users", status: 201, request: Schema.createUser, response: Schema.user) { service, context in
            try await service.createUser(context)
        },
        APIRoute("GET", "/api/v1/tenants/{tenant}/users/{user}", "getUser", "One user and their roles.", resource: "users",
                 response: Schema.user) { service, context in try await service.showUser(context) },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/users/{user}", "deleteUser", "Remove a user and their role assignments.",
                 resource: "users", status: 204) { service, context in try await service.deleteUser(context) },
        APIRoute("PUT", "/api/v1/tenants/{tenant}/users/{user}/roles/{role}", "assignRole",
                 "Give a user a role (assigning `owner` needs the `owners` resource).", resource: "users",
                 response: Schema.user, resourceOverride: roleResource) { service, context in try await service.changeRole(context, assign: true) },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/users/{user}/roles/{role}", "revokeRole",
                 "Take a role from a user (revoking `owner` needs the `owners` resource).", resource: "users",
                 response: Schema.user, resourceOverride: roleResource) { service, context in try await service.changeRole(context, assign: false) },

        // Provider configurations (keys sealed at rest, never returned).
        APIRoute("GET", "/api/v1/tenants/{tenant}/providers", "listProviders", "The tenant's provider configurations (keys redacted).",
                 resource: "providers", response: Schema.array(Schema.provider)) { service, context in try await service.listProviders(context) },
        APIRoute("GET", "/api/v1/tenants/{tenant}/providers/{provider}", "getProvider", "One provider configuration (key redacted).",
                 resource: "providers", response: Schema.provider) { service, context in try await service.showProvider(context) },
        APIRoute("PUT", "/api/v1/tenants/{tenant}/providers/{provider}", "putProvider",
                 "Create or replace a provider configuration; the key is sealed with AES-GCM before it is stored.",
                 resource: "providers", request: Schema.putProvider, response: Schema.provider) { service, context in
            try await service.putProvider(context)
        },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/providers/{provider}", "deleteProvider", "Remove a provider configuration.",
                 resource: "providers", status: 204) { service, context in try await service.deleteProvider(context) },

        // Quotas.
        APIRoute("GET", "/api/v1/tenants/{tenant}/quotas", "getQuotas",
                 "The tenant's quotas: its overrides and the effective values after the platform defaults.", resource: "quotas",
                 response: Schema.quotas) { service, context in try await service.showQuotas(context) },
        APIRoute("PUT", "/api/v1/tenants/{tenant}/quotas/{quota}", "putQuota", "Override one quota for the tenant.",
                 resource: "quotas", request: Schema.putQuota, response: Schema.quotas) { service, context in try await service.putQuota(context) },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/quotas/{quota}", "deleteQuota", "Drop the tenant's override: the platform default applies again.",
                 resource: "quotas", response: Schema.quotas) { service, context in try await service.deleteQuota(context) },

        // Tenant settings and the effective configuration.
        APIRoute("GET", "/api/v1/tenants/{tenant}/settings", "getTenantSettings", "The tenant's own settings (overrides).",
                 resource: "settings", response: Schema.object([:])) { service, context in try await service.showTenantSettings(context) },
        APIRoute("GET", "/api/v1/tenants/{tenant}/config/effective", "getEffectiveConfig",
                 "The tenant's effective configuration: platform settings merged with its overrides, secrets redacted.",
                 resource: "config", response: Schema.effective) { service, context in try await service.effectiveConfig(context) },

        // Platform API keys.
        APIRoute("GET", "/api/v1/tenants/{tenant}/api-keys", "listAPIKeys", "The tenant's Platform API keys (never their secrets).",
                 resource: "api-keys", response: Schema.array(Schema.apiKey)) { service, context in try await service.listKeys(context) },
        APIRoute("POST", "/api/v1/tenants/{tenant}/api-keys", "createAPIKey",
                 "Create a key for a machine client; its text is returned once and stored only as a SHA-256 hash.",
                 resource: "api-keys", status: 201, request: Schema.createAPIKey, response: Schema.apiKey) { service, context in
            try await service.createKey(context)
        },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/api-keys/{key}", "revokeAPIKey", "Revoke a key.",
                 resource: "api-keys", status: 204) { service, context in try await service.revokeKey(context) },

        // Platform configuration.
        APIRoute("GET", "/api/v1/platform/settings", "getPlatformSettings", "Platform-level configuration (secrets redacted).",
                 resource: "platform-settings", response: Schema.object([:])) { service, _ in try await service.showPlatformSettings() },
        APIRoute("PUT", "/api/v1/platform/settings/{section}", "putPlatformSetting",
                 "Set a platform-level section (`providers`: endpoints per provider kind; `quotas`: default quotas) for every tenant.",
                 resource: "platform-settings", request: Schema.object([:]), response: Schema.object([:])) { service, context in
            try await service.putPlatformSetting(context)
        },
        APIRoute("DELETE", "/api/v1/platform/settings/{section}", "deletePlatformSetting", "Remove a platform-level section.",
                 resource: "platform-settings", status: 204) { service, context in try await service.deletePlatformSetting(context) },
        APIRoute("GET", "/api/v1/platform/audit", "getAuditLog", "The latest audit entries (`?target=…&limit=…`).",
                 resource: "audit", response: Schema.array(Schema.object([:]))) { service, context in try await service.auditLog(context) },
    ]

    /// Assigning or revoking `owner` is a change to the tenant's owners, which admins may not make.
    static let roleResource: @Sendable ([String: String]) -> String = { $0["role"] == "owner" ? "owners" : "users" }
}
