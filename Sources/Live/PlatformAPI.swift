import AsyncHTTPClient
import Casbin
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import NIOCore
import Storage

/// The Platform API under `/api/v1`: OIDC bearer tokens, a Casbin policy on every route,
/// problem+json errors. Its first routes manage tenants, each provisioned with a database
/// of its own:
///
/// | route | who (default policy) |
/// |---|---|
/// | `POST /api/v1/tenants` `{"id", "name"}` | platform admins |
/// | `GET /api/v1/tenants` | platform admins |
/// | `GET /api/v1/tenants/{id}` | platform admins, and members of that tenant |
///
/// Every request is decided by the policy on (subject attributes from the token,
/// tenant named by the route, route path, method); a token of tenant A gets 403 on every
/// tenant-B resource, whatever the path or id tried.
public final class PlatformAPI: Sendable {
    let validator: OIDCTokenValidator
    let enforcer: Enforcer
    let provisioner: TenantProvisioner
    let platform: any PlatformStore
    let clock = SystemTimeSource()

    public init(validator: OIDCTokenValidator, enforcer: Enforcer, provisioner: TenantProvisioner, platform: any PlatformStore) {
        self.validator = validator; self.enforcer = enforcer; self.provisioner = provisioner; self.platform = platform
    }

    /// The default model and policy (Sources/Live/Resources/Policies), documented in Docs/access-control.md.
    public static func defaultEnforcer() throws -> Enforcer {
        guard let model = Bundle.module.path(forResource: "platform_model", ofType: "conf", inDirectory: "Policies"),
              let policy = Bundle.module.path(forResource: "platform_policy", ofType: "csv", inDirectory: "Policies") else {
            throw LiveError("the default access policies are missing from the build")
        }
        return try Enforcer(modelPath: model, policyPath: policy)
    }

    func add(to router: Router<BasicRequestContext>) {
        router.post("/api/v1/tenants") { [self] request, _ in await guarded(request, tenant: "") { try await create(request) } }
        router.get("/api/v1/tenants") { [self] request, _ in await guarded(request, tenant: "") { try await list() } }
        router.get("/api/v1/tenants/:id") { [self] request, context in
            let id = context.parameters.get("id") ?? ""
            return await guarded(request, tenant: id) { try await show(id) }
        }
    }

    // MARK: Guard

    /// A refusal or failure as RFC 9457 problem details.
    struct Problem: Error {
        var status: HTTPResponse.Status
        var title: String
        var detail: String
        var code: String?
    }

    func guarded(_ request: Request, tenant: String, _ body: () async throws -> Response) async -> Response {
        do {
            guard let auth = request.headers[.authorization], auth.hasPrefix("Bearer "), auth.utf8.count > 7 else {
                throw Problem(status: .unauthorized, title: "Unauthorized", detail: "Send an OIDC access token: 'Authorization: Bearer <token>'.", code: nil)
            }
            let identity: VerifiedIdentity
            do {
                let now = Date(timeIntervalSince1970: Double(clock.now().nanoseconds) / 1e9)
                let token = String(auth.dropFirst(7))
                do {
                    identity = try await validator.validate(token: token, now: now)
                } catch let e as TokenValidationError where e.reason == .tenantRequired && !tenant.isEmpty {
                    // A token for several organizations: the route names which one.
                    identity = try await validator.validate(token: token, now: now, requestedTenant: tenant)
                }
            } catch let e as TokenValidationError where e.reason == .wrongTenant || e.reason == .tenantRequired {
                throw Problem(status: .forbidden, title: "Forbidden", detail: "This token does not grant access to tenant '\(tenant)'.", code: e.reason.rawValue)
            } catch let e as TokenValidationError {
                throw Problem(status: .unauthorized, title: "Unauthorized", detail: e.message, code: e.reason.rawValue)
            } catch let e as IdentityProviderError {
                throw Problem(status: .serviceUnavailable, title: "Identity provider unavailable", detail: "\(e)", code: nil)
            }
            let subject: Value = ["id": .string(identity.subject), "tenant": .string(identity.tenantID ?? ""),
                                  "roles": .list(identity.roles.map(Value.string))]
            let decision = try enforcer.enforce(request: [subject, .string(tenant), .string(request.uri.path), .string(request.method.rawValue)], at: Date(timeIntervalSince1970: Double(clock.now().nanoseconds) / 1e9))
            guard decision.allowed else {
                throw Problem(status: .forbidden, title: "Forbidden", detail: "The access policy does not allow \(request.method.rawValue) \(request.uri.path) for this user.", code: nil)
            }
            return try await body()
        } catch let p as Problem {
            return Self.problem(p)
        } catch let e as ProvisioningError {
            return Self.problem(Problem(status: .internalServerError, title: "Provisioning failed", detail: "\(e)", code: nil))
        } catch {
            return Self.problem(Problem(status: .internalServerError, title: "Internal error", detail: "\(error)", code: nil))
        }
    }

    static func problem(_ p: Problem) -> Response {
        var fields: [(String, Any)] = [("type", "about:blank"), ("title", p.title), ("status", p.status.code), ("detail", p.detail)]
        if let c = p.code { fields.append(("code", c)) }
        let body = (try? JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: fields), options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        return Response(status: p.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ status: HTTPResponse.Status, _ object: Any) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: Tenants

    static func view(_ t: Tenant) -> [String: Any] {
        var v: [String: Any] = ["id": t.id.rawValue, "name": t.displayName, "status": t.status.rawValue, "database": t.databaseLocator.rawValue]
        if let reason = t.failureReason { v["failure"] = reason }
        return v
    }

    func create(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let rawID = object["id"] as? String else {
            throw Problem(status: .badRequest, title: "Bad request", detail: "The body must be {\"id\": \"acme\", \"name\": \"Acme Corp\"}.", code: nil)
        }
        let id: TenantID
        do { id = try TenantID(rawID) } catch {
            throw Problem(status: .unprocessableContent, title: "Invalid tenant id", detail: "\(error)", code: nil)
        }
        let existed = try await platform.tenant(id) != nil
        let now = Date(timeIntervalSince1970: Double(clock.now().nanoseconds) / 1e9)
        let tenant = try await provisioner.createTenant(id: id, name: (object["name"] as? String) ?? rawID, now: now, actor: "api")
        return Self.json(existed ? .ok : .created, Self.view(tenant))
    }

    func list() async throws -> Response {
        Self.json(.ok, try await platform.tenants().sorted { $0.id.rawValue < $1.id.rawValue }.map(Self.view))
    }

    func show(_ rawID: String) async throws -> Response {
        guard let id = try? TenantID(rawID), let tenant = try await platform.tenant(id) else {
            throw Problem(status: .notFound, title: "Not found", detail: "No tenant '\(rawID)'.", code: nil)
        }
        return Self.json(.ok, Self.view(tenant))
    }
}

/// Fetches the IdP's discovery document and key set over HTTP (the live side of the
/// `HTTPFetcher` seam), with redirects refused and a short timeout.
public struct LiveHTTPFetcher: HTTPFetcher {
    let client: HTTPClient
    public init(client: HTTPClient) { self.client = client }

    public func get(_ url: String) async throws -> (status: Int, body: [UInt8]) {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(buffer: body))
    }
}
