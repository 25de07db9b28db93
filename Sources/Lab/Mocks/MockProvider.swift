import Foundation
import Base
import Gateway
import Retrieval

/// A simulated LLM provider that answers ``UpstreamRequest``s in its own wire format.
///
/// It authenticates the way the real provider does (OpenAI and Groq: `Authorization:
/// Bearer`; Anthropic: `x-api-key` and `anthropic-version`; Gemini: `x-goog-api-key`),
/// knows which tenant each key was issued to, injects the failures and outages of its
/// ``MockProviderProfile``, writes deterministic content with ``Reader``, bills each
/// answer with the platform's pricing table, and tells the simulator how long the answer
/// took. With `wire == .json` it decodes the request bytes and returns response bytes
/// (the exact JSON or SSE stream); with `.typed` it exchanges typed values and skips the
/// JSON round trip (the simulator's fast path, same content and timing).
public struct MockProvider: Sendable {
    public enum Wire: String, Sendable { case json, typed }

    /// What the mock did with one call.
    public struct Reply: Sendable {
        public var result: UpstreamResult
        /// How long after the request the (last byte of the) answer arrives.
        public var delay: Nanoseconds
        public var status: Int
        public var tenantOfKey: String?
        public var promptTokens = 0
        public var completionTokens = 0
        public var billedMicros: Int64 = 0
        public var hallucinated = false
    }

    public var profile: MockProviderProfile { didSet { failureTable = Self.failureTable(profile) } }
    /// The profile's error rates in a fixed order (drawn against one uniform number).
    private var failureTable: [(MockProviderProfile.Failure, Double)]
    public let wire: Wire
    /// Accept every non-empty key (the HTTP mock server, which has no tenant registry);
    /// the tenant of an unknown key is then unknown.
    public var acceptsAnyKey = false
    let pricing: PricingTable
    /// API key → the tenant it was issued to.
    private(set) var accounts: [String: String] = [:]
    private var timing: Xoshiro256StarStar
    private var failures: Xoshiro256StarStar
    private var content: Xoshiro256StarStar
    private var ids: IDGenerator
    /// Answers by prompt (the Reader is deterministic), with their stream pieces.
    private var answerCache: [PromptKey: CachedAnswer] = [:]
    private struct PromptKey: Hashable { var system: String; var user: String }
    private struct CachedAnswer { var answer: Reader.Answer; var prompt: Reader.Prompt; var pieces: [String] }
    private var priceCache: [String: PricingTable.Price?] = [:]

    public init(profile: MockProviderProfile, wire: Wire, pricing: PricingTable, streams: RandomStreams) {
        self.profile = profile
        self.failureTable = Self.failureTable(profile)
        self.wire = wire
        self.pricing = pricing
        timing = streams.stream("provider/\(profile.name)/timing")
        failures = streams.stream("provider/\(profile.name)/failures")
        content = streams.stream("provider/\(profile.name)/content")
        var idSeed = streams.stream("provider/\(profile.name)/ids")
        ids = IDGenerator(seed: idSeed.next())
    }

    private static func failureTable(_ p: MockProviderProfile) -> [(MockProviderProfile.Failure, Double)] {
        MockProviderProfile.Failure.allCases.compactMap { f in p.errorRates[f].map { (f, $0) } }
    }

    /// Issues a key to a tenant (the tenant's own account at this provider).
    public mutating func issueKey(_ key: String, to tenant: String) { accounts[key] = tenant }
    public mutating func revokeKey(_ key: String) { accounts[key] = nil }

    /// The key a request carries, read the way this provider reads it.
    public static func credential(of request: UpstreamRequest) -> String? {
        credential(provider: request.provider, headers: request.headers, path: request.path)
    }

    /// OpenAI and Groq: `Authorization: Bearer`; Anthropic: `x-api-key` (or Bearer);
    /// Gemini: `x-goog-api-key` or the `key` query parameter.
    public static func credential(provider: ProviderKind, headers: [HTTPHeader], path: String) -> String? {
        switch provider {
        case .openai, .groq:
            guard let h = headers.value("authorization"), h.hasPrefix("Bearer ") else { return nil }
            return String(h.dropFirst(7))
        case .anthropic:
            if let k = headers.value("x-api-key") { return k }
            if let h = headers.value("authorization"), h.hasPrefix("Bearer ") { return String(h.dropFirst(7)) }
            return nil
        case .gemini:
            if let k = headers.value("x-goog-api-key") { return k }
            guard let q = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
            for pair in q.split(separator: "&") where pair.hasPrefix("key=") {
                return String(pair.dropFirst(4)).removingPercentEncoding
            }
            return nil
        }
    }

