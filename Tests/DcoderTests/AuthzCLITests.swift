import Foundation
import Testing

/// `dcoder authz`: Casbin's own cases (../shared/peers/casbin) and the CLI contract.
@Suite struct AuthzCLITests {
    static let peers = CLI.root + "/../shared/peers/casbin"

    func caseCount(_ file: String) throws -> Int {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.count
    }

    @Test func everyCasbinPeerCaseAndFunctionVectorPasses() throws {
        let cases = Self.peers + "/cases.jsonl", functions = Self.peers + "/functions.jsonl"
        let r = try CLI.run(["authz", "test", cases, functions])
        let expected = try caseCount(cases) + caseCount(functions)
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.split(separator: "\n").last.map(String.init) == "\(expected) passed, 0 failed")
    }

    @Test func aFailingCaseIsShownWithItsDecisionAndExitsOne() throws {
        let dir = CLI.tempDir()
        let file = dir + "/cases.jsonl"
        let model = Self.peers + "/examples/rbac_model.conf", policy = Self.peers + "/examples/rbac_policy.csv"
        try """
        {"model": "\(model)", "policy": "\(policy)", "request": ["alice", "data2", "read"], "expected": true}
        {"model": "\(model)", "policy": "\(policy)", "request": ["bob", "data2", "read"], "expected": true}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["authz", "test", file])
        #expect(r.status == 1)
        #expect(r.out.contains("line 2") && r.out.contains("bob"))
        #expect(r.out.hasSuffix("1 passed, 1 failed\n"))
    }

    @Test func evalAnswersOneLinePerRequest() throws {
        let args = ["authz", "eval", "--model", Self.peers + "/examples/abac_rule_model.conf", "--policy", Self.peers + "/examples/abac_rule_policy.csv"]
        let ok = try CLI.run(args, stdin: """
        [{"Name": "alice", "Age": 16}, "/data1", "read"]
        [{"Name": "bob", "Age": 30}, "/data1", "read"]
        """)
        #expect(ok.status == 0 && ok.out == "false\ntrue\n", "\(ok.out)\(ok.err)")
        let bad = try CLI.run(args, stdin: "[\"alice\"\n[{\"Age\": 30}, \"/data1\", \"read\"]\n")
        #expect(bad.status == 1 && bad.out == "error: line 1: not a JSON array of request values\ntrue\n", "\(bad.out)")
        let missing = try CLI.run(["authz", "eval", "--model", "/nonexistent.conf"], stdin: "")
        #expect(missing.status == 2 && missing.err.contains("nonexistent.conf"))
    }

    /// The Platform API's default policy, tested like code with the cases documented in Docs/access-control.md.
    @Test func theDefaultPlatformPolicyPassesItsCases() throws {
        let r = try CLI.run(["authz", "test", "Docs/examples/platform-policy-cases.jsonl"])
        #expect(r.status == 0 && r.out.hasSuffix("18 passed, 0 failed\n"), "\(r.out)\(r.err)")
    }
}

