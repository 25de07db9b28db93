import Base
import Foundation

/// Small helpers the connectors share.
enum ConnectorSupport {
    /// JSON bytes with sorted keys (``JSONCoding``, so equal messages are equal bytes).
    static func json(_ value: JSONValue) -> [UInt8] {
        (try? JSONCoding.encode(value)) ?? Array("{}".utf8)
    }

    /// A service's answer, when it is a JSON object.
    static func object(_ bytes: [UInt8]) -> OrderedMap<JSONValue>? {
        (try? JSONValue.parse(utf8: bytes))?.objectValue
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
