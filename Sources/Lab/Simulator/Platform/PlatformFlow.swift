import Mocks
import Foundation
import Identity
import Base
import Gateway
import PlatformAPI

/// Sends Platform API requests: in process in the Lab, over HTTP against a live server.
public protocol PlatformAPICaller: Sendable {
    func call(_ request: APIRequest) async -> APIResponse
}

extension APIService: PlatformAPICaller {
    public func call(_ request: APIRequest) async -> APIResponse { await handle(request) }
}

/// One Platform API call a scenario made, and whether its status was the expected one.
public struct APICallRecord: Sendable {
    public var at: Instant
    public var caller: String
    public var method: String
    public var path: String
    public var tenant: String
    public var status: Int
    public var expected: Int
    public var passed: Bool { status == expected }
}

/// Performs ``PlatformAction``s against any ``PlatformAPICaller`` with tokens from a mock
/// identity provider: the same flow runs in the Lab and against `dcoder serve`.
public final class PlatformFlow {
    let caller: any PlatformAPICaller
    let idp: MockIdentityProvider
    let audience: String
    /// Tokens of signed-in users, by the name the scenario uses.
    public private(set) var tokens: [String: String] = [:]
    /// User ids (from `GET /api/v1/me`), by tenant and user name.
    public private(set) var userIDs: [String: String] = [:]
    /// Every call made, in order.
    public private(set) var records: [APICallRecord] = []
    /// Database locators of tenants created, by tenant id.
    public private(set) var databases: [String: String] = [:]

    public init(caller: any PlatformAPICaller, idp: MockIdentityProvider, audience: String) {
        self.caller = caller
        self.idp = idp
        self.audience = audience
    }

    /// Runs one action at `at` (`now` is that instant as a date, for token times).
    ///
    /// - Returns: nil when every answer had the expected status, else what went wrong.
    public func perform(_ action: PlatformAction, at: Instant, now: Date) async -> String? {
        var failures: [String] = []
        func send(_ who: String?, _ method: String, _ path: String, body: String? = nil, expect: Int, tenant: String = "") async -> APIResponse? {
            switch await request(who, method, path, body: body, expect: expect, tenant: tenant, at: at) {
            case .success(let response): return response
            case .failure(let problem): failures.append(problem.message); return problem.response
            }
        }
        switch action {
        case .signIn(let user, let tenant, let roles, let platformRoles, let expect):
            var claims = idp.standardClaims(subject: user, audience: audience, issuedAt: now, lifetime: .seconds(86_400 * 400))
            if let tenant {
                claims["organization_id"] = .string(tenant)
                claims["organization_roles"] = .array(roles.map { .string("\(tenant):\($0)") })
            }
            if !platformRoles.isEmpty { claims["roles"] = .array(platformRoles.map(JSONValue.string)) }
            do { tokens[user] = try await idp.sign(claims) } catch { return "the mock identity provider cannot sign: \(error)" }
            if let me = await send(user, "GET", "/api/v1/me", expect: expect, tenant: tenant ?? ""),
               let id = me.json?.objectValue?["user_id"]?.stringValue, let tenant {
                userIDs[tenant + "/" + user] = id
            }
        case .createTenant(let who, let id, let name, let expect):
            var body: OrderedMap<JSONValue> = ["id": .string(id)]
            if let name { body["name"] = .string(name) }
            let text = JSONValue.object(body).serialized()
            if let r = await send(who, "POST", "/api/v1/tenants", body: text, expect: expect, tenant: id),
               let locator = r.json?.objectValue?["database"]?.stringValue {
                databases[id] = locator
            }
        case .role(let who, let tenant, let user, let role, let assign, let expect):
            guard let id = userIDs[tenant + "/" + user] else { return "'\(user)' has not signed in to \(tenant)" }
            _ = await send(who, assign ? "PUT" : "DELETE", "/api/v1/tenants/\(tenant)/users/\(id)/roles/\(role)", expect: expect)
        case .call(let who, let method, let path, let body, let expect):
            _ = await send(who, method, path, body: body, expect: expect)
        case .crossTenant(let who, let tenant):
            for route in APIService.routes where route.isTenantScoped {
                var path = route.pattern.replacingOccurrences(of: "{tenant}", with: tenant)
                // Guess ids: the other tenant's real user ids where known, plausible names otherwise.
                let victim = userIDs.filter { $0.key.hasPrefix(tenant + "/") }.min { $0.key < $1.key }?.value ?? "u_0000000000000000"
                for (name, value) in [("user", victim), ("role", "viewer"), ("provider", ProviderKind.openai.rawValue),
                                      ("quota", QuotaName.requestsPerMinute.rawValue),
                                      ("key", "000000000000"), ("alias", "chat"),
                                      ("feature", "connectors.slack")] {
                    path = path.replacingOccurrences(of: "{\(name)}", with: value)
                }
                let body = route.method == "GET" || route.method == "DELETE" ? nil : "{}"
                _ = await send(who, route.method, path, body: body, expect: 403)
            }
        }
        return failures.isEmpty ? nil : failures.joined(separator: "; ")
    }

    /// Why a call did not answer as expected; the answer, if there was one.
    public struct UnexpectedAnswer: Error, Sendable {
        public var message: String
        public var response: APIResponse?
    }

    /// Makes one Platform API call as a signed-in user (`nil`: anonymous) and records it.
    ///
    /// - Returns: the answer, or why it is not the expected one.
    public func request(_ who: String?, _ method: String, _ path: String, body: String? = nil, expect: Int, tenant: String = "",
                        at: Instant) async -> Result<APIResponse, UnexpectedAnswer> {
        let token: String?
        if let who {
            guard let t = tokens[who] else { return .failure(UnexpectedAnswer(message: "'\(who)' has not signed in")) }
            token = t
        } else {
            token = nil
        }
        let response = await caller.call(.json(method, path, token: token, body: body))
        let routeTenant = tenant.isEmpty ? Self.tenant(in: path) : tenant
        records.append(APICallRecord(at: at, caller: who ?? "anonymous", method: method, path: path, tenant: routeTenant,
                                     status: response.status, expected: expect))
        guard response.status == expect else {
            let detail = response.json?.objectValue?["detail"]?.stringValue ?? response.text.prefix(200).description
            return .failure(UnexpectedAnswer(message: "\(method) \(path) answered \(response.status), expected \(expect): \(detail)",
                                             response: response))
        }
        return .success(response)
    }

    /// The tenant a path names (`/api/v1/tenants/{tenant}/…`), or empty.
    static func tenant(in path: String) -> String {
        let parts = path.split(separator: "?")[0].split(separator: "/")
        guard parts.count >= 4, parts[0] == "api", parts[1] == "v1", parts[2] == "tenants" else { return "" }
        return String(parts[3])
    }
}
