import Base
import Testing
@testable import Flags

@Suite("JSONPath")
struct JSONPathTests {
    let document: JSONValue = [
        "environment": ["key": "env", "name": "Production"],
        "identity": ["identifier": "user_1", "traits": ["a b": 1, "x-y": 2]],
        "features": ["f1": ["name": "f1", "variants": [["value": "a"], ["value": "b"], ["value": "c"]]]],
    ]

    @Test(arguments: [
        ("$.environment.name", "Production"),
        ("$['environment']['key']", "env"),
        ("$[\"identity\"].identifier", "user_1"),
        ("$.identity .identifier", "user_1"),
        ("$.identity.traits['a b']", 1),
        ("$.identity.traits.x-y", 2),
        ("$..name", "Production"),
        ("$.features.*.variants[-1].value", "c"),
        ("$.features.f1.variants[1:].value", "b"),
        ("$.features.f1.variants[::-1].value", "c"),
        ("$.features[*].variants[0, 2].value", "a"),
    ] as [(String, JSONValue)])
    func selectsTheFirstNode(query: String, expected: JSONValue) throws {
        #expect(try #require(JSONPathQuery(query)).firstMatch(in: document) == expected)
    }

    @Test(arguments: ["$.nothing", "$.features.f1.variants[7]", "$.environment.name.length"])
    func selectsNothing(query: String) throws {
        #expect(try #require(JSONPathQuery(query)).firstMatch(in: document) == nil)
    }

    @Test(arguments: ["$.", "$. environment", "$.environment ", "$[01]", "$[-0]", "$['a'", "$.1a",
                      "$[?@.a]", "$..", "$[9007199254740992]", "environment.name"])
    func rejectsMalformedOrUnsupportedQueries(query: String) {
        #expect(JSONPathQuery(query) == nil)
    }

    @Test func traitsShadowJSONPathProperties() {
        let traits: OrderedMap<JSONValue> = ["$.identity.identifier": "shadow"]
        let evaluation = FlagEngine.evaluate(context(traits: traits, conditions: [
            SegmentCondition(property: "$.identity.identifier", operator: .equal, value: "shadow"),
            SegmentCondition(property: "$.environment.name", operator: .equal, value: "Production"),
            SegmentCondition(property: "$.identity", operator: .isNotSet, value: ""),
        ]))
        #expect(evaluation.segments.map(\.name) == ["1", "2", "3"])
    }
}
