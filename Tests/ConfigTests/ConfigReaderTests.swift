import Base
import Config
import Gateway
import Testing

/// The sections a serve file and a scenario share, read by one reader.
@Suite struct ConfigReaderTests {
    /// A tenant reads into the gateway's configuration: keys get ids in order, aliases their targets.
    @Test func tenantReadsIntoGatewayConfiguration() throws {
        let root = try YAMLNode.parse("""
            keys: [dk-a, dk-b]
            providers: {openai: {key: sk-1, endpoint: "http://127.0.0.1:9/v1"}}
            models: {fast: openai/gpt-4o-mini}
            """, file: "t.yaml")
        let spec = try ConfigReader.parseTenant(id: "acme", root)
        let config = spec.gatewayConfig()
        #expect(config.virtualKeys.map(\.id) == ["acme-key-1", "acme-key-2"])
        #expect(config.aliases["fast"]?.active == .openai)
        #expect(config.accounts[.openai]?.endpoint.port == 9)
    }

    /// An unknown key is an error at its file, line and column, never ignored.
    @Test func unknownKeyIsLocated() throws {
        let root = try YAMLNode.parse("keys: [dk-a]\nmodles: {}\n", file: "t.yaml")
        #expect {
            try ConfigReader.parseTenant(id: "acme", root)
        } throws: { error in
            "\(error)".hasPrefix("t.yaml:2:1:") && "\(error)".contains("modles")
        }
    }

    /// Quotas in YAML follow the Platform API's one rule (``QuotaName``): 0 means no limit,
    /// fractions and values over a billion are refused with the same message.
    @Test func quotasFollowTheAPIsRule() throws {
        let root = try YAMLNode.parse("""
            keys: [dk-a]
            quotas: {requests_per_minute: 600, tokens_per_minute: 0, concurrent: 2}
            budget: {monthly_usd: 12.5}
            """, file: "t.yaml")
        let spec = try ConfigReader.parseTenant(id: "acme", root)
        #expect(spec.limits == RateLimits(requestsPerMinute: 600, concurrent: 2))
        #expect(spec.budget?.monthlyMicros == 12_500_000)
        let noBudget = try ConfigReader.parseTenant(id: "acme", try YAMLNode.parse("keys: [dk-a]\nbudget: {monthly_usd: 0}\n", file: "t.yaml"))
        #expect(noBudget.budget == nil)
        for bad in ["quotas: {concurrent: 2.5}", "quotas: {requests_per_second: 1000000001}", "budget: {monthly_usd: -1}"] {
            #expect {
                try ConfigReader.parseTenant(id: "acme", try YAMLNode.parse("keys: [dk-a]\n\(bad)\n", file: "t.yaml"))
            } throws: { error in
                "\(error)".hasPrefix("t.yaml:2:") && "\(error)".contains("is a whole number from 0 to 1,000,000,000")
            }
        }
    }

    /// The one YAML → JSON conversion: mapping order kept, quoted scalars stay text, and
    /// Flagsmith condition values stay text when asked.
    @Test func yamlReadsAsJSON() throws {
        let node = try YAMLNode.parse("""
            b: 1
            a: [true, ~, 2.5, "3", plain]
            rules: [{property: plan, value: 5}]
            """, file: "t.yaml")
        let json = try node.json()
        #expect(json.objectValue?.keys == ["b", "a", "rules"])
        #expect(json == ["b": 1, "a": [true, .null, 2.5, "3", "plain"], "rules": [["property": "plan", "value": 5]]])
        #expect(try node.json(conditionValuesAsText: true)["rules"] == [["property": "plan", "value": "5"]])
    }
}
