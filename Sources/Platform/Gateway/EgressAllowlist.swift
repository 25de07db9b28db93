import Base
import Foundation

/// The platform-level list of hosts the gateway may call.
///
/// Checked twice: when a tenant's provider endpoint is configured, and on the resolved
/// endpoint of every outbound call, so a later change to the list takes effect at once.
///
/// Entry forms:
/// - `api.openai.com` — https on port 443 only;
/// - `api.openai.com:8443` — https on that port;
/// - `*.openai.azure.com` — https on 443 for any subdomain (not the apex);
/// - `http://127.0.0.1:18100` — exactly that scheme, host and port.
///
/// IP literals, `localhost`, link-local and cloud-metadata hosts are refused unless an
/// entry names that exact host (a wildcard never matches them).
public struct EgressAllowlist: Hashable, Sendable {
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public var scheme: String
        public var host: String        // lower-case; "*.suffix" for wildcards
        public var port: Int
        public var text: String
        public var description: String { text }

        public var isWildcard: Bool { host.hasPrefix("*.") }
    }

    public private(set) var entries: [Entry]

    public init() { entries = [] }

    /// Parses entries; returns the entries it could not understand with the reason.
    public init(_ texts: [String]) throws {
        entries = []
        for t in texts { try add(t) }
    }

    public struct EntryError: Error, CustomStringConvertible {
        public var entry: String
        public var reason: String
        public var description: String { "allowlist entry '\(entry)': \(reason)" }
    }

    public mutating func add(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { throw EntryError(entry: text, reason: "empty") }
        var scheme = "https"
        var rest = Substring(trimmed)
        if let r = trimmed.range(of: "://") {
            scheme = String(trimmed[..<r.lowerBound])
            rest = trimmed[r.upperBound...]
            guard scheme == "https" || scheme == "http" else { throw EntryError(entry: text, reason: "scheme must be https or http") }
        }
        while rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.contains("/"), !rest.contains("@") else { throw EntryError(entry: text, reason: "give a host with an optional port, no path or user") }
        var host = String(rest)
        var port = scheme == "https" ? 443 : 80
        if host.hasPrefix("[") {  // [::1]:8080
            guard let close = host.firstIndex(of: "]") else { throw EntryError(entry: text, reason: "unclosed IPv6 bracket") }
            let after = host[host.index(after: close)...]
            let inner = String(host[host.index(after: host.startIndex)..<close])
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw EntryError(entry: text, reason: "bad port") }
                port = p
            }
            host = inner
        } else if let colon = host.lastIndex(of: ":"), host.filter({ $0 == ":" }).count == 1 {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else { throw EntryError(entry: text, reason: "bad port") }
            port = p
            host = String(host[..<colon])
        }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { throw EntryError(entry: text, reason: "no host") }
        if host.hasPrefix("*.") {
            guard host.dropFirst(2).contains(".") else { throw EntryError(entry: text, reason: "a wildcard needs at least two labels after '*.'") }
        } else if host.contains("*") {
            throw EntryError(entry: text, reason: "'*' is only allowed as the first label ('*.example.com')")
        }
        entries.append(Entry(scheme: scheme, host: host, port: port, text: text))
    }

    public mutating func remove(_ text: String) {
        entries.removeAll { $0.text.lowercased() == text.lowercased() }
    }

    /// Why an endpoint is refused, or `nil` when it is allowed.
    public func refusal(for endpoint: Endpoint) -> String? {
        // The common case first, without allocating: an entry names this exact origin.
        for e in entries where e.port == endpoint.port && e.host == endpoint.host && e.scheme == endpoint.scheme { return nil }
        let host = endpoint.host.lowercased()
        let sensitive = Self.isSensitiveHost(host)
        for e in entries where e.scheme == endpoint.scheme && e.port == endpoint.port {
            if e.host == host { return nil }
            if e.isWildcard, !sensitive, host.hasSuffix(String(e.host.dropFirst(1))) { return nil }
        }
        if sensitive {
            return "\(endpoint.origin) is an IP literal, loopback, link-local or metadata address and no allowlist entry names it exactly"
        }
        return "\(endpoint.origin) is not on the platform egress allowlist"
    }

    public func allows(_ endpoint: Endpoint) -> Bool { refusal(for: endpoint) == nil }

    /// IP literals, loopback names, link-local and well-known metadata hosts.
    static func isSensitiveHost(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host == "metadata.google.internal" || host == "metadata" || host.hasSuffix(".internal") { return true }
        if host.contains(":") { return true }  // IPv6 literal
        let parts = host.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return true }  // IPv4 literal
        if let last = parts.last, Int(last) != nil { return true }  // numeric forms like 2130706433 or 127.1
        return false
    }
}
