import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The mock connector services (Slack, Teams, Jira, Microsoft Graph) over HTTP, for live
/// tests and demos; `GET /_mock/received` lists what they accepted.
public struct MockConnectorServer: Sendable {
    public let services: MockConnectorServices

    public init(services: MockConnectorServices = MockConnectorServices()) { self.services = services }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/_mock/received") { _, _ in
            let received = await services.received.map { ["service": $0.service, "method": $0.method, "url": $0.url] }
            let data = (try? JSONSerialization.data(withJSONObject: received, options: [.sortedKeys])) ?? Data("[]".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/**", method: method) { request, _ in
                var request = request
                let body = (try? await request.collectBody(upTo: 1 << 20)).map { Array(buffer: $0) } ?? []
                var headers: [String: String] = [:]
                for h in request.headers { headers[h.name.canonicalName] = h.value }
                // Links the mock hands out (Graph's next pages, download redirects) point back at it.
                let authority = request.head.authority ?? "127.0.0.1"
                guard let url = URL(string: "http://\(authority)\(request.uri.path)\(request.uri.query.map { "?" + $0 } ?? "")") else {
                    return Response(status: .badRequest)
                }
                let r = await services.handle(method: request.method.rawValue, url: url, headers: headers, body: body)
                var fields = HTTPFields()
                for (k, v) in r.headers { if let name = HTTPField.Name(k) { fields[name] = v } }
                return Response(status: .init(code: r.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
            }
        }
        return router
    }
}
