import Foundation
import Identity
import Testing

/// Boundaries of `exp`, `nbf` and `iat` with the default 60 s skew: the token is issued at
/// `t0` and expires at `t0 + 3600`.
@Suite("Clock skew boundaries")
struct ClockSkewTests {
    static let exp = Fixture.t0.addingTimeInterval(3600)

    @Test(
        "exp: accepted until exp + skew, refused from then on",
        arguments: [
            (59.0, nil), (59.999, nil), (60.0, TokenValidationError.Reason.expired), (61.0, .expired),
        ])
    func expiry(offset: TimeInterval, expected: TokenValidationError.Reason?) async throws {
        let harness = try Harness()
        let token = try await harness.token()
        let now = Self.exp.addingTimeInterval(offset)
        #expect(try await harness.validator.refusal(of: token, at: now) == expected)
    }

    @Test("exp without skew: refused at exp exactly")
    func expiryWithoutSkew() async throws {
        let harness = try Harness { $0.clockSkew = .zero }
        let token = try await harness.token()
        #expect(try await harness.validator.refusal(of: token, at: Self.exp.addingTimeInterval(-1)) == nil)
        #expect(try await harness.validator.refusal(of: token, at: Self.exp) == .expired)
    }

    @Test(
        "nbf: accepted from nbf - skew",
        arguments: [
            (-61.0, TokenValidationError.Reason.notYetValid), (-60.0, nil), (0.0, nil),
        ])
    func notBefore(offset: TimeInterval, expected: TokenValidationError.Reason?) async throws {
        let harness = try Harness()
        let nbf = Fixture.t0.addingTimeInterval(600)
        let token = try await harness.token { $0["nbf"] = .double(nbf.timeIntervalSince1970) }
        #expect(try await harness.validator.refusal(of: token, at: nbf.addingTimeInterval(offset)) == expected)
    }

    @Test(
        "iat: accepted up to now + skew",
        arguments: [
            (60.0, nil), (61.0, TokenValidationError.Reason.notYetValid),
        ])
    func issuedAt(offset: TimeInterval, expected: TokenValidationError.Reason?) async throws {
        let harness = try Harness()
        let token = try await harness.token(issuedAt: Fixture.t0.addingTimeInterval(offset))
        #expect(try await harness.validator.refusal(of: token, at: Fixture.t0) == expected)
    }

    @Test("a larger configured skew widens every window")
    func configuredSkew() async throws {
        let harness = try Harness { $0.clockSkew = .seconds(300) }
        let token = try await harness.token()
        #expect(try await harness.validator.refusal(of: token, at: Self.exp.addingTimeInterval(299)) == nil)
        #expect(try await harness.validator.refusal(of: token, at: Self.exp.addingTimeInterval(300)) == .expired)
        #expect(try await harness.validator.refusal(of: token, at: Fixture.t0.addingTimeInterval(-300)) == nil)
        #expect(try await harness.validator.refusal(of: token, at: Fixture.t0.addingTimeInterval(-301)) == .notYetValid)
    }
}
