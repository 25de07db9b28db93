import Foundation

/// An outbound HTTP request from a plugin.
public struct PluginHTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}

public struct PluginHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) { self.status = status; self.headers = headers; self.body = body }
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The seam through which plugins reach the network: the Lab answers in process, the live
/// server sends real HTTP.
public protocol PluginHTTPTransport: Sendable {
    func send(_ request: PluginHTTPRequest) async throws -> PluginHTTPResponse
}

/// What a plugin gets for one tenant: its checked configuration, the time, and the seams
/// its manifest allows. Using a seam it did not declare throws `undeclared_capability`.
public struct PluginContext: Sendable {
    public let tenant: String
    public let configuration: PluginConfiguration
    public let now: Date
    let manifest: PluginManifest
    let transport: any PluginHTTPTransport
    let egressAllowed: @Sendable (URL) -> Bool

    init(tenant: String, configuration: PluginConfiguration, now: Date, manifest: PluginManifest,
         transport: any PluginHTTPTransport, egressAllowed: @escaping @Sendable (URL) -> Bool) {
        self.tenant = tenant; self.configuration = configuration; self.now = now; self.manifest = manifest
        self.transport = transport; self.egressAllowed = egressAllowed
    }

    /// Sends an HTTP request: only with the `network` capability, only to a host named by one
    /// of the plugin's configured URLs, and only when the platform's egress allowlist allows it.
    public func http(_ request: PluginHTTPRequest) async throws -> PluginHTTPResponse {
        guard manifest.capabilities.contains(.network) else {
            throw PluginError(.undeclaredCapability, plugin: manifest.id, "made an HTTP call without declaring the 'network' capability")
        }
        let configuredHosts = Set(manifest.configuration.filter { $0.kind == .url }.compactMap { configuration.url($0.name)?.host?.lowercased() })
        guard let host = request.url.host?.lowercased(), configuredHosts.contains(host) else {
            throw PluginError(.egressDenied, plugin: manifest.id, "may only call the hosts of its configured URLs, not '\(request.url.host ?? "")'")
        }
        guard egressAllowed(request.url) else {
            throw PluginError(.egressDenied, plugin: manifest.id, "'\(host)' is not on the platform's egress allowlist")
        }
        return try await transport.send(request)
    }
}
