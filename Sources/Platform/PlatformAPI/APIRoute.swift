import Foundation
import Base

/// One route of the Platform API: method, path pattern, the resource and action the access
/// policy decides on, its OpenAPI description and its handler.
///
/// The route table (``APIService/routes``) is the single source of truth: the server's router,
/// the access checks and `/api/v1/openapi.json` are all built from it.
public struct APIRoute: Sendable {
    /// Who may call a route.
    public enum Access: String, Sendable {
        /// Anyone, without a token (the OpenAPI document).
        case open
        /// Any valid token or API key; no policy check (`/api/v1/me`).
        case signedIn
        /// A valid token or key *and* an allowing policy decision.
        case policy
    }

    public let method: String
    /// The path with `{name}` parameters, as OpenAPI writes it.
    public let pattern: String
    public let operationID: String
    public let summary: String
    public let access: Access
    /// The policy's resource name for this route; see ``resource(for:)``.
    public let resourceName: String
    /// The status of a successful answer.
    public let successStatus: Int
    /// The JSON schema of the request body, if the route takes one.
    public let requestSchema: JSONValue?
    /// The JSON schema of a successful answer's body, if it has one.
    public let responseSchema: JSONValue?
    let segments: [Segment]
    let handler: @Sendable (APIService, RouteContext) async throws -> APIResponse
    /// Computes the resource from the path parameters when it depends on them.
    let resourceOverride: (@Sendable ([String: String]) -> String)?

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    init(
        _ method: String, _ pattern: String, _ operationID: String, _ summary: String,
        access: Access = .policy, resource: String, status: Int = 200,
        request: JSONValue? = nil, response: JSONValue? = nil,
        resourceOverride: (@Sendable ([String: String]) -> String)? = nil,
        handler: @escaping @Sendable (APIService, RouteContext) async throws -> APIResponse
    ) {
        self.method = method
        self.pattern = pattern
        self.operationID = operationID
        self.summary = summary
        self.access = access
        self.resourceName = resource
        self.successStatus = status
        self.requestSchema = request
        self.responseSchema = response
        self.resourceOverride = resourceOverride
        self.handler = handler
        self.segments = pattern.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// The names of the path parameters, in order.
    public var parameterNames: [String] {
        segments.compactMap { if case .parameter(let n) = $0 { n } else { nil } }
    }

    /// The route's path parameters in `pathSegments`, or nil when the path is not this route's.
    func match(_ pathSegments: [String]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let l): if l != part { return nil }
            case .parameter(let name): parameters[name] = part
            }
        }
        return parameters
    }

    /// The resource the policy decides on for a call with these path parameters.
    public func resource(for parameters: [String: String]) -> String {
        resourceOverride?(parameters) ?? resourceName
    }

    /// `read` for GET, `write` for everything else.
    public var action: String { method == "GET" ? "read" : "write" }

    /// Whether the route acts inside one tenant (its path names `{tenant}`).
    public var isTenantScoped: Bool { parameterNames.contains("tenant") }
}

/// What a handler gets: the request, its path parameters and who is calling.
struct RouteContext: Sendable {
    var request: APIRequest
    var parameters: [String: String]
    var principal: APIPrincipal?
    var now: @Sendable () -> Date

    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}
