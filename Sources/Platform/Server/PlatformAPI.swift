import Config
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import NIOCore
import Base
import Gateway
import PlatformAPI

/// Mounts the Platform API (``APIService``, shared with the Lab) on the live server: each
/// route of ``APIService/routes`` is registered for every method, and the request is handed
/// to the service as an ``APIRequest``, so routing, authentication, the access policy and
/// problem+json answers are the very code the Lab runs.
public struct PlatformAPIRoutes: Sendable {
    public let service: APIService
    /// One line per call (see ``AccessLog/recordAPI(method:path:status:actor:latency:at:)``).
    let accessLog: AccessLog
    let clock = SystemTimeSource()

    public init(service: APIService, accessLog: AccessLog = AccessLog(enabled: false)) {
        self.service = service
        self.accessLog = accessLog
    }

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch]

    func add(to router: Router<BasicRequestContext>) {
        var seen = Set<String>()
        for route in APIService.routes where seen.insert(route.pattern).inserted {
            let path = route.pattern.split(separator: "/").map { part in
                part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
            }.joined(separator: "/")
            for method in Self.methods {
                router.on(RouterPath("/" + path), method: method) { request, _ in await handle(request) }
            }
        }
    }

    /// Answers one live request through the service.
    func handle(_ request: Request) async -> Response {
        var request = request
        // Only the documents route takes large bodies; every other route reads at most 64 KiB + 1.
        let route = try? service.route(method: request.method.rawValue, path: request.uri.path).0
        let limit = route?.operationID == "submitDocuments" ? APIService.maximumRequestBytes : APIService.maximumBodyBytes + 1
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            return Self.response(APIProblem(status: 413, title: "Body too large",
                                            detail: "The body is over \(limit - 1) bytes.", code: "body_too_large").response)
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let apiRequest = APIRequest(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
                                    body: Array(buffer: body))
        let started = clock.now()
        let answer = await service.handle(apiRequest)
        accessLog.recordAPI(method: apiRequest.method, path: apiRequest.path, status: answer.status, actor: answer.actor,
                            latency: clock.now() - started, at: clock.now())
        return Self.response(answer)
    }

    static func response(_ r: APIResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in r.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: r.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}

/// Fetches the IdP's discovery document and key set over HTTP (the live side of the
/// `HTTPFetcher` seam), with redirects refused and a short timeout.
public struct LiveHTTPFetcher: HTTPFetcher {
    let client: HTTPClient
    public init(client: HTTPClient) { self.client = client }

    public func get(_ url: String) async throws -> (status: Int, body: [UInt8]) {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(buffer: body))
    }
}
