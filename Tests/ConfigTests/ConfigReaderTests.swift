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
