import Flags
import Foundation
import Identity
import PlatformAPI
import Storage
import Testing

/// The Platform API core, driven in process (as the Lab drives it).
@Suite struct APIServiceTests {
    @Test func unknownPathsAndMethodsGetProblemDetails() async throws {
        try await APIFixture.withSQLite { api in
            let missing = await api.call("GET", "/api/v1/nothing", token: nil)
            #expect(missing.status == 404 && missing.headers["content-type"] == "application/problem+json")
            let wrong = await api.call("PATCH", "/api/v1/tenants", token: nil)
            #expect(wrong.status == 405 && wrong.headers["allow"] == "GET, POST")
            let traversal = await api.call("GET", "/api/v1/tenants/%2e%2e/users", token: nil)
            #expect(traversal.status == 400)
            let anonymous = await api.call("GET", "/api/v1/tenants", token: nil)
            #expect(anonymous.status == 401 && anonymous.json?.objectValue?["code"] == "missing_token")
        }
    }

    @Test func signInCreatesTheUserWithTheTokensRolesAndTheDatabaseDecidesAfterwards() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            #expect(await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme", "name": "Acme"}"#).status == 201)
            let alice = try await api.token("alice", tenant: "acme", tenantRoles: ["viewer"])
            let me = await api.call("GET", "/api/v1/me", token: alice)
            #expect(me.status == 200 && me.json?.objectValue?["roles"] == ["viewer"], "\(me.text)")
            let userID = try #require(me.json?.objectValue?["user_id"]?.stringValue)
            // A viewer cannot change quotas…
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/requests_per_minute", token: alice, body: #"{"limit": 5}"#).status == 403)
            // …until an admin makes her one: the change takes effect on her next request, same token.
            let owner = try await api.token("olga", tenant: "acme", tenantRoles: ["owner"])
            #expect(await api.call("PUT", "/api/v1/tenants/acme/users/\(userID)/roles/admin", token: owner).status == 200)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/requests_per_minute", token: alice, body: #"{"limit": 5}"#).status == 200)
            // Revoking works the same way, even though her token still says viewer.
            #expect(await api.call("DELETE", "/api/v1/tenants/acme/users/\(userID)/roles/admin", token: owner).status == 200)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/requests_per_minute", token: alice, body: #"{"limit": 6}"#).status == 403)
            // Admins cannot make owners; owners can, and the last owner stays.
            let users = await api.call("GET", "/api/v1/tenants/acme/users", token: owner)
            #expect(users.json?.arrayValue?.count == 2)
            let olgaID = try #require(users.json?.arrayValue?.first { $0.objectValue?["subject"] == "olga" }?.objectValue?["id"]?.stringValue)
            let last = await api.call("DELETE", "/api/v1/tenants/acme/users/\(olgaID)/roles/owner", token: owner)
            #expect(last.status == 409 && last.json?.objectValue?["code"] == "last_owner")
            let audit = await api.call("GET", "/api/v1/platform/audit?target=tenant:acme/user:\(userID)", token: root)
            #expect(audit.json?.arrayValue?.compactMap { $0.objectValue?["action"]?.stringValue } == ["role.assign", "role.revoke"])
        }
    }

    /// Every tenant-scoped route refuses a caller from another tenant, whether the target
    /// exists or not, by path, with the other tenant's ids, and with a multi-tenant token.
    @Test func crossTenantAccessIsRefusedOnEveryRoute() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            for id in ["acme", "globex"] {
                #expect(await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "\#(id)"}"#).status == 201)
            }
            let globexOwner = try await api.token("gina", tenant: "globex", tenantRoles: ["owner"])
            let globexMe = await api.call("GET", "/api/v1/me", token: globexOwner)
            let ginaID = try #require(globexMe.json?.objectValue?["user_id"]?.stringValue)
            let key = await api.call("POST", "/api/v1/tenants/globex/api-keys", token: globexOwner, body: #"{"name": "ci", "roles": ["developer"]}"#)
            let keyID = try #require(key.json?.objectValue?["id"]?.stringValue)
            let acmeKeyText = try #require(await api.call("POST", "/api/v1/tenants/acme/api-keys", token: root,
                                                          body: #"{"name": "ci", "roles": ["owner"]}"#).json?.objectValue?["key"]?.stringValue)
            let acmeOwner = try await api.token("alice", tenant: "acme", tenantRoles: ["owner"])
            let both = try await api.token("carol", tenant: nil, roles: [])
            _ = both
            let values = ["tenant": "globex", "user": ginaID, "role": "viewer", "provider": "openai", "quota": "requests_per_minute",
                          "section": "features", "key": keyID, "feature": "connectors.slack"]
            var checked = 0
            for route in APIService.routes where route.isTenantScoped {
                var path = route.pattern
                for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                for caller in [acmeOwner, acmeKeyText] {
                    let r = await api.call(route.method, path, token: caller, body: "{}")
                    #expect(r.status == 403, "\(route.method) \(path): \(r.status) \(r.text)")
                }
                // A tenant that does not exist is refused the same way (no existence oracle).
                let ghost = await api.call(route.method, path.replacingOccurrences(of: "/globex", with: "/nosuch"), token: acmeOwner, body: "{}")
                #expect(ghost.status == 403, "\(route.method) \(path) on a missing tenant: \(ghost.status)")
                checked += 1
            }
            #expect(checked >= 20)
            // A token for both organizations acts in the tenant the route names, with the roles it has there only.
            let multi = try await api.idp.sign(api.idp.standardClaims(subject: "mo", audience: APIFixture.audience, issuedAt: APIFixture.t0).merging(
                ["organizations": ["acme", "globex"], "organization_roles": ["acme:viewer"]]) { $1 })
            #expect(await api.call("GET", "/api/v1/tenants/acme", token: multi).status == 200)
            #expect(await api.call("GET", "/api/v1/tenants/globex", token: multi).status == 403)
            // Platform-level routes are refused to tenant users.
            #expect(await api.call("GET", "/api/v1/tenants", token: acmeOwner).status == 403)
            #expect(await api.call("PUT", "/api/v1/platform/settings/quotas", token: acmeOwner, body: "{}").status == 403)
            // Globex's user id does not exist in acme's database.
            #expect(await api.call("GET", "/api/v1/tenants/acme/users/\(ginaID)", token: acmeOwner).status == 404)
        }
    }

    @Test func providerKeysAreSealedAndNeverReturned() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            _ = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme"}"#)
            let owner = try await api.token("olga", tenant: "acme", tenantRoles: ["owner"])
            let secret = "sk-acme-very-secret-0001"
            let put = await api.call("PUT", "/api/v1/tenants/acme/providers/openai", token: owner,
                                     body: #"{"kind": "openai", "endpoint": "https://api.openai.com/v1", "api_key": "\#(secret)"}"#)
            #expect(put.status == 200 && put.json?.objectValue?["api_key"] == ["set": true, "sealed_with": "test-1"], "\(put.text)")
            for path in ["/api/v1/tenants/acme/providers", "/api/v1/tenants/acme/providers/openai", "/api/v1/tenants/acme/config/effective",
                         "/api/v1/platform/audit"] {
                let r = await api.call("GET", path, token: path.hasPrefix("/api/v1/platform") ? root : owner)
                #expect(r.status == 200 && !r.text.contains(secret), "\(path): \(r.text)")
            }
            // At rest: sealed bytes, not the key.
            let tenant = try #require(try await api.platform.tenant(TenantID("acme")))
            let store = try await SQLTenantStore.open(database: try await api.backend.tenantDatabase(at: tenant.databaseLocator), tenant: TenantID("acme"))
            let sealed = try #require(try await store.provider(id: "openai")).apiKey
            #expect(!String(decoding: sealed.bytes, as: UTF8.self).contains(secret))
            // Bad bodies get clear 4xx answers.
            for body in [#"{"endpoint": "ftp://x", "api_key": "k"}"#, #"{"endpoint": "https://u:p@x.test", "api_key": "k"}"#,
                         #"{"endpoint": "https://x.test", "api_key": ""}"#, #"{"kind": "nope", "endpoint": "https://x.test", "api_key": "k"}"#,
                         #"{"endpoint": "https://x.test", "api_key": "k", "extra": 1}"#] {
                #expect(await api.call("PUT", "/api/v1/tenants/acme/providers/openai", token: owner, body: body).status == 422, "\(body)")
            }
            #expect(await api.call("PUT", "/api/v1/tenants/acme/providers/openai", token: owner, body: "not json").status == 400)
            // Viewers do not see providers at all.
            let viewer = try await api.token("vic", tenant: "acme", tenantRoles: ["viewer"])
            #expect(await api.call("GET", "/api/v1/tenants/acme/providers", token: viewer).status == 403)
        }
    }

    @Test func effectiveConfigurationMergesPlatformDefaultsWithTenantOverrides() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            _ = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme"}"#)
            #expect(await api.call("PUT", "/api/v1/platform/settings/quotas", token: root,
                                   body: #"{"requests_per_minute": 600, "tokens_per_minute": 100000}"#).status == 200)
            #expect(await api.call("PUT", "/api/v1/platform/settings/quotas", token: root, body: #"{"bogus": 1}"#).status == 422)
            // Values the gateway's integer arithmetic could not take are refused.
            #expect(await api.call("PUT", "/api/v1/platform/settings/quotas", token: root, body: #"{"requests_per_minute": 1e300}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/platform/settings/quotas", token: root, body: #"{"concurrent": 2.5}"#).status == 422)
            // Features are flags and integrations the serve file's: neither is a section.
            #expect(await api.call("PUT", "/api/v1/platform/settings/features", token: root, body: #"{"semantic_cache": true}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/platform/settings/integrations", token: root, body: "{}").status == 422)
            #expect(await api.call("PUT", "/api/v1/platform/settings/providers", token: root,
                                   body: #"{"openai": {"endpoint": "https://eu.api.openai.test/v1"}}"#).status == 200)
            #expect(await api.call("PUT", "/api/v1/platform/settings/providers", token: root, body: #"{"openrouter": {}}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/platform/settings/providers", token: root, body: #"{"openai": {"endpoint": "ftp://x"}}"#).status == 422)
            let admin = try await api.token("ada", tenant: "acme", tenantRoles: ["admin"])
            let quotas = await api.call("PUT", "/api/v1/tenants/acme/quotas/requests_per_minute", token: admin, body: #"{"limit": 60}"#)
            #expect(quotas.json?.objectValue?["effective"] == ["requests_per_minute": 60, "tokens_per_minute": 100_000], "\(quotas.text)")
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/requests_per_minute", token: admin, body: #"{"limit": -1}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/bogus", token: admin, body: #"{"limit": 1}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/monthly_budget_usd", token: admin, body: #"{"limit": 1e13}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/monthly_budget_usd", token: admin, body: #"{"limit": 12.5}"#).status == 200)
            #expect(await api.call("DELETE", "/api/v1/tenants/acme/quotas/monthly_budget_usd", token: admin).status == 200)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/settings/features", token: admin, body: "{}").status == 404)
            // A provider configuration without an endpoint: the platform's default for its kind.
            #expect(await api.call("PUT", "/api/v1/tenants/acme/providers/openai", token: admin, body: #"{"api_key": "sk-x"}"#).status == 200)
            let routing = try #require(try await api.service.routing(of: "acme"))
            #expect(routing.accounts[.openai]?.endpoint.description == "https://eu.api.openai.test:443/v1")

            let effective = await api.call("GET", "/api/v1/tenants/acme/config/effective", token: admin)
            let config = try #require(effective.json?.objectValue, "\(effective.text)")
            #expect(config["quotas"] == ["requests_per_minute": 60, "tokens_per_minute": 100_000])
            #expect(config["features"] == nil && config["integrations"] == nil)
            #expect(config["origins"]?.objectValue?["quotas"] == ["requests_per_minute": "tenant", "tokens_per_minute": "platform"])
            #expect(!effective.text.contains("sk-x"))
            // Dropping the override brings the platform default back.
            let dropped = await api.call("DELETE", "/api/v1/tenants/acme/quotas/requests_per_minute", token: admin)
            #expect(dropped.json?.objectValue?["effective"]?.objectValue?["requests_per_minute"] == 600)
        }
    }

    @Test func apiKeysSignInMachineClientsAndCanBeRevoked() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            _ = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme"}"#)
            let admin = try await api.token("ada", tenant: "acme", tenantRoles: ["admin"])
            // No escalation: an admin cannot mint an owner key.
            let escalate = await api.call("POST", "/api/v1/tenants/acme/api-keys", token: admin, body: #"{"name": "x", "roles": ["owner"]}"#)
            #expect(escalate.status == 403 && escalate.json?.objectValue?["code"] == "role_escalation")
            let created = await api.call("POST", "/api/v1/tenants/acme/api-keys", token: admin, body: #"{"name": "ci", "roles": ["developer"]}"#)
            #expect(created.status == 201, "\(created.text)")
            let text = try #require(created.json?.objectValue?["key"]?.stringValue)
            let id = try #require(created.json?.objectValue?["id"]?.stringValue)
            #expect(text.hasPrefix("dcp_\(id)_"))
            let me = await api.call("GET", "/api/v1/me", token: text)
            #expect(me.json?.objectValue?["kind"] == "api_key" && me.json?.objectValue?["roles"] == ["developer"])
            #expect(await api.call("GET", "/api/v1/tenants/acme/quotas", token: text).status == 200)
            #expect(await api.call("PUT", "/api/v1/tenants/acme/quotas/concurrent", token: text, body: #"{"limit": 1}"#).status == 403)
            // Listing never shows the secret; the store keeps only its hash.
            let listed = await api.call("GET", "/api/v1/tenants/acme/api-keys", token: admin)
            #expect(listed.status == 200 && !listed.text.contains(text.suffix(64)))
            #expect(try await api.platform.apiKey(id: id)?.secretHash.count == 64)
            // A forged secret for a real id fails; revocation takes effect at once.
            let forged = "dcp_\(id)_" + String(repeating: "0", count: 64)
            #expect(await api.call("GET", "/api/v1/me", token: forged).status == 401)
            #expect(await api.call("DELETE", "/api/v1/tenants/acme/api-keys/\(id)", token: admin).status == 204)
            let revoked = await api.call("GET", "/api/v1/me", token: text)
            #expect(revoked.status == 401 && revoked.json?.objectValue?["code"] == "revoked_api_key")
        }
    }

    @Test func tenantsAreIdempotentSuspendableAndRefusedWhenSuspended() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            let first = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme", "name": "Acme Corp"}"#)
            #expect(first.status == 201 && first.json?.objectValue?["database"] == "sqlite:tenants/acme.sqlite", "\(first.text)")
            #expect(await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme"}"#).status == 200)
            #expect(await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "Bad_ID"}"#).status == 422)
            #expect(await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "x", "color": "red"}"#).status == 422)
            let alice = try await api.token("alice", tenant: "acme", tenantRoles: ["owner"])
            #expect(await api.call("GET", "/api/v1/tenants/acme", token: alice).status == 200)
            #expect(await api.call("POST", "/api/v1/tenants/acme/suspend", token: alice).status == 403)
            #expect(await api.call("POST", "/api/v1/tenants/acme/suspend", token: root).json?.objectValue?["status"] == "suspended")
            let refused = await api.call("GET", "/api/v1/tenants/acme", token: alice)
            #expect(refused.status == 403 && refused.json?.objectValue?["code"] == "tenant_suspended")
            #expect(await api.call("POST", "/api/v1/tenants/acme/resume", token: root).status == 200)
            #expect(await api.call("GET", "/api/v1/tenants/acme", token: alice).status == 200)
            #expect(await api.call("GET", "/api/v1/tenants/nosuch", token: root).status == 404)
        }
    }

    @Test func badTokensAreRefusedWithClear401s() async throws {
        try await APIFixture.withSQLite { api in
            let expired = try await api.token("root", roles: ["platform-admin"], issuedAt: APIFixture.t0.addingTimeInterval(-7200))
            let r = await api.call("GET", "/api/v1/tenants", token: expired)
            #expect(r.status == 401 && r.json?.objectValue?["code"] == "expired" && r.headers["www-authenticate"] != nil, "\(r.text)")
            let good = try await api.token("root", roles: ["platform-admin"])
            #expect(await api.call("GET", "/api/v1/tenants", token: String(good.dropLast(4)) + "AAAA").status == 401)
            let unknownKey = try await api.idp.sign(api.idp.standardClaims(subject: "x", audience: APIFixture.audience, issuedAt: APIFixture.t0),
                                                    keyID: "not-published")
            #expect(await api.call("GET", "/api/v1/me", token: unknownKey).status == 401)
            let wrongAudience = try await api.idp.sign(api.idp.standardClaims(subject: "x", audience: "https://other", issuedAt: APIFixture.t0))
            #expect(await api.call("GET", "/api/v1/me", token: wrongAudience).status == 401)
        }
    }

    /// The OpenAPI document lists exactly the routes the service answers, with parameters.
    @Test func openAPIDocumentDescribesEveryRoute() async throws {
        try await APIFixture.withSQLite { api in
            let doc = await api.call("GET", "/api/v1/openapi.json", token: nil)
            let paths = try #require(doc.json?.objectValue?["paths"]?.objectValue)
            #expect(doc.json?.objectValue?["openapi"] == "3.1.0")
            var documented = 0
            for (path, item) in paths {
                for (method, operation) in try #require(item.objectValue) {
                    documented += 1
                    let concrete = path.replacingOccurrences(of: #"\{[a-z]+\}"#, with: "x", options: .regularExpression)
                    let (route, _) = try api.service.route(method: method.uppercased(), path: concrete)
                    #expect(route.pattern == path && operation.objectValue?["operationId"] == .string(route.operationID))
                    let names = operation.objectValue?["parameters"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
                    #expect(names == route.parameterNames)
                }
            }
            #expect(documented == APIService.routes.count)
        }
    }

    /// Flags through the API: platform definitions by platform admins, tenant overrides by the
    /// tenant's owners and admins, traits by platform admins; stored, audited, and live in the
    /// shared registry at once.
    @Test func flagsAreEditedThroughTheAPIAndTakeEffectAtOnce() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            for id in ["acme", "globex"] { _ = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "\#(id)"}"#) }
            try await api.service.loadFlags(seed: nil)
            let put = await api.call("PUT", "/api/v1/flags/features/connectors.slack", token: root, body: #"{"enabled": false, "description": "Slack alerts"}"#)
            #expect(put.status == 200 && put.json?.objectValue?["id"] == 1, "\(put.text)")
            #expect(await api.call("PUT", "/api/v1/flags/features/beta", token: root, body: #"{"enabled": false, "rollout": 100}"#).status == 200)
            #expect(await api.call("PUT", "/api/v1/flags/features/beta", token: root, body: #"{"rollout": 140}"#).status == 422)
            #expect(await api.call("PUT", "/api/v1/flags/features/bad%20name", token: root, body: #"{"enabled": true}"#).status == 422)
            let segment = await api.call("PUT", "/api/v1/flags/segments/enterprise", token: root, body: """
                {"rules": [{"type": "ALL", "conditions": [{"property": "plan", "operator": "EQUAL", "value": "enterprise"}]}],
                 "overrides": {"connectors.slack": {"enabled": true}}}
                """)
            #expect(segment.status == 200, "\(segment.text)")
            #expect(await api.call("PUT", "/api/v1/flags/segments/s2", token: root, body: #"{"rules": [], "overrides": {"ghost": true}}"#).status == 422)

            let owner = try await api.token("olga", tenant: "acme", tenantRoles: ["owner"])
            // Owners cannot define flags or set their own traits (plan), but can override their tenant's flags.
            #expect(await api.call("PUT", "/api/v1/flags/features/x", token: owner, body: #"{"enabled": true}"#).status == 403)
            #expect(await api.call("PUT", "/api/v1/flags/tenants/acme/traits", token: owner, body: #"{"plan": "enterprise"}"#).status == 403)
            var flags = await api.call("GET", "/api/v1/flags/tenants/acme", token: owner)
            #expect(flags.json?.arrayValue?.map { $0.objectValue?["enabled"] } == [false, true], "\(flags.text)")
            // The platform admin puts acme on the enterprise plan: the segment turns Slack on.
            flags = await api.call("PUT", "/api/v1/flags/tenants/acme/traits", token: root, body: #"{"plan": "enterprise", "seats": 120}"#)
            #expect(flags.json?.arrayValue?.first?.objectValue?["reason"] == "TARGETING_MATCH; segment=enterprise", "\(flags.text)")
            // The owner turns it off for acme alone; the registry has it at once.
            flags = await api.call("PUT", "/api/v1/flags/tenants/acme/features/connectors.slack", token: owner, body: #"{"enabled": false}"#)
            #expect(flags.json?.arrayValue?.first?.objectValue?["reason"] == "TENANT_OVERRIDE")
            #expect(!api.service.flags.book.isEnabled("connectors.slack", tenant: "acme"))
            #expect(await api.call("PUT", "/api/v1/flags/tenants/acme/features/nope", token: owner, body: #"{"enabled": true}"#).status == 404)
            #expect(await api.call("PUT", "/api/v1/flags/tenants/acme/features/beta", token: owner, body: #"{"enabled": "yes"}"#).status == 422)
            // Viewers read; they change nothing. Another tenant's owner is refused.
            let viewer = try await api.token("vic", tenant: "acme", tenantRoles: ["viewer"])
            #expect(await api.call("GET", "/api/v1/flags/tenants/acme", token: viewer).status == 200)
            #expect(await api.call("DELETE", "/api/v1/flags/tenants/acme/features/connectors.slack", token: viewer).status == 403)
            let gina = try await api.token("gina", tenant: "globex", tenantRoles: ["owner"])
            #expect(await api.call("PUT", "/api/v1/flags/tenants/acme/features/beta", token: gina, body: #"{"enabled": false}"#).status == 403)
            // Audited: who, old and new value.
            let audit = await api.call("GET", "/api/v1/platform/audit?target=tenant:acme/flag:connectors.slack", token: root)
            let entry = try #require(audit.json?.arrayValue?.last?.objectValue, "\(audit.text)")
            #expect(entry["actor"] == "user:olga" && entry["new"] == ["enabled": false] && entry["old"] == .null)
            #expect(await api.call("GET", "/api/v1/platform/audit?target=setting:flags", token: root).json?.arrayValue?.count == 3)  // two features, one segment; refused changes are not stored
            // Stored: a fresh registry loads the same book.
            let before = api.service.flags.book
            await api.service.flags.update { $0 = FlagBook() }
            try await api.service.loadFlags(seed: nil)
            #expect(api.service.flags.book == before)
        }
    }

    /// The usage route reads the tenant's ledger, over a window, with breakdowns.
    @Test func usageComesFromTheLedger() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            _ = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme"}"#)
            let now = APIFixture.t0
            func entry(_ n: Int, ago: Double, model: String = "chat", key: String = "acme-key-1", status: Int = 200) -> UsageEntry {
                UsageEntry(requestID: "r\(n)", at: now.addingTimeInterval(-ago), keyID: key, model: model, provider: "openai", upstreamModel: "m",
                           stream: false, status: status, errorKind: nil, promptTokens: 100, completionTokens: 20, costMicros: 150,
                           latencyMicros: 1_000, usageSource: "reported")
            }
            try await api.service.recordUsage(tenant: "acme", [entry(1, ago: 60), entry(2, ago: 120, model: "embed"),
                                                              entry(3, ago: 7200, key: "acme-key-2", status: 429), entry(4, ago: 40 * 86_400)])
            let viewer = try await api.token("vic", tenant: "acme", tenantRoles: ["viewer"])
            let hour = await api.call("GET", "/api/v1/tenants/acme/usage?window=1h", token: viewer)
            let h = try #require(hour.json?.objectValue, "\(hour.text)")
            #expect(h["totals"]?.objectValue?["calls"] == 2 && h["totals"]?.objectValue?["cost_micros"] == 300)
            #expect(h["by_model"]?.objectValue?.keys.sorted() == ["chat", "embed"])
            let day = await api.call("GET", "/api/v1/tenants/acme/usage?window=24h", token: viewer).json?.objectValue
            #expect(day?["by_status"] == ["200": 2, "429": 1] && day?["by_key"]?.objectValue?["acme-key-2"]?.objectValue?["errors"] == 1)
            let custom = await api.call("GET", "/api/v1/tenants/acme/usage?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z", token: viewer)
            #expect(custom.json?.objectValue?["totals"]?.objectValue?["calls"] == 4, "\(custom.text)")
            #expect(await api.call("GET", "/api/v1/tenants/acme/usage?window=forever", token: viewer).status == 422)
        }
    }

    /// Documents through tracked jobs: partial failure, idempotent re-ingestion, replacement,
    /// resumption after a restart, and grounded answers from the stored chunks.
    @Test func documentsAreIngestedByTrackedJobsAndAnswered() async throws {
        try await APIFixture.withSQLite { api in
            let root = try await api.token("root", roles: ["platform-admin"])
            _ = await api.call("POST", "/api/v1/tenants", token: root, body: #"{"id": "acme"}"#)
            let dev = try await api.token("dev", tenant: "acme", tenantRoles: ["developer"])
            let body = ##"{"documents": [{"name": "expenses.md", "content": "# Expenses\n\nClaims are filed within 30 days of the purchase.\n"},"##
                + #" {"name": "bad.txt", "content_base64": "AAEC"}, {"name": "keys.html", "content": "<h1>Keys</h1><p>Keys rotate every 90 days.</p>"}]}"#
            let submitted = await api.call("POST", "/api/v1/tenants/acme/documents", token: dev, body: body)
            #expect(submitted.status == 202 && submitted.json?.objectValue?["status"] == "queued", "\(submitted.text)")
            let jobID = try #require(submitted.json?.objectValue?["id"]?.stringValue)
            await api.service.runIngestion()
            let job = await api.call("GET", "/api/v1/tenants/acme/ingestion-jobs/\(jobID)", token: dev).json?.objectValue
            #expect(job?["status"] == "partially_failed" && job?["counts"]?.objectValue?["failed"] == 1 && job?["counts"]?.objectValue?["indexed"] == 2)
            #expect(job?["outcomes"]?.arrayValue?[1].objectValue?["error"]?.stringValue?.contains("binary") == true)
            // The same content again changes nothing; changed content replaces the document's chunks.
            let again = await api.call("POST", "/api/v1/tenants/acme/documents", token: dev,
                                       body: ##"{"documents": [{"name": "expenses.md", "content": "# Expenses\n\nClaims are filed within 30 days of the purchase.\n"}]}"##)
            let changed = await api.call("POST", "/api/v1/tenants/acme/documents", token: dev,
                                         body: #"{"documents": [{"name": "keys.html", "content": "<h1>Keys</h1><p>Keys rotate every 60 days.</p>"}]}"#)
            await api.service.runIngestion()
            for (reply, result) in [(again, "unchanged"), (changed, "replaced")] {
                let id = try #require(reply.json?.objectValue?["id"]?.stringValue)
                let j = await api.call("GET", "/api/v1/tenants/acme/ingestion-jobs/\(id)", token: dev).json?.objectValue
                #expect(j?["status"] == "succeeded" && j?["outcomes"]?.arrayValue?.first?.objectValue?["result"] == .string(result), "\(String(describing: j))")
            }
            #expect(await api.call("GET", "/api/v1/tenants/acme/documents", token: dev).json?.arrayValue?.count == 2)

            // A job left running by a crash is resumed by a new process, whose index is rebuilt from the database.
            let pending = await api.call("POST", "/api/v1/tenants/acme/documents", token: dev,
                                         body: #"{"documents": [{"name": "oncall.txt", "content": "On-call\n\nPages are acknowledged within 15 minutes.\n"}]}"#)
            let pendingID = try #require(pending.json?.objectValue?["id"]?.stringValue)
            let store = try await SQLTenantStore.open(database: try await api.backend.tenantDatabase(
                at: try #require(try await api.platform.tenant(TenantID("acme"))).databaseLocator), tenant: TenantID("acme"))
            var interrupted = try #require(try await store.job(id: pendingID))
            interrupted.status = .running
            interrupted.attempts = 1
            try await store.updateJob(interrupted)
            let restarted = try await APIFixture(backend: api.backend, answerer: { _, _, user in
                // A reader that answers with the first passage's sentence, citing it.
                let line = user.split(separator: "\n").first { $0.hasPrefix("[1] ") }.map { String($0.dropFirst(4)) } ?? ""
                return line.trimmingCharacters(in: CharacterSet(charactersIn: ".")) + " [1]."
            })
            await restarted.service.runIngestion()
            let resumed = await restarted.call("GET", "/api/v1/tenants/acme/ingestion-jobs/\(pendingID)", token: dev).json?.objectValue
            #expect(resumed?["status"] == "succeeded" && resumed?["attempts"] == 2)
            let answer = await restarted.call("POST", "/api/v1/tenants/acme/rag/query", token: dev,
                                              body: #"{"question": "How quickly are pages acknowledged?", "top_k": 2, "mode": "bm25"}"#)
            let a = try #require(answer.json?.objectValue, "\(answer.text)")
            #expect(a["passages"]?.arrayValue?.first?.objectValue?["document"] == "oncall.txt")
            #expect(a["answer"]?.stringValue?.contains("15 minutes") == true && a["citations"]?.arrayValue?.first?.objectValue?["document"] == "oncall.txt")
            // A metadata filter keeps retrieval to the named documents, in every mode.
            for mode in ["bm25", "dense", "hybrid"] {
                let filtered = await restarted.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: """
                    {"question": "How quickly are pages acknowledged and claims filed?", "top_k": 5, "mode": "\(mode)", "filter": {"document": ["expenses.md", "keys.html"]}}
                    """)
                let documents = filtered.json?.objectValue?["passages"]?.arrayValue?.compactMap { $0.objectValue?["document"]?.stringValue } ?? []
                #expect(!documents.isEmpty && Set(documents).isSubset(of: ["expenses.md", "keys.html"]), "\(mode): \(filtered.text)")
                let one = await restarted.call("POST", "/api/v1/tenants/acme/rag/query", token: dev,
                                               body: #"{"question": "claims", "mode": "\#(mode)", "filter": {"document": "keys.html"}}"#)
                #expect(one.json?.objectValue?["passages"]?.arrayValue?.allSatisfy { $0.objectValue?["document"] == "keys.html" } == true, "\(one.text)")
            }
            #expect(await api.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: #"{"question": "x", "filter": {"lang": "en"}}"#).status == 422)
            // Fusion per query: hybrid with the dense list weighted 0 ranks as BM25 does.
            let question = "How quickly are pages acknowledged and claims filed?"
            func ranking(_ extra: String) async -> [String] {
                await restarted.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: #"{"question": "\#(question)", "top_k": 3\#(extra)}"#)
                    .json?.objectValue?["passages"]?.arrayValue?.compactMap { $0.objectValue?["chunk"]?.stringValue } ?? []
            }
            let bm25 = await ranking(#", "mode": "bm25""#)
            let bm25Only = await ranking(#", "fusion": {"weights": {"bm25": 1, "dense": 0}}"#)
            #expect(!bm25.isEmpty && bm25Only == bm25, "\(bm25Only) \(bm25)")
            let weighted = await ranking(#", "fusion": {"method": "weighted", "depth": 20}"#)
            #expect(!weighted.isEmpty)
            let badFusion = await api.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: #"{"question": "x", "fusion": {"method": "weighted", "k": 5}}"#)
            #expect(badFusion.status == 422 && badFusion.text.contains("applies to rrf only"), "\(badFusion.text)")
            #expect(await api.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: #"{"question": "x", "fusion": {"weights": 2}}"#).status == 422)
            #expect(await api.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: #"{"question": "x", "filter": {"document": []}}"#).status == 422)
            // Bad requests.
            #expect(await api.call("POST", "/api/v1/tenants/acme/documents", token: dev, body: #"{"documents": []}"#).status == 422)
            #expect(await api.call("POST", "/api/v1/tenants/acme/documents", token: dev, body: #"{"documents": [{"name": "x.bin", "content": "x"}]}"#).status == 422)
            #expect(await api.call("POST", "/api/v1/tenants/acme/rag/query", token: dev, body: #"{"question": ""}"#).status == 422)
            let viewer = try await api.token("vic", tenant: "acme", tenantRoles: ["viewer"])
            #expect(await api.call("POST", "/api/v1/tenants/acme/documents", token: viewer, body: body).status == 403)
        }
    }
}

