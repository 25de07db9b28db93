import Testing

@testable import Casbin

private let rbacModel = """
    [request_definition]
    r = sub, obj, act ; the request
    r2= sub, obj

    [policy_definition]
    p = sub, obj, act
    p2= sub_rule, obj, act, eft

    [role_definition]
    g = _, _

    [policy_effect]
    e = some(where (p.eft == allow)) # allow-override

    # matchers follow
    [matchers]
    m = g(r.sub, p.sub) && r.obj == p.obj \\
      && r.act == p.act
    """

@Suite("Model and policy parsing")
struct ModelAndPolicyTests {
    @Test("comments, continuation lines and keys without spaces")
    func modelSyntax() throws {
        let model = try Model(text: rbacModel)
        #expect(model.requestDefinitions["r"] == ["sub", "obj", "act"])
        #expect(model.requestDefinitions["r2"] == ["sub", "obj"])
        #expect(model.policyDefinitions["p2"] == ["sub_rule", "obj", "act", "eft"])
        #expect(model.roleDefinitions == ["g": 2])
        #expect(model.effects["e"] == .allowOverride)
        #expect(model.matcherSources["m"] == "g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act")
    }

    @Test(
        "malformed models are rejected with the section and line",
        arguments: [
            (
                "[request_definition]\nr = sub\n[policy_definition]\np = sub\n[policy_effect]\ne = x\n[matchers]\nm = true",
                "line 6: [policy_effect] e: unsupported effect"
            ),
            (
                "[request_definition]\nr = sub\n[policy_definition]\np = sub\n[policy_effect]\ne = priority(p.eft) || deny\n[matchers]\nm = foo(r.sub)",
                "line 8: [matchers] m: unknown function 'foo'"
            ),
            (
                "[request_definition]\nr = sub\n[policy_definition]\np = sub\n[policy_effect]\ne = priority(p.eft) || deny\n[matchers]\nm = keyMatch(r.sub)",
                "keyMatch expects 2 arguments, got 1"
            ),
            (
                "[request_definition]\nr = sub\n[policy_effect]\ne = priority(p.eft) || deny\n[matchers]\nm = true",
                "missing [policy_definition]"
            ),
            (
                "[request_definition]\nr = sub\nr3 = obj\n[policy_definition]\np = sub\n[policy_effect]\ne = priority(p.eft) || deny\n[matchers]\nm = true",
                "line 3: [request_definition] key 'r3' is not in the sequence"
            ),
            ("[request_definition]\nr sub", "line 2: expected 'key = value'"),
        ])
    func malformedModels(text: String, message: String) {
        let error = #expect(throws: CasbinError.self) { try Model(text: text) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test("CSV fields: trimming, comments, nesting and double quotes")
    func csv() throws {
        let rules = try PolicyParser.parse(
            #"""
            # comment
            p, alice , data1, read

            p, keyMatch(r.obj, '/a,b'), [1, 2], "x, ""y""" , last
            g,bob,admin
            """#)
        #expect(
            rules == [
                PolicyRule(ptype: "p", values: ["alice", "data1", "read"]),
                PolicyRule(ptype: "p", values: ["keyMatch(r.obj, '/a,b')", "[1, 2]", "x, \"y\"", "last"]),
                PolicyRule(ptype: "g", values: ["bob", "admin"]),
            ])
        #expect(throws: CasbinError.self) { try PolicyParser.parse("p, \"open") }
    }

    @Test("explicit priorities sort numerically and runtime rules keep that order")
    func priorities() throws {
        let model = """
            [request_definition]
            r = sub, obj
            [policy_definition]
            p = priority, sub, obj, eft
            [policy_effect]
            e = priority(p.eft) || deny
            [matchers]
            m = r.sub == p.sub && r.obj == p.obj
            """
        let enforcer = try Enforcer(
            modelText: model,
            policyText: """
                p, 10, alice, data, allow
                p, 2, alice, data, deny
                p, 10, bob, data, deny
                """)
        #expect(enforcer.rules(ofType: "p").map { $0[0] } == ["2", "10", "10"])
        #expect(try !enforcer.enforce(request: ["alice", "data"]).allowed)
        #expect(try enforcer.addPolicy(["1", "alice", "data", "allow"]))
        #expect(try !enforcer.addPolicy(["1", "alice", "data", "allow"]))
        #expect(try enforcer.addPolicy(["10", "carol", "data", "allow"]))
        #expect(enforcer.rules(ofType: "p").map { $0[0] } == ["1", "2", "10", "10", "10"])
        let decision = try enforcer.enforce(request: ["alice", "data"])
        #expect(decision.allowed)
        #expect(decision.matchedRule == PolicyRule(ptype: "p", values: ["1", "alice", "data", "allow"]))
    }
}
