import Casbin
import Crypto
import Flags
import Foundation
import Synchronization
import Identity
import Storage

/// The Platform API's core: every route, its authentication, its access policy and its
/// storage, with no I/O of its own beyond the seams it is given.
///
/// Both drivers call ``handle(_:)``: the Lab directly, at virtual times, and `dcoder serve`
/// from Hummingbird. Time comes from `clock`, randomness (API keys, user ids) from `random`,
/// identity-provider documents from the validator's fetcher, and data from the storage
/// backend, so the same flow runs in a simulation and on a real server.
///
/// A request is handled in a fixed order, so that no answer tells a caller more than its
/// rights allow:
/// 1. match a route (404 / 405);
/// 2. authenticate the bearer token or API key (401);
/// 3. decide the policy on (subject, tenant named by the route, resource, action) (403) —
///    before looking anything up, so a guessed tenant id gets 403 whether it exists or not;
/// 4. find the tenant (404) and refuse suspended ones to everyone but platform admins (403);
/// 5. run the handler (problem+json on any error).
public final class APIService: Sendable {
    let backend: any StorageBackend
    let platform: any PlatformStore
    let provisioner: TenantProvisioner
    let validator: OIDCTokenValidator
    let enforcer: Enforcer
    let secrets: SecretBox
    let clock: @Sendable () -> Date
    let random: @Sendable (Int) -> [UInt8]
    let stores: TenantStoreCache
    /// The process's flags, shared with the gateway and the Flagsmith read API.
    public let flags: FlagRegistry
    /// Documents, ingestion jobs and retrieval.
    public let knowledge: KnowledgeService
    /// Flag edits read, change, store and publish the book one at a time.
    let flagEdits = AsyncSerialGate()
    /// Answers a grounded-answer prompt with the tenant's model (system, user → text).
    public typealias Answerer = @Sendable (_ tenant: String, _ system: String, _ user: String) async throws -> String
    private let answererSlot: Mutex<Answerer?>
    /// The answerer, when the driver provides one: the gateway (the live server's, or the
    /// Lab's over its mock providers), set once the gateway is built (``useAnswerer(_:)``).
    public var answerer: Answerer? { answererSlot.withLock { $0 } }
    /// Answers grounded-answer prompts with `answerer` from now on.
    public func useAnswerer(_ answerer: Answerer?) { answererSlot.withLock { $0 = answerer } }
    /// Told of every change to the gateway's routing state (a scope: a tenant id or a
    /// ``GatewayScope``) once it is stored; the answer waits for it.
    public typealias GatewayListener = @Sendable (_ scope: String) async -> Void
    private let gatewayListenerSlot = Mutex<GatewayListener?>(nil)
    var gatewayListener: GatewayListener? { gatewayListenerSlot.withLock { $0 } }
    /// Calls `listener` after every change to the gateway's routing state (this process's gateway).
    public func onGatewayChange(_ listener: GatewayListener?) { gatewayListenerSlot.withLock { $0 = listener } }

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - backend: Where tenant databases live.
    ///   - platform: The migrated control plane on the same backend.
    ///   - validator: Validates OIDC tokens (its fetcher is the identity provider seam).
    ///   - enforcer: The access policy; ``defaultEnforcer()`` unless the operator supplies one.
    ///   - secrets: Seals provider keys before they reach a tenant database.
    ///   - clock: The current time (the Lab's virtual clock or the system clock).
    ///   - random: Returns that many random bytes (seeded in the Lab, system CSPRNG live).
    public init(
        backend: any StorageBackend, platform: any PlatformStore, validator: OIDCTokenValidator, enforcer: Enforcer,
        secrets: SecretBox, clock: @escaping @Sendable () -> Date, random: @escaping @Sendable (Int) -> [UInt8],
        flags: FlagRegistry = FlagRegistry(), knowledge: KnowledgeService? = nil, answerer: Answerer? = nil
    ) {
        self.backend = backend
        self.platform = platform
        self.provisioner = TenantProvisioner(backend: backend, platform: platform)
        self.validator = validator
        self.enforcer = enforcer
        self.secrets = secrets
        self.clock = clock
        self.random = random
        self.stores = TenantStoreCache()
        self.flags = flags
        self.knowledge = knowledge ?? KnowledgeService(clock: clock)
        self.answererSlot = Mutex(answerer)
    }

