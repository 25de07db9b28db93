import Base
import Flags
import Foundation
import Gateway
import Storage

/// The gateway's routing state through the Platform API: virtual keys and model aliases
/// (tenant databases), and what the gateway loads of a tenant (``routing(of:)``).
///
/// Every change a route makes here, or to providers, quotas, a tenant's status, platform
/// settings or flags, is announced once it is stored (``announceGatewayChange(_:)``): the
/// control plane's version of the scope is bumped, which other replicas poll, and this
/// process's gateway reloads it before the answer leaves, so the next call is served by it.
extension APIService {
    static let gatewayRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/tenants/{tenant}/virtual-keys", "listVirtualKeys",
                 "The tenant's gateway keys, revoked ones included (never their text), with when each was last used.",
                 resource: "virtual-keys", response: Schema.array(Schema.virtualKey)) { service, context in try await service.listVirtualKeys(context) },
        APIRoute("POST", "/api/v1/tenants/{tenant}/virtual-keys", "createVirtualKey",
                 "Create a gateway key, optionally limited to some model aliases and expiring; its text is returned once and stored only as a SHA-256 hash.",
                 resource: "virtual-keys", status: 201, request: Schema.createVirtualKey, response: Schema.virtualKey) { service, context in
            try await service.createVirtualKey(context)
        },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/virtual-keys/{key}", "revokeVirtualKey",
                 "Revoke a gateway key: the next call with it gets 401.", resource: "virtual-keys", status: 204) { service, context in
            try await service.revokeVirtualKey(context)
        },
        APIRoute("GET", "/api/v1/tenants/{tenant}/aliases", "listAliases", "The tenant's model aliases and the provider each routes to.",
                 resource: "aliases", response: Schema.array(Schema.alias)) { service, context in try await service.listAliases(context) },
        APIRoute("PUT", "/api/v1/tenants/{tenant}/aliases/{alias}", "putAlias",
                 "Point an alias at a provider's model; pointing it at another provider is the manual provider switch (audited).",
                 resource: "aliases", request: Schema.putAlias, response: Schema.alias) { service, context in try await service.putAlias(context) },
        APIRoute("DELETE", "/api/v1/tenants/{tenant}/aliases/{alias}", "deleteAlias", "Remove an alias: calls to it get 404.",
                 resource: "aliases", status: 204) { service, context in try await service.deleteAlias(context) },
    ]

    /// The resources whose changes the gateway serves; a change to any of them is announced.
    static let gatewayResources: Set<String> = [
        "tenants", "tenant-status", "providers", "quotas", "virtual-keys", "aliases", "platform-settings", "flags", "tenant-flags",
        "tenant-traits",
    ]

    /// The scope a change through `route` touches (``GatewayScope``): the tenant it names,
    /// the list of tenants, every tenant (platform settings) or the flags (definitions, a
    /// tenant's overrides or traits, which segments match on); nil when the gateway does not
    /// serve what it changed.
    static func gatewayScope(of route: APIRoute, parameters: [String: String]) -> String? {
        guard route.method != "GET", gatewayResources.contains(route.resourceName) else { return nil }
        switch route.resourceName {
        case "tenants": return GatewayScope.tenants
        case "platform-settings": return GatewayScope.all
        case "flags", "tenant-flags", "tenant-traits": return GatewayScope.flags
        default: return parameters["tenant"].map(GatewayScope.tenant)
        }
    }

    /// Announces a change of the gateway's routing state: this process's gateway reloads
    /// the scope, and its version in the control plane is bumped for the other replicas.
    /// Reloads are idempotent, so a route announces whatever its outcome (a change stored
    /// before a later step failed is served all the same); a failed bump is retried once,
    /// then thrown.
    public func announceGatewayChange(_ scope: String) async throws {
        if let listener = gatewayListener { await listener(scope) }
        do { try await platform.bumpGatewayVersion(scope) } catch { try await platform.bumpGatewayVersion(scope) }
    }

    /// Bumps a scope's version without reloading this process's gateway (it loaded the change itself).
    public func bumpGatewayVersion(_ scope: String) async throws { try await platform.bumpGatewayVersion(scope) }

    /// Every scope's version (what replicas poll).
    public func gatewayVersions() async throws -> [String: Int64] { try await platform.gatewayVersions() }

    // MARK: Virtual keys

    static let virtualKeyPrefix = "dk-"
    /// No key expires later (the gateway counts time in 64-bit nanoseconds, which end in 2262).
    static let latestExpiry = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01T00:00:00Z

    /// Unix nanoseconds of a date, clamped to what 64 bits hold (never a trap, whatever a
    /// database row says).
    static func unixNanos(_ date: Date) -> Int64 {
        let micros = (date.timeIntervalSince1970 * 1e6).rounded()
        guard micros.isFinite, abs(micros) < 9.2e15 else { return micros < 0 ? .min : .max }
        return Int64(micros) * 1_000
    }

    func virtualKeyView(_ k: StoredVirtualKey, lastUsed: Date?) -> JSONValue {
        let iso = ISO8601DateFormatter()
        var v: [String: JSONValue] = [
            "id": .string(k.id), "name": .string(k.name), "created_by": .string(k.createdBy), "created_at": .string(iso.string(from: k.createdAt)),
        ]
        v["models"] = k.models.map { .array($0.map(JSONValue.string)) } ?? .null
        v["expires_at"] = k.expiresAt.map { .string(iso.string(from: $0)) } ?? .null
        v["revoked_at"] = k.revokedAt.map { .string(iso.string(from: $0)) } ?? .null
        v["last_used_at"] = lastUsed.map { .string(iso.string(from: $0)) } ?? .null
        return .object(v)
    }

    func listVirtualKeys(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        let used = try await store.virtualKeysLastUsed()
        return .json(200, .array(try await store.virtualKeys().map { virtualKeyView($0, lastUsed: used[$0.id]) }))
    }

    func createVirtualKey(_ context: RouteContext) async throws -> APIResponse {
        let object = context.request.body.isEmpty ? OrderedMap<JSONValue>() : try bodyObject(context)
        try checkFields(object, allowed: ["name", "models", "expires_at"])
        var name = ""
        if let n = object["name"], n != .null {
            guard let s = n.stringValue, s.count <= 100 else { throw APIProblem.invalid("\"name\" is a string of at most 100 characters.") }
            name = s
        }
        var models: [String]?
        if let m = object["models"], m != .null {
            guard case .array(let items) = m, !items.isEmpty, items.count <= 100,
                  let names = Optional(items.compactMap(\.stringValue)), names.count == items.count,
                  names.allSatisfy(Self.isAliasName) else {
                throw APIProblem.invalid("\"models\" is a non-empty list of model aliases, such as [\"gpt-4o-mini\"].")
            }
            models = Array(Set(names)).sorted()
        }
        var expires: Date?
        if let e = object["expires_at"], e != .null {
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let text = e.stringValue, let date = ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text) else {
                throw APIProblem.invalid("\"expires_at\" is an RFC 3339 time such as 2027-01-31T00:00:00Z.")
            }
            guard date > clock() else { throw APIProblem.invalid("\"expires_at\" is in the past.") }
            guard date < Self.latestExpiry else { throw APIProblem.invalid("\"expires_at\" is after 2099-12-31.") }
            expires = date
        }
        let store = try await store(context)
        let id = "vk_" + APIKeyText.hex(random(6))
        let text = Self.virtualKeyPrefix + APIKeyText.hex(random(24))
        let key = StoredVirtualKey(id: id, name: name.isEmpty ? id : name, digestHex: KeyDigest(of: text).hex, models: models, expiresAt: expires,
                                   createdAt: clock(), createdBy: actor(context))
        try await store.insertVirtualKey(key)
        try await audit(context, "virtual_key.create", "virtual_key:\(id)", old: nil, new: virtualKeyView(key, lastUsed: nil))
        guard case .object(var view) = virtualKeyView(key, lastUsed: nil) else { return .noContent }
        view["key"] = .string(text)
        return .json(201, .object(view))
    }

    func revokeVirtualKey(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        let id = context.parameter("key")
        let before = try await store.virtualKeys().first { $0.id == id }
        guard let before, let after = try await store.revokeVirtualKey(id: id, now: clock()) else {
            throw APIProblem.notFound("No virtual key '\(id.prefix(60))'.")
        }
        if before.revokedAt == nil {
            try await audit(context, "virtual_key.revoke", "virtual_key:\(id)", old: virtualKeyView(before, lastUsed: nil),
                            new: virtualKeyView(after, lastUsed: nil))
        }
        return .noContent
    }

    // MARK: Aliases

    /// An alias name: 1–128 characters from letters, digits and `-_.:/@`.
    static func isAliasName(_ s: String) -> Bool {
        (1...128).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || [45, 95, 46, 58, 47, 64].contains(c)
        }
    }

    static func aliasView(_ a: StoredModelAlias) -> JSONValue {
        [
            "alias": .string(a.name), "provider": .string(a.provider), "model": .string(a.model),
            "targets": .object(OrderedMap(a.targets.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
            "updated_by": .string(a.updatedBy), "updated_at": .string(ISO8601DateFormatter().string(from: a.updatedAt)),
        ]
    }

    func listAliases(_ context: RouteContext) async throws -> APIResponse {
        .json(200, .array(try await store(context).aliases().map(Self.aliasView)))
    }

    func putAlias(_ context: RouteContext) async throws -> APIResponse {
        let name = context.parameter("alias")
        guard Self.isAliasName(name), name != GatewayNode.docChatModel else {
            throw APIProblem.invalid("An alias is 1–128 characters from letters, digits and -_.:/@ (and not '\(GatewayNode.docChatModel)').")
        }
        let object = try bodyObject(context)
        try checkFields(object, allowed: ["provider", "model"])
        guard let providerName = object["provider"]?.stringValue, let provider = ProviderKind(rawValue: providerName) else {
            throw APIProblem.invalid("\"provider\" must be one of \(ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let model = object["model"]?.stringValue, (1...256).contains(model.utf8.count),
              model.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw APIProblem.invalid("\"model\" is the provider's model name, such as gpt-4o-mini.")
        }
        let store = try await store(context)
        let old = try await store.aliases().first { $0.name == name }
        var targets = old?.targets ?? [:]
        targets[provider.rawValue] = model
        let saved = StoredModelAlias(name: name, provider: provider.rawValue, model: model, targets: targets, updatedAt: clock(),
                                     updatedBy: actor(context))
        try await store.saveAlias(saved)
        let switched = old.map { $0.provider != saved.provider } ?? false
        try await audit(context, switched ? "alias.switch_provider" : "alias.put", "alias:\(name)", old: old.map(Self.aliasView),
                        new: Self.aliasView(saved))
        return .json(200, Self.aliasView(saved))
    }

    func deleteAlias(_ context: RouteContext) async throws -> APIResponse {
        let store = try await store(context)
        let name = context.parameter("alias")
        guard let old = try await store.aliases().first(where: { $0.name == name }) else {
            throw APIProblem.notFound("No alias '\(name.prefix(60))'.")
        }
        try await store.deleteAlias(name)
        try await audit(context, "alias.delete", "alias:\(name)", old: Self.aliasView(old), new: nil)
        return .noContent
    }

    // MARK: What the gateway loads

    /// A tenant's routing state as its databases hold it, for the gateway.
    public struct TenantRouting: Sendable {
        public var tenant: String
        public var suspended: Bool
        public var virtualKeys: [VirtualKeyRecord]
        public var accounts: [ProviderKind: ProviderAccount]
        public var aliases: [String: ModelAlias]
        /// The effective quotas (platform defaults and the tenant's overrides).
        public var quotas: [String: Double]
        /// Whether the tenant's `doc-chat` flag is on (on when the flag is not defined).
        public var docChat: Bool

        /// The gateway configuration: `base` (a serve file's tenant: its limits, budget and
        /// embedding model) with this state in place of its keys, accounts and aliases.
        /// The quotas are laid over it by ``GatewayCore/applyQuotas(tenant:_:)``.
        ///
        /// The file's per-key limits follow its keys by digest to their stored ids.
        public func config(over base: TenantGatewayConfig?) -> TenantGatewayConfig {
            var c = base ?? TenantGatewayConfig(id: tenant, virtualKeys: [], accounts: [:], aliases: [:])
            if let base, !base.keyLimits.isEmpty {
                let storedID = Dictionary(virtualKeys.map { ($0.digest, $0.id) }, uniquingKeysWith: { a, _ in a })
                var limits: [String: RateLimits] = [:]
                for k in base.virtualKeys {
                    if let l = base.keyLimits[k.id], let id = storedID[k.digest] { limits[id] = l }
                }
                c.keyLimits = limits
            }
            c.suspended = suspended
            c.virtualKeys = virtualKeys
            c.accounts = accounts
            c.aliases = aliases
            c.docChat = docChat
            return c
        }
    }

    /// What the gateway serves of a tenant now; nil when the tenant does not exist or is
    /// not (yet, or any more) active or suspended.
    ///
    /// Provider keys are unsealed here, into memory only. A provider configuration without
    /// an endpoint uses the platform's `providers` setting (`{"openai": {"endpoint": …}}`),
    /// else the provider's public URL. Where a tenant has several configurations of one
    /// kind, the one whose id is the kind's name wins, else the first by id.
    ///
    /// - Parameter providerDefaults: the platform's `providers` setting, when the caller
    ///   loads many tenants and read it once (``providerDefaults()``); read here otherwise.
    public func routing(of id: String, providerDefaults: OrderedMap<JSONValue>? = nil) async throws -> TenantRouting? {
        guard let tenantID = try? TenantID(id), let tenant = try await platform.tenant(tenantID),
              tenant.status == .active || tenant.status == .suspended else { return nil }
        let store = try await tenantStore(tenantID, allowSuspended: true)
        var keys: [VirtualKeyRecord] = []
        for k in try await store.virtualKeys() where k.revokedAt == nil {
            guard let digest = KeyDigest(hex: k.digestHex) else { continue }
            keys.append(VirtualKeyRecord(id: k.id, digest: digest, models: k.models.map(Set.init), expiresAtUnixNanos: k.expiresAt.map(Self.unixNanos)))
        }
        let defaults: OrderedMap<JSONValue>
        if let providerDefaults { defaults = providerDefaults } else { defaults = try await self.providerDefaults() }
        var accounts: [ProviderKind: ProviderAccount] = [:]
        for p in try await store.providers().sorted(by: { a, b in
            a.id == a.kind || b.id == b.kind ? (a.id == a.kind && b.id != b.kind) : a.id < b.id
        }) {
            guard let kind = ProviderKind(rawValue: p.kind), accounts[kind] == nil else { continue }
            let text = p.endpoint.isEmpty ? (defaults[p.kind]?.objectValue?["endpoint"]?.stringValue ?? kind.defaultBaseURL) : p.endpoint
            guard case .success(let endpoint) = Endpoint.parse(text) else { continue }
            // A key sealed under another platform key cannot be opened: that account is left
            // out (its calls get provider_not_configured), the tenant's others are served.
            guard let key = try? secrets.open(p.apiKey) else { continue }
            accounts[kind] = ProviderAccount(provider: kind, endpoint: endpoint, apiKey: key)
        }
        var aliases: [String: ModelAlias] = [:]
        for a in try await store.aliases() {
            guard let active = ProviderKind(rawValue: a.provider) else { continue }
            var targets: [ProviderKind: String] = [:]
            for (k, m) in a.targets { if let kind = ProviderKind(rawValue: k) { targets[kind] = m } }
            targets[active] = a.model
            aliases[a.name] = ModelAlias(name: a.name, targets: targets, active: active)
        }
        let docChat = Self.servesDocChat(flags.book, tenant: id)
        return TenantRouting(tenant: id, suspended: tenant.status == .suspended, virtualKeys: keys, accounts: accounts, aliases: aliases,
                             quotas: try await effectiveQuotas(tenant: id) ?? [:], docChat: docChat)
    }

    /// The platform's `providers` setting: the endpoint per provider kind.
    public func providerDefaults() async throws -> OrderedMap<JSONValue> {
        try await platform.setting("providers").map(Self.json)?.objectValue ?? [:]
    }

    /// Whether `tenant` may call `doc-chat`: the flag ``TenantGatewayConfig/docChatFlag`` as
    /// evaluated for it, on when the flag is not defined (both drivers decide by this).
    public static func servesDocChat(_ book: FlagBook, tenant: String) -> Bool {
        book.definitions.feature(named: TenantGatewayConfig.docChatFlag) == nil || book.isEnabled(TenantGatewayConfig.docChatFlag, tenant: tenant)
    }

    /// The tenants the gateway serves: active and suspended ones, by id.
    public func servedTenants() async throws -> [String] {
        try await platform.tenants().filter { $0.status == .active || $0.status == .suspended }.map(\.id.rawValue)
    }

    // MARK: Seeding from a serve file

    /// Stores what a serve file's tenant declares that was never seeded before: virtual keys
    /// (by digest), provider configurations (by the provider's name) and aliases (by name).
    /// What was seeded is recorded in the tenant's `gateway_seeded` setting, so that nothing
    /// is seeded twice: starting again with one file changes nothing, and a value set
    /// through the API (a rotated key, a switched alias, a revoked key, a deleted alias or
    /// provider) survives a restart. A suspended tenant is not seeded. Replicas starting
    /// together may both seed: what the other stored first is kept.
    ///
    /// - Returns: Whether anything was stored (the caller announces the tenant), and the
    ///   keys seeded earlier that the file no longer has: they stay valid (the database
    ///   wins), and the caller names them.
    @discardableResult
    public func seedGateway(_ config: TenantGatewayConfig) async throws -> (stored: Bool, keysNoLongerInFile: [String]) {
        let id = try TenantID(config.id)
        guard try await platform.tenant(id)?.status == .active else { return (false, []) }
        let store = try await tenantStore(id)
        let now = clock()
        let actor = Self.seedActor
        let recordKey = "gateway_seeded"
        var seeded = Set(try await store.settings()[recordKey].flatMap { try? $0.decode([String].self) } ?? [])
        let before = seeded
        func audit(_ action: String, _ target: String) async throws {
            try await platform.appendAudit(action: action, target: "tenant:\(id)/\(target)", oldValue: nil, newValue: nil, actor: actor, at: now)
        }
        let stored = try await store.virtualKeys()
        let inFile = Set(config.virtualKeys.map(\.digest.hex))
        let noLongerInFile = stored.filter { $0.createdBy == Self.seedActor && $0.revokedAt == nil && !inFile.contains($0.digestHex) }.map(\.id)
        let digests = Set(stored.map(\.digestHex))
        var ids = Set(stored.map(\.id))
        for k in config.virtualKeys where !seeded.contains("key:" + k.digest.hex) {
            seeded.insert("key:" + k.digest.hex)
            guard !digests.contains(k.digest.hex) else { continue }
            var keyID = k.id, n = 1
            while ids.contains(keyID) { n += 1; keyID = "\(k.id)-\(n)" }
            ids.insert(keyID)
            do {
                try await store.insertVirtualKey(StoredVirtualKey(id: keyID, name: k.id, digestHex: k.digest.hex, models: k.models.map { $0.sorted() },
                                                                  expiresAt: nil, createdAt: now, createdBy: actor))
                try await audit("virtual_key.seed", "virtual_key:\(keyID)")
            } catch let e as StorageError where e.code == .conflict {}  // another replica seeded it first
        }
        let providers = Set(try await store.providers().map(\.id))
        for (kind, account) in config.accounts.sorted(by: { $0.key < $1.key }) where !seeded.contains("provider:" + kind.rawValue) {
            seeded.insert("provider:" + kind.rawValue)
            guard !providers.contains(kind.rawValue) else { continue }
            try await store.saveProvider(id: kind.rawValue, kind: kind.rawValue, endpoint: account.endpoint.description,
                                         apiKey: try secrets.seal(account.apiKey), now: now)
            try await audit("provider.seed", "provider:\(kind.rawValue)")
        }
        let aliases = Set(try await store.aliases().map(\.name))
        for (name, alias) in config.aliases.sorted(by: { $0.key < $1.key }) where !seeded.contains("alias:" + name) {
            seeded.insert("alias:" + name)
            guard !aliases.contains(name) else { continue }
            var targets: [String: String] = [:]
            for (k, m) in alias.targets { targets[k.rawValue] = m }
            try await store.saveAlias(StoredModelAlias(name: name, provider: alias.active.rawValue, model: alias.activeModel, targets: targets,
                                                       updatedAt: now, updatedBy: actor))
            try await audit("alias.seed", "alias:\(name)")
        }
        guard seeded != before else { return (false, noLongerInFile) }
        try await store.setSetting(recordKey, to: try JSONText(encoding: seeded.sorted()), now: now)
        return (true, noLongerInFile)
    }

    /// Who the audit log and the stored keys name for what a serve file seeded.
    static let seedActor = "serve-file"
}

/// The scopes of gateway changes, as the control plane's `gateway_versions` names them.
/// A tenant's is `tenant:<id>`, so no tenant id can be mistaken for another scope.
public enum GatewayScope {
    /// Every tenant (platform settings: default quotas and provider endpoints).
    public static let all = "*"
    /// The list of tenants (one was created).
    public static let tenants = "@tenants"
    /// Flags (definitions, a tenant's overrides or traits): reload the flags, then every tenant.
    public static let flags = "@flags"
    /// One tenant's routing state.
    public static func tenant(_ id: String) -> String { "tenant:" + id }
    /// The tenant a scope names, if it names one.
    public static func tenantID(of scope: String) -> String? {
        scope.hasPrefix("tenant:") ? String(scope.dropFirst("tenant:".count)) : nil
    }
}