    /// Answers one call made at `now` (the Lab's entry point).
    public mutating func handle(_ request: UpstreamRequest, at now: Instant) -> Reply {
        let key = Self.credential(of: request)
        if let refused = authenticate(key: key, headers: request.headers, now: now) { return refused }
        let tenant = key.flatMap { accounts[$0] }
        // Decode the payload as the real server would.
        let payload: ProviderPayload
        switch wire {
        case .typed: payload = request.payload
        case .json:
            switch decodePayload(request.encodedBody(), path: request.path) {
            case .success(let p): payload = p
            case .failure(let bad): return errorReply(status: 400, message: bad.message, now: now, tenant: tenant)
            }
        }
        return answer(payload, path: request.path, stream: request.stream, now: now, tenant: tenant)
    }

    /// Answers one HTTP request (the `dcoder mock-providers` server's entry point): the
    /// path with its query, the headers and the raw body, as the real provider gets them.
    /// Replies are always JSON or SSE bytes.
    public mutating func handle(path: String, headers: [HTTPHeader], body: [UInt8], at now: Instant) -> Reply {
        let key = Self.credential(provider: profile.kind, headers: headers, path: path)
        if let refused = authenticate(key: key, headers: headers, now: now) { return refused }
        let tenant = key.flatMap { accounts[$0] }
        let payload: ProviderPayload
        switch decodePayload(body, path: path) {
        case .success(let p): payload = p
        case .failure(let bad): return errorReply(status: 400, message: bad.message, now: now, tenant: tenant)
        }
        let stream: Bool
        switch payload {
        case .openAI(let r): stream = r.isStream
        case .anthropic(let r): stream = r.stream ?? false
        case .gemini: stream = path.contains(":streamGenerateContent")
        case .openAIEmbeddings, .geminiEmbeddings: stream = false
        }
        return answer(payload, path: path, stream: stream, now: now, tenant: tenant)
    }

    /// Refuses a call without a key this provider knows (every non-empty key, when
    /// ``acceptsAnyKey``), or without the headers the provider requires.
    private mutating func authenticate(key: String?, headers: [HTTPHeader], now: Instant) -> Reply? {
        guard let key, !key.isEmpty, acceptsAnyKey || accounts[key] != nil else {
            let message = key == nil ? missingKeyMessage : "Invalid API key."
            return errorReply(status: 401, message: message, now: now, tenant: nil)
        }
        if profile.kind == .anthropic, headers.value("anthropic-version") == nil {
            return errorReply(status: 400, message: "anthropic-version: header is required", now: now, tenant: accounts[key])
        }
        return nil
    }

    private var missingKeyMessage: String {
        switch profile.kind {
        case .openai, .groq: return "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        case .anthropic: return "x-api-key header is required"
        case .gemini: return "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
        }
    }

    private struct BadBody: Error { var message: String }

    private func decodePayload(_ bytes: [UInt8], path: String) -> Result<ProviderPayload, BadBody> {
        do {
            if profile.kind == .openai, path.hasSuffix("/embeddings") {
                return .success(.openAIEmbeddings(try WireJSON.decode(EmbeddingsRequest.self, from: bytes)))
            }
            if profile.kind == .gemini, path.contains(":batchEmbedContents") {
                return .success(.geminiEmbeddings(try WireJSON.decode(GeminiBatchEmbedRequest.self, from: bytes)))
            }
            switch profile.kind {
            case .openai, .groq: return .success(.openAI(try WireJSON.decode(ChatCompletionRequest.self, from: bytes)))
            case .anthropic: return .success(.anthropic(try WireJSON.decode(AnthropicRequest.self, from: bytes)))
            case .gemini: return .success(.gemini(try WireJSON.decode(GeminiRequest.self, from: bytes)))
            }
        } catch {
            return .failure(BadBody(message: "Could not parse the JSON body: \(error)"))
        }
    }

