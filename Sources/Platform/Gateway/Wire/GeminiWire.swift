import Base
import Foundation

// Google Gemini's generateContent wire format
// (`POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`).

public struct GeminiPart: Codable, Hashable, Sendable {
    public var text: String?
    public var functionCall: JSONValue?
    public var functionResponse: JSONValue?
    public init(text: String) { self.text = text }
    public init(functionCall: JSONValue) { self.functionCall = functionCall }
    public init(functionResponse: JSONValue) { self.functionResponse = functionResponse }
}

public struct GeminiContent: Codable, Hashable, Sendable {
    public var role: String?
    public var parts: [GeminiPart]
    public init(role: String?, parts: [GeminiPart]) { self.role = role; self.parts = parts }
    public var text: String { parts.compactMap(\.text).joined() }
}

public struct GeminiGenerationConfig: Codable, Hashable, Sendable {
    public var temperature: Double?
    public var topP: Double?
    public var maxOutputTokens: Int?
    public var stopSequences: [String]?
    public var responseMimeType: String?
    public init() {}
}

/// `generateContent` request body. The model travels in the URL path, not here.
public struct GeminiRequest: Codable, Hashable, Sendable {
    public var contents: [GeminiContent]
    public var systemInstruction: GeminiContent?
    public var generationConfig: GeminiGenerationConfig?
    public var tools: [JSONValue]?
    public init(contents: [GeminiContent]) { self.contents = contents }
}

public struct GeminiUsage: Codable, Hashable, Sendable {
    public var promptTokenCount: Int?
    public var candidatesTokenCount: Int?
    public var totalTokenCount: Int?
    public var cachedContentTokenCount: Int?
    public var thoughtsTokenCount: Int?
    public init(promptTokenCount: Int, candidatesTokenCount: Int) {
        self.promptTokenCount = promptTokenCount; self.candidatesTokenCount = candidatesTokenCount
        self.totalTokenCount = promptTokenCount + candidatesTokenCount
    }
    /// Output tokens billed: candidates plus any "thinking" tokens.
    public var outputTokensTotal: Int { (candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0) }
}

public struct GeminiCandidate: Codable, Hashable, Sendable {
    public var content: GeminiContent?
    public var finishReason: String?
    public var index: Int?
    public init(content: GeminiContent?, finishReason: String?, index: Int = 0) {
        self.content = content; self.finishReason = finishReason; self.index = index
    }
}

/// A `GenerateContentResponse`: a whole answer, or one chunk of a stream.
public struct GeminiResponse: Codable, Hashable, Sendable {
    public var candidates: [GeminiCandidate]?
    public var usageMetadata: GeminiUsage?
    public var modelVersion: String?
    public var responseId: String?
    public init(candidates: [GeminiCandidate], usageMetadata: GeminiUsage?, modelVersion: String?, responseId: String?) {
        self.candidates = candidates; self.usageMetadata = usageMetadata; self.modelVersion = modelVersion; self.responseId = responseId
    }
}

/// Google's error body: `{"error":{"code","message","status"}}`.
public struct GeminiErrorBody: Codable, Hashable, Sendable {
    public struct Detail: Codable, Hashable, Sendable {
        public var code: Int
        public var message: String
        public var status: String
        public init(code: Int, message: String, status: String) { self.code = code; self.message = message; self.status = status }
    }
    public var error: Detail
    public init(error: Detail) { self.error = error }
}
