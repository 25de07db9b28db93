import Base
import Mocks
import Crypto
import Foundation
import Identity
import PlatformAPI
import Storage

/// A Platform API over fresh SQLite (or PostgreSQL) databases, a mock identity provider,
/// a settable clock and seeded randomness; requests go straight to ``APIService/handle(_:)``.
final class APIFixture: Sendable {
    static let audience = "https://api.dcoder.test"
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    let service: APIService
    let idp: MockIdentityProvider
    let backend: any StorageBackend
    let platform: SQLPlatformStore
    private let time = Locked<Date>(APIFixture.t0)
    private let counter = Locked<UInt64>(0)

    init(backend: any StorageBackend,
         answerer: (@Sendable (_ tenant: String, _ system: String, _ user: String) async throws -> String)? = nil) async throws {
        self.backend = backend
        idp = try MockIdentityProvider(issuer: "https://idp.dcoder.test/oidc")
        platform = try await SQLPlatformStore.open(backend: backend, now: Self.t0)
        let validator = OIDCTokenValidator(config: OIDCProviderConfig(issuer: idp.issuer, audiences: [Self.audience]), fetcher: idp)
        let secrets = try SecretBox(key: SymmetricKey(data: [UInt8](repeating: 7, count: 32)), keyID: "test-1")
        let time = self.time, counter = self.counter
        service = APIService(backend: backend, platform: platform, validator: validator, enforcer: try APIService.defaultEnforcer(),
                             secrets: secrets, clock: { time.withLock { $0 } }, random: { n in
                                 counter.withLock { c in
                                     (0..<n).map { _ in c &+= 0x9E37_79B9_7F4A_7C15; return UInt8(truncatingIfNeeded: (c >> 29) ^ c) }
                                 }
                             }, answerer: answerer)
    }

    /// Runs `body` against a fresh SQLite data folder, removed afterwards.
    static func withSQLite(_ body: (APIFixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("api-tests-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = SQLiteBackend(dataDirectory: directory)
        do {
            try await body(try await APIFixture(backend: backend))
        } catch {
            try? await backend.shutdown()
            throw error
        }
        try await backend.shutdown()
    }

    func advance(seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// A token for `subject`: platform roles in `roles`, tenant roles as Logto organization roles.
    func token(_ subject: String, tenant: String? = nil, tenantRoles: [String] = [], roles: [String] = [],
               issuedAt: Date? = nil) async throws -> String {
        var claims = idp.standardClaims(subject: subject, audience: Self.audience, issuedAt: issuedAt ?? time.withLock { $0 })
        if let tenant {
            claims["organization_id"] = .string(tenant)
            claims["organization_roles"] = .array(tenantRoles.map { .string("\(tenant):\($0)") })
        }
        if !roles.isEmpty { claims["roles"] = .array(roles.map(JSONValue.string)) }
        return try await idp.sign(claims)
    }

    func call(_ method: String, _ path: String, token: String?, body: String? = nil) async -> APIResponse {
        await service.handle(.json(method, path, token: token, body: body))
    }
}