    private mutating func answer(_ payload: ProviderPayload, path: String, stream: Bool, now: Instant, tenant: String?) -> Reply {
        if let outage = profile.outage(at: now) {
            return failureReply(outage.failure, now: now, tenant: tenant)
        }
        let u = failures.nextUnit()
        var cumulative = 0.0
        for (failure, rate) in failureTable {
            cumulative += rate
            if u < cumulative { return failureReply(failure, now: now, tenant: tenant) }
        }
        switch payload {
        case .openAIEmbeddings, .geminiEmbeddings: return embeddings(payload, path: path, now: now, tenant: tenant)
        default: return success(payload, path: path, stream: stream, now: now, tenant: tenant)
        }
    }

    // MARK: Embeddings

    /// Vectors from ``HashingEmbedder`` (deterministic, 256 dimensions unless asked for
    /// others), after the time to first token; OpenAI reports the tokens, Gemini does not.
    private mutating func embeddings(_ payload: ProviderPayload, path: String, now: Instant, tenant: String?) -> Reply {
        let texts: [String], dimensions: Int, model: String
        switch payload {
        case .openAIEmbeddings(let r): texts = r.input; dimensions = r.dimensions ?? 256; model = r.model
        case .geminiEmbeddings(let r):
            texts = r.requests.map(\.content.text); dimensions = r.requests.first?.outputDimensionality ?? 256; model = Self.geminiModel(path: path)
        default: return errorReply(status: 400, message: "not an embeddings request", now: now, tenant: tenant)
        }
        guard (1...4096).contains(dimensions) else { return errorReply(status: 400, message: "dimensions must be between 1 and 4096", now: now, tenant: tenant) }
        let vectors = texts.map { HashingEmbedder.embed($0, dimensions: dimensions) }
        let tokens = texts.reduce(0) { $0 + TokenEstimate.tokens($1) }
        let body: [UInt8]
        if profile.kind == .gemini {
            body = WireJSON.encode(GeminiBatchEmbedResponse(embeddings: vectors.map { .init(values: $0) }))
        } else {
            body = WireJSON.encode(EmbeddingsResponse(data: vectors.enumerated().map { .init(index: $0.offset, embedding: $0.element) },
                                                      model: model, usage: .init(promptTokens: tokens)))
        }
        let delay = profile.timeToFirstToken.sample(&timing)
        var reply = Reply(result: .response(UpstreamResponse(status: 200, headers: [HTTPHeader("content-type", "application/json")],
                                                             body: .bytes(body), timeToFirstByte: delay)),
                          delay: delay, status: 200, tenantOfKey: tenant)
        reply.promptTokens = tokens
        reply.billedMicros = pricing.price(provider: profile.kind, model: model)
            .map { PricingTable.costMicros(promptTokens: tokens, completionTokens: 0, price: $0) } ?? 0
        return reply
    }

    // MARK: Success

