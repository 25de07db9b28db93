import Base
import Foundation
import Identity
import Testing

@Suite("Logto claim mapping")
struct ClaimMappingTests {
    @Test("organization token: organization_id is the tenant; a request may only name that one")
    func organizationToken() async throws {
        let harness = try Harness()
        let token = try await harness.token { $0["organization_id"] = "org-a" }

        let identity = try await harness.validator.validate(token: token, now: Fixture.t0)
        #expect(identity.tenantID == "org-a")
        let named = try await harness.validator.validate(token: token, now: Fixture.t0, requestedTenant: "org-a")
        #expect(named.tenantID == "org-a")
        #expect(try await harness.validator.refusal(of: token, requestedTenant: "org-b") == .wrongTenant)
    }

    @Test("organization_id wins over the organizations list")
    func organizationIDPrecedence() async throws {
        let harness = try Harness()
        let token = try await harness.token {
            $0["organization_id"] = "org-b"
            $0["organizations"] = ["org-a", "org-b"]
        }
        #expect(try await harness.validator.validate(token: token, now: Fixture.t0).tenantID == "org-b")
        #expect(try await harness.validator.refusal(of: token, requestedTenant: "org-a") == .wrongTenant)
    }

    @Test("a single membership is the tenant")
    func singleMembership() async throws {
        let harness = try Harness()
        let token = try await harness.token { $0["organizations"] = ["org-a"] }
        #expect(try await harness.validator.validate(token: token, now: Fixture.t0).tenantID == "org-a")
    }

    @Test("several memberships: the request must name one, and only a member one")
    func severalMemberships() async throws {
        let harness = try Harness()
        let token = try await harness.token { $0["organizations"] = ["org-a", "org-b"] }

        #expect(try await harness.validator.refusal(of: token) == .tenantRequired)
        let identity = try await harness.validator.validate(token: token, now: Fixture.t0, requestedTenant: "org-b")
        #expect(identity.tenantID == "org-b")
        #expect(try await harness.validator.refusal(of: token, requestedTenant: "org-c") == .wrongTenant)
    }

    @Test("no organization claims: no tenant; naming one is refused")
    func noOrganization() async throws {
        let harness = try Harness()
        for adjust: (inout [String: JSONValue]) -> Void in [{ _ in }, { $0["organizations"] = [] }] {
            let token = try await harness.token(adjust)
            #expect(try await harness.validator.validate(token: token, now: Fixture.t0).tenantID == nil)
            #expect(try await harness.validator.refusal(of: token, requestedTenant: "org-a") == .wrongTenant)
        }
    }

    @Test("a required tenant that the token does not give is a missing claim")
    func requiredTenant() async throws {
        let harness = try Harness { $0.claims.requiresTenant = true }
        #expect(try await harness.validator.refusal(of: try await harness.token()) == .missingClaim)
        #expect(
            try await harness.validator.refusal(of: try await harness.token { $0["organizations"] = [] })
                == .missingClaim)
        #expect(
            try await harness.validator.refusal(of: try await harness.token { $0["organization_id"] = "org-a" }) == nil)
    }

    @Test("roles and organization_roles of the resolved tenant")
    func roles() async throws {
        let harness = try Harness()
        let token = try await harness.token {
            $0["roles"] = ["user", "billing", "user"]
            $0["organizations"] = ["org-a", "org-b"]
            $0["organization_roles"] = [
                "org-a:admin", "org-b:viewer", "org-a:editor", "org-a:admin", "org-ab:owner", "malformed", "org-a:",
            ]
        }

        let inA = try await harness.validator.validate(token: token, now: Fixture.t0, requestedTenant: "org-a")
        #expect(inA.globalRoles == ["user", "billing"])
        #expect(inA.tenantRoles == ["admin", "editor"])
        #expect(inA.roles == ["user", "billing", "admin", "editor"])

        let inB = try await harness.validator.validate(token: token, now: Fixture.t0, requestedTenant: "org-b")
        #expect(inB.tenantRoles == ["viewer"])
    }

    @Test("organization roles are ignored without a tenant; role names may contain the separator")
    func organizationRolesEdgeCases() async throws {
        let harness = try Harness()
        let noTenant = try await harness.token { $0["organization_roles"] = ["org-a:admin"] }
        #expect(try await harness.validator.validate(token: noTenant, now: Fixture.t0).tenantRoles == [])

        let colon = try await harness.token {
            $0["organization_id"] = "org-a"
            $0["organization_roles"] = ["org-a:ns:admin"]
            $0["roles"] = "solo"
        }
        let identity = try await harness.validator.validate(token: colon, now: Fixture.t0)
        #expect(identity.tenantRoles == ["ns:admin"])
        #expect(identity.globalRoles == ["solo"])
    }

    @Test("custom claim names, and switched-off sources")
    func customMapping() async throws {
        let harness = try Harness {
            $0.claims = ClaimMapping(
                tenantClaim: "tid", tenantMembershipClaim: nil, rolesClaim: "groups",
                tenantRolesClaim: "tenant_roles", tenantRoleSeparator: "/",
                emailClaim: "mail", nameClaim: nil)
        }
        let token = try await harness.token {
            $0["tid"] = "t-1"
            $0["organizations"] = ["ignored-1", "ignored-2"]
            $0["groups"] = ["ops"]
            $0["tenant_roles"] = ["t-1/admin", "t-2/admin"]
            $0["roles"] = ["ignored"]
            $0["mail"] = "ops@example.test"
            $0["name"] = "ignored"
        }
        let identity = try await harness.validator.validate(token: token, now: Fixture.t0)
        #expect(identity.tenantID == "t-1")
        #expect(identity.globalRoles == ["ops"])
        #expect(identity.tenantRoles == ["admin"])
        #expect(identity.email == "ops@example.test")
        #expect(identity.name == nil)
    }
}
