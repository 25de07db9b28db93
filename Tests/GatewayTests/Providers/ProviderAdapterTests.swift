import Testing
@testable import Base
@testable import Gateway

/// Samples from ../shared/providers/WIRE_FORMATS.md, which the official SDKs accepted.
enum WireSamples {
    static let anthropicMessage = #"{"id":"msg_stub1","type":"message","role":"assistant","model":"claude-3-5-haiku-latest","content":[{"type":"text","text":"Hello from stub"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":3}}"#
    static let geminiResponse = #"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hello from stub"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash","responseId":"stub-resp-1"}"#
    static let openAIStream = """
    data: {"id":"chatcmpl-stub1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

    data: {"id":"chatcmpl-stub1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

    data: {"id":"chatcmpl-stub1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

    data: {"id":"chatcmpl-stub1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}

    data: [DONE]


    """
    static let anthropicStream = """
    event: message_start
    data: {"type":"message_start","message":{"id":"msg_stub1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}

    event: content_block_start
    data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

    event: ping
    data: {"type":"ping"}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":0}

    event: message_delta
    data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}

    event: message_stop
    data: {"type":"message_stop"}


    """
    static let geminiStream = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hello\"}]},\"index\":0}],\"modelVersion\":\"gemini-2.0-flash\",\"responseId\":\"stub-resp-1\"}\r\n\r\n"
        + "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\" stub\"}]},\"index\":0,\"finishReason\":\"STOP\"}],\"modelVersion\":\"gemini-2.0-flash\",\"responseId\":\"stub-resp-1\",\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":3,\"totalTokenCount\":8}}\r\n\r\n"
    static let groqStream = """
    data: {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1700000000,"model":"llama-3.1-8b-instant","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"x_groq":{"id":"req_1"}}

    data: {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1700000000,"model":"llama-3.1-8b-instant","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

    data: {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1700000000,"model":"llama-3.1-8b-instant","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}}

    data: [DONE]


    """
}

@Suite struct ProviderAdapterTests {
    let account = { (k: ProviderKind) in ProviderAccount(provider: k, endpoint: try! Endpoint.parse(k.defaultBaseURL).get(), apiKey: Secret("key-\(k.rawValue)")) }

    @Test func anthropicRequestMovesSystemAndRequiresMaxTokens() throws {
        var req = chat(); req.temperature = 1.7; req.stop = .one("END")
        let up = ProviderAdapter.makeRequest(req, model: "claude-3-5-haiku-latest", account: account(.anthropic))
        #expect(up.path == "/v1/messages" && up.headers.value("x-api-key") == "key-anthropic" && up.headers.value("anthropic-version") != nil)
        guard case .anthropic(let body) = up.payload else { Issue.record("not anthropic"); return }
        #expect(body.system == "Be brief." && body.messages.count == 1 && body.messages[0].role == "user")
        #expect(body.maxTokens == ProviderAdapter.defaultMaxTokens && body.temperature == 1.0 && body.stopSequences == ["END"])
        let json = String(decoding: up.encodedBody(), as: UTF8.self)
        #expect(json.contains("\"max_tokens\":4096") && json.contains("\"stop_sequences\":[\"END\"]"))
    }

    @Test func geminiRequestPutsModelInPathAndSystemInstructionApart() throws {
        let up = ProviderAdapter.makeRequest(chat(stream: true), model: "gemini-2.0-flash", account: account(.gemini))
        #expect(up.path == "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse" && up.headers.value("x-goog-api-key") == "key-gemini")
        guard case .gemini(let body) = up.payload else { Issue.record("not gemini"); return }
        #expect(body.systemInstruction?.text == "Be brief." && body.contents.map(\.role) == ["user"])
    }

    @Test func openAIStreamsAlwaysAskForUsageButGroqDoesNot() {
        let o = ProviderAdapter.makeRequest(chat(stream: true), model: "gpt-4o-mini", account: account(.openai))
        let g = ProviderAdapter.makeRequest(chat(stream: true), model: "llama-3.1-8b-instant", account: account(.groq))
        guard case .openAI(let ob) = o.payload, case .openAI(let gb) = g.payload else { Issue.record("not openai"); return }
        #expect(ob.streamOptions?.includeUsage == true && gb.streamOptions == nil)
        #expect(g.url == "https://api.groq.com:443/openai/v1/chat/completions")
    }

