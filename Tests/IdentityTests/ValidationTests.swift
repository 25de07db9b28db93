import Base
import Mocks
import Crypto
import Foundation
import Identity
import Testing

@Suite("Token validation")
struct ValidationTests {
    @Test(
        "accepts a token signed by the provider",
        arguments: [
            MockIdentityProvider.KeyKind.es256(seed: Fixture.seed), .rs256,
        ])
    func acceptsValidToken(keyKind: MockIdentityProvider.KeyKind) async throws {
        let harness = try Harness(keyKind: keyKind)
        let token = try await harness.token {
            $0["email"] = "ada@example.test"
            $0["name"] = "Ada"
            $0["department"] = "research"
        }

        let identity = try await harness.validator.validate(token: token, now: Fixture.t0)

        #expect(identity.subject == "user-1")
        #expect(identity.issuer == Fixture.issuer)
        #expect(identity.audiences == [Fixture.audience])
        #expect(identity.email == "ada@example.test")
        #expect(identity.name == "Ada")
        #expect(identity.expiresAt == Fixture.t0.addingTimeInterval(3600))
        #expect(identity.issuedAt == Fixture.t0)
        #expect(identity.keyID == (await harness.idp.keyID))
        #expect(identity.algorithm == (keyKind == .rs256 ? .rs256 : .es256))
        #expect(identity.claims["department"] == "research")
        #expect(identity.tenantID == nil)
        #expect(identity.roles.isEmpty)
    }

    @Test("accepts an aud array that contains an accepted audience")
    func acceptsAudienceArray() async throws {
        let harness = try Harness()
        let token = try await harness.token { $0["aud"] = ["https://other.test", .string(Fixture.audience)] }
        #expect(try await harness.validator.refusal(of: token) == nil)
    }

    @Test(
        "refuses structurally broken tokens as malformed",
        arguments: [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "eyJhbGciOiJFUzI1NiJ9.e30",  // two segments
            "!!!.e30.AAAA",  // header not base64url
            "e30=.e30.AAAA",  // padding is not base64url
            "bm90IGpzb24.e30.AAAA",  // header "not json"
            "eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vY2stZXMyNTYtMSJ9.WzFd.AAAA",  // payload is an array
            "eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vY2stZXMyNTYtMSJ9.e30.A+A/",  // signature not base64url
        ])
    func refusesMalformed(token: String) async throws {
        let harness = try Harness()
        #expect(try await harness.validator.refusal(of: token) == .malformed)
    }

    @Test("refuses malformed headers")
    func refusesMalformedHeaders() async throws {
        let harness = try Harness()
        let claims = harness.claims()
        let headers: [[String: JSONValue]] = [
            ["kid": "mock-es256-1"],  // no alg
            ["alg": 256, "kid": "mock-es256-1"],  // alg not a string
            ["alg": "ES256", "kid": 1],  // kid not a string
            ["alg": "ES256", "kid": "mock-es256-1", "crit": ["exp"]],  // critical extension
        ]
        for header in headers {
            let token = try Forge.token(header: header, claims: claims) { _ in Array(repeating: 1, count: 64) }
            #expect(try await harness.validator.refusal(of: token) == .malformed, "\(header)")
        }
    }

    @Test("refuses tokens longer than the configured maximum")
    func refusesOversizedToken() async throws {
        let harness = try Harness { $0.maximumTokenLength = 512 }
        let token = try await harness.token { $0["padding"] = .string(String(repeating: "x", count: 600)) }
        #expect(try await harness.validator.refusal(of: token) == .malformed)
    }

    @Test("refuses claims of the wrong JSON type as malformed")
    func refusesMistypedClaims() async throws {
        let harness = try Harness()
        let adjustments: [(inout [String: JSONValue]) -> Void] = [
            { $0["exp"] = "tomorrow" },
            { $0["iss"] = 42 },
            { $0["aud"] = [1, 2] },
            { $0["sub"] = ["user-1"] },
            { $0["roles"] = ["admin": true] },
        ]
        for adjust in adjustments {
            let token = try await harness.token(adjust)
            #expect(try await harness.validator.refusal(of: token) == .malformed)
        }
    }

    @Test("refuses a token whose claims were changed after signing")
    func refusesTamperedClaims() async throws {
        let harness = try Harness()
        let token = try Forge.tamperClaims(try await harness.token()) { $0["sub"] = "admin" }
        #expect(try await harness.validator.refusal(of: token) == .badSignature)
    }

    @Test("refuses a signature made by another key under a published kid")
    func refusesForeignSignature() async throws {
        let harness = try Harness()
        let impostor = try MockIdentityProvider(issuer: Fixture.issuer, keyKind: .es256(seed: Array("impostor".utf8)))
        let token = try await impostor.sign(harness.claims(), keyID: await harness.idp.keyID)
        #expect(try await harness.validator.refusal(of: token) == .badSignature)
    }