    private mutating func success(_ payload: ProviderPayload, path: String, stream: Bool, now: Instant, tenant: String?) -> Reply {
        var (system, user, model, maxTokens, promptTokens) = Self.read(payload)
        if model.isEmpty { model = Self.geminiModel(path: path) }
        let cacheKey = PromptKey(system: system, user: user)
        let cached: CachedAnswer
        if let hit = answerCache[cacheKey] {
            cached = hit
        } else {
            let prompt = Reader.parse(system: system, user: user)
            let answer = Reader.answer(prompt)
            cached = CachedAnswer(answer: answer, prompt: prompt, pieces: chunks(answer.text))
            if answerCache.count < 100_000 { answerCache[cacheKey] = cached }
        }
        var text = cached.answer.text
        var pieces: [String]? = cached.pieces
        var hallucinated = false
        if profile.hallucinationRate > 0, content.nextUnit() < profile.hallucinationRate {
            text = Reader.hallucination(cached.prompt, variant: content.next()).text
            pieces = nil
            hallucinated = true
        }
        var completionTokens = TokenEstimate.tokens(text)
        var finish = "stop"
        if let limit = maxTokens, completionTokens > limit {
            text = String(text.utf8.prefix(limit * 4)) ?? String(text.prefix(limit * 4))
            pieces = nil
            completionTokens = limit
            finish = "length"
        }
        let ttft = profile.timeToFirstToken.sample(&timing)
        let generation = Nanoseconds.fromSeconds(Double(completionTokens) / max(profile.tokensPerSecond, 0.001))
        let id = ids.make(prefix: "", length: 20)
        let body = stream
            ? streamBody(pieces: pieces ?? chunks(text), model: model, id: id, created: now.unixSeconds, promptTokens: promptTokens, completionTokens: completionTokens, finish: finish)
            : completeBody(text: text, model: model, id: id, created: now.unixSeconds, promptTokens: promptTokens, completionTokens: completionTokens, finish: finish)
        let price: PricingTable.Price?
        if let known = priceCache[model] { price = known } else {
            price = pricing.price(provider: profile.kind, model: model)
            priceCache[model] = .some(price)
        }
        var reply = Reply(
            result: .response(UpstreamResponse(status: 200, headers: [HTTPHeader("content-type", stream ? "text/event-stream" : "application/json")],
                                               body: body, timeToFirstByte: stream ? ttft : ttft + generation)),
            delay: ttft + generation, status: 200, tenantOfKey: tenant)
        reply.promptTokens = promptTokens
        reply.completionTokens = completionTokens
        reply.billedMicros = price.map { PricingTable.costMicros(promptTokens: promptTokens, completionTokens: completionTokens, price: $0) } ?? 0
        reply.hallucinated = hallucinated
        return reply
    }

    /// The texts, model, output limit and prompt token count of a native request.
    static func read(_ payload: ProviderPayload) -> (system: String, user: String, model: String, maxTokens: Int?, promptTokens: Int) {
        switch payload {
        case .openAIEmbeddings, .geminiEmbeddings: return ("", "", "", nil, 0)  // answered by `embeddings`
        case .openAI(let r):
            var system = ""
            var firstSystem = true
            for m in r.messages where m.role == "system" || m.role == "developer" {
                if firstSystem { system = m.text; firstSystem = false } else { system += "\n" + m.text }
            }
            let user = r.messages.last { $0.role == "user" }?.text ?? ""
            return (system, user, r.model, r.outputTokenLimit, TokenEstimate.promptTokens(r.messages))
        case .anthropic(let r):
            var tokens = 3 + (r.system.map { 4 + TokenEstimate.tokens($0) } ?? 0)
            for m in r.messages { tokens += 4 + TokenEstimate.tokens(m.content.text) }
            let user = r.messages.last { $0.role == "user" }?.content.text ?? ""
            return (r.system ?? "", user, r.model, r.maxTokens, tokens)
        case .gemini(let r):
            let system = r.systemInstruction?.text ?? ""
            var tokens = 3 + (r.systemInstruction.map { 4 + TokenEstimate.tokens($0.text) } ?? 0)
            for c in r.contents { tokens += 4 + TokenEstimate.tokens(c.text) }
            let user = r.contents.last { $0.role == "user" }?.text ?? ""
            return (system, user, "", r.generationConfig?.maxOutputTokens, tokens)
        }
    }

