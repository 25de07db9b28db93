import Base
/// One HTTP header.
public struct HTTPHeader: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }

    /// Header names compare ASCII case-insensitively (RFC 9110 §5.1).
    public static func namesMatch(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
        }
    }
}

extension Array where Element == HTTPHeader {
    /// The first value of a header, compared case-insensitively.
    public func value(_ name: String) -> String? {
        if let exact = first(where: { $0.name == name }) { return exact.value }  // the common case: both lowercase
        return first { HTTPHeader.namesMatch($0.name, name) }?.value
    }
}

/// A request body in a provider's native format.
public enum ProviderPayload: Hashable, Sendable {
    /// OpenAI and Groq: the chat-completions body with the upstream model name.
    case openAI(ChatCompletionRequest)
    case anthropic(AnthropicRequest)
    case gemini(GeminiRequest)
    /// OpenAI's `/v1/embeddings`.
    case openAIEmbeddings(EmbeddingsRequest)
    /// Gemini's `:batchEmbedContents`.
    case geminiEmbeddings(GeminiBatchEmbedRequest)

    public func encoded() -> [UInt8] {
        switch self {
        case .openAI(let r): return WireJSON.encode(r)
        case .anthropic(let r): return WireJSON.encode(r)
        case .gemini(let r): return WireJSON.encode(r)
        case .openAIEmbeddings(let r): return WireJSON.encode(r)
        case .geminiEmbeddings(let r): return WireJSON.encode(r)
        }
    }
}

/// A call the gateway wants made to a provider: where, with which headers, what body.
///
/// This is the provider-transport seam. The live driver sends it over HTTP; the Lab hands
/// it to a mock provider on virtual time. The payload is typed; ``encodedBody()`` gives
/// the exact bytes that go on the wire.
public struct UpstreamRequest: Hashable, Sendable {
    public var provider: ProviderKind
    public var endpoint: Endpoint
    /// Path below the endpoint's base path, with any query string.
    public var path: String
    public var headers: [HTTPHeader]
    public var payload: ProviderPayload
    public var stream: Bool
    /// The exact body to send when it is not `payload` encoded: the client's own body
    /// with only the model replaced, for OpenAI-compatible providers (see
    /// ``GatewayCore/admit(_:body:authorization:requestID:now:)``). Same meaning as
    /// `payload`, plus any fields the gateway does not model.
    public var rawBody: [UInt8]?

    public var method: String { "POST" }
    public var url: String { endpoint.url(path: path) }
    public func encodedBody() -> [UInt8] { rawBody ?? payload.encoded() }
}

/// A native stream event of any provider.
public enum NativeStreamEvent: Hashable, Sendable {
    case openAI(ChatCompletionChunk)
    case anthropic(AnthropicStreamEvent)
    case gemini(GeminiResponse)
}

/// A provider's error body in its own shape.
public enum NativeErrorBody: Hashable, Sendable {
    case openAI(OpenAIErrorBody)
    case anthropic(AnthropicErrorBody)
    case gemini(GeminiErrorBody)

    public var message: String {
        switch self {
        case .openAI(let e): return e.error.message
        case .anthropic(let e): return e.error.message
        case .gemini(let e): return e.error.message
        }
    }
}

/// A provider's answer in its native format, already decoded.
public enum ProviderReply: Hashable, Sendable {
    case openAI(ChatCompletion)
    case anthropic(AnthropicMessage)
    case gemini(GeminiResponse)
    case stream([NativeStreamEvent])
    case error(NativeErrorBody)
}

/// What came back from a provider.
public struct UpstreamResponse: Hashable, Sendable {
    public enum Body: Hashable, Sendable {
        /// Raw bytes as received (JSON, or an SSE stream).
        case bytes([UInt8])
        /// An already-typed reply (the Lab's fast path skips the JSON round trip).
        case reply(ProviderReply)
    }
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: Body
    /// Time from sending the request to the first byte of the body (streams: first token).
    public var timeToFirstByte: Nanoseconds?

    public init(status: Int, headers: [HTTPHeader] = [], body: Body, timeToFirstByte: Nanoseconds? = nil) {
        self.status = status; self.headers = headers; self.body = body; self.timeToFirstByte = timeToFirstByte
    }
}

/// Failures below HTTP: nothing, or nothing usable, came back.
public enum TransportFailure: Error, Hashable, Sendable, CustomStringConvertible {
    case timeout(after: Nanoseconds)
    case connection(String)
    /// The transport refused the URL before connecting (egress allowlist).
    case egressDenied(String)

    public var description: String {
        switch self {
        case .timeout(let after): return "no answer within \(after)"
        case .connection(let why): return why
        case .egressDenied(let why): return "refused before connecting: \(why)"
        }
    }
}

/// The outcome of one upstream call as the transport reports it.
public enum UpstreamResult: Hashable, Sendable {
    case response(UpstreamResponse)
    case failure(TransportFailure)
}
