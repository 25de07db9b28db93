import Base
import Foundation

/// A provider base URL, parsed and normalised: scheme, host, port and path prefix.
///
/// Parsing is strict because the egress allowlist is checked against these parts:
/// no user-info, only `http` and `https`, a host that is present, a port in range.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    /// Path prefix without a trailing slash (`/v1`, `/openai/v1`, or empty).
    public var basePath: String

    public init(scheme: String, host: String, port: Int, basePath: String) {
        self.scheme = scheme; self.host = host; self.port = port; self.basePath = basePath
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String), unsupportedScheme(String), credentialsInURL, missingHost

        public var description: String {
            switch self {
            case .malformed(let s): return "'\(s)' is not a URL"
            case .unsupportedScheme(let s): return "scheme '\(s)' is not supported (use https, or http for loopback tests)"
            case .credentialsInURL: return "credentials in the URL are not allowed; give the key separately"
            case .missingHost: return "the URL has no host"
            }
        }
    }

    public static func parse(_ text: String) -> Result<Endpoint, ParseError> {
        guard let c = URLComponents(string: text.trimmingCharacters(in: .whitespaces)), let scheme = c.scheme?.lowercased() else {
            return .failure(.malformed(text))
        }
        guard scheme == "https" || scheme == "http" else { return .failure(.unsupportedScheme(scheme)) }
        guard c.user == nil, c.password == nil else { return .failure(.credentialsInURL) }
        guard var host = c.host?.lowercased(), !host.isEmpty else { return .failure(.missingHost) }
        if host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = c.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { return .failure(.malformed(text)) }
        var path = c.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return .success(Endpoint(scheme: scheme, host: host, port: port, basePath: path))
    }

    /// `scheme://host:port` — the part the allowlist speaks about.
    public var origin: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)"
    }

    public var description: String { origin + basePath }

    /// The full URL of a request path below this endpoint.
    public func url(path: String) -> String { origin + basePath + path }
}
