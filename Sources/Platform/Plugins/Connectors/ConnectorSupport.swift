import Foundation

/// Small helpers the connectors share.
enum ConnectorSupport {
    /// JSON bytes with sorted keys (so equal messages are equal bytes).
    static func json(_ object: Any) -> [UInt8] {
        (try? Array(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? Array("{}".utf8)
    }

    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// Throws `remote_failure` for a non-2xx answer, with the status and the start of the body.
    static func expectSuccess(_ response: PluginHTTPResponse, plugin: String, doing what: String) throws {
        guard (200..<300).contains(response.status) else {
            throw PluginError(.remoteFailure, plugin: plugin, "\(what) answered \(response.status): \(response.text.prefix(200))")
        }
    }

    /// `base` + `path`, keeping any path the base already has.
    static func url(_ base: URL, _ path: String) -> URL {
        URL(string: base.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) ?? base
    }

    /// A one-line title for an alert.
    static func title(_ alert: PluginAlert) -> String { "D.Coder alert: \(alert.kind) for \(alert.tenant)" }
}