    /// The model named in a Gemini path (`/v1beta/models/{model}:generateContent`).
    static func geminiModel(path: String) -> String {
        let marker = Array("/models/".utf8)
        let bytes = Array(path.utf8)
        guard bytes.count >= marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }) else { return "" }
        let rest = bytes[(start + marker.count)...]
        return String(decoding: rest.prefix { $0 != UInt8(ascii: ":") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "/") }, as: UTF8.self)
    }

    private func chunks(_ text: String) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        var out: [String] = []
        var i = 0
        while i < words.count {
            let end = min(i + max(profile.wordsPerChunk, 1), words.count)
            let piece = words[i..<end].joined(separator: " ")
            out.append(i == 0 ? piece : " " + piece)
            i = end
        }
        return out.isEmpty ? [""] : out
    }

    private func completeBody(text: String, model: String, id: String, created: Int64, promptTokens: Int, completionTokens: Int, finish: String) -> UpstreamResponse.Body {
        let reply: ProviderReply
        switch profile.kind {
        case .openai, .groq:
            var c = ChatCompletion(id: "chatcmpl-" + id, created: created, model: model,
                                   choices: [ChatChoice(index: 0, message: AssistantMessage(content: text), finishReason: finish)],
                                   usage: ChatUsage(promptTokens: promptTokens, completionTokens: completionTokens))
            if profile.kind == .groq { c.xGroq = GroqExtension(id: "req_" + id) }
            reply = .openAI(c)
        case .anthropic:
            reply = .anthropic(AnthropicMessage(id: "msg_" + id, model: model, content: [AnthropicContentBlock(text: text)],
                                                stopReason: finish == "length" ? "max_tokens" : "end_turn",
                                                usage: AnthropicUsage(inputTokens: promptTokens, outputTokens: completionTokens)))
        case .gemini:
            reply = .gemini(GeminiResponse(candidates: [GeminiCandidate(content: GeminiContent(role: "model", parts: [GeminiPart(text: text)]),
                                                                        finishReason: finish == "length" ? "MAX_TOKENS" : "STOP")],
                                           usageMetadata: GeminiUsage(promptTokenCount: promptTokens, candidatesTokenCount: completionTokens),
                                           modelVersion: model.isEmpty ? nil : model, responseId: id))
        }
        guard wire == .json else { return .reply(reply) }
        switch reply {
        case .openAI(let c): return .bytes(WireJSON.encode(c))
        case .anthropic(let m): return .bytes(WireJSON.encode(m))
        case .gemini(let g): return .bytes(WireJSON.encode(g))
        default: return .reply(reply)
        }
    }

    private func streamBody(pieces: [String], model: String, id: String, created: Int64, promptTokens: Int, completionTokens: Int, finish: String) -> UpstreamResponse.Body {
        var events: [NativeStreamEvent] = []
        switch profile.kind {
        case .openai, .groq:
            let cid = "chatcmpl-" + id
            let groq = profile.kind == .groq
            var first = ChatCompletionChunk(id: cid, created: created, model: model, choices: [ChatChunkChoice(delta: ChatDelta(role: "assistant", content: ""), finishReason: nil)])
            if groq { first.xGroq = GroqExtension(id: "req_" + id) }
            events.append(.openAI(first))
            for p in pieces { events.append(.openAI(ChatCompletionChunk(id: cid, created: created, model: model, choices: [ChatChunkChoice(delta: ChatDelta(content: p), finishReason: nil)]))) }
            let usage = ChatUsage(promptTokens: promptTokens, completionTokens: completionTokens)
            var last = ChatCompletionChunk(id: cid, created: created, model: model, choices: [ChatChunkChoice(delta: ChatDelta(), finishReason: finish)])
            if groq { last.xGroq = GroqExtension(id: "req_" + id, usage: usage) }
            events.append(.openAI(last))
            // OpenAI sends the usage chunk only when asked; the gateway always asks.
            if !groq { events.append(.openAI(ChatCompletionChunk(id: cid, created: created, model: model, choices: [], usage: usage))) }
        case .anthropic:
            var start = AnthropicStreamEvent(type: "message_start")
            start.message = AnthropicMessage(id: "msg_" + id, model: model, content: [], stopReason: nil, usage: AnthropicUsage(inputTokens: promptTokens, outputTokens: 1))
            events.append(.anthropic(start))
            var blockStart = AnthropicStreamEvent(type: "content_block_start"); blockStart.index = 0; blockStart.contentBlock = AnthropicContentBlock(text: "")
            events.append(.anthropic(blockStart))
            for p in pieces {
                var d = AnthropicStreamEvent(type: "content_block_delta"); d.index = 0; d.delta = .init(type: "text_delta", text: p)
                events.append(.anthropic(d))
            }
            var stop = AnthropicStreamEvent(type: "content_block_stop"); stop.index = 0
            events.append(.anthropic(stop))
            var md = AnthropicStreamEvent(type: "message_delta")
            md.delta = .init(stopReason: finish == "length" ? "max_tokens" : "end_turn")
            md.usage = AnthropicUsage(inputTokens: nil, outputTokens: completionTokens)
            events.append(.anthropic(md))
            events.append(.anthropic(AnthropicStreamEvent(type: "message_stop")))
        case .gemini:
            for (i, p) in pieces.enumerated() {
                let last = i == pieces.count - 1
                events.append(.gemini(GeminiResponse(
                    candidates: [GeminiCandidate(content: GeminiContent(role: "model", parts: [GeminiPart(text: p)]),
                                                 finishReason: last ? (finish == "length" ? "MAX_TOKENS" : "STOP") : nil)],
                    usageMetadata: last ? GeminiUsage(promptTokenCount: promptTokens, candidatesTokenCount: completionTokens) : nil,
                    modelVersion: model.isEmpty ? nil : model, responseId: id)))
            }
        }
        guard wire == .json else { return .reply(.stream(events)) }
        return .bytes(Array(Self.renderSSE(events).utf8))
    }

    /// Renders native stream events as the provider's SSE stream.
    public static func renderSSE(_ events: [NativeStreamEvent]) -> String {
        var out = ""
        var openAI = false
        for e in events {
            switch e {
            case .openAI(let c): openAI = true; out += SSEWriter.render(SSEEvent(data: String(decoding: WireJSON.encode(c), as: UTF8.self)))
            case .anthropic(let a): out += SSEWriter.render(SSEEvent(event: a.type, data: String(decoding: WireJSON.encode(a), as: UTF8.self)))
            case .gemini(let g): out += SSEWriter.render(SSEEvent(data: String(decoding: WireJSON.encode(g), as: UTF8.self)), lineEnd: "\r\n")
            }
        }
        if openAI { out += SSEWriter.render(SSEEvent(data: "[DONE]")) }
        return out
    }

    // MARK: Failures

    private mutating func failureReply(_ failure: MockProviderProfile.Failure, now: Instant, tenant: String?) -> Reply {
        switch failure {
        case .timeout:
            return Reply(result: .failure(.timeout(after: .zero)), delay: Nanoseconds(Int64.max / 4), status: 0, tenantOfKey: tenant)
        case .rateLimited:
            var r = errorReply(status: 429, message: "Rate limit reached for requests", now: now, tenant: tenant)
            if case .response(var resp) = r.result {
                resp.headers.append(HTTPHeader("retry-after", String(max(1, profile.retryAfter.value / 1_000_000_000))))
                r.result = .response(resp)
            }
            return r
        case .serverError:
            return errorReply(status: 500, message: "The server had an error while processing your request.", now: now, tenant: tenant)
        case .unavailable:
            return errorReply(status: profile.kind == .anthropic ? 529 : 503, message: "The service is temporarily overloaded.", now: now, tenant: tenant)
        }
    }

    private mutating func errorReply(status: Int, message: String, now: Instant, tenant: String?) -> Reply {
        let native: NativeErrorBody
        switch profile.kind {
        case .openai, .groq:
            let (type, code): (String, String?) = switch status {
            case 401: ("invalid_request_error", "invalid_api_key")
            case 429: ("rate_limit_exceeded", "rate_limit_exceeded")
            case 400: ("invalid_request_error", nil)
            default: ("server_error", nil)
            }
            native = .openAI(OpenAIErrorBody(error: .init(message: message, type: type, code: code)))
        case .anthropic:
            let type = switch status {
            case 401: "authentication_error"
            case 400: "invalid_request_error"
            case 429: "rate_limit_error"
            case 529: "overloaded_error"
            default: "api_error"
            }
            native = .anthropic(AnthropicErrorBody(error: .init(type: type, message: message)))
        case .gemini:
            let s = switch status {
            case 400: "INVALID_ARGUMENT"
            case 401: "UNAUTHENTICATED"
            case 429: "RESOURCE_EXHAUSTED"
            case 503: "UNAVAILABLE"
            default: "INTERNAL"
            }
            native = .gemini(GeminiErrorBody(error: .init(code: status, message: message, status: s)))
        }
        let body: UpstreamResponse.Body
        if wire == .json {
            switch native {
            case .openAI(let e): body = .bytes(WireJSON.encode(e))
            case .anthropic(let e): body = .bytes(WireJSON.encode(e))
            case .gemini(let e): body = .bytes(WireJSON.encode(e))
            }
        } else {
            body = .reply(.error(native))
        }
        let delay = profile.errorLatency.sample(&timing)
        return Reply(result: .response(UpstreamResponse(status: status, headers: [HTTPHeader("content-type", "application/json")], body: body, timeToFirstByte: delay)),
                     delay: delay, status: status, tenantOfKey: tenant)
    }
}
