import Base
import Foundation

/// One Platform API request, as either driver hands it over: the Lab builds it directly, the
/// live server converts Hummingbird's request into it.
public struct APIRequest: Sendable {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    public var method: String
    /// The path without the query, such as `/api/v1/tenants/acme`.
    public var path: String
    /// Query parameters (the last value wins when a name repeats).
    public var query: [String: String]
    /// Header fields by lower-case name.
    public var headers: [String: String]
    /// The request body.
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    /// A request with a JSON body and, when `token` is given, `Authorization: Bearer <token>`.
    ///
    /// `target` may carry a query (`/api/v1/platform/audit?limit=5`); it is split off and decoded.
    public static func json(_ method: String, _ target: String, token: String?, body: String? = nil) -> APIRequest {
        var headers: [String: String] = [:]
        if let token { headers["authorization"] = "Bearer " + token }
        if body != nil { headers["content-type"] = "application/json" }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                query[name] = kv.count == 2 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            }
        }
        return APIRequest(method: method, path: String(parts[0]), query: query, headers: headers, body: Array((body ?? "").utf8))
    }
}

/// The answer to an ``APIRequest``: a status, headers and a JSON (or problem+json) body.
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    /// Header fields by lower-case name.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Who made the request, once authenticated (`user:<subject>` or `key:<id>`), for access
    /// logs; never sent to the client.
    public var actor: String?

    public init(status: Int, headers: [String: String], body: [UInt8], actor: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.actor = actor
    }

    /// A JSON response; keys are sorted, so equal values give equal bytes.
    static func json(_ status: Int, _ value: JSONValue) -> APIResponse {
        APIResponse(status: status, headers: ["content-type": "application/json"], body: APIJSON.encode(value))
    }

    /// 204 No Content.
    static let noContent = APIResponse(status: 204, headers: [:], body: [])

    /// The body as a JSON value, if it is one.
    public var json: JSONValue? { try? APIJSON.decode(body) }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// JSON coding for the API: the platform's coders (``JSONCoding``: sorted keys, no escaped
/// slashes). Bodies decode through `Codable`, so an object's members arrive ordered by key
/// and a whole number written `5.0` reads as the integer 5, whatever the client wrote.
enum APIJSON {
    static func encode(_ value: JSONValue) -> [UInt8] {
        // Encoding a JSONValue cannot fail: every case maps to a JSON value.
        (try? JSONCoding.encode(value)) ?? Array("null".utf8)
    }

    static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONCoding.decode(JSONValue.self, from: bytes)
    }
}
