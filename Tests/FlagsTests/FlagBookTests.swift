import Base
import Crypto
import Flags
import Testing

/// The platform's flag book: precedence, rollouts, definitions as JSON.
@Suite struct FlagBookTests {
    static let definitions: FlagDefinitions = {
        var d = FlagDefinitions()
        d.put(.init(id: 0, name: "connectors.slack", enabled: false))
        d.put(.init(id: 0, name: "experimental.reasoning", enabled: false, rollout: 30))
        d.put(.init(id: 0, name: "rag.mode", enabled: true, value: "hybrid"))
        d.put(.init(name: "enterprise", rules: [["type": "ALL", "conditions": [["property": "plan", "operator": "EQUAL", "value": "enterprise"]]]],
                    overrides: [("connectors.slack", FlagState(enabled: true)), ("rag.mode", FlagState(enabled: true, value: "dense"))]))
        return d
    }()

    @Test func precedenceIsTenantThenSegmentThenRolloutThenDefault() {
        var book = FlagBook(definitions: Self.definitions)
        #expect(book.definitions.features.map(\.id) == [1, 2, 3])
        #expect(!book.isEnabled("connectors.slack", tenant: "acme"))
        book.traits["acme"] = ["plan": "enterprise"]
        let acme = book.evaluate(tenant: "acme")
        #expect(acme[0].enabled && acme[0].reason == "TARGETING_MATCH; segment=enterprise")
        #expect(acme[2].value == "dense")
        book.overrides["acme"] = ["connectors.slack": FlagState(enabled: false)]
        #expect(!book.isEnabled("connectors.slack", tenant: "acme"))
        #expect(book.evaluate(tenant: "acme")[0].reason == "TENANT_OVERRIDE")
        // An override of the rollout feature beats the rollout either way.
        book.overrides["globex"] = ["experimental.reasoning": FlagState(enabled: true)]
        #expect(book.isEnabled("experimental.reasoning", tenant: "globex"))
        #expect(!book.isEnabled("no.such.feature", tenant: "acme"))
        #expect(book.evaluate(tenant: nil).map(\.enabled) == [false, false, true])
    }

    /// Flagsmith's hashing, written out independently of the engine: MD5 of
    /// "rollout:<feature>,platform_<tenant>" as a big integer, mod 9999, over 9998, × 100.
    static func bucket(_ feature: String, _ tenant: String) -> Double {
        let digest = Insecure.MD5.hash(data: Array("rollout:\(feature),platform_\(tenant)".utf8))
        var remainder = 0
        for byte in digest { remainder = (remainder * 256 + Int(byte)) % 9999 }
        return Double(remainder) / 9998 * 100
    }

    @Test func rolloutsReachTheTenantsFlagsmithsHashingPicks() {
        let book = FlagBook(definitions: Self.definitions)
        let tenants = (1...400).map { "tenant-\($0)" }
        let on = tenants.filter { book.isEnabled("experimental.reasoning", tenant: $0) }
        let expected = tenants.filter { Self.bucket("experimental.reasoning", $0) <= 30 }
        #expect(on == expected)
        #expect((100...140).contains(on.count), "\(on.count) of 400")
        // Raising the percentage only adds tenants.
        var wider = book
        wider.definitions.put(.init(id: 0, name: "experimental.reasoning", enabled: false, rollout: 60))
        #expect(Set(on).isSubset(of: Set(tenants.filter { wider.isEnabled("experimental.reasoning", tenant: $0) })))
    }

    @Test func definitionsRoundTripAsJSONAndBadOnesNameTheirPath() throws {
        let text = Self.definitions.json.serialized()
        let back = try FlagDefinitions(json: try JSONValue.parse(text))
        #expect(back == Self.definitions)
        for (bad, path) in [(#"{"features": [{"name": "x", "rollout": 130}]}"#, "flags.features[0].rollout"),
                            (#"{"features": [{"name": "bad name"}]}"#, "flags.features[0].name"),
                            (#"{"features": [{"name": "x"}, {"name": "x"}]}"#, "flags.features[1].name"),
                            (#"{"features": [], "segments": [{"name": "s", "rules": [], "overrides": {"y": true}}]}"#, "flags.segments[0].overrides.y"),
                            (#"{"features": [{"name": "x", "enabeld": true}]}"#, "flags.features[0].enabeld"),
                            // A rule the engine cannot read is refused here, not when a flag is next read.
                            (#"{"features": [], "segments": [{"name": "s", "rules": [{"type": "SOME"}]}]}"#, "flags.segments")] {
            do {
                _ = try FlagDefinitions(json: try JSONValue.parse(bad))
                Issue.record("accepted \(bad)")
            } catch let error as FlagDefinitionError {
                #expect(error.path == path, "\(bad): \(error)")
            } catch {
                Issue.record("\(bad): \(error)")
            }
        }
    }
}
