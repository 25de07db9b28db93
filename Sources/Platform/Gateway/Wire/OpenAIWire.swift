import Base
import Foundation

// OpenAI's chat-completions wire format: the gateway's own API and the native format
// of the OpenAI and Groq providers. Field names follow the API reference; see
// ../shared/providers/WIRE_FORMATS.md for the samples these types are tested against.

/// A message's content: a plain string, or a list of typed parts.
public enum ChatContent: Codable, Hashable, Sendable {
    case text(String)
    case parts([ChatContentPart])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .text(s); return }
        self = .parts(try c.decode([ChatContentPart].self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .parts(let p): try c.encode(p)
        }
    }

    /// The text of the content: the string, or the text parts joined by newlines.
    public var text: String {
        switch self {
        case .text(let s): return s
        case .parts(let parts): return parts.compactMap(\.text).joined(separator: "\n")
        }
    }
}

/// One part of a multi-part message; only text parts are interpreted, others pass through.
public struct ChatContentPart: Codable, Hashable, Sendable {
    public var type: String
    public var text: String?
    public var imageURL: JSONValue?

    public init(type: String = "text", text: String?) { self.type = type; self.text = text }

    enum CodingKeys: String, CodingKey { case type, text, imageURL = "image_url" }
}

/// A tool call made by the assistant.
public struct ToolCall: Codable, Hashable, Sendable {
    public struct Function: Codable, Hashable, Sendable {
        public var name: String
        public var arguments: String
        public init(name: String, arguments: String) { self.name = name; self.arguments = arguments }
    }
    public var id: String
    public var type: String
    public var function: Function
    public init(id: String, type: String = "function", function: Function) {
        self.id = id; self.type = type; self.function = function
    }
}

/// One message of a conversation.
public struct ChatMessage: Codable, Hashable, Sendable {
    public var role: String
    public var content: ChatContent?
    public var name: String?
    public var toolCalls: [ToolCall]?
    public var toolCallID: String?

    public init(role: String, content: String?, name: String? = nil) {
        self.role = role
        self.content = content.map(ChatContent.text)
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }

    public var text: String { content?.text ?? "" }
}

/// `stop`: a string or a list of strings.
public enum StopSequences: Codable, Hashable, Sendable {
    case one(String)
    case many([String])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .one(s) } else { self = .many(try c.decode([String].self)) }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .one(let s): try c.encode(s)
        case .many(let m): try c.encode(m)
        }
    }
    public var list: [String] {
        switch self { case .one(let s): return [s]; case .many(let m): return m }
    }
}

/// `stream_options`.
public struct StreamOptions: Codable, Hashable, Sendable {
    public var includeUsage: Bool?
    public init(includeUsage: Bool?) { self.includeUsage = includeUsage }
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// `POST /v1/chat/completions` request body.
public struct ChatCompletionRequest: Codable, Hashable, Sendable {
    public var model: String
    public var messages: [ChatMessage]
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var stop: StopSequences?
    public var tools: JSONValue?
    public var toolChoice: JSONValue?
    public var responseFormat: JSONValue?
    public var user: String?
    public var seed: Int?
    public var n: Int?

    public init(model: String, messages: [ChatMessage], stream: Bool? = nil, temperature: Double? = nil,
                maxTokens: Int? = nil, stop: StopSequences? = nil, user: String? = nil) {
        self.model = model; self.messages = messages; self.stream = stream
        self.temperature = temperature; self.maxTokens = maxTokens; self.stop = stop; self.user = user
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature, stop, tools, user, seed, n
        case streamOptions = "stream_options"
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case toolChoice = "tool_choice"
        case responseFormat = "response_format"
    }

    /// Whether the caller asked for a stream.
    public var isStream: Bool { stream ?? false }

    /// The output limit, whichever of the two spellings the caller used.
    public var outputTokenLimit: Int? { maxCompletionTokens ?? maxTokens }
}

/// Token usage as OpenAI reports it.
public struct ChatUsage: Codable, Hashable, Sendable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.totalTokens = promptTokens + completionTokens
    }
    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }
}

/// The assistant message in a response.
public struct AssistantMessage: Codable, Hashable, Sendable {
    public var role: String = "assistant"
    public var content: String?
    public var toolCalls: [ToolCall]?

    public init(content: String?, toolCalls: [ToolCall]? = nil) { self.content = content; self.toolCalls = toolCalls }

