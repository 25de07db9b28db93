import Base
import Flags
import Foundation
import HTTPTypes
import Hummingbird
import Config
import NIOCore
import Yams

/// The Flagsmith-compatible routes, reading the process's live flag book.
struct FlagsRoutes: Sendable {
    let environmentKey: String
    let registry: FlagRegistry

    func add(to router: Router<BasicRequestContext>) {
        // The router treats `/api/v1/flags` and `/api/v1/flags/` (the SDKs' form) alike.
        router.get("/api/v1/flags/") { request, _ in environmentFlags(request) }
        router.post("/api/v1/identities/") { request, _ in await identityFlags(request) }
    }

    static let environmentKeyHeader = HTTPField.Name("X-Environment-Key")!

    func authorized(_ request: Request) -> Bool {
        guard let key = request.headers[Self.environmentKeyHeader] else { return false }
        return key.utf8.count == environmentKey.utf8.count && zip(key.utf8, environmentKey.utf8).reduce(true) { $0 && $1.0 == $1.1 }
    }

    static func detail(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = JSONValue.object(OrderedMap([("detail", .string(message))])).serialized(pretty: false, sortedKeys: false)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.serialized(pretty: false, sortedKeys: false))))
    }

    /// Flagsmith's API form of evaluated flags, in feature order.
    static func apiFlags(_ flags: [FlagBook.Flag]) -> JSONValue {
        .array(flags.map { flag in
            .object(OrderedMap([
                ("id", .int(flag.id)),
                ("feature", .object(OrderedMap([("id", .int(flag.id)), ("name", .string(flag.name)), ("type", .string("STANDARD"))]))),
                ("feature_state_value", flag.value), ("enabled", .bool(flag.enabled)),
                ("environment", .int(1)), ("identity", .null), ("feature_segment", .null), ("reason", .string(flag.reason)),
            ]))
        })
    }

    func environmentFlags(_ request: Request) -> Response {
        guard authorized(request) else { return Self.detail(.unauthorized, "Invalid or missing X-Environment-Key header.") }
        return Self.json(Self.apiFlags(registry.book.evaluate(tenant: nil)))
    }

    func identityFlags(_ request: Request) async -> Response {
        guard authorized(request) else { return Self.detail(.unauthorized, "Invalid or missing X-Environment-Key header.") }
        var request = request
        guard let body = try? await request.collectBody(upTo: 1 << 20),
              let parsed = try? JSONValue.parse(String(buffer: body)),
              case .string(let identifier)? = parsed["identifier"], !identifier.isEmpty else {
            return Self.detail(.badRequest, "The body must be {\"identifier\": \"…\", \"traits\": [{\"trait_key\": \"…\", \"trait_value\": …}]}.")
        }
        var traits: [(String, JSONValue)] = []
        if case .array(let list)? = parsed["traits"] {
            for t in list {
                guard case .string(let k)? = t["trait_key"] else { return Self.detail(.badRequest, "Every trait needs a string trait_key.") }
                traits.append((k, t["trait_value"] ?? .null))
            }
        }
        // An identity is a tenant: its stored traits and overrides apply, with the sent traits on top.
        let flags = registry.book.evaluate(tenant: identifier, extraTraits: traits)
        let echo = JSONValue.array(traits.map { .object(OrderedMap([("trait_key", .string($0.0)), ("trait_value", $0.1)])) })
        return Self.json(.object(OrderedMap([("identifier", .string(identifier)), ("flags", Self.apiFlags(flags)), ("traits", echo)])))
    }
}
