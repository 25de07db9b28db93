import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Base
import Gateway
import Retrieval
import Synchronization

/// `dcoder mock-providers`: the Lab's four mock providers behind one HTTP port, each at
/// the paths the real provider (and its official SDK) uses.
///
/// | provider | paths |
/// |---|---|
/// | OpenAI | `POST /v1/chat/completions`, `POST /v1/embeddings` |
/// | Anthropic | `POST /v1/messages` |
/// | Gemini | `POST /v1beta/models/{model}:generateContent`, `…:streamGenerateContent?alt=sse` (and under `/v1/models/`) |
/// | Groq | `POST /openai/v1/chat/completions` |
///
/// Answers, errors and authentication are the Lab's (``MockProvider``), with every
/// non-empty key accepted. `GET /_mock/calls` lists the recent calls with a fingerprint
/// of the key each carried, so tests can check which key reached the provider.
public final class MockProviderServer: Sendable {
    let mocks: [ProviderKind: Locked<MockProvider>]
    let clock = SystemTimeSource()
    /// Multiplies the simulated latency before answering (0: answer at once).
    let latencyScale: Double
    let calls = Mutex<[MockCall]>([])
    static let keptCalls = 1000

    /// One call as the mock saw it.
    public struct MockCall: Codable, Sendable {
        public var provider: String
        public var path: String
        /// The first 16 hex digits of the SHA-256 of the key, never the key.
        public var keyFingerprint: String
        public var status: Int

        enum CodingKeys: String, CodingKey { case provider, path, status, keyFingerprint = "key_fingerprint" }
    }

    public init(seed: UInt64, latencyScale: Double = 0, profiles: [ProviderKind: MockProviderProfile] = [:]) throws {
        let streams = RandomStreams(seed: seed)
        let pricing = try PricingTable.bundled()
        var mocks: [ProviderKind: Locked<MockProvider>] = [:]
        for kind in ProviderKind.allCases {
            let endpoint = try Endpoint.parse(kind.defaultBaseURL).get()
            var mock = MockProvider(profile: profiles[kind] ?? MockProviderProfile(name: kind.rawValue, kind: kind, endpoint: endpoint),
                                    wire: .json, pricing: pricing, streams: streams)
            mock.acceptsAnyKey = true
            mocks[kind] = Locked(mock)
        }
        self.mocks = mocks
        self.latencyScale = latencyScale
    }

    public static func fingerprint(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/healthz") { _, _ in Self.json(status: .ok, #"{"status":"ok"}"#) }
        router.post("/v1/chat/completions") { [self] r, _ in await answer(.openai, r) }
        router.post("/v1/embeddings") { [self] r, _ in await embeddings(r) }
        router.post("/v1/messages") { [self] r, _ in await answer(.anthropic, r) }
        router.post("/v1beta/models/:target") { [self] r, _ in await answer(.gemini, r) }
        router.post("/v1/models/:target") { [self] r, _ in await answer(.gemini, r) }
        router.post("/openai/v1/chat/completions") { [self] r, _ in await answer(.groq, r) }
        router.get("/_mock/calls") { [self] _, _ in
            let list = calls.withLock { $0 }
            return Self.bytesResponse(status: .ok, contentType: "application/json", WireJSON.encode(list), requestID: "-")
        }
        return router
    }

    static func headers(_ request: Request) -> [HTTPHeader] {
        request.headers.map { HTTPHeader($0.name.canonicalName, $0.value) }
    }

    static func pathWithQuery(_ request: Request) -> String {
        let q = request.uri.query.map { "?" + $0 } ?? ""
        return request.uri.path + q
    }

