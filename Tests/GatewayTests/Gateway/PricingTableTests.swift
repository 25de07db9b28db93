import Foundation
import Testing
@testable import Base
@testable import Gateway

@Suite struct PricingTableTests {
    /// gpt-4o-mini at $0.15 / $0.60 per million: 1,000 prompt + 500 completion tokens cost 450 µ$.
    @Test func costIsExactIntegerMicroDollars() {
        let p = PricingTable.Price(input: 150_000, output: 600_000)
        #expect(PricingTable.costMicros(promptTokens: 1000, completionTokens: 500, price: p) == 450)
        #expect(PricingTable.costMicros(promptTokens: 1_000_000, completionTokens: 0, price: p) == 150_000)
    }

    /// 5 prompt tokens at 0.15 µ$ each is 0.75 µ$: rounds half up to 1; 3 tokens (0.45) rounds to 0.
    @Test func roundsHalfUp() {
        let p = PricingTable.Price(input: 150_000, output: 0)
        #expect(PricingTable.costMicros(promptTokens: 5, completionTokens: 0, price: p) == 1)
        #expect(PricingTable.costMicros(promptTokens: 3, completionTokens: 0, price: p) == 0)
        #expect(PricingTable.costMicros(promptTokens: 10, completionTokens: 0, price: PricingTable.Price(input: 50_000, output: 0)) == 1)  // 0.5 → 1
    }

    @Test func bundledTableLoadsWithSourceAndDate() throws {
        let t = try PricingTable.bundled()
        #expect(!t.source.isEmpty && t.asOf.count == 10)
        #expect(t.price(provider: .openai, model: "gpt-4o-mini") == .init(input: 150_000, output: 600_000))
        for kind in ProviderKind.allCases { #expect(t.prices.keys.contains { $0.hasPrefix(kind.rawValue + "/") }) }
    }

    @Test func datedAndLatestVersionsUseTheLongestPrefix() throws {
        let t = try PricingTable.bundled()
        #expect(t.price(provider: .anthropic, model: "claude-3-5-haiku-20241022") == t.prices["anthropic/claude-3-5-haiku"])
        #expect(t.price(provider: .openai, model: "gpt-4o-mini-2024-07-18") == t.prices["openai/gpt-4o-mini"])
        #expect(t.price(provider: .openai, model: "gpt-4o-2024-08-06") == t.prices["openai/gpt-4o"])
        #expect(t.price(provider: .openai, model: "unknown-model") == nil)
    }

    @Test func rejectsNegativePrices() {
        let json = #"{"source":"x","as_of":"2025-01-01","models":{"openai/x":{"input":-1,"output":0}}}"#
        #expect(throws: PricingTable.LoadError.self) { try PricingTable.parse(Data(json.utf8), name: "bad.json") }
    }
}
