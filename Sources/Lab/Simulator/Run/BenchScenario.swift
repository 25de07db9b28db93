import Mocks
import Config
import Base
import Gateway

/// The benchmark's workload, built in code so its size is a parameter: `tenants` tenants
/// spread over the four providers, each sending `perDay` requests a day (Poisson) for
/// `days` days, with a mix of streamed calls and a small error rate.
public enum BenchScenario {
    public static func make(tenants: Int = 50, perDay: Double = 8000, days: Int = 30, wire: MockProvider.Wire = .typed, seed: UInt64 = 7) throws -> Scenario {
        let pricing = try PricingTable.bundled()
        let kinds = ProviderKind.allCases
        let models: [ProviderKind: String] = [.openai: "gpt-4o-mini", .anthropic: "claude-3-5-haiku-latest", .gemini: "gemini-2.0-flash", .groq: "llama-3.1-8b-instant"]
        var providers: [MockProviderProfile] = []
        for k in kinds {
            var p = MockProviderProfile(name: k.rawValue, kind: k, endpoint: try Endpoint.parse(k.defaultBaseURL).get())
            p.errorRates = [.rateLimited: 0.002, .serverError: 0.001]
            providers.append(p)
        }
        let prompts = (1...8).map { i in
            Scenario.Prompt(id: "q\(i)", system: "Answer from the context in one sentence and cite sources.",
                            context: ["Deploys run on weekdays between 9:00 and 16:00 UTC. Each deploy needs one approval \(i).",
                                      "Incidents are paged to the on-call engineer. Severity one incidents need an update every 30 minutes."],
                            question: "When do deploys run and how many approvals are needed?", user: nil, answer: nil)
        }
        var tenantSpecs: [TenantSpec] = []
        var traffic: [Scenario.TrafficSpec] = []
        for t in 0..<tenants {
            let kind = kinds[t % kinds.count]
            let id = "tenant-\(t + 1)"
            tenantSpecs.append(.init(id: id, keys: ["dk-bench-\(t + 1)"],
                                     accounts: [.init(provider: kind, key: "sk-\(kind.rawValue)-\(id)", endpoint: try Endpoint.parse(kind.defaultBaseURL).get())],
                                     aliases: [.init(name: "chat", targets: [kind: models[kind]!], active: kind)]))
            traffic.append(.init(tenant: id, key: nil, arrival: .poisson(rate: perDay / 86400), models: [("chat", 1)], prompts: prompts,
                                 streamFraction: 0.2, maxTokens: 256, from: .zero, until: nil, label: id))
        }
        return Scenario(
            name: "bench-\(tenants)-tenants-\(days)d", description: "benchmark workload", file: "(built in)", sourceHash: "",
            seed: seed, duration: .seconds(Int64(days) * 86400), wire: wire, buckets: 48,
            platform: .init(allowlist: kinds.compactMap { try? Endpoint.parse($0.defaultBaseURL).get().host }, pricing: pricing, upstreamTimeout: .seconds(60)),
            providers: providers, tenants: tenantSpecs, traffic: traffic, steps: [], expectations: [])
    }
}