    /// Cryptographically secure random bytes from the system, for the live server.
    public static let systemRandom: @Sendable (Int) -> [UInt8] = { count in
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The default access model and policy (`Sources/Platform/PlatformAPI/Policies`), documented in
    /// `Docs/access-control.md`.
    public static func defaultEnforcer() throws -> Enforcer {
        guard let model = Bundle.module.path(forResource: "platform_model", ofType: "conf", inDirectory: "Policies"),
              let policy = Bundle.module.path(forResource: "platform_policy", ofType: "csv", inDirectory: "Policies")
        else {
            throw APIProblem(status: 500, title: "Missing policies", detail: "the default access policies are missing from the build")
        }
        return try Enforcer(modelPath: model, policyPath: policy)
    }

    // MARK: Handling

    /// Answers one request; never throws: every failure becomes problem+json.
    public func handle(_ request: APIRequest) async -> APIResponse {
        var actor: String?
        var response = await answer(request, actor: &actor)
        response.actor = actor
        return response
    }

    func answer(_ request: APIRequest, actor: inout String?) async -> APIResponse {
        do {
            return try await dispatch(request, actor: &actor)
        } catch let problem as APIProblem {
            return problem.response
        } catch let error as ProvisioningError {
            return APIProblem(status: 500, title: "Provisioning failed", detail: "\(error)", code: "provisioning_failed").response
        } catch let error as StorageError {
            switch error.code {
            case .notFound: return APIProblem.notFound(error.message).response
            case .conflict: return APIProblem(status: 409, title: "Conflict", detail: error.message, code: "conflict").response
            default: return APIProblem(status: 500, title: "Storage error", detail: error.message, code: "storage").response
            }
        } catch {
            return APIProblem(status: 500, title: "Internal error", detail: "\(error)", code: "internal").response
        }
    }

    /// The route for a method and path, and its parameters.
    ///
    /// - Throws: ``APIProblem`` 404 for an unknown path, 405 (with `allow`) for a known path
    ///   and another method, 400 for a malformed path.
    public func route(method: String, path: String) throws -> (APIRoute, [String: String]) {
        var segments: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = part.removingPercentEncoding, !decoded.contains("/"), decoded != "..", decoded != "." else {
                throw APIProblem.badRequest("The path '\(path.prefix(200))' is malformed.")
            }
            segments.append(decoded)
        }
        var allowed: [String] = []
        for route in Self.routes {
            guard let parameters = route.match(segments) else { continue }
            if route.method == method { return (route, parameters) }
            allowed.append(route.method)
        }
        if allowed.isEmpty { throw APIProblem.notFound("No route \(method) \(path.prefix(200)).") }
        var problem = APIProblem(status: 405, title: "Method not allowed", detail: "\(path.prefix(200)) accepts \(allowed.joined(separator: ", ")).",
                                 code: "method_not_allowed")
        problem.allow = allowed.joined(separator: ", ")
        throw problem
    }

    func dispatch(_ request: APIRequest, actor: inout String?) async throws -> APIResponse {
        let (route, parameters) = try self.route(method: request.method, path: request.path)
        var context = RouteContext(request: request, parameters: parameters, principal: nil, now: clock)
        guard route.access != .open else { return try await route.handler(self, context) }

        let routeTenant = parameters["tenant"] ?? ""
        var principal = try await authenticate(request, routeTenant: routeTenant)
        actor = principal.actor
        // A user in their own tenant is decided after sign-in, on the roles the tenant's
        // database gives them; everyone else is decided before anything is looked up.
        let ownTenantUser = principal.kind == .user && !routeTenant.isEmpty && principal.tenant == routeTenant
        if route.access == .policy && !ownTenantUser {
            try authorize(principal, route: route, parameters: parameters, tenant: routeTenant)
        }
        if route.isTenantScoped {
            guard let id = try? TenantID(routeTenant), let tenant = try await platform.tenant(id) else {
                throw APIProblem.notFound("No tenant '\(routeTenant.prefix(80))'.")
            }
            let platformAdmin = principal.roles.contains(Self.platformAdminRole)
            if tenant.status != .active && !platformAdmin {
                throw APIProblem.forbidden("Tenant '\(id)' is \(tenant.status.rawValue).", code: "tenant_\(tenant.status.rawValue)")
            }
            if ownTenantUser {
                if tenant.status == .active { principal = try await signIn(principal, tenant: id) }
                if route.access == .policy { try authorize(principal, route: route, parameters: parameters, tenant: routeTenant) }
            }
        }
        context.principal = principal
        guard let scope = Self.gatewayScope(of: route, parameters: parameters) else { return try await route.handler(self, context) }
        // A change to what the gateway serves is announced whatever the handler's outcome: a
        // step that failed after the change was stored must not leave it unserved.
        let response: APIResponse
        do { response = try await route.handler(self, context) } catch {
            try? await announceGatewayChange(scope)
            throw error
        }
        try await announceGatewayChange(scope)
        return response
    }

    /// The platform role that administers every tenant.
    public static let platformAdminRole = "platform-admin"

    // MARK: Authentication

