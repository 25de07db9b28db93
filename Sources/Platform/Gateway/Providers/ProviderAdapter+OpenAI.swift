import Base
extension ProviderAdapter {
    /// OpenAI and Groq take the gateway's own format; only the model changes, and streams
    /// always ask for usage so that every streamed call can be billed.
    static func openAIRequest(_ request: ChatCompletionRequest, model: String, account: ProviderAccount) -> UpstreamRequest {
        var body = request
        body.model = model
        if request.isStream, account.provider == .openai {
            body.streamOptions = StreamOptions(includeUsage: true)
        } else if account.provider == .groq {
            body.streamOptions = nil  // Groq reports stream usage in x_groq and rejects unknown options
        }
        return UpstreamRequest(
            provider: account.provider, endpoint: account.endpoint, path: "/chat/completions",
            headers: [HTTPHeader("Authorization", "Bearer " + account.apiKey.reveal()), HTTPHeader("Content-Type", "application/json")],
            payload: .openAI(body), stream: request.isStream)
    }

    static func normalizeOpenAI(_ c: ChatCompletion) -> NormalizedReply {
        let choice = c.choices.first
        let usage = c.usage ?? c.xGroq?.usage
        return NormalizedReply(content: choice?.message.content, toolCalls: choice?.message.toolCalls,
                               finishReason: choice?.finishReason ?? "stop", usage: usage)
    }

    static func openAIPieces(_ chunk: ChatCompletionChunk) -> [StreamPiece] {
        var out: [StreamPiece] = []
        for choice in chunk.choices where choice.index == 0 {
            if let text = choice.delta.content, !text.isEmpty { out.append(.text(text)) }
            for call in choice.delta.toolCalls ?? [] { out.append(.toolCall(call)) }
            if let f = choice.finishReason { out.append(.finish(f)) }
        }
        if let u = chunk.usage ?? chunk.xGroq?.usage { out.append(.usage(u)) }
        return out
    }
}