    @Test("refuses empty and truncated signatures")
    func refusesBrokenSignatures() async throws {
        let harness = try Harness()
        let token = try await harness.token()
        let signingInput = token[..<(token.lastIndex(of: ".") ?? token.endIndex)]
        #expect(try await harness.validator.refusal(of: signingInput + ".") == .badSignature)
        #expect(try await harness.validator.refusal(of: String(token.dropLast(8))) == .badSignature)
    }

    @Test("refuses a kid the provider does not publish, and a token without kid")
    func refusesUnknownKey() async throws {
        let harness = try Harness()
        let unknown = try await harness.token(keyID: "not-published")
        #expect(try await harness.validator.refusal(of: unknown) == .unknownKey)

        let noKid = try Forge.token(header: ["alg": "ES256"], claims: harness.claims()) { _ in
            Array(repeating: 1, count: 64)
        }
        #expect(try await harness.validator.refusal(of: noKid) == .unknownKey)
    }

    @Test("refuses alg none even with the provider's kid")
    func refusesAlgNone() async throws {
        let harness = try Harness()
        for alg: JSONValue in ["none", "None", "NONE"] {
            let token = try Forge.token(
                header: ["alg": alg, "kid": .string(await harness.idp.keyID)], claims: harness.claims())
            #expect(try await harness.validator.refusal(of: token) == .unsupportedAlgorithm)
        }
    }

    @Test("refuses HS256 signed with the public JWKS as secret (algorithm confusion)")
    func refusesHMACConfusion() async throws {
        let harness = try Harness()
        let jwks = try await harness.idp.get(harness.idp.jwksURL).body
        let key = SymmetricKey(data: jwks)
        for alg: JSONValue in ["HS256", "HS384", "HS512"] {
            let token = try Forge.token(
                header: ["alg": alg, "kid": .string(await harness.idp.keyID)], claims: harness.claims()
            ) { signingInput in
                Array(HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key))
            }
            #expect(try await harness.validator.refusal(of: token) == .unsupportedAlgorithm)
        }
    }

    @Test("refuses an algorithm outside the configured set")
    func refusesDisallowedAlgorithm() async throws {
        let harness = try Harness(keyKind: .rs256) { $0.allowedAlgorithms = [.es256] }
        #expect(try await harness.validator.refusal(of: try await harness.token()) == .unsupportedAlgorithm)
    }

    @Test("refuses an allowed algorithm that the named key cannot verify")
    func refusesAlgorithmKeyMismatch() async throws {
        let harness = try Harness(keyKind: .rs256)
        let token = try Forge.token(
            header: ["alg": "ES256", "kid": .string(await harness.idp.keyID)], claims: harness.claims()
        ) { _ in Array(repeating: 1, count: 64) }
        #expect(try await harness.validator.refusal(of: token) == .unsupportedAlgorithm)
    }

    @Test("refuses a different issuer, byte for byte")
    func refusesWrongIssuer() async throws {
        let harness = try Harness()
        for issuer: JSONValue in [
            "https://evil.test/oidc", .string(Fixture.issuer + "/"), "HTTPS://tenant.logto.test/oidc",
        ] {
            let token = try await harness.token { $0["iss"] = issuer }
            #expect(try await harness.validator.refusal(of: token) == .wrongIssuer)
        }
    }

    @Test("refuses an aud without an accepted audience")
    func refusesWrongAudience() async throws {
        let harness = try Harness()
        for audience: JSONValue in ["https://other.test", ["https://a.test", "https://b.test"], []] {
            let token = try await harness.token { $0["aud"] = audience }
            #expect(try await harness.validator.refusal(of: token) == .wrongAudience)
        }
    }

    @Test("refuses tokens without a required claim", arguments: ["iss", "aud", "exp", "sub"])
    func refusesMissingClaim(claim: String) async throws {
        let harness = try Harness()
        let token = try await harness.token { $0[claim] = nil }
        #expect(try await harness.validator.refusal(of: token) == .missingClaim)
    }

    @Test("refuses an empty or null subject")
    func refusesEmptySubject() async throws {
        let harness = try Harness()
        for subject: JSONValue in ["", .null] {
            let token = try await harness.token { $0["sub"] = subject }
            #expect(try await harness.validator.refusal(of: token) == .missingClaim)
        }
    }

    @Test("error descriptions carry the stable code and never the token")
    func errorDescription() async throws {
        let harness = try Harness()
        let token = try Forge.tamperClaims(try await harness.token()) { $0["sub"] = "admin" }
        let error = await #expect(throws: TokenValidationError.self) {
            try await harness.validator.validate(token: token, now: Fixture.t0)
        }
        #expect(error?.reason.rawValue == "bad_signature")
        #expect(error?.description.hasPrefix("bad_signature: ") == true)
        let signature = String(token.split(separator: ".")[2])
        #expect(error?.description.contains(signature) == false)
    }

    @Test("reason codes are the documented wire strings")
    func reasonCodes() {
        #expect(
            TokenValidationError.Reason.allCases.map(\.rawValue) == [
                "malformed", "bad_signature", "unknown_key", "expired", "not_yet_valid", "wrong_issuer",
                "wrong_audience", "unsupported_algorithm", "missing_claim", "tenant_required", "wrong_tenant",
            ])
    }
}
