import Base
/// OpenAI's `POST /v1/embeddings` body.
public struct EmbeddingsRequest: Codable, Hashable, Sendable {
    public var model: String
    public var input: [String]
    /// Shortened embeddings (text-embedding-3 models).
    public var dimensions: Int?
    public var encodingFormat: String?

    enum CodingKeys: String, CodingKey { case model, input, dimensions, encodingFormat = "encoding_format" }

    public init(model: String, input: [String], dimensions: Int?) {
        self.model = model; self.input = input; self.dimensions = dimensions; self.encodingFormat = "float"
    }
}

/// OpenAI's embeddings answer: one vector per input, by `index`, and the tokens billed.
public struct EmbeddingsResponse: Codable, Hashable, Sendable {
    public struct Item: Codable, Hashable, Sendable {
        public var index: Int
        public var embedding: [Float]
        public init(index: Int, embedding: [Float]) { self.index = index; self.embedding = embedding }
    }
    public struct Usage: Codable, Hashable, Sendable {
        public var promptTokens: Int
        public var totalTokens: Int?
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", totalTokens = "total_tokens" }
        public init(promptTokens: Int) { self.promptTokens = promptTokens; self.totalTokens = promptTokens }
    }
    public var object: String?
    public var data: [Item]
    public var model: String?
    public var usage: Usage?

    public init(data: [Item], model: String, usage: Usage) {
        self.object = "list"; self.data = data; self.model = model; self.usage = usage
    }
}

/// Gemini's `POST /v1beta/models/{model}:batchEmbedContents` body.
public struct GeminiBatchEmbedRequest: Codable, Hashable, Sendable {
    public struct Item: Codable, Hashable, Sendable {
        /// `models/{model}`, the same model as the path's.
        public var model: String
        public var content: GeminiContent
        /// `RETRIEVAL_DOCUMENT` for passages, `RETRIEVAL_QUERY` for questions.
        public var taskType: String?
        public var outputDimensionality: Int?
        public init(model: String, content: GeminiContent, taskType: String?, outputDimensionality: Int?) {
            self.model = model; self.content = content; self.taskType = taskType; self.outputDimensionality = outputDimensionality
        }
    }
    public var requests: [Item]
    public init(requests: [Item]) { self.requests = requests }
}

/// Gemini's batch answer: the vectors in request order (no token counts).
public struct GeminiBatchEmbedResponse: Codable, Hashable, Sendable {
    public struct Embedding: Codable, Hashable, Sendable {
        public var values: [Float]
        public init(values: [Float]) { self.values = values }
    }
    public var embeddings: [Embedding]
    public init(embeddings: [Embedding]) { self.embeddings = embeddings }
}
