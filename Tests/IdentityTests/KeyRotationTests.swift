import Foundation
import Identity
import Testing

@Suite("JWKS caching and key rotation")
struct KeyRotationTests {
    @Test("unknown kid after rotation: one refetch, then success")
    func rotation() async throws {
        let harness = try Harness()
        let before = try await harness.token()
        #expect(try await harness.validator.refusal(of: before) == nil)

        let newKeyID = try await harness.idp.rotateKey()
        let after = try await harness.token()
        let identity = try await harness.validator.validate(token: after, now: Fixture.t0.addingTimeInterval(60))

        #expect(identity.keyID == newKeyID)
        #expect(await harness.fetchCount(harness.idp.jwksURL) == 2)
        #expect(await harness.fetchCount(harness.idp.discoveryURL) == 1)
    }

    @Test("unknown kids refetch at most once per refresh interval")
    func refetchRateLimit() async throws {
        let harness = try Harness()
        _ = try await harness.validator.validate(token: try await harness.token(), now: Fixture.t0)
        let bogus = try await harness.token(keyID: "bogus")

        // Within 30 s of the initial fetch: refused without a fetch.
        for second in [0.0, 10, 29.9] {
            #expect(
                try await harness.validator.refusal(of: bogus, at: Fixture.t0.addingTimeInterval(second)) == .unknownKey
            )
        }
        #expect(await harness.fetchCount(harness.idp.jwksURL) == 1)

        // At 30 s: one refetch; a flood right after it causes no more.
        for second in [30.0, 30.0, 31, 45, 59.9] {
            #expect(
                try await harness.validator.refusal(of: bogus, at: Fixture.t0.addingTimeInterval(second)) == .unknownKey
            )
        }
        #expect(await harness.fetchCount(harness.idp.jwksURL) == 2)

        #expect(try await harness.validator.refusal(of: bogus, at: Fixture.t0.addingTimeInterval(60)) == .unknownKey)
        #expect(await harness.fetchCount(harness.idp.jwksURL) == 3)
    }

    @Test("a rotated key is not found while the refresh interval blocks the refetch")
    func rotationRightAfterFetch() async throws {
        let harness = try Harness()
        _ = try await harness.validator.validate(token: try await harness.token(), now: Fixture.t0)
        try await harness.idp.rotateKey()
        let token = try await harness.token()

        #expect(try await harness.validator.refusal(of: token, at: Fixture.t0.addingTimeInterval(5)) == .unknownKey)
        #expect(try await harness.validator.refusal(of: token, at: Fixture.t0.addingTimeInterval(30)) == nil)
    }

    @Test("the key set is refetched once its TTL has passed, dropping rotated-out keys")
    func ttlExpiry() async throws {
        let harness = try Harness()
        let old = try await harness.token()
        _ = try await harness.validator.validate(token: old, now: Fixture.t0)
        try await harness.idp.rotateKey()

        // Still cached: the old key keeps working, no fetch.
        #expect(try await harness.validator.refusal(of: old, at: Fixture.t0.addingTimeInterval(599)) == nil)
        #expect(await harness.fetchCount(harness.idp.jwksURL) == 1)

        // TTL over: refetched, and the old key is gone.
        #expect(try await harness.validator.refusal(of: old, at: Fixture.t0.addingTimeInterval(600)) == .unknownKey)
        #expect(await harness.fetchCount(harness.idp.jwksURL) == 2)
    }

    @Test("concurrent first validations share one fetch")
    func coalescedFetch() async throws {
        let harness = try Harness()
        let token = try await harness.token()
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await harness.validator.validate(token: token, now: Fixture.t0).subject }
            }
            for try await subject in group {
                #expect(subject == "user-1")
            }
        }
        #expect(await harness.idp.requestLog == [harness.idp.discoveryURL, harness.idp.jwksURL])
    }

    @Test("a provider outage is reported with the URL, and retried only after the refresh interval")
    func outage() async throws {
        let harness = try Harness()
        let token = try await harness.token()
        await harness.idp.setFailureStatus(503)

        let error = await #expect(throws: IdentityProviderError.self) {
            try await harness.validator.validate(token: token, now: Fixture.t0)
        }
        #expect(error?.description == "could not fetch \(harness.idp.discoveryURL): HTTP status 503")

        await harness.idp.setFailureStatus(nil)
        await #expect(throws: IdentityProviderError.self) {
            try await harness.validator.validate(token: token, now: Fixture.t0.addingTimeInterval(29))
        }
        #expect(await harness.idp.requestLog.count == 1)

        #expect(try await harness.validator.refusal(of: token, at: Fixture.t0.addingTimeInterval(30)) == nil)
    }
}
