import Base

/// What the gateway answers a client: status, headers and body, decided by the node and
/// written out by the driver (Hummingbird live; the Lab reads the value).
///
/// The body stays typed, and the headers unmade, until a driver needs them
/// (``encodedBody()``, ``headers``), so the Lab, which rarely writes an answer out, does
/// not pay for them.
public struct Reply: Hashable, Sendable {
    public enum Body: Hashable, Sendable {
        /// A `chat.completion`.
        case completion(ChatCompletion)
        /// JSON bytes as they go out (an OpenAI-compatible provider's own body, passed through).
        case json([UInt8])
        /// An OpenAI-style error body.
        case error(GatewayError)
        /// A whole stream at once (`text/event-stream`): the chunks, then `data: [DONE]`.
        case events([ChatCompletionChunk])
        /// A `GET /v1/models` list.
        case models(OpenAIModelList)
    }

    public var status: Int
    public var body: Body
    /// The call's id, sent as `x-request-id`.
    public var requestID: String
    /// Headers beyond those the body implies (rate limits).
    public var extraHeaders: [HTTPHeader]

    /// The header that carries the gateway's id for the call.
    public static let requestIDHeader = "x-request-id"

    /// An answer of `body` with the call's id and `extra` headers (rate limits); an error's
    /// status is its own, anything else's 200.
    public init(_ body: Body, requestID: String, extra: [HTTPHeader] = []) {
        self.body = body
        self.requestID = requestID
        self.extraHeaders = extra
        if case .error(let e) = body { status = e.status } else { status = 200 }
    }

    /// Every header of the answer: its content type, the call's id, `retry-after` for an
    /// error that has one, `cache-control: no-cache` for a stream, then the extra ones.
    /// (Made on demand: the Lab rarely writes an answer out.)
    public var headers: [HTTPHeader] {
        var headers = [HTTPHeader("content-type", body.contentType), HTTPHeader(Self.requestIDHeader, requestID)]
        if case .error(let e) = body, let s = e.retryAfterSeconds { headers.append(HTTPHeader("retry-after", String(s))) }
        if case .events = body { headers.append(HTTPHeader("cache-control", "no-cache")) }
        return headers + extraHeaders
    }

    /// An error answer.
    public static func error(_ e: GatewayError, requestID: String, extra: [HTTPHeader] = []) -> Reply {
        Reply(.error(e), requestID: requestID, extra: extra)
    }

    /// The body's bytes.
    public func encodedBody() -> [UInt8] {
        switch body {
        case .completion(let c): return WireJSON.encode(c)
        case .json(let bytes): return bytes
        case .error(let e): return WireJSON.encode(e.body)
        case .events(let chunks): return Self.sse(chunks) + Self.done
        case .models(let list): return WireJSON.encode(list)
        }
    }

    /// The assistant's text of a successful completion (the platform's own calls read it).
    public func completionText() throws -> String {
        switch body {
        case .completion(let c): return c.choices.first?.message.content ?? ""
        case .json(let bytes): return try WireJSON.decode(ChatCompletion.self, from: bytes).choices.first?.message.content ?? ""
        case .error(let e): throw e
        case .events, .models: throw GatewayError(.upstreamBadResponse, status: 502, message: "the answer is not a completion")
        }
    }

    // MARK: Server-sent events

    /// Chunks as SSE `data:` events.
    public static func sse(_ chunks: [ChatCompletionChunk]) -> [UInt8] {
        var out: [UInt8] = []
        for c in chunks { out += event(WireJSON.encode(c)) }
        return out
    }

    /// An error as the last SSE event of a stream that had begun.
    public static func sseError(_ e: GatewayError) -> [UInt8] { event(WireJSON.encode(e.body)) }

    /// The end of an OpenAI stream.
    public static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    static func event(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("data: ".utf8)
        out.reserveCapacity(json.count + 8)
        out += json
        out += [0x0A, 0x0A]
        return out
    }
}

extension Reply.Body {
    /// The `content-type` of the body.
    public var contentType: String {
        if case .events = self { return "text/event-stream" }
        return "application/json"
    }
}

/// OpenAI's `GET /v1/models` answer.
public struct OpenAIModelList: Codable, Hashable, Sendable {
    public var object = "list"
    public var data: [OpenAIModel]

    public init(data: [OpenAIModel]) { self.data = data }
}

public struct OpenAIModel: Codable, Hashable, Sendable {
    public var id: String
    public var object = "model"
    public var created: Int
    public var ownedBy: String

    public init(id: String, created: Int, ownedBy: String) { self.id = id; self.created = created; self.ownedBy = ownedBy }

    enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
}