    func answer(_ kind: ProviderKind, _ request: Request) async -> Response {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: 16 * 1024 * 1024) } catch {
            return Self.openAIError(.contentTooLarge, "Request too large.", code: nil)
        }
        let path = Self.pathWithQuery(request)
        let headers = Self.headers(request)
        let reply = mocks[kind]!.withLock { $0.handle(path: path, headers: headers, body: Array(buffer: body), at: clock.now()) }
        let key = MockProvider.credential(provider: kind, headers: headers, path: path)
        calls.withLock {
            $0.append(MockCall(provider: kind.rawValue, path: request.uri.path, keyFingerprint: key.map(Self.fingerprint) ?? "-", status: reply.status))
            if $0.count > Self.keptCalls { $0.removeFirst($0.count - Self.keptCalls) }
        }
        if latencyScale > 0 {
            try? await Task.sleep(nanoseconds: UInt64(max(0, Double(min(reply.delay.value, 600_000_000_000)) * latencyScale)))
        }
        switch reply.result {
        case .failure:
            // A simulated timeout: answer nothing for a long time (the caller gives up first).
            try? await Task.sleep(nanoseconds: 600_000_000_000)
            return Self.json(status: .gatewayTimeout, "{}")
        case .response(let r):
            var fields = HTTPFields()
            for h in r.headers { if let name = HTTPField.Name(h.name) { fields[name] = h.value } }
            let bytes: [UInt8]
            switch r.body {
            case .bytes(let b): bytes = b
            case .reply: bytes = []  // wire is always JSON here
            }
            let isStream = fields[.contentType]?.hasPrefix("text/event-stream") ?? false
            guard isStream else {
                return Response(status: .init(code: r.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            // Send a stream event by event, as a provider does.
            let events = Self.splitEvents(bytes)
            return Response(status: .init(code: r.status), headers: fields, body: ResponseBody { writer in
                for e in events { try await writer.write(ByteBuffer(bytes: e)) }
                try await writer.finish(nil)
            })
        }
    }

    /// Splits an SSE body after each blank line (`\n\n` or `\r\n\r\n`).
    static func splitEvents(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                out.append(Array(bytes[start...(i + 1)])); i += 2; start = i; continue
            }
            if bytes[i] == 0x0A, i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A {
                out.append(Array(bytes[start...(i + 2)])); i += 3; start = i; continue
            }
            i += 1
        }
        if start < bytes.count { out.append(Array(bytes[start...])) }
        return out
    }

    static func openAIError(_ status: HTTPResponse.Status, _ message: String, code: String?) -> Response {
        let body = OpenAIErrorBody(error: .init(message: message, type: "invalid_request_error", code: code))
        return Self.bytesResponse(status: status, contentType: "application/json", WireJSON.encode(body), requestID: "-")
    }

    // MARK: Embeddings

    struct EmbeddingRequest: Decodable {
        var model: String
        var input: EmbeddingInput
        var dimensions: Int?
        var encodingFormat: String?
        enum CodingKeys: String, CodingKey { case model, input, dimensions, encodingFormat = "encoding_format" }
    }

    enum EmbeddingInput: Decodable {
        case one(String), many([String])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .one(s) } else { self = .many(try c.decode([String].self)) }
        }
        var texts: [String] { switch self { case .one(let s): return [s]; case .many(let a): return a } }
    }

    struct EmbeddingResponse: Encodable {
        struct Item: Encodable { var object = "embedding"; var index: Int; var embedding: EmbeddingValue }
        struct Usage: Encodable {
            var promptTokens: Int; var totalTokens: Int
            enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", totalTokens = "total_tokens" }
        }
        var object = "list"
        var data: [Item]
        var model: String
        var usage: Usage
    }

    /// Floats, or base64 of little-endian float32s (the `openai` SDK asks for base64).
    enum EmbeddingValue: Encodable {
        case floats([Float]), base64(String)
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .floats(let f): try c.encode(f)
            case .base64(let s): try c.encode(s)
            }
        }
    }

    func embeddings(_ request: Request) async -> Response {
        var request = request
        let headers = Self.headers(request)
        guard let auth = headers.value("authorization"), auth.hasPrefix("Bearer "), auth.count > 7 else {
            return Self.openAIError(.unauthorized, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", code: "invalid_api_key")
        }
        let parsed: EmbeddingRequest
        do {
            let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
            parsed = try JSONDecoder().decode(EmbeddingRequest.self, from: Data(buffer: body))
        } catch {
            return Self.openAIError(.badRequest, "Could not parse the JSON body: \(WireJSON.describe(error))", code: nil)
        }
        let dims = parsed.dimensions ?? 256
        let texts = parsed.input.texts
        var items: [EmbeddingResponse.Item] = []
        var tokens = 0
        for (i, t) in texts.enumerated() {
            let v = HashingEmbedder.embed(t, dimensions: dims)
            tokens += TokenEstimate.tokens(t)
            if parsed.encodingFormat == "base64" {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(v.count * 4)
                for f in v { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
                items.append(.init(index: i, embedding: .base64(Data(bytes).base64EncodedString())))
            } else {
                items.append(.init(index: i, embedding: .floats(v)))
            }
        }
        let response = EmbeddingResponse(data: items, model: parsed.model, usage: .init(promptTokens: tokens, totalTokens: tokens))
        calls.withLock {
            $0.append(MockCall(provider: "openai", path: "/v1/embeddings", keyFingerprint: Self.fingerprint(String(auth.dropFirst(7))), status: 200))
            if $0.count > Self.keptCalls { $0.removeFirst($0.count - Self.keptCalls) }
        }
        return Self.bytesResponse(status: .ok, contentType: "application/json", WireJSON.encode(response), requestID: "-")
    }
}

extension MockProviderServer {
    static func json(status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func bytesResponse(status: HTTPResponse.Status, contentType: String, _ bytes: [UInt8], requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[HTTPField.Name("x-request-id")!] = requestID
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
