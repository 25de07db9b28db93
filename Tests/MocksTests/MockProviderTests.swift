import Testing
@testable import Mocks
@testable import Simulator
import Base
import Gateway

@Suite struct MockProviderTests {
    func provider(_ kind: ProviderKind, wire: MockProvider.Wire, profile: (inout MockProviderProfile) -> Void = { _ in }) throws -> MockProvider {
        var p = MockProviderProfile(name: kind.rawValue, kind: kind, endpoint: try Endpoint.parse(kind.defaultBaseURL).get())
        profile(&p)
        var m = MockProvider(profile: p, wire: wire, pricing: try PricingTable.bundled(), streams: RandomStreams(seed: 1))
        m.issueKey("sk-acme", to: "acme")
        return m
    }

    func request(_ kind: ProviderKind, key: String = "sk-acme", stream: Bool = false) -> UpstreamRequest {
        let prompt = Scenario.Prompt(id: "q", system: "Answer in one sentence and cite the passage.",
                                     context: ["Deploys run on weekdays. Rollbacks need an approval.", "The cafeteria opens at noon."],
                                     question: "When do deploys run?", user: nil, answer: nil)
        var r = ChatCompletionRequest(model: "chat", messages: prompt.messages, stream: stream ? true : nil)
        if stream { r.streamOptions = StreamOptions(includeUsage: true) }
        let model = ["openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest", "gemini": "gemini-2.0-flash", "groq": "llama-3.1-8b-instant"][kind.rawValue]!
        return ProviderAdapter.makeRequest(r, model: model, account: ProviderAccount(provider: kind, endpoint: try! Endpoint.parse(kind.defaultBaseURL).get(), apiKey: Secret(key)))
    }

    func text(_ reply: MockProvider.Reply, _ kind: ProviderKind, stream: Bool) throws -> (String, ChatUsage?) {
        guard case .response(let r) = reply.result else { Issue.record("no response"); return ("", nil) }
        let typed: ProviderReply
        switch r.body {
        case .reply(let t): typed = t
        case .bytes(let b): typed = try ProviderAdapter.decode(provider: kind, status: r.status, body: b, stream: stream)
        }
        if case .stream(let events) = typed {
            var t = ProviderAdapter.StreamTranslator(provider: kind)
            var a = StreamAssembler(id: "x", created: 0, model: "chat", includeUsage: true)
            for e in events { _ = a.add(t.translate(e)) }
            _ = a.add(t.finish()); _ = a.end()
            return (a.text, a.usage)
        }
        let n = try #require(ProviderAdapter.normalize(typed))
        return (n.content ?? "", n.usage)
    }

    /// JSON wire and typed wire give the same answer and usage; streamed text equals the non-streamed text.
    @Test(arguments: ProviderKind.allCases)
    func wireModesAndStreamingAgree(kind: ProviderKind) throws {
        var typed = try provider(kind, wire: .typed), json = try provider(kind, wire: .json)
        let a = try text(typed.handle(request(kind), at: .zero), kind, stream: false)
        let b = try text(json.handle(request(kind), at: .zero), kind, stream: false)
        let s = try text(json.handle(request(kind, stream: true), at: .zero), kind, stream: true)
        #expect(a.0 == "Deploys run on weekdays [1].")
        #expect(a.0 == b.0 && a.1 == b.1 && s.0 == a.0 && s.1 == a.1)
    }

    @Test(arguments: ProviderKind.allCases)
    func unknownKeysGet401InTheProvidersShape(kind: ProviderKind) throws {
        var m = try provider(kind, wire: .json)
        let reply = m.handle(request(kind, key: "sk-stolen"), at: .zero)
        #expect(reply.status == 401 && reply.tenantOfKey == nil)
        guard case .response(let r) = reply.result, case .bytes(let b) = r.body else { Issue.record("no body"); return }
        guard case .error = try ProviderAdapter.decode(provider: kind, status: 401, body: b, stream: false) else { Issue.record("not an error body"); return }
    }

    @Test func outagesAndErrorRatesInjectFailures() throws {
        var m = try provider(.openai, wire: .typed) { p in
            p.outages = [.init(from: Instant(nanoseconds: 100), until: Instant(nanoseconds: 200), failure: .unavailable)]
            p.errorRates = [.rateLimited: 0.5]
        }
        #expect(m.handle(request(.openai), at: Instant(nanoseconds: 150)).status == 503)
        let statuses = (0..<1000).map { _ in m.handle(request(.openai), at: Instant(nanoseconds: 300)).status }
        let limited = statuses.filter { $0 == 429 }.count
        #expect(limited > 430 && limited < 570)
    }

    @Test func billsWithThePricingTable() throws {
        var m = try provider(.openai, wire: .typed)
        let r = m.handle(request(.openai), at: .zero)
        let price = try #require(try PricingTable.bundled().price(provider: .openai, model: "gpt-4o-mini"))
        #expect(r.billedMicros == PricingTable.costMicros(promptTokens: r.promptTokens, completionTokens: r.completionTokens, price: price))
        #expect(r.promptTokens > 10)
    }
}

@Suite struct ReaderTests {
    @Test func answersFromTheBestMatchingSentence() {
        let p = Reader.parse(system: "", user: "Context:\n[1] The sky is blue. Grass is green.\n[2] Snow is white.\n\nQuestion: What colour is snow?")
        #expect(Reader.answer(p).text == "Snow is white.")
        #expect(Reader.answer(p).citations == [2])
    }

    @Test func followsFormatInstructions() {
        let p = Reader.parse(system: "Answer in two sentences, in JSON, and cite sources.", user: "Context:\n[1] Alpha is first. Beta is second. Gamma is third.\n\nQuestion: Which is first and second?")
        #expect(Reader.answer(p).text == #"{"answer":"Alpha is first [1]. Beta is second [1].","citations":[1]}"#)
    }

    @Test func hallucinationsAreNotInTheContext() {
        let p = Reader.parse(system: "", user: "Context:\n[1] Deploys run on weekdays.\n\nQuestion: When do deploys run?")
        let h = Reader.hallucination(p, variant: 12345)
        #expect(!h.text.isEmpty && !h.text.contains("weekdays"))
    }
}
