import Base
import Foundation

/// Lists and fetches files of a SharePoint document library for RAG ingestion, through
/// Microsoft Graph with an app registration (client credentials).
///
/// - Token: `POST {login_url}/{directory_id}/oauth2/v2.0/token` (form: `client_id`,
///   `client_secret`, `scope=https://graph.microsoft.com/.default`,
///   `grant_type=client_credentials`).
/// - List: `GET {graph_url}/v1.0/sites/{site_id}/drive/root/children` (or
///   `…/drive/root:/{folder}:/children`), files only, following `@odata.nextLink` for up
///   to 20 pages on the same host.
/// - Fetch: `GET {graph_url}/v1.0/sites/{site_id}/drive/items/{id}/content`; Graph answers
///   302 to a download URL, which is followed once if its host is `graph_url`'s or
///   `download_url`'s.
///
/// Does not: recurse into folders, read permissions, use delta queries, or keep the token
/// between calls (one token request per listing or fetch).
public struct SharePointConnector: DocumentSourcePlugin {
    public init() {}

    public let manifest = PluginManifest(
        id: "sharepoint", version: "1.0.0", name: "SharePoint", summary: "Files of a SharePoint library as a document source (Microsoft Graph).",
        capabilities: [.documentSource, .network],
        configuration: [
            PluginConfigField("directory_id", .string, help: "the Microsoft Entra tenant (directory) id"),
            PluginConfigField("client_id", .string, help: "the app registration's client id"),
            PluginConfigField("client_secret", .string, secret: true, help: "the app registration's client secret"),
            PluginConfigField("site_id", .string, help: "the SharePoint site id (hostname,site-collection-id,web-id)"),
            PluginConfigField("folder", .string, required: false, help: "a folder path in the library; the root by default"),
            PluginConfigField("graph_url", .url, required: false, default: "https://graph.microsoft.com", help: "Microsoft Graph"),
            PluginConfigField("login_url", .url, required: false, default: "https://login.microsoftonline.com", help: "the identity platform"),
            PluginConfigField("download_url", .url, required: false, help: "the host Graph redirects downloads to, such as https://contoso.sharepoint.com"),
        ])

    func token(_ context: PluginContext) async throws -> String {
        let c = context.configuration
        guard let login = c.url("login_url") else { throw PluginError(.invalidConfiguration, plugin: manifest.id, "no login_url") }
        func form(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        let body = "client_id=\(form(c["client_id"] ?? ""))&client_secret=\(form(c["client_secret"] ?? ""))"
            + "&scope=\(form("https://graph.microsoft.com/.default"))&grant_type=client_credentials"
        let r = try await context.http(PluginHTTPRequest(
            method: "POST", url: ConnectorSupport.url(login, "/\(form(c["directory_id"] ?? ""))/oauth2/v2.0/token"),
            headers: ["content-type": "application/x-www-form-urlencoded"], body: Array(body.utf8)))
        try ConnectorSupport.expectSuccess(r, plugin: manifest.id, doing: "the token endpoint")
        guard let token = ConnectorSupport.object(r.body)?["access_token"]?.stringValue else {
            throw PluginError(.remoteFailure, plugin: manifest.id, "the token answer has no access_token")
        }
        return token
    }

    func driveURL(_ c: PluginConfiguration, _ path: String) -> URL? {
        guard let graph = c.url("graph_url"), let site = c["site_id"]?.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else { return nil }
        return ConnectorSupport.url(graph, "/v1.0/sites/\(site)/drive\(path)")
    }

    public func list(_ context: PluginContext) async throws -> [SourceDocument] {
        let c = context.configuration
        let token = try await token(context)
        let folder = (c["folder"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let path = folder.isEmpty ? "/root/children" : "/root:/\(folder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""):/children"
        guard var next = driveURL(c, path) else { throw PluginError(.invalidConfiguration, plugin: manifest.id, "bad graph_url or site_id") }
        var out: [SourceDocument] = []
        for _ in 0..<20 {
            let r = try await context.http(PluginHTTPRequest(method: "GET", url: next, headers: ["authorization": "Bearer \(token)", "accept": "application/json"]))
            try ConnectorSupport.expectSuccess(r, plugin: manifest.id, doing: "listing the library")
            guard let page = ConnectorSupport.object(r.body), let items = page["value"]?.arrayValue else {
                throw PluginError(.remoteFailure, plugin: manifest.id, "the listing has no 'value'")
            }
            for item in items where item["file"] != nil {
                guard let id = item["id"]?.stringValue, let name = item["name"]?.stringValue else { continue }
                out.append(SourceDocument(id: id, name: name, modified: item["lastModifiedDateTime"]?.stringValue, size: item["size"]?.integerValue))
            }
            guard let link = page["@odata.nextLink"]?.stringValue, let u = URL(string: link), u.host == next.host else { break }
            next = u
        }
        return out
    }

    public func fetch(_ document: SourceDocument, _ context: PluginContext) async throws -> [UInt8] {
        let token = try await token(context)
        guard let url = driveURL(context.configuration, "/items/\(document.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")/content") else {
            throw PluginError(.invalidConfiguration, plugin: manifest.id, "bad graph_url or site_id")
        }
        var r = try await context.http(PluginHTTPRequest(method: "GET", url: url, headers: ["authorization": "Bearer \(token)"]))
        if r.status == 302 || r.status == 301 || r.status == 307 {
            guard let location = r.headers["location"], let target = URL(string: location, relativeTo: url)?.absoluteURL else {
                throw PluginError(.remoteFailure, plugin: manifest.id, "a redirect without a location")
            }
            // The download URL is pre-authenticated: no bearer token goes to it.
            r = try await context.http(PluginHTTPRequest(method: "GET", url: target))
        }
        try ConnectorSupport.expectSuccess(r, plugin: manifest.id, doing: "downloading '\(document.name)'")
        return r.body
    }
}
