import Base
import Foundation
import Gateway
import Storage

// The route handlers. Each runs after authentication and the policy check (see
// `APIService.dispatch`); tenant-scoped ones only ever open the tenant named by the route.
extension APIService {
    /// The most any route but the documents route reads of a body.
    public static let maximumBodyBytes = 64 * 1024
    /// The most a driver needs to read of a body (the largest route's limit, documents): one
    /// byte over proves it too large.
    public static let maximumRequestBytes = maximumDocumentsBodyBytes + 1

    // MARK: Helpers

    /// The request body as a JSON object.
    func bodyObject(_ context: RouteContext, limit: Int = APIService.maximumBodyBytes) throws -> OrderedMap<JSONValue> {
        guard context.request.body.count <= limit else {
            throw APIProblem(status: 413, title: "Body too large", detail: "The body is over \(limit) bytes.", code: "body_too_large")
        }
        guard let value = try? APIJSON.decode(context.request.body) else {
            throw APIProblem.badRequest("The body is not valid JSON.", code: "invalid_json")
        }
        guard case .object(let object) = value else { throw APIProblem.badRequest("The body must be a JSON object.", code: "invalid_json") }
        return object
    }

    /// Refuses fields the route does not know, so a typo is never silently ignored.
    func checkFields(_ object: OrderedMap<JSONValue>, allowed: [String]) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIProblem.invalid("Unknown field '\(unknown.prefix(60))'; expected \(allowed.joined(separator: ", ")).", code: "unknown_field")
        }
    }

    func tenantID(_ context: RouteContext) throws -> TenantID {
        do { return try TenantID(context.parameter("tenant")) } catch { throw APIProblem.notFound("No tenant '\(context.parameter("tenant").prefix(80))'.") }
    }

    func store(_ context: RouteContext) async throws -> any TenantStore {
        try await tenantStore(try tenantID(context))
    }

    func actor(_ context: RouteContext) -> String { context.principal?.actor ?? "anonymous" }

    /// Appends an audit entry for a change inside a tenant (the control plane keeps the log).
    func audit(_ context: RouteContext, _ action: String, _ target: String, old: JSONValue?, new: JSONValue?) async throws {
        func text(_ v: JSONValue?) throws -> JSONText? {
            try v.map { try JSONText(encoding: ConfigurationModel.redacted($0)) }
        }
        try await platform.appendAudit(action: action, target: "tenant:\(context.parameter("tenant"))/\(target)",
                                       oldValue: try text(old), newValue: try text(new), actor: actor(context), at: clock())
    }

    static func json(_ text: JSONText) -> JSONValue { (try? APIJSON.decode(Array(text.rawValue.utf8))) ?? .null }

    static func jsonText(_ value: JSONValue) throws -> JSONText {
        try JSONText(encoding: value)
    }

    // MARK: Me

    func me(_ context: RouteContext) async throws -> APIResponse {
        guard var principal = context.principal else { throw APIProblem.unauthorized("Not signed in.") }
        if principal.kind == .user, !principal.tenant.isEmpty, principal.userID == nil, let id = try? TenantID(principal.tenant),
           let tenant = try await platform.tenant(id), tenant.status == .active {
            principal = try await signIn(principal, tenant: id)
        }
        var out: [String: JSONValue] = [
            "subject": .string(principal.id), "kind": .string(principal.kind.rawValue), "roles": .array(principal.roles.map(JSONValue.string)),
        ]
        out["tenant"] = principal.tenant.isEmpty ? .null : .string(principal.tenant)
        out["user_id"] = principal.userID.map(JSONValue.string) ?? .null
        return .json(200, .object(out))
    }

    // MARK: Tenants

    static func view(_ t: Tenant) -> JSONValue {
        var v: [String: JSONValue] = [
            "id": .string(t.id.rawValue), "name": .string(t.displayName), "status": .string(t.status.rawValue),
            "database": .string(t.databaseLocator.rawValue),
        ]
        if let reason = t.failureReason { v["failure"] = .string(reason) }
        return .object(v)
    }

    func listTenants() async throws -> APIResponse {
        .json(200, .array(try await platform.tenants().map(Self.view)))
    }

    func createTenant(_ context: RouteContext) async throws -> APIResponse {
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["id", "name"])
        guard let rawID = object["id"]?.stringValue else { throw APIProblem.invalid("The body needs \"id\", such as {\"id\": \"acme\", \"name\": \"Acme Corp\"}.") }
        let id: TenantID
        do { id = try TenantID(rawID) } catch { throw APIProblem.invalid("Invalid tenant id: \(error)", code: "invalid_tenant_id") }
        let name = object["name"]?.stringValue ?? rawID
        guard name.count <= 200 else { throw APIProblem.invalid("The name is longer than 200 characters.") }
        let existed = try await platform.tenant(id)
        let tenant = try await provisioner.createTenant(id: id, name: name, now: clock(), actor: actor(context))
        return .json(existed?.status == .active || existed?.status == .suspended ? 200 : 201, Self.view(tenant))
    }

    func showTenant(_ context: RouteContext) async throws -> APIResponse {
        guard let tenant = try await platform.tenant(try tenantID(context)) else { throw APIProblem.notFound("No tenant.") }
        return .json(200, Self.view(tenant))
    }

    func setStatus(_ status: TenantStatus, _ context: RouteContext) async throws -> APIResponse {
        do {
            return .json(200, Self.view(try await provisioner.setStatus(status, for: try tenantID(context), now: clock(), actor: actor(context))))
        } catch let e as ProvisioningError where e.code == .invalidTransition {
            throw APIProblem(status: 409, title: "Conflict", detail: e.message, code: "invalid_transition")
        }
    }

    // MARK: Users and roles

    func userView(_ user: User, in store: any TenantStore) async throws -> JSONValue {
        var v: [String: JSONValue] = [
            "id": .string(user.id), "subject": .string(user.subject),
            "roles": .array(try await store.roleNames(of: user.id).map(JSONValue.string)),
        ]
        v["email"] = user.email.map(JSONValue.string) ?? .null
        v["name"] = user.name.map(JSONValue.string) ?? .null
        return .object(v)
    }

    func listRoles(_ context: RouteContext) async throws -> APIResponse {
        let roles = try await store(context).roles()
        return .json(200, .array(roles.map { ["name": .string($0.name), "description": .string($0.description)] }))
    }

    func listUsers(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        var out: [JSONValue] = []
        for user in try await store.users() { out.append(try await userView(user, in: store)) }
        return .json(200, .array(out))
    }

    func existingUser(_ context: RouteContext, in store: any TenantStore) async throws -> User {
        guard let user = try await store.user(id: context.parameter("user")) else {
            throw APIProblem.notFound("No user '\(context.parameter("user").prefix(80))' in tenant '\(store.tenantID)'.")
        }
        return user
    }

    func createUser(_ context: RouteContext) async throws -> APIResponse {
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["subject", "email", "name", "roles"])
        guard let subject = object["subject"]?.stringValue, !subject.isEmpty, subject.count <= 255 else {
            throw APIProblem.invalid("The body needs \"subject\": the user's OIDC subject (1–255 characters).")
        }
        let roles = try (object["roles"]?.arrayValue ?? []).map { v in
            guard let r = v.stringValue else { throw APIProblem.invalid("\"roles\" must be a list of role names.") }
            return r
        }
        if roles.contains("owner") {
            try requireOwners(context)
        }
        let store = try await store(context)
        let known = Set(try await store.roles().map(\.name))
        if let unknown = roles.first(where: { !known.contains($0) }) { throw APIProblem.invalid("No role '\(unknown.prefix(60))' in this tenant.") }
        let user = User(id: "u_" + APIKeyText.hex(random(8)), subject: subject, email: object["email"]?.stringValue,
                        name: object["name"]?.stringValue, createdAt: clock())
        try await store.createUser(user)
        for role in roles { try await store.assignRole(role, to: user.id) }
        let view = try await userView(user, in: store)
        try await audit(context, "user.create", "user:\(user.id)", old: nil, new: view)
        return .json(201, view)
    }

    /// Creating a user with the owner role is a change to the tenant's owners.
    func requireOwners(_ context: RouteContext) throws {
        guard let principal = context.principal,
              let route = Self.routes.first(where: { $0.operationID == "assignRole" }) else { return }
        try authorize(principal, route: route, parameters: ["tenant": context.parameter("tenant"), "role": "owner"], tenant: context.parameter("tenant"))
    }

    func showUser(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        return .json(200, try await userView(try await existingUser(context, in: store), in: store))
    }

    func deleteUser(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        let user = try await existingUser(context, in: store)
        if try await store.roleNames(of: user.id).contains("owner") { try requireOwners(context) }
        let view = try await userView(user, in: store)
        try await store.deleteUser(id: user.id)
        try await audit(context, "user.delete", "user:\(user.id)", old: view, new: nil)
        return .noContent
    }

    func changeRole(_ context: RouteContext, assign: Bool) async throws -> APIResponse {
        let store = try await store(context)
        let user = try await existingUser(context, in: store)
        let role = context.parameter("role")
        guard try await store.roles().contains(where: { $0.name == role }) else { throw APIProblem.notFound("No role '\(role.prefix(60))' in this tenant.") }
        let before = try await store.roleNames(of: user.id)
        if assign {
            try await store.assignRole(role, to: user.id)
        } else {
            if role == "owner", before.contains("owner") {
                // Never leave a tenant without an owner.
                var owners = 0
                for u in try await store.users() where try await store.roleNames(of: u.id).contains("owner") { owners += 1 }
                if owners <= 1 { throw APIProblem(status: 409, title: "Conflict", detail: "A tenant keeps at least one owner.", code: "last_owner") }
            }
            try await store.revokeRole(role, from: user.id)
        }
        let after = try await store.roleNames(of: user.id)
        if before != after {
            try await audit(context, assign ? "role.assign" : "role.revoke", "user:\(user.id)",
                            old: .array(before.map(JSONValue.string)), new: .array(after.map(JSONValue.string)))
        }
        return .json(200, try await userView(user, in: store))
    }

    // MARK: Providers

    func providerView(_ p: ProviderConfiguration) -> JSONValue { Self.providerView(p) }

    static func providerView(_ p: ProviderConfiguration) -> JSONValue {
        [
            "id": .string(p.id), "kind": .string(p.kind), "endpoint": .string(p.endpoint),
            "api_key": ["set": true, "sealed_with": .string(p.apiKey.keyID ?? "unknown")],
            "updated_at": .string(ISO8601DateFormatter().string(from: p.updatedAt)),
        ]
    }

    func listProviders(_ context: RouteContext) async throws -> APIResponse {
        .json(200, .array(try await store(context).providers().map(providerView)))
    }

    func showProvider(_ context: RouteContext) async throws -> APIResponse {
        guard let p = try await store(context).provider(id: context.parameter("provider")) else {
            throw APIProblem.notFound("No provider configuration '\(context.parameter("provider").prefix(60))'.")
        }
        return .json(200, providerView(p))
    }

    func putProvider(_ context: RouteContext) async throws -> APIResponse {
        let id = context.parameter("provider")
        guard Self.isName(id) else { throw APIProblem.invalid("A provider id is 1–64 characters from a-z 0-9 - _.") }
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["kind", "endpoint", "api_key"])
        let kind = object["kind"]?.stringValue ?? id
        guard ProviderKind(rawValue: kind) != nil else {
            throw APIProblem.invalid("\"kind\" must be one of \(ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        // No endpoint: the platform's `providers` setting for the kind, else the provider's public URL (at load time).
        let endpoint = object["endpoint"]?.stringValue ?? ""
        if object["endpoint"] != nil {
            guard let url = URL(string: endpoint), let host = url.host, !host.isEmpty,
                  url.scheme == "https" || url.scheme == "http", url.user == nil, url.password == nil, endpoint.count <= 2048 else {
                throw APIProblem.invalid("\"endpoint\" must be an http(s) URL without credentials, such as https://api.openai.com/v1.")
            }
        }
        guard let key = object["api_key"]?.stringValue, !key.isEmpty, key.utf8.count <= 4096,
              key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw APIProblem.invalid("\"api_key\" must be the provider key: 1–4096 printable characters without spaces.")
        }
        let store = try await store(context)
        let old = try await store.provider(id: id)
        let saved = try await store.saveProvider(id: id, kind: kind, endpoint: endpoint, apiKey: try secrets.seal(Base.Secret(key)), now: clock())
        try await audit(context, "provider.put", "provider:\(id)", old: old.map(providerView), new: providerView(saved))
        return .json(200, providerView(saved))
    }

    func deleteProvider(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        let id = context.parameter("provider")
        guard let old = try await store.provider(id: id) else { throw APIProblem.notFound("No provider configuration '\(id.prefix(60))'.") }
        try await store.deleteProvider(id: id)
        try await audit(context, "provider.delete", "provider:\(id)", old: providerView(old), new: nil)
        return .noContent
    }

    static func isName(_ s: String) -> Bool {
        (1...64).contains(s.utf8.count) && s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
    }

    // MARK: Quotas

    func quotasView(_ store: any TenantStore) async throws -> JSONValue {
        let platformDefaults = try await platform.setting("quotas").map(Self.json) ?? .object([:])
        var overrides: [String: JSONValue] = [:]
        for (name, value) in try await store.quotas() { overrides[name] = Self.json(value) }
        return ["defaults": platformDefaults, "overrides": .object(overrides),
                "effective": ConfigurationModel.merge(platformDefaults, .object(overrides))]
    }

    func showQuotas(_ context: RouteContext) async throws -> APIResponse {
        .json(200, try await quotasView(try await store(context)))
    }

    func putQuota(_ context: RouteContext) async throws -> APIResponse {
        let name = context.parameter("quota")
        guard let quota = QuotaName(rawValue: name) else {
            throw APIProblem.invalid("Unknown quota '\(name.prefix(60))'; quotas are \(QuotaName.names.joined(separator: ", ")).")
        }
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["limit"])
        guard let limit = object["limit"] else { throw APIProblem.invalid("The body is {\"limit\": N}.") }
        if let problem = ConfigurationModel.quotaProblem(quota, limit) { throw APIProblem.invalid(problem) }
        let store = try await store(context)
        let old = try await store.quota(name).map(Self.json)
        try await store.setQuota(name, to: try Self.jsonText(limit), now: clock())
        try await audit(context, "quota.set", "quota:\(name)", old: old, new: limit)
        return .json(200, try await quotasView(store))
    }

    func deleteQuota(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        let name = context.parameter("quota")
        if let old = try await store.quota(name).map(Self.json) {
            try await store.setQuota(name, to: nil, now: clock())
            try await audit(context, "quota.remove", "quota:\(name)", old: old, new: nil)
        }
        return .json(200, try await quotasView(store))
    }

    // MARK: Settings and effective configuration

    func showTenantSettings(_ context: RouteContext) async throws -> APIResponse {
        .json(200, ConfigurationModel.redacted(.object(try await store(context).settings().mapValues(Self.json))))
    }

    func section(_ context: RouteContext, allowed: [String]) throws -> String {
        let section = context.parameter("section")
        guard allowed.contains(section) else {
            throw APIProblem.invalid("Unknown section '\(section.prefix(60))'; this level sets \(allowed.joined(separator: ", ")).", code: "unknown_section")
        }
        return section
    }

    /// The effective configuration of a tenant (see ``ConfigurationModel/effective(platform:tenant:)``).
    public func effectiveConfiguration(of id: TenantID) async throws -> JSONValue {
        try await ConfigurationModel.effective(platform: platform, tenant: try await tenantStore(id))
    }

    func effectiveConfig(_ context: RouteContext) async throws -> APIResponse {
        .json(200, try await effectiveConfiguration(of: try tenantID(context)))
    }

    func showPlatformSettings() async throws -> APIResponse {
        .json(200, ConfigurationModel.redacted(.object(try await platform.settings().mapValues(Self.json))))
    }

    func putPlatformSetting(_ context: RouteContext) async throws -> APIResponse {
        let section = try self.section(context, allowed: ConfigurationModel.sections)
        let value = JSONValue.object(try bodyObject(context))
        if let problem = ConfigurationModel.problem(section: section, value) { throw APIProblem.invalid(problem, code: "invalid_setting") }
        try await platform.setSetting(section, to: try Self.jsonText(value), actor: actor(context), now: clock())
        return .json(200, ConfigurationModel.redacted(value))
    }

    func deletePlatformSetting(_ context: RouteContext) async throws -> APIResponse {
        let section = try self.section(context, allowed: ConfigurationModel.sections)
        try await platform.setSetting(section, to: nil, actor: actor(context), now: clock())
        return .noContent
    }

    func auditLog(_ context: RouteContext) async throws -> APIResponse {
        let limit = min(max(Int(context.request.query["limit"] ?? "") ?? 100, 1), 1000)
        let entries = try await platform.auditLog(target: context.request.query["target"], limit: limit)
        let formatter = ISO8601DateFormatter()
        return .json(200, .array(entries.map { e in
            var v: [String: JSONValue] = [
                "id": .int(Int(e.id)), "at": .string(formatter.string(from: e.at)), "actor": .string(e.actor),
                "action": .string(e.action), "target": .string(e.target),
            ]
            v["old"] = e.oldValue.map { ConfigurationModel.redacted(Self.json($0)) } ?? .null
            v["new"] = e.newValue.map { ConfigurationModel.redacted(Self.json($0)) } ?? .null
            return .object(v)
        }))
    }

    // MARK: API keys

    static func keyView(_ k: APIKeyRecord) -> JSONValue {
        var v: [String: JSONValue] = [
            "id": .string(k.id), "name": .string(k.name), "roles": .array(k.roles.map(JSONValue.string)),
            "created_by": .string(k.createdBy), "created_at": .string(ISO8601DateFormatter().string(from: k.createdAt)),
        ]
        v["revoked_at"] = k.revokedAt.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
        return .object(v)
    }

    func listKeys(_ context: RouteContext) async throws -> APIResponse {
        .json(200, .array(try await platform.apiKeys(tenant: try tenantID(context)).map(Self.keyView)))
    }

    func createKey(_ context: RouteContext) async throws -> APIResponse {
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["name", "roles"])
        guard let name = object["name"]?.stringValue, !name.isEmpty, name.count <= 100 else {
            throw APIProblem.invalid("The body needs \"name\" (1–100 characters) and \"roles\".")
        }
        let roles = try (object["roles"]?.arrayValue ?? []).map { v in
            guard let r = v.stringValue else { throw APIProblem.invalid("\"roles\" must be a list of role names.") }
            return r
        }
        guard !roles.isEmpty else { throw APIProblem.invalid("A key needs at least one role.") }
        let id = try tenantID(context)
        let known = Set(try await tenantStore(id).roles().map(\.name))
        if let unknown = roles.first(where: { !known.contains($0) }) { throw APIProblem.invalid("No role '\(unknown.prefix(60))' in this tenant.") }
        // No escalation: a caller hands out only roles ranked at or below its own highest
        // (owner > admin > developer > viewer), other roles only if it holds them; platform admins any.
        let callerRoles = context.principal?.roles ?? []
        if !callerRoles.contains(Self.platformAdminRole), let extra = roles.first(where: { !Self.mayGrant($0, holding: callerRoles) }) {
            throw APIProblem.forbidden("A key cannot have role '\(extra)': it ranks above the caller's roles.", code: "role_escalation")
        }
        let (keyID, text) = APIKeyText.make(random: random)
        let record = APIKeyRecord(id: keyID, tenantID: id, name: name, roles: Array(Set(roles)).sorted(), secretHash: APIKeyText.hash(text),
                                  createdBy: actor(context), createdAt: clock())
        try await platform.insertAPIKey(record, actor: actor(context))
        guard case .object(var view) = Self.keyView(record) else { return .noContent }
        view["key"] = .string(text)
        return .json(201, .object(view))
    }

    /// Whether a holder of `roles` may give `role` to a key.
    static func mayGrant(_ role: String, holding roles: [String]) -> Bool {
        let ranking = Role.defaults.map(\.name)
        guard let wanted = ranking.firstIndex(of: role) else { return roles.contains(role) }
        guard let best = roles.compactMap({ ranking.firstIndex(of: $0) }).min() else { return false }
        // Admins rank below owners and may not mint owner keys; owners may mint any.
        return wanted >= best && !(wanted == 0 && best != 0)
    }

    func revokeKey(_ context: RouteContext) async throws -> APIResponse {
        guard try await platform.revokeAPIKey(id: context.parameter("key"), tenant: try tenantID(context), actor: actor(context), now: clock()) != nil else {
            throw APIProblem.notFound("No API key '\(context.parameter("key").prefix(60))' in this tenant.")
        }
        return .noContent
    }
}
