import Foundation
import Testing

@testable import Casbin

private let abacRules = """
    [request_definition]
    r = sub, obj, act
    [policy_definition]
    p = sub_rule, obj, act
    [policy_effect]
    e = some(where (p.eft == allow))
    [matchers]
    m = eval(p.sub_rule) && r.obj == p.obj && r.act == p.act
    """

@Suite("Enforcer")
struct EnforcerTests {
    @Test("eval() rules are parsed from the policy field and evaluated in the request scope")
    func evalRules() throws {
        let enforcer = try Enforcer(
            modelText: abacRules,
            policyText: """
                p, r.sub.Age > 18 && r.sub.Age < 60, /data1, read
                """)
        #expect(try enforcer.enforce(request: [["Age": 30], "/data1", "read"]).allowed)
        #expect(try !enforcer.enforce(request: [["Age": 16], "/data1", "read"]).allowed)
        let error = #expect(throws: CasbinError.self) {
            try Enforcer(modelText: abacRules).enforce(request: [["Age": 30], "/data1", "read"])
        }
        #expect(error?.message.contains("eval()") == true)
    }

    @Test("an eval() rule that does not parse is reported with the rule")
    func badEvalRule() throws {
        let enforcer = try Enforcer(modelText: abacRules, policyText: "p, r.sub.Age >, /data1, read")
        let error = #expect(throws: CasbinError.self) {
            try enforcer.enforce(request: [["Age": 30], "/data1", "read"])
        }
        #expect(error?.kind == .syntax)
        #expect(error?.message.contains("eval rule `r.sub.Age >`") == true)
    }

    @Test("deny-override, explanations and grouping rules added at runtime")
    func denyOverride() throws {
        let enforcer = try Enforcer(
            modelText: """
                [request_definition]
                r = sub, obj, act
                [policy_definition]
                p = sub, obj, act, eft
                [role_definition]
                g = _, _
                [policy_effect]
                e = !some(where (p.eft == deny))
                [matchers]
                m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
                """,
            policyText: "p, staff, data, write, deny")
        #expect(try enforcer.enforce(request: ["alice", "data", "write"]).allowed)
        #expect(try enforcer.addGroupingPolicy(["alice", "staff", "extra"]))
        #expect(try !enforcer.addGroupingPolicy(["alice", "staff", "extra"]))
        let decision = try enforcer.enforce(request: ["alice", "data", "write"])
        #expect(!decision.allowed)
        #expect(decision.explanation == "denied: matched p, staff, data, write, deny")
    }

    @Test("request size, unknown contexts and short grouping rules are errors")
    func requestErrors() throws {
        let enforcer = try Enforcer(modelText: abacRules, policyText: "p, true, /data1, read")
        #expect(throws: CasbinError.self) { try enforcer.enforce(request: ["alice"]) }
        #expect(throws: CasbinError.self) {
            try enforcer.enforce(request: ["a", "b", "c"], context: EnforceContext(matcherType: "m2"))
        }
        #expect(throws: CasbinError.self) { try enforcer.addGroupingPolicy(["alice", "admin"]) }
    }
}

@Suite struct TimeMatchClockTests {
    /// timeMatch never reads the clock: the caller gives the time, or gets an error.
    @Test func timeMatchUsesTheTimeItIsGiven() throws {
        #expect(throws: CasbinError.self) { try BuiltinFunctions.timeMatch("_", "2099-01-01 00:00:00") }
        let e = try Enforcer(modelText: """
        [request_definition]
        r = sub, obj, act
        [policy_definition]
        p = sub, obj, act
        [policy_effect]
        e = some(where (p.eft == allow))
        [matchers]
        m = r.sub == p.sub && timeMatch("2030-01-01 00:00:00", "2031-01-01 00:00:00")
        """, policyText: "p, alice, data1, read")
        let inside = Date(timeIntervalSince1970: 1_906_000_000)   // 2030-05-25
        let outside = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15
        #expect(try e.enforce(request: ["alice", "data1", "read"], at: inside).allowed)
        #expect(try !e.enforce(request: ["alice", "data1", "read"], at: outside).allowed)
    }
}
