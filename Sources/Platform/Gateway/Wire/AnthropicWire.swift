import Base
import Foundation

// Anthropic's Messages API wire format (`POST /v1/messages`).

/// A content block in a message (text, tool use, tool result; others pass through as JSON).
public struct AnthropicContentBlock: Codable, Hashable, Sendable {
    public var type: String
    public var text: String?
    public var id: String?
    public var name: String?
    public var input: JSONValue?
    public var toolUseID: String?
    public var content: JSONValue?

    public init(text: String) { self.type = "text"; self.text = text }
    public init(toolUseID id: String, name: String, input: JSONValue) {
        self.type = "tool_use"; self.id = id; self.name = name; self.input = input
    }
    public init(toolResultFor id: String, content: String) {
        self.type = "tool_result"; self.toolUseID = id; self.content = .string(content)
    }

    enum CodingKeys: String, CodingKey { case type, text, id, name, input, content, toolUseID = "tool_use_id" }
}

/// A message's content: a string or a list of blocks.
public enum AnthropicContent: Codable, Hashable, Sendable {
    case text(String)
    case blocks([AnthropicContentBlock])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .text(s) } else { self = .blocks(try c.decode([AnthropicContentBlock].self)) }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self { case .text(let s): try c.encode(s); case .blocks(let b): try c.encode(b) }
    }
    public var text: String {
        switch self {
        case .text(let s): return s
        case .blocks(let b): return b.compactMap(\.text).joined(separator: "\n")
        }
    }
}

public struct AnthropicMessageParam: Codable, Hashable, Sendable {
    public var role: String
    public var content: AnthropicContent
    public init(role: String, content: AnthropicContent) { self.role = role; self.content = content }
}

public struct AnthropicTool: Codable, Hashable, Sendable {
    public var name: String
    public var description: String?
    public var inputSchema: JSONValue
    public init(name: String, description: String?, inputSchema: JSONValue) {
        self.name = name; self.description = description; self.inputSchema = inputSchema
    }
    enum CodingKeys: String, CodingKey { case name, description, inputSchema = "input_schema" }
}

/// `POST /v1/messages` request body.
public struct AnthropicRequest: Codable, Hashable, Sendable {
    public var model: String
    public var maxTokens: Int
    public var messages: [AnthropicMessageParam]
    public var system: String?
    public var stopSequences: [String]?
    public var temperature: Double?
    public var topP: Double?
    public var stream: Bool?
    public var tools: [AnthropicTool]?
    public var metadata: JSONValue?

    public init(model: String, maxTokens: Int, messages: [AnthropicMessageParam], system: String? = nil) {
        self.model = model; self.maxTokens = maxTokens; self.messages = messages; self.system = system
    }
    enum CodingKeys: String, CodingKey {
        case model, messages, system, temperature, stream, tools, metadata
        case maxTokens = "max_tokens", stopSequences = "stop_sequences", topP = "top_p"
    }
}

/// Usage as Anthropic reports it; cache fields appear when prompt caching is used.
public struct AnthropicUsage: Codable, Hashable, Sendable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cacheCreationInputTokens: Int?
    public var cacheReadInputTokens: Int?
    public init(inputTokens: Int?, outputTokens: Int?) { self.inputTokens = inputTokens; self.outputTokens = outputTokens }
    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens", cacheReadInputTokens = "cache_read_input_tokens"
    }
    /// Every input token billed: fresh, cache writes and cache reads.
    public var promptTokensTotal: Int { (inputTokens ?? 0) + (cacheCreationInputTokens ?? 0) + (cacheReadInputTokens ?? 0) }
}

/// A response message (`type: "message"`).
public struct AnthropicMessage: Codable, Hashable, Sendable {
    public var id: String
    public var type: String = "message"
    public var role: String = "assistant"
    public var model: String
    public var content: [AnthropicContentBlock]
    public var stopReason: String?
    public var stopSequence: String?
    public var usage: AnthropicUsage

    public init(id: String, model: String, content: [AnthropicContentBlock], stopReason: String?, usage: AnthropicUsage) {
        self.id = id; self.model = model; self.content = content; self.stopReason = stopReason; self.usage = usage
    }
    enum CodingKeys: String, CodingKey {
        case id, type, role, model, content, usage
        case stopReason = "stop_reason", stopSequence = "stop_sequence"
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(type, forKey: .type); try c.encode(role, forKey: .role)
        try c.encode(model, forKey: .model); try c.encode(content, forKey: .content)
        try c.encode(stopReason, forKey: .stopReason); try c.encode(stopSequence, forKey: .stopSequence)
        try c.encode(usage, forKey: .usage)
    }
}

/// One event of a Messages stream. The `type` field names the event; `event:` lines carry the same name.
public struct AnthropicStreamEvent: Codable, Hashable, Sendable {
    public struct Delta: Codable, Hashable, Sendable {
        public var type: String?
        public var text: String?
        public var partialJSON: String?
        public var stopReason: String?
        public var stopSequence: String?
        public init(type: String? = nil, text: String? = nil, stopReason: String? = nil) {
            self.type = type; self.text = text; self.stopReason = stopReason
        }
        enum CodingKeys: String, CodingKey {
            case type, text, partialJSON = "partial_json", stopReason = "stop_reason", stopSequence = "stop_sequence"
        }
    }
    public var type: String
    public var message: AnthropicMessage?
    public var index: Int?
    public var contentBlock: AnthropicContentBlock?
    public var delta: Delta?
    public var usage: AnthropicUsage?
    public var error: AnthropicErrorBody.Detail?

    public init(type: String) { self.type = type }
    enum CodingKeys: String, CodingKey { case type, message, index, delta, usage, error, contentBlock = "content_block" }
}

/// Anthropic's error body: `{"type":"error","error":{"type","message"}}`.
public struct AnthropicErrorBody: Codable, Hashable, Sendable {
    public struct Detail: Codable, Hashable, Sendable {
        public var type: String
        public var message: String
        public init(type: String, message: String) { self.type = type; self.message = message }
    }
    public var type: String = "error"
    public var error: Detail
    public init(error: Detail) { self.error = error }
}
