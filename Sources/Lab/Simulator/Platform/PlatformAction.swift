import Base
import Config
import Foundation
import Identity
import Yams

/// A scripted Platform API action in a scenario: signing users in through the mock
/// identity provider, creating tenants, calling routes and checking the answers.
///
/// Every action names who acts (`as:`, a user signed in earlier) and the status it expects;
/// an answer with another status fails the step (and the run's `steps` check).
public enum PlatformAction: Sendable {
    /// Mints a token for `user` from the mock IdP — in `tenant` with its organization roles,
    /// and/or with platform roles — then calls `GET /api/v1/me` (the sign-in).
    case signIn(user: String, tenant: String?, roles: [String], platformRoles: [String], expect: Int)
    /// `POST /api/v1/tenants`.
    case createTenant(as: String, id: String, name: String?, expect: Int)
    /// Gives (or takes) a tenant role to a signed-in user, by their user id from sign-in.
    case role(as: String, tenant: String, user: String, role: String, assign: Bool, expect: Int)
    /// Any route: method, path (with a query if needed) and JSON body.
    case call(as: String?, method: String, path: String, body: String?, expect: Int)
    /// Every tenant-scoped route of the API, on `tenant`, as `as`: each must be refused with 403.
    case crossTenant(as: String, tenant: String)

    public var description: String {
        switch self {
        case .signIn(let u, let t, let r, let p, _):
            return "sign in \(u)" + (t.map { " to \($0)" } ?? "") + ((r + p).isEmpty ? "" : " as \((r + p).joined(separator: ", "))")
        case .createTenant(let a, let id, _, _): return "\(a) creates tenant \(id)"
        case .role(let a, let t, let u, let r, let assign, _): return "\(a) \(assign ? "gives" : "takes") \(u) role \(r)\(assign ? " in" : " from") \(t)"
        case .call(let a, let m, let p, _, let e): return "\(a ?? "anonymous") \(m) \(p) → \(e)"
        case .crossTenant(let a, let t): return "\(a) tries every route of tenant \(t)"
        }
    }
}

extension ScenarioLoader {
    static let platformActions = ["sign_in", "create_tenant", "assign_role", "revoke_role", "call", "cross_tenant"]

    /// Parses the platform actions of a step (see `Docs/scenarios.md`).
    static func parsePlatformAction(_ key: String, _ body: YAMLNode) throws -> PlatformAction {
        func expect(_ f: Fields, default value: Int) throws -> Int { try f["expect"]?.int(min: 100, max: 599) ?? value }
        func names(_ node: YAMLNode?) throws -> [String] { try node?.list().map { try $0.nonEmptyString() } ?? [] }
        switch key {
        case "sign_in":
            let f = try body.fields(["user", "tenant", "roles", "platform_roles", "expect"])
            return .signIn(user: try f.required("user").nonEmptyString(), tenant: try f["tenant"]?.nonEmptyString(),
                           roles: try names(f["roles"]), platformRoles: try names(f["platform_roles"]), expect: try expect(f, default: 200))
        case "create_tenant":
            let f = try body.fields(["as", "id", "name", "expect"])
            return .createTenant(as: try f.required("as").nonEmptyString(), id: try f.required("id").nonEmptyString(),
                                 name: try f["name"]?.nonEmptyString(), expect: try expect(f, default: 201))
        case "assign_role", "revoke_role":
            let f = try body.fields(["as", "tenant", "user", "role", "expect"])
            return .role(as: try f.required("as").nonEmptyString(), tenant: try f.required("tenant").nonEmptyString(),
                         user: try f.required("user").nonEmptyString(), role: try f.required("role").nonEmptyString(),
                         assign: key == "assign_role", expect: try expect(f, default: 200))
        case "call":
            let f = try body.fields(["as", "method", "path", "body", "expect"])
            let method = try f.required("method").nonEmptyString().uppercased()
            guard ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(method) else { throw try f.required("method").error("expected GET, POST, PUT, DELETE or PATCH") }
            let path = try f.required("path").nonEmptyString()
            guard path.hasPrefix("/") else { throw try f.required("path").error("expected a path starting with /") }
            return .call(as: try f["as"]?.nonEmptyString(), method: method, path: path, body: try f["body"].map(jsonText),
                         expect: try f.required("expect").int(min: 100, max: 599))
        default:
            let f = try body.fields(["as", "tenant"])
            return .crossTenant(as: try f.required("as").nonEmptyString(), tenant: try f.required("tenant").nonEmptyString())
        }
    }

    /// A YAML value as JSON text (mappings, lists, strings, numbers, booleans, null).
    static func jsonText(_ node: YAMLNode) throws -> String {
        try node.json().serialized()
    }
}
