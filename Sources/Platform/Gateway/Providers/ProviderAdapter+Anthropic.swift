import Base
extension ProviderAdapter {
    /// OpenAI chat → Anthropic Messages: system messages move to `system`, tool calls and
    /// tool results become `tool_use` / `tool_result` blocks, `max_tokens` is required.
    static func anthropicRequest(_ request: ChatCompletionRequest, model: String, account: ProviderAccount) -> UpstreamRequest {
        var system: [String] = []
        var messages: [AnthropicMessageParam] = []
        for m in request.messages {
            switch m.role {
            case "system", "developer":
                system.append(m.text)
            case "assistant":
                var blocks: [AnthropicContentBlock] = []
                if !m.text.isEmpty { blocks.append(AnthropicContentBlock(text: m.text)) }
                for call in m.toolCalls ?? [] {
                    let input = (try? JSONValue.parse(call.function.arguments)) ?? .object([:])
                    blocks.append(AnthropicContentBlock(toolUseID: call.id, name: call.function.name, input: input))
                }
                messages.append(AnthropicMessageParam(role: "assistant", content: blocks.count == 1 && blocks[0].type == "text" ? .text(m.text) : .blocks(blocks)))
            case "tool":
                let block = AnthropicContentBlock(toolResultFor: m.toolCallID ?? "", content: m.text)
                messages.append(AnthropicMessageParam(role: "user", content: .blocks([block])))
            default:
                messages.append(AnthropicMessageParam(role: "user", content: .text(m.text)))
            }
        }
        var body = AnthropicRequest(model: model, maxTokens: request.outputTokenLimit ?? defaultMaxTokens, messages: messages,
                                    system: system.isEmpty ? nil : system.joined(separator: "\n\n"))
        body.temperature = request.temperature.map { min($0, 1.0) }  // Anthropic's range is 0...1
        body.topP = request.topP
        body.stopSequences = request.stop?.list
        body.stream = request.isStream ? true : nil
        body.tools = anthropicTools(request.tools)
        return UpstreamRequest(
            provider: .anthropic, endpoint: account.endpoint, path: "/v1/messages",
            headers: [HTTPHeader("x-api-key", account.apiKey.reveal()), HTTPHeader("anthropic-version", "2023-06-01"),
                      HTTPHeader("Content-Type", "application/json")],
            payload: .anthropic(body), stream: request.isStream)
    }

    static func anthropicTools(_ tools: JSONValue?) -> [AnthropicTool]? {
        guard case .array(let list)? = tools else { return nil }
        let out: [AnthropicTool] = list.compactMap { t in
            guard let f = t["function"], let name = f["name"]?.stringValue else { return nil }
            return AnthropicTool(name: name, description: f["description"]?.stringValue,
                                 inputSchema: f["parameters"] ?? .object(["type": .string("object")]))
        }
        return out.isEmpty ? nil : out
    }

    static func anthropicFinish(_ reason: String?) -> String {
        switch reason {
        case "max_tokens": return "length"
        case "tool_use": return "tool_calls"
        case "refusal": return "content_filter"
        default: return "stop"
        }
    }

    static func normalizeAnthropic(_ m: AnthropicMessage) -> NormalizedReply {
        var text = ""
        var calls: [ToolCall] = []
        for block in m.content {
            if block.type == "text" { text += block.text ?? "" }
            if block.type == "tool_use", let id = block.id, let name = block.name {
                let args = String(decoding: WireJSON.encode(block.input ?? .object([:])), as: UTF8.self)
                calls.append(ToolCall(id: id, function: .init(name: name, arguments: args)))
            }
        }
        let usage = ChatUsage(promptTokens: m.usage.promptTokensTotal, completionTokens: m.usage.outputTokens ?? 0)
        return NormalizedReply(content: calls.isEmpty || !text.isEmpty ? text : nil, toolCalls: calls.isEmpty ? nil : calls,
                               finishReason: anthropicFinish(m.stopReason), usage: usage)
    }

    static func anthropicPieces(_ e: AnthropicStreamEvent, state: inout StreamTranslator) -> [StreamPiece] {
        switch e.type {
        case "message_start":
            if let u = e.message?.usage {
                state.anthropicInput = u.promptTokensTotal
                state.anthropicOutput = u.outputTokens ?? 0
                state.anthropicSawUsage = true
            }
            return []
        case "content_block_start":
            guard let block = e.contentBlock, block.type == "tool_use" else { return [] }
            state.toolIndex += 1
            return [.toolCall(.object([
                "index": .int(state.toolIndex), "id": .string(block.id ?? ""), "type": .string("function"),
                "function": .object(["name": .string(block.name ?? ""), "arguments": .string("")]),
            ]))]
        case "content_block_delta":
            if let text = e.delta?.text, !text.isEmpty { return [.text(text)] }
            if let json = e.delta?.partialJSON {
                return [.toolCall(.object(["index": .int(max(state.toolIndex, 0)), "function": .object(["arguments": .string(json)])]))]
            }
            return []
        case "message_delta":
            var out: [StreamPiece] = []
            if let u = e.usage {
                // output_tokens is cumulative; input may be restated in newer API versions.
                if let o = u.outputTokens { state.anthropicOutput = o }
                if u.inputTokens != nil || u.cacheReadInputTokens != nil || u.cacheCreationInputTokens != nil {
                    state.anthropicInput = max(state.anthropicInput, u.promptTokensTotal)
                }
                state.anthropicSawUsage = true
            }
            if let r = e.delta?.stopReason { out.append(.finish(anthropicFinish(r))) }
            return out
        case "message_stop":
            guard state.anthropicSawUsage else { return [] }
            return [.usage(ChatUsage(promptTokens: state.anthropicInput, completionTokens: state.anthropicOutput))]
        case "error":
            return [.failure(e.error?.message ?? "error event in the stream")]
        default:
            return []
        }
    }
}
