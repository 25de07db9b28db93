import Base
/// Embeddings through a tenant's provider: OpenAI's `/v1/embeddings` and Gemini's
/// `batchEmbedContents`. Anthropic and Groq have no embeddings API.
extension ProviderAdapter {
    /// The most texts one call embeds: Gemini takes 100 requests a batch; OpenAI takes 2,048
    /// inputs, and smaller batches keep one failure cheap.
    public static func embeddingBatchLimit(_ provider: ProviderKind) -> Int { provider == .gemini ? 100 : 256 }

    /// Whether the provider has an embeddings API the gateway speaks.
    public static func embeds(_ provider: ProviderKind) -> Bool { provider == .openai || provider == .gemini }

    /// The call that embeds `texts` (passages, or a question with `query`) with `model`,
    /// asking for `dimensions`-long vectors; `nil` for providers without embeddings.
    public static func makeEmbeddingsRequest(_ texts: [String], query: Bool, dimensions: Int?, model: String,
                                             account: ProviderAccount) -> UpstreamRequest? {
        switch account.provider {
        case .openai:
            return UpstreamRequest(
                provider: .openai, endpoint: account.endpoint, path: "/embeddings",
                headers: [HTTPHeader("Authorization", "Bearer " + account.apiKey.reveal()), HTTPHeader("Content-Type", "application/json")],
                payload: .openAIEmbeddings(EmbeddingsRequest(model: model, input: texts, dimensions: dimensions)), stream: false)
        case .gemini:
            let items = texts.map {
                GeminiBatchEmbedRequest.Item(model: "models/" + model, content: GeminiContent(role: nil, parts: [GeminiPart(text: $0)]),
                                             taskType: query ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT", outputDimensionality: dimensions)
            }
            return UpstreamRequest(
                provider: .gemini, endpoint: account.endpoint, path: "/v1beta/models/\(model):batchEmbedContents",
                headers: [HTTPHeader("x-goog-api-key", account.apiKey.reveal()), HTTPHeader("Content-Type", "application/json")],
                payload: .geminiEmbeddings(GeminiBatchEmbedRequest(requests: items)), stream: false)
        case .anthropic, .groq:
            return nil
        }
    }

    /// The vectors of a successful embeddings answer, in input order, and the tokens the
    /// provider billed (Gemini does not say).
    public static func decodeEmbeddings(provider: ProviderKind, body: [UInt8]) throws -> (vectors: [[Float]], promptTokens: Int?) {
        switch provider {
        case .gemini:
            return (try WireJSON.decode(GeminiBatchEmbedResponse.self, from: body).embeddings.map(\.values), nil)
        default:
            let r = try WireJSON.decode(EmbeddingsResponse.self, from: body)
            return (r.data.sorted { $0.index < $1.index }.map(\.embedding), r.usage?.promptTokens)
        }
    }
}
