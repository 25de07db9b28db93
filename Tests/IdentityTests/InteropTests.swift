import Base
import Mocks
import Foundation
import Identity
import Testing

/// Tokens minted by PyJWT (`interop/mint.py`) must validate, and their tampered, expired,
/// wrong-issuer, wrong-audience and unknown-key variants must be refused with the right reason.
///
/// The Swift side only supplies the private key (the mock provider's, as PEM). PyJWT signs the
/// tokens and computes the public JWK, and the validator fetches that JWK, so signing, JWK export
/// and claim encoding are all independent of this library. Time is fixed, so the outcome is the
/// same on every run. See `Docs/identity.md` for how the Python interpreter is found.
@Suite(
    "PyJWT interoperability",
    .enabled(if: Interop.isEnabled, "no Python with PyJWT: set OIDC_INTEROP_PYTHON or run Scripts/test (Docs/identity.md)")
)
struct InteropTests {
    static let expectations: [(name: String, reason: TokenValidationError.Reason?)] = [
        ("valid", nil),
        ("tampered", .badSignature),
        ("expired", .expired),
        ("wrong_issuer", .wrongIssuer),
        ("wrong_audience", .wrongAudience),
        ("unknown_key", .unknownKey),
    ]

    @Test(
        "PyJWT tokens validate and their bad variants are refused",
        arguments: [
            MockIdentityProvider.KeyKind.es256(seed: Fixture.seed), .rs256,
        ])
    func pyjwtTokens(keyKind: MockIdentityProvider.KeyKind) async throws {
        let python = try #require(Interop.python, "OIDC_INTEROP_REQUIRED=1 but no Python interpreter was found")
        let idp = try MockIdentityProvider(issuer: Fixture.issuer, keyKind: keyKind)
        let algorithm = keyKind == .rs256 ? "RS256" : "ES256"
        let minted = try Interop.mint(
            python: python, privateKeyPEM: await idp.privateKeyPEM, algorithm: algorithm,
            keyID: await idp.keyID, cases: Self.cases())

        let jwksURL = Fixture.issuer + "/jwks"
        var fetcher = StaticFetcher()
        try fetcher.serve(
            Fixture.config().discoveryURL, json: ["issuer": .string(Fixture.issuer), "jwks_uri": .string(jwksURL)])
        try fetcher.serve(jwksURL, json: minted.jwks)
        let validator = OIDCTokenValidator(config: Fixture.config(), fetcher: fetcher)

        var tokens = minted.tokens
        tokens["tampered"] = try Forge.tamperClaims(try #require(tokens["valid"])) { $0["sub"] = "admin" }
        for (name, reason) in Self.expectations {
            let token = try #require(tokens[name], "mint.py produced no \(name) token")
            #expect(try await validator.refusal(of: token) == reason, "\(algorithm) \(name)")
        }

        let identity = try await validator.validate(token: try #require(tokens["valid"]), now: Fixture.t0)
        #expect(identity.subject == "py-user")
        #expect(identity.algorithm.rawValue == algorithm)
        #expect(identity.tenantID == "org-py")
        #expect(identity.roles == ["reader", "owner"])
    }

    /// The token cases handed to mint.py; all times are relative to the fixed `Fixture.t0`.
    static func cases() -> [String: JSONValue] {
        let now = Fixture.t0.timeIntervalSince1970
        let valid: [String: JSONValue] = [
            "iss": .string(Fixture.issuer), "sub": "py-user", "aud": [.string(Fixture.audience)],
            "iat": .double(now - 10), "nbf": .double(now - 10), "exp": .double(now + 3600),
            "organizations": ["org-py"], "organization_roles": ["org-py:owner"], "roles": ["reader"],
        ]
        func variant(_ adjust: (inout [String: JSONValue]) -> Void) -> JSONValue {
            var claims = valid
            adjust(&claims)
            return ["claims": .object(claims)]
        }
        return [
            "valid": ["claims": .object(valid)],
            "expired": variant {
                $0["iat"] = .double(now - 7200)
                $0["nbf"] = .double(now - 7200)
                $0["exp"] = .double(now - 3600)
            },
            "wrong_issuer": variant { $0["iss"] = "https://impostor.test/oidc" },
            "wrong_audience": variant { $0["aud"] = "https://other-api.test" },
            "unknown_key": ["claims": .object(valid), "kid": "not-published"],
        ]
    }
}

/// Finding and running the Python side of the interop test.
enum Interop {
    /// The repository root (this file is Tests/IdentityTests/InteropTests.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$OIDC_INTEROP_PYTHON` if set, else the test venv's python (`.venv-sdk`, made by Scripts/test).
    static var python: URL? {
        if let explicit = ProcessInfo.processInfo.environment["OIDC_INTEROP_PYTHON"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let venv = packageRoot.appendingPathComponent(".venv-sdk/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
    }

    /// Runs when a Python is found, or when `OIDC_INTEROP_REQUIRED=1` (then a missing Python fails).
    static var isEnabled: Bool {
        python != nil || ProcessInfo.processInfo.environment["OIDC_INTEROP_REQUIRED"] == "1"
    }

    struct MintFailure: Error, CustomStringConvertible {
        let status: Int32
        let stderr: String
        var description: String { "mint.py exited with status \(status): \(stderr)" }
    }

    /// Runs mint.py with the key and cases in a fresh temporary directory.
    static func mint(
        python: URL,
        privateKeyPEM: String,
        algorithm: String,
        keyID: String,
        cases: [String: JSONValue]
    ) throws -> (jwks: [String: JSONValue], tokens: [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "oidc-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("key.pem")
        let casesFile = directory.appendingPathComponent("cases.json")
        try Data(privateKeyPEM.utf8).write(to: keyFile)
        try JSONEncoder().encode(cases).write(to: casesFile)

        let process = Process()
        process.executableURL = python
        process.arguments = [
            packageRoot.appendingPathComponent("Tests/Integration/oidc_mint.py").path,
            "--key", keyFile.path, "--alg", algorithm, "--kid", keyID, "--cases", casesFile.path,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MintFailure(status: process.terminationStatus, stderr: String(decoding: stderr, as: UTF8.self))
        }

        struct Minted: Decodable {
            let jwks: [String: JSONValue]
            let tokens: [String: String]
        }
        let minted = try JSONDecoder().decode(Minted.self, from: stdout)
        return (minted.jwks, minted.tokens)
    }
}
