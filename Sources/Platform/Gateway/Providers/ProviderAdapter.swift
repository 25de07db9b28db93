import Base
import Foundation

/// A provider's answer reduced to what the gateway needs, whatever the provider.
public struct NormalizedReply: Hashable, Sendable {
    public var content: String?
    public var toolCalls: [ToolCall]?
    /// OpenAI's vocabulary: `stop`, `length`, `tool_calls`, `content_filter`.
    public var finishReason: String
    public var usage: ChatUsage?
    public init(content: String?, toolCalls: [ToolCall]? = nil, finishReason: String, usage: ChatUsage?) {
        self.content = content; self.toolCalls = toolCalls; self.finishReason = finishReason; self.usage = usage
    }
}

/// A piece of a translated stream, in provider-neutral form.
public enum StreamPiece: Hashable, Sendable {
    case text(String)
    /// A tool-call delta in OpenAI's shape (`{"index","id","type","function":{...}}`).
    case toolCall(JSONValue)
    case finish(String)
    case usage(ChatUsage)
    /// The provider reported an error inside the stream.
    case failure(String)
}

/// A provider error reduced to status, message and retry hint.
public struct ProviderFailure: Hashable, Sendable {
    public var status: Int
    public var message: String
    public var retryAfter: Nanoseconds?
}

/// Translates between the gateway's OpenAI-shaped API and each provider's native API.
///
/// Pure functions, no I/O: the live driver and the Lab call the same code. One file per
/// provider holds its translations (`ProviderAdapter+Anthropic.swift`, …).
public enum ProviderAdapter {
    /// The default output limit sent to providers that require one (Anthropic).
    public static let defaultMaxTokens = 4096

    /// Builds the native request for a tenant's account and the alias's upstream model.
    public static func makeRequest(_ request: ChatCompletionRequest, model: String, account: ProviderAccount) -> UpstreamRequest {
        switch account.provider {
        case .openai, .groq: return openAIRequest(request, model: model, account: account)
        case .anthropic: return anthropicRequest(request, model: model, account: account)
        case .gemini: return geminiRequest(request, model: model, account: account)
        }
    }

    /// Decodes raw response bytes into a typed reply.
    public static func decode(provider: ProviderKind, status: Int, body: [UInt8], stream: Bool) throws -> ProviderReply {
        if status >= 400 { return .error(try decodeError(provider: provider, body: body)) }
        if stream {
            var parser = SSEParser()
            var events = parser.feed(body)
            if let last = parser.finish() { events.append(last) }
            return .stream(try events.compactMap { try decodeStreamEvent(provider: provider, $0) })
        }
        switch provider {
        case .openai, .groq: return .openAI(try WireJSON.decode(ChatCompletion.self, from: body))
        case .anthropic: return .anthropic(try WireJSON.decode(AnthropicMessage.self, from: body))
        case .gemini: return .gemini(try WireJSON.decode(GeminiResponse.self, from: body))
        }
    }

    /// Decodes one SSE event of a provider's stream; `nil` for events that carry nothing
    /// (`[DONE]`, Anthropic's `ping`).
    public static func decodeStreamEvent(provider: ProviderKind, _ e: SSEEvent) throws -> NativeStreamEvent? {
        let bytes = Array(e.data.utf8)
        switch provider {
        case .openai, .groq:
            if e.data == "[DONE]" { return nil }
            return .openAI(try WireJSON.decode(ChatCompletionChunk.self, from: bytes))
        case .anthropic:
            let event = try WireJSON.decode(AnthropicStreamEvent.self, from: bytes)
            return event.type == "ping" ? nil : .anthropic(event)
        case .gemini:
            return .gemini(try WireJSON.decode(GeminiResponse.self, from: bytes))
        }
    }

    static func decodeError(provider: ProviderKind, body: [UInt8]) throws -> NativeErrorBody {
        switch provider {
        case .openai, .groq: return .openAI(try WireJSON.decode(OpenAIErrorBody.self, from: body))
        case .anthropic: return .anthropic(try WireJSON.decode(AnthropicErrorBody.self, from: body))
        case .gemini: return .gemini(try WireJSON.decode(GeminiErrorBody.self, from: body))
        }
    }

    /// Reduces a successful, non-streamed reply.
    public static func normalize(_ reply: ProviderReply) -> NormalizedReply? {
        switch reply {
        case .openAI(let c): return normalizeOpenAI(c)
        case .anthropic(let m): return normalizeAnthropic(m)
        case .gemini(let g): return normalizeGemini(g)
        case .stream, .error: return nil
        }
    }

    /// A stateful translator from native stream events to ``StreamPiece``s.
    public struct StreamTranslator: Sendable {
        public let provider: ProviderKind
        var anthropicInput = 0
        var anthropicOutput = 0
        var anthropicSawUsage = false
        var geminiUsage: GeminiUsage?
        var geminiFinish: String?
        var toolIndex = -1

        public init(provider: ProviderKind) { self.provider = provider }

        public mutating func translate(_ event: NativeStreamEvent) -> [StreamPiece] {
            switch event {
            case .openAI(let chunk): return ProviderAdapter.openAIPieces(chunk)
            case .anthropic(let e): return ProviderAdapter.anthropicPieces(e, state: &self)
            case .gemini(let g): return ProviderAdapter.geminiPieces(g, state: &self)
            }
        }

        /// Called when the stream ends; returns any pieces held back until the end.
        public mutating func finish() -> [StreamPiece] {
            var out: [StreamPiece] = []
            if provider == .gemini {
                if let f = geminiFinish { out.append(.finish(f)) }
                if let u = geminiUsage { out.append(.usage(ChatUsage(promptTokens: u.promptTokenCount ?? 0, completionTokens: u.outputTokensTotal))) }
                geminiFinish = nil; geminiUsage = nil
            }
            return out
        }
    }

    /// Maps a provider's error status to the gateway's error.
    public static func gatewayError(provider: ProviderKind, status: Int, message: String, retryAfter: Nanoseconds?) -> GatewayError {
        let who = provider.displayName
        switch status {
        case 429: return GatewayError(.rateLimited, status: 429, message: "\(who) rate limit: \(message)", retryAfter: retryAfter)
        case 401, 403: return GatewayError(.upstreamAuth, status: 502, message: "\(who) rejected the tenant's provider key (\(status)): \(message)")
        case 400, 404, 409, 413, 422: return GatewayError(.upstreamRejected, status: 400, message: "\(who) rejected the request (\(status)): \(message)")
        case 503, 529: return GatewayError(.unavailable, status: 503, message: "\(who) is unavailable (\(status)): \(message)")
        case 504: return GatewayError(.timeout, status: 504, message: "\(who) timed out (\(status)): \(message)")
        case 502: return GatewayError(.serverError, status: 502, message: "\(who) returned \(status): \(message)")
        default: return GatewayError(.serverError, status: 500, message: "\(who) returned \(status): \(message)")
        }
    }

    /// Parses `retry-after` (seconds, possibly fractional); HTTP dates are not honoured.
    public static func retryAfter(_ headers: [HTTPHeader]) -> Nanoseconds? {
        if let ms = headers.value("retry-after-ms"), let v = Double(ms), v >= 0 { return .fromSeconds(v / 1000) }
        if let s = headers.value("retry-after"), let v = Double(s), v >= 0 { return .fromSeconds(v) }
        return nil
    }
}
