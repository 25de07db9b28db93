import Base
import Mocks
import Foundation
import Identity
import Testing

@Suite("Mock provider and JSON values")
struct SupportingTypesTests {
    @Test("equal seeds give equal keys; different seeds differ")
    func deterministicKeys() async throws {
        let first = try MockIdentityProvider(issuer: Fixture.issuer, keyKind: .es256(seed: Fixture.seed))
        let second = try MockIdentityProvider(issuer: Fixture.issuer, keyKind: .es256(seed: Fixture.seed))
        let other = try MockIdentityProvider(issuer: Fixture.issuer, keyKind: .es256(seed: [1, 2, 3]))

        let jwks = try await first.get(first.jwksURL).body
        #expect(try await second.get(second.jwksURL).body == jwks)
        #expect(try await other.get(other.jwksURL).body != jwks)
        #expect(await first.privateKeyPEM == second.privateKeyPEM)
        #expect(await first.keyID == "mock-es256-1")
    }

    @Test("rotation publishes only the new key")
    func rotationReplacesKey() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer)
        let before = String(decoding: try await idp.get(idp.jwksURL).body, as: UTF8.self)
        let newKeyID = try await idp.rotateKey()
        let after = String(decoding: try await idp.get(idp.jwksURL).body, as: UTF8.self)

        #expect(newKeyID == "mock-es256-2")
        #expect(before.contains("mock-es256-1"))
        #expect(after.contains("mock-es256-2"))
        #expect(!after.contains("mock-es256-1"))
    }

    @Test("serves discovery and JWKS, 404 elsewhere")
    func routes() async throws {
        let idp = try MockIdentityProvider(issuer: Fixture.issuer + "/")
        #expect(idp.discoveryURL == Fixture.issuer + "/.well-known/openid-configuration")
        #expect(idp.jwksURL == Fixture.issuer + "/jwks")
        #expect(try await idp.get(idp.discoveryURL).status == 200)
        #expect(try await idp.get(idp.jwksURL).status == 200)
        #expect(try await idp.get(Fixture.issuer + "/token").status == 404)
    }
}
