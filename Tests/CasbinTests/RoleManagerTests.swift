import Testing

@testable import Casbin

private let keyMatch2: MatchingFunction = { try BuiltinFunctions.keyMatch2($0, $1) }

@Suite("Role managers")
struct RoleManagerTests {
    @Test("inheritance is transitive up to 10 levels")
    func depthLimit() {
        let manager = RoleManager()
        for level in 0..<12 { manager.addLink("u\(level)", "u\(level + 1)") }
        #expect(manager.hasLink("u0", "u9"))
        #expect(!manager.hasLink("u0", "u10"))
        #expect(manager.hasLink("u2", "u11"))
        #expect(manager.hasLink("x", "x"))
    }

    @Test("cycles terminate")
    func cycles() {
        let manager = RoleManager()
        manager.addLink("a", "b")
        manager.addLink("b", "a")
        #expect(manager.hasLink("a", "a"))
        #expect(!manager.hasLink("a", "c"))
    }

    @Test("a matching function lets pattern names stand for every name they match")
    func patterns() {
        let manager = RoleManager()
        manager.addLink("/book/:id", "book_group")
        manager.addLink("alice", "/book/1")
        #expect(!manager.hasLink("/book/2", "book_group"))
        manager.setMatchingFunction(keyMatch2)
        #expect(manager.hasLink("/book/2", "book_group"))
        #expect(manager.hasLink("alice", "book_group"))
        #expect(!manager.hasLink("/pen/2", "book_group"))
    }

    @Test("domains are separate unless a domain matching function merges them")
    func domains() {
        let manager = DomainRoleManager()
        manager.addLink("alice", "admin", domain: "*")
        manager.addLink("bob", "admin", domain: "domain2")
        #expect(!manager.hasLink("alice", "admin", domain: "domain1"))
        #expect(manager.hasLink("bob", "admin", domain: "domain2"))
        manager.setDomainMatchingFunction(keyMatch2)
        #expect(manager.hasLink("alice", "admin", domain: "domain1"))
        #expect(!manager.hasLink("bob", "admin", domain: "domain1"))
        manager.addLink("carol", "admin", domain: "*")
        #expect(manager.hasLink("carol", "admin", domain: "domain1"))
    }
}
