import AsyncHTTPClient
import Hummingbird
import NIOCore

/// The gateway benchmark's baseline: Hummingbird and AsyncHTTPClient forwarding a chat
/// call's body and `Authorization` header to one upstream and its answer back, with no
/// authentication, routing, translation, accounting or metrics. What the full gateway
/// adds is measured against this, in the same run (`Scripts/bench-gateway`).
public struct BareForwarder: Sendable {
    let upstream: String
    let client: HTTPClient

    /// - Parameter upstream: the base URL whose `/chat/completions` receives every call.
    /// - Parameter client: configure its pool like the gateway's (`ProviderHTTPTransport`)
    ///   so that the comparison is fair.
    public init(upstream: String, client: HTTPClient) {
        self.upstream = upstream
        self.client = client
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/v1/chat/completions") { request, _ in
            var request = request
            var out = HTTPClientRequest(url: upstream + "/chat/completions")
            out.method = .POST
            out.headers.add(name: "content-type", value: "application/json")
            if let auth = request.headers[.authorization] { out.headers.add(name: "authorization", value: auth) }
            out.body = .bytes(try await request.collectBody(upTo: 4 << 20))
            let answer = try await client.execute(out, timeout: .seconds(60))
            let body = try await answer.body.collect(upTo: 64 << 20)
            return Response(status: .init(code: Int(answer.status.code)), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: body))
        }
        return router
    }
}