    /// The token's claims were valid when the request was checked: everything else about the
    /// caller is settled here.
    func authenticate(_ request: APIRequest, routeTenant: String) async throws -> APIPrincipal {
        guard let header = request.headers["authorization"], header.count > 7,
              header.prefix(7).lowercased() == "bearer " else {
            throw APIProblem.unauthorized("Send an OIDC access token or a Platform API key: 'Authorization: Bearer <token>'.", code: "missing_token")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if token.hasPrefix(APIKeyText.prefix) { return try await authenticateKey(token) }
        let identity: VerifiedIdentity
        do {
            do {
                identity = try await validator.validate(token: token, now: clock())
            } catch let e as TokenValidationError where e.reason == .tenantRequired && !routeTenant.isEmpty {
                // A token for several organizations: the route names which one it acts in.
                identity = try await validator.validate(token: token, now: clock(), requestedTenant: routeTenant)
            }
        } catch let e as TokenValidationError where e.reason == .wrongTenant || e.reason == .tenantRequired {
            throw APIProblem.forbidden("This token does not grant access to tenant '\(routeTenant.prefix(80))'.", code: e.reason.rawValue)
        } catch let e as TokenValidationError {
            throw APIProblem.unauthorized(e.message, code: e.reason.rawValue)
        } catch let e as IdentityProviderError {
            throw APIProblem(status: 503, title: "Identity provider unavailable", detail: "\(e)", code: "idp_unavailable")
        }
        return APIPrincipal(id: identity.subject, kind: .user, tenant: identity.tenantID ?? "", roles: identity.roles)
    }

    func authenticateKey(_ token: String) async throws -> APIPrincipal {
        guard let parsed = APIKeyText(parsing: token), let record = try await platform.apiKey(id: parsed.id),
              APIKeyText.hashMatches(token, hex: record.secretHash) else {
            throw APIProblem.unauthorized("The API key is not valid.", code: "invalid_api_key")
        }
        guard record.revokedAt == nil else { throw APIProblem.unauthorized("The API key was revoked.", code: "revoked_api_key") }
        return APIPrincipal(id: "key:\(record.id)", kind: .apiKey, tenant: record.tenantID.rawValue, roles: record.roles)
    }

    /// Signs a user in to their tenant: the first request creates their user record with the
    /// roles their token carries (Logto organization roles); from then on the tenant's
    /// database decides their tenant roles, so role changes made through the API take effect
    /// on the next request. Platform roles (global roles claim) always come from the token.
    func signIn(_ principal: APIPrincipal, tenant: TenantID) async throws -> APIPrincipal {
        let store = try await tenantStore(tenant)
        let tokenTenantRoles = principal.roles.filter { $0 != Self.platformAdminRole }
        let user: User
        if let existing = try await store.user(subject: principal.id) {
            user = existing
        } else {
            let created = User(id: "u_" + APIKeyText.hex(random(8)), subject: principal.id, email: nil, name: nil, createdAt: clock())
            do {
                try await store.createUser(created)
                let known = Set(try await store.roles().map(\.name))
                for role in tokenTenantRoles where known.contains(role) { try await store.assignRole(role, to: created.id) }
                user = created
            } catch let e as StorageError where e.code == .conflict {
                // Two first requests at once: the other one created the user.
                guard let winner = try await store.user(subject: principal.id) else { throw e }
                user = winner
            }
        }
        var signedIn = principal
        signedIn.userID = user.id
        let platformRoles = principal.roles.filter { $0 == Self.platformAdminRole }
        signedIn.roles = platformRoles + (try await store.roleNames(of: user.id))
        return signedIn
    }

    // MARK: Authorization

    /// Decides the policy on (subject attributes, tenant named by the route, resource, action).
    func authorize(_ principal: APIPrincipal, route: APIRoute, parameters: [String: String], tenant: String) throws {
        let subject: Value = [
            "id": .string(principal.id), "kind": .string(principal.kind.rawValue), "tenant": .string(principal.tenant),
            "roles": .list(principal.roles.map(Value.string)),
        ]
        let resource = route.resource(for: parameters)
        let decision = try enforcer.enforce(request: [subject, .string(tenant), .string(resource), .string(route.action)], at: clock())
        guard decision.allowed else {
            throw APIProblem.forbidden("The access policy does not allow '\(route.action)' on '\(resource)'" +
                                       (tenant.isEmpty ? "" : " in tenant '\(tenant.prefix(80))'") + " for this caller.", code: "policy_denied")
        }
    }

    /// The decision for a caller and route, for `dcoder authz` style checks and the Lab.
    public func isAllowed(_ principal: APIPrincipal, method: String, path: String) throws -> Bool {
        let (route, parameters) = try self.route(method: method, path: path)
        guard route.access == .policy else { return true }
        do { try authorize(principal, route: route, parameters: parameters, tenant: parameters["tenant"] ?? "") } catch is APIProblem { return false }
        return true
    }

    // MARK: Tenant stores

    /// The store of an active tenant, migrated on first use in this process.
    func tenantStore(_ id: TenantID, allowSuspended: Bool = false) async throws -> any TenantStore {
        if let store = await stores.store(for: id) { return store }
        do {
            let store = try await provisioner.openTenantStore(id, now: clock(), allowSuspended: allowSuspended)
            await stores.set(store, for: id)
            return store
        } catch let e as ProvisioningError where e.code == .tenantNotActive || e.code == .tenantNotFound {
            throw APIProblem(status: 409, title: "Tenant not active", detail: e.message, code: "tenant_not_active")
        }
    }
}

/// Tenant stores opened (and migrated) once per process.
actor TenantStoreCache {
    private var stores: [TenantID: any TenantStore] = [:]
    func store(for id: TenantID) -> (any TenantStore)? { stores[id] }
    func set(_ store: any TenantStore, for id: TenantID) { stores[id] = store }
}
