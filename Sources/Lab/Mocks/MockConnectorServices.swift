import Foundation
import Plugins

/// Enough of Slack's and Teams' incoming webhooks, Jira Cloud's issue API, and Microsoft
/// Graph's token, drive listing and download endpoints to test the connectors: the Lab
/// calls it in process, `MockConnectorServer` serves it over HTTP.
///
/// Routes by path, whatever the host: `/services/…` (Slack), `/webhookb2/…` or
/// `/workflows/…` (Teams), `/rest/api/3/issue` and `/rest/api/3/myself` (Jira),
/// `/{directory}/oauth2/v2.0/token`, `/v1.0/sites/{site}/drive/…` and `/download/{id}`
/// (Graph). It checks what the real services check (payload shape, credentials, bearer
/// token) and answers with their status codes and bodies. Everything it accepted is kept
/// in ``received``.
public actor MockConnectorServices: PluginHTTPTransport {
    public struct Received: Sendable, Equatable {
        /// `slack`, `teams`, `jira`, `graph`.
        public var service: String
        public var method: String
        /// The URL without query.
        public var url: String
        public var body: String
    }

    public static let graphToken = "mock-graph-token"
    /// The only client secret the mock token endpoint accepts.
    public static let graphClientSecret = "mock-client-secret"
    public private(set) var received: [Received] = []
    private var files: [(id: String, name: String, content: [UInt8])]
    private var issueCount = 0

    /// - Parameter files: the SharePoint library's files, listed two per page.
    public init(files: [(name: String, content: String)] = [("handbook.md", "# Handbook\n\nExpenses are filed within 30 days.\n"),
                                                            ("security.txt", "Rotate provider keys every 90 days.\n"),
                                                            ("onboarding.html", "<h1>Onboarding</h1><p>Welcome.</p>")]) {
        self.files = files.enumerated().map { (id: "01MOCK\($0.offset + 1)", name: $0.element.name, content: Array($0.element.content.utf8)) }
    }

    public func send(_ request: PluginHTTPRequest) async throws -> PluginHTTPResponse {
        handle(method: request.method, url: request.url, headers: request.headers, body: request.body)
    }

    /// Answers one request (headers by lower-case name).
    public func handle(method: String, url: URL, headers: [String: String], body: [UInt8]) -> PluginHTTPResponse {
        let path = url.path
        let parts = path.split(separator: "/").map(String.init)
        let headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        let text = String(decoding: body, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        func record(_ service: String) {
            var u = URLComponents(url: url, resolvingAgainstBaseURL: false)
            u?.query = nil
            received.append(Received(service: service, method: method, url: u?.string ?? url.absoluteString, body: text))
        }
        func answer(_ status: Int, _ object: Any, headers extra: [String: String] = [:]) -> PluginHTTPResponse {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return PluginHTTPResponse(status: status, headers: ["content-type": "application/json"].merging(extra) { $1 }, body: Array(data))
        }
        func plain(_ status: Int, _ s: String) -> PluginHTTPResponse { PluginHTTPResponse(status: status, headers: ["content-type": "text/plain"], body: Array(s.utf8)) }

        switch (method, parts.first) {
        case ("POST", "services"):
            guard parts.count == 4 else { return plain(404, "no_service") }
            guard let json, json["text"] is String || json["blocks"] is [Any] else { return plain(400, "invalid_payload") }
            record("slack")
            return plain(200, "ok")
        case ("POST", "webhookb2"), ("POST", "workflows"):
            guard let json, json["type"] as? String == "message", let attachments = json["attachments"] as? [[String: Any]],
                  attachments.first?["contentType"] as? String == "application/vnd.microsoft.card.adaptive",
                  (attachments.first?["content"] as? [String: Any])?["type"] as? String == "AdaptiveCard" else {
                return plain(400, "Bad payload: expected a message with an Adaptive Card attachment")
            }
            record("teams")
            return PluginHTTPResponse(status: 202, body: [])
        case (_, "rest"):
            guard let auth = headers["authorization"], auth.hasPrefix("Basic "),
                  let decoded = Data(base64Encoded: String(auth.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":"), !decoded[..<colon].isEmpty, !decoded[decoded.index(after: colon)...].isEmpty else {
                return answer(401, ["errorMessages": ["You are not authenticated. Authentication required to perform this operation."], "errors": [:]])
            }
            if method == "GET", path == "/rest/api/3/myself" { return answer(200, ["accountId": "mock-account", "active": true]) }
            guard method == "POST", path == "/rest/api/3/issue" else { return answer(404, ["errorMessages": ["Not found"], "errors": [:]]) }
            let fields = json?["fields"] as? [String: Any]
            var errors: [String: String] = [:]
            if ((fields?["project"] as? [String: Any])?["key"] as? String) == nil { errors["project"] = "Specify a valid project ID or key" }
            if (fields?["summary"] as? String)?.isEmpty != false { errors["summary"] = "You must specify a summary of the issue." }
            if ((fields?["issuetype"] as? [String: Any])?["name"] as? String) == nil { errors["issuetype"] = "Specify an issue type" }
            if let d = fields?["description"], (d as? [String: Any])?["type"] as? String != "doc" { errors["description"] = "Operation value must be an Atlassian Document" }
            guard errors.isEmpty else { return answer(400, ["errorMessages": [], "errors": errors]) }
            record("jira")
            issueCount += 1
            let key = "\(((fields?["project"] as? [String: Any])?["key"] as? String) ?? "X")-\(issueCount)"
            return answer(201, ["id": String(10_000 + issueCount), "key": key, "self": "\(url.scheme ?? "https")://\(url.host ?? "")/rest/api/3/issue/\(10_000 + issueCount)"])
        case ("POST", _) where parts.count == 4 && parts[1] == "oauth2" && parts[3] == "token":
            let form = Dictionary(text.split(separator: "&").map { pair -> (String, String) in
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return (kv[0], kv.count > 1 ? kv[1] : "")
            }, uniquingKeysWith: { $1 })
            guard form["grant_type"] == "client_credentials", form["client_id"]?.isEmpty == false, form["client_secret"] == Self.graphClientSecret else {
                return answer(401, ["error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."])
            }
            record("graph")
            return answer(200, ["token_type": "Bearer", "expires_in": 3599, "access_token": Self.graphToken])
        case ("GET", "v1.0"):
            guard headers["authorization"] == "Bearer \(Self.graphToken)" else {
                return answer(401, ["error": ["code": "InvalidAuthenticationToken", "message": "Access token is empty."]])
            }
            record("graph")
            if let items = parts.firstIndex(of: "items"), items + 3 == parts.count, parts.last == "content" {
                guard files.contains(where: { $0.id == parts[items + 1] }) else { return answer(404, ["error": ["code": "itemNotFound", "message": "The resource could not be found."]]) }
                return PluginHTTPResponse(status: 302, headers: ["location": "/download/\(parts[items + 1])"], body: [])
            }
            guard path.hasSuffix("/children") else { return answer(400, ["error": ["code": "invalidRequest", "message": "Unsupported request"]]) }
            let page = Int(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "page" }?.value ?? "0") ?? 0
            let slice = files.dropFirst(page * 2).prefix(2)
            var out: [String: Any] = ["value": slice.map { ["id": $0.id, "name": $0.name, "size": $0.content.count,
                                                          "lastModifiedDateTime": "2026-01-05T10:00:00Z", "file": ["mimeType": "text/plain"]] }
                                      + (page == 0 ? [["id": "01FOLDER", "name": "Archive", "folder": ["childCount": 0]]] : [])]
            if files.count > (page + 1) * 2 {
                var next = URLComponents(url: url, resolvingAgainstBaseURL: false)!
                next.queryItems = [URLQueryItem(name: "page", value: String(page + 1))]
                out["@odata.nextLink"] = next.string
            }
            return answer(200, out)
        case ("GET", "download"):
            guard parts.count == 2, let file = files.first(where: { $0.id == parts[1] }) else { return plain(404, "not found") }
            record("graph")
            return PluginHTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: file.content)
        default:
            return plain(404, "no such mock route: \(method) \(path)")
        }
    }
}
