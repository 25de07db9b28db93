import Base
extension ProviderAdapter {
    /// OpenAI chat → Gemini generateContent: system messages become `systemInstruction`,
    /// the assistant role is `model`, options go in `generationConfig`, and the model
    /// travels in the path.
    static func geminiRequest(_ request: ChatCompletionRequest, model: String, account: ProviderAccount) -> UpstreamRequest {
        var system: [GeminiPart] = []
        var contents: [GeminiContent] = []
        for m in request.messages {
            switch m.role {
            case "system", "developer": system.append(GeminiPart(text: m.text))
            case "assistant":
                var parts: [GeminiPart] = m.text.isEmpty ? [] : [GeminiPart(text: m.text)]
                for call in m.toolCalls ?? [] {
                    let args = (try? JSONValue.parse(call.function.arguments)) ?? .object([:])
                    parts.append(GeminiPart(functionCall: .object(["name": .string(call.function.name), "args": args])))
                }
                contents.append(GeminiContent(role: "model", parts: parts))
            case "tool":
                contents.append(GeminiContent(role: "user", parts: [GeminiPart(functionResponse: .object([
                    "name": .string(m.name ?? m.toolCallID ?? "tool"), "response": .object(["content": .string(m.text)]),
                ]))]))
            default: contents.append(GeminiContent(role: "user", parts: [GeminiPart(text: m.text)]))
            }
        }
        var body = GeminiRequest(contents: contents)
        if !system.isEmpty { body.systemInstruction = GeminiContent(role: nil, parts: system) }
        var config = GeminiGenerationConfig()
        config.temperature = request.temperature
        config.topP = request.topP
        config.maxOutputTokens = request.outputTokenLimit
        config.stopSequences = request.stop?.list
        if request.responseFormat?["type"]?.stringValue == "json_object" { config.responseMimeType = "application/json" }
        if config != GeminiGenerationConfig() { body.generationConfig = config }
        if case .array(let tools)? = request.tools {
            let decls: [JSONValue] = tools.compactMap { t in
                guard let f = t["function"] else { return nil }
                var d: [String: JSONValue] = ["name": f["name"] ?? .string("tool")]
                if let desc = f["description"] { d["description"] = desc }
                if let p = f["parameters"] { d["parameters"] = p }
                return .object(d)
            }
            if !decls.isEmpty { body.tools = [.object(["functionDeclarations": .array(decls)])] }
        }
        let path = request.isStream ? "/v1beta/models/\(model):streamGenerateContent?alt=sse" : "/v1beta/models/\(model):generateContent"
        return UpstreamRequest(
            provider: .gemini, endpoint: account.endpoint, path: path,
            headers: [HTTPHeader("x-goog-api-key", account.apiKey.reveal()), HTTPHeader("Content-Type", "application/json")],
            payload: .gemini(body), stream: request.isStream)
    }

    static func geminiFinish(_ reason: String?) -> String {
        switch reason {
        case "MAX_TOKENS": return "length"
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII": return "content_filter"
        default: return "stop"
        }
    }

    static func normalizeGemini(_ g: GeminiResponse) -> NormalizedReply {
        let candidate = g.candidates?.first
        var calls: [ToolCall] = []
        for (i, part) in (candidate?.content?.parts ?? []).enumerated() {
            if let fc = part.functionCall, let name = fc["name"]?.stringValue {
                let args = String(decoding: WireJSON.encode(fc["args"] ?? .object([:])), as: UTF8.self)
                calls.append(ToolCall(id: "call_\(i)", function: .init(name: name, arguments: args)))
            }
        }
        let usage = g.usageMetadata.map { ChatUsage(promptTokens: $0.promptTokenCount ?? 0, completionTokens: $0.outputTokensTotal) }
        return NormalizedReply(content: candidate?.content?.text, toolCalls: calls.isEmpty ? nil : calls,
                               finishReason: calls.isEmpty ? geminiFinish(candidate?.finishReason) : "tool_calls", usage: usage)
    }

    /// Gemini puts `finishReason` and `usageMetadata` on the last chunk, sometimes with
    /// text: the text goes out now, finish and usage when the stream ends.
    static func geminiPieces(_ g: GeminiResponse, state: inout StreamTranslator) -> [StreamPiece] {
        var out: [StreamPiece] = []
        if let c = g.candidates?.first {
            let text = c.content?.text ?? ""
            if !text.isEmpty { out.append(.text(text)) }
            if let f = c.finishReason { state.geminiFinish = geminiFinish(f) }
        }
        if let u = g.usageMetadata { state.geminiUsage = u }
        return out
    }
}