    @Test func nonStreamedRepliesNormalize() throws {
        let a = try ProviderAdapter.decode(provider: .anthropic, status: 200, body: Array(WireSamples.anthropicMessage.utf8), stream: false)
        let g = try ProviderAdapter.decode(provider: .gemini, status: 200, body: Array(WireSamples.geminiResponse.utf8), stream: false)
        for reply in [a, g] {
            let n = try #require(ProviderAdapter.normalize(reply))
            #expect(n.content == "Hello from stub" && n.finishReason == "stop" && n.usage == ChatUsage(promptTokens: 5, completionTokens: 3))
        }
    }

    /// Each provider's stream becomes the same OpenAI chunks, with usage from that provider's final events.
    @Test(arguments: [(ProviderKind.openai, WireSamples.openAIStream, "Hello", ChatUsage(promptTokens: 5, completionTokens: 3)),
                      (.anthropic, WireSamples.anthropicStream, "Hello", ChatUsage(promptTokens: 5, completionTokens: 3)),
                      (.gemini, WireSamples.geminiStream, "Hello stub", ChatUsage(promptTokens: 5, completionTokens: 3)),
                      (.groq, WireSamples.groqStream, "Hi", ChatUsage(promptTokens: 7, completionTokens: 2))])
    func streamsTranslateWithUsage(provider: ProviderKind, sse: String, text: String, usage: ChatUsage) throws {
        let reply = try ProviderAdapter.decode(provider: provider, status: 200, body: Array(sse.utf8), stream: true)
        guard case .stream(let events) = reply else { Issue.record("not a stream"); return }
        var t = ProviderAdapter.StreamTranslator(provider: provider)
        var asm = StreamAssembler(id: "chatcmpl-gw", created: 1, model: "chat", includeUsage: true)
        var chunks: [ChatCompletionChunk] = []
        for e in events { chunks += asm.add(t.translate(e)) }
        chunks += asm.add(t.finish())
        chunks += asm.end()
        #expect(asm.text == text && asm.usage == usage && asm.finishReason == "stop")
        #expect(chunks.first?.choices.first?.delta.role == "assistant")
        #expect(chunks.last?.usage == usage && chunks.last?.choices.isEmpty == true)
        #expect(chunks.filter { $0.choices.first?.finishReason != nil }.count == 1)
        #expect(chunks.allSatisfy { $0.id == "chatcmpl-gw" && $0.model == "chat" })
    }

    @Test func providerErrorShapesDecode() throws {
        let bodies: [(ProviderKind, String)] = [
            (.openai, #"{"error":{"message":"Rate limit reached","type":"rate_limit_exceeded","param":null,"code":"rate_limit_exceeded"}}"#),
            (.anthropic, #"{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}"#),
            (.gemini, #"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}"#),
        ]
        for (p, b) in bodies {
            guard case .error(let e) = try ProviderAdapter.decode(provider: p, status: 429, body: Array(b.utf8), stream: false) else {
                Issue.record("\(p): not an error"); continue
            }
            #expect(!e.message.isEmpty)
        }
    }

    @Test func openAIResponseEncodesExplicitNulls() {
        let c = ChatCompletion(id: "x", created: 1, model: "m", choices: [ChatChoice(index: 0, message: AssistantMessage(content: "hi"), finishReason: "stop")], usage: nil)
        let json = String(decoding: WireJSON.encode(c), as: UTF8.self)
        #expect(json.contains("\"logprobs\":null") && json.contains("\"object\":\"chat.completion\""))
    }
}

@Suite struct SSEParserTests {
    @Test func eventsSplitAcrossReadsAndLineEndings() {
        var p = SSEParser()
        var events = p.feed(Array("event: a\r\ndata: one\r".utf8))
        events += p.feed(Array("\n\r\ndata: two\ndata: lines\n\n: comment\n\ndata: last".utf8))
        if let e = p.finish() { events.append(e) }
        #expect(events == [SSEEvent(event: "a", data: "one"), SSEEvent(data: "two\nlines"), SSEEvent(data: "last")])
    }
}
