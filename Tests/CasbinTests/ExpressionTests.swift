import Testing

@testable import Casbin

/// Evaluates `source` against request `r = sub, obj` with the given values and an empty policy row.
private func evaluate(_ source: String, sub: Value = "alice", obj: Value = "data1") throws -> Value {
    let scope = Scope(
        requestKey: "r", requestTokens: ["sub", "obj"], request: [sub, obj],
        policyKey: "p", policyTokens: ["sub"], policy: ["alice"])
    let evaluator = Evaluator(scope: scope, roleManagers: [:], rules: RuleCache(roles: [:]))
    return try evaluator.evaluate(try Parser.parse(source))
}

@Suite("Matcher expressions")
struct ExpressionTests {
    @Test("! binds looser than == (pycasbin rewrites it to Python's not)")
    func notPrecedence() throws {
        #expect(try evaluate("!r.sub == 'bob'") == .bool(true))
        #expect(try evaluate("!r.sub == 'alice' || r.obj == 'data1'") == .bool(true))
        #expect(try evaluate("r.sub == p.sub && !(r.obj == 'data2')") == .bool(true))
    }

    @Test("&& / || yield operands like Python's and / or")
    func logicalOperands() throws {
        #expect(try evaluate("'' || r.obj") == .string("data1"))
        #expect(try evaluate("r.sub && 0") == .number(0))
        #expect(try evaluate("r.sub == 'alice' and not r.obj == 'x'") == .bool(true))
    }

    @Test("comparisons chain, compare numbers and strings, and reject mixed ordering")
    func comparisons() throws {
        #expect(try evaluate("1 < r.sub.Age <= 20", sub: ["Age": 20]) == .bool(true))
        #expect(try evaluate("1 < r.sub.Age <= 20", sub: ["Age": 21]) == .bool(false))
        #expect(try evaluate("'abc' < 'abd'") == .bool(true))
        #expect(try evaluate("true == 1") == .bool(true))
        #expect(throws: CasbinError.self) { try evaluate("r.sub < 3") }
    }

    @Test("in accepts tuples, lists, strings and objects")
    func membership() throws {
        #expect(try evaluate("r.obj in ('data1', 'data2')") == .bool(true))
        #expect(try evaluate("r.obj in ['data2', 'data3']") == .bool(false))
        #expect(try evaluate("r.obj not in ('data2',)") == .bool(true))
        #expect(try evaluate("'ta' in r.obj") == .bool(true))
        #expect(try evaluate("'vip' in r.sub.tags", sub: ["tags": ["vip", "x"]]) == .bool(true))
    }

    @Test("arithmetic follows Python")
    func arithmetic() throws {
        #expect(try evaluate("r.sub.Age * 2 - 1", sub: ["Age": 21]) == .number(41))
        #expect(try evaluate("-7 % 3") == .number(2))
        #expect(try evaluate("r.sub + '_x'") == .string("alice_x"))
        #expect(throws: CasbinError.self) { try evaluate("1 / 0") }
    }

    @Test("attribute access reads object keys and reports missing ones")
    func attributes() throws {
        #expect(try evaluate("r.sub.Owner.Name", sub: ["Owner": ["Name": "bob"]]) == .string("bob"))
        let error = #expect(throws: CasbinError.self) { try evaluate("r.sub.Age", sub: ["Name": "x"]) }
        #expect(error?.message.contains("no attribute 'Age'") == true)
    }

    @Test("r_sub is the escaped spelling of r.sub; unknown names fail at evaluation")
    func names() throws {
        #expect(try evaluate("r_sub == p_sub") == .bool(true))
        #expect(throws: CasbinError.self) { try evaluate("r.act == 'read'") }
        #expect(throws: CasbinError.self) { try evaluate("allow") }
    }

    @Test(
        "syntax errors name the column",
        arguments: [
            ("r.sub = 'a'", "column 7"), ("r.sub == 'a", "column 10"), ("(r.sub", "column 7"),
            ("r.sub # x", "column 7"),
        ])
    func syntaxErrors(source: String, column: String) {
        let error = #expect(throws: CasbinError.self) { try Parser.parse(source) }
        #expect(error?.kind == .syntax)
        #expect(error?.message.contains(column) == true)
    }
}