    enum CodingKeys: String, CodingKey { case role, content, toolCalls = "tool_calls" }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encode(content, forKey: .content)  // explicit null when absent, as OpenAI sends
        try c.encodeIfPresent(toolCalls, forKey: .toolCalls)
    }
}

/// One choice of a non-streamed response.
public struct ChatChoice: Codable, Hashable, Sendable {
    public var index: Int
    public var message: AssistantMessage
    public var finishReason: String?

    public init(index: Int, message: AssistantMessage, finishReason: String?) {
        self.index = index; self.message = message; self.finishReason = finishReason
    }
    enum CodingKeys: String, CodingKey { case index, message, logprobs, finishReason = "finish_reason" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decodeIfPresent(Int.self, forKey: .index) ?? 0
        message = try c.decode(AssistantMessage.self, forKey: .message)
        finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(message, forKey: .message)
        try c.encodeNil(forKey: .logprobs)
        try c.encode(finishReason, forKey: .finishReason)
    }
}

/// Groq's `x_groq` extension object.
public struct GroqExtension: Codable, Hashable, Sendable {
    public var id: String
    public var usage: ChatUsage?
    public init(id: String, usage: ChatUsage? = nil) { self.id = id; self.usage = usage }
}

/// A non-streamed chat completion (`object: "chat.completion"`).
public struct ChatCompletion: Codable, Hashable, Sendable {
    public var id: String
    public var object: String = "chat.completion"
    public var created: Int64
    public var model: String
    public var choices: [ChatChoice]
    public var usage: ChatUsage?
    public var xGroq: GroqExtension?

    public init(id: String, created: Int64, model: String, choices: [ChatChoice], usage: ChatUsage?, xGroq: GroqExtension? = nil) {
        self.id = id; self.created = created; self.model = model; self.choices = choices; self.usage = usage; self.xGroq = xGroq
    }
    enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage, xGroq = "x_groq" }
}

/// The delta of a streamed choice.
public struct ChatDelta: Codable, Hashable, Sendable {
    public var role: String?
    public var content: String?
    public var toolCalls: [JSONValue]?
    public init(role: String? = nil, content: String? = nil) { self.role = role; self.content = content }
    enum CodingKeys: String, CodingKey { case role, content, toolCalls = "tool_calls" }
}

/// One choice of a stream chunk.
public struct ChatChunkChoice: Codable, Hashable, Sendable {
    public var index: Int
    public var delta: ChatDelta
    public var finishReason: String?
    public init(index: Int = 0, delta: ChatDelta, finishReason: String?) {
        self.index = index; self.delta = delta; self.finishReason = finishReason
    }
    enum CodingKeys: String, CodingKey { case index, delta, finishReason = "finish_reason" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decodeIfPresent(Int.self, forKey: .index) ?? 0
        delta = try c.decodeIfPresent(ChatDelta.self, forKey: .delta) ?? ChatDelta()
        finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(delta, forKey: .delta)
        try c.encode(finishReason, forKey: .finishReason)
    }
}

/// A stream chunk (`object: "chat.completion.chunk"`).
public struct ChatCompletionChunk: Codable, Hashable, Sendable {
    public var id: String
    public var object: String = "chat.completion.chunk"
    public var created: Int64
    public var model: String
    public var choices: [ChatChunkChoice]
    public var usage: ChatUsage?
    public var xGroq: GroqExtension?

    public init(id: String, created: Int64, model: String, choices: [ChatChunkChoice], usage: ChatUsage? = nil, xGroq: GroqExtension? = nil) {
        self.id = id; self.created = created; self.model = model; self.choices = choices; self.usage = usage; self.xGroq = xGroq
    }
    enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage, xGroq = "x_groq" }
}

/// OpenAI's error body: `{"error":{"message","type","param","code"}}` (Groq uses it too).
public struct OpenAIErrorBody: Codable, Hashable, Sendable {
    public struct Detail: Codable, Hashable, Sendable {
        public var message: String
        public var type: String
        public var param: String?
        public var code: String?
        public init(message: String, type: String, param: String? = nil, code: String?) {
            self.message = message; self.type = type; self.param = param; self.code = code
        }
        enum CodingKeys: String, CodingKey { case message, type, param, code }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(message, forKey: .message)
            try c.encode(type, forKey: .type)
            try c.encode(param, forKey: .param)
            try c.encode(code, forKey: .code)
        }
    }
    public var error: Detail
    public init(error: Detail) { self.error = error }
}
