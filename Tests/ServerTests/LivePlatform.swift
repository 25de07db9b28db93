import Base
import Crypto
import Foundation
import Config
import Identity
@testable import Mocks
@testable import Server
@testable import PlatformAPI
import Storage

/// The live server with the Platform API on a fresh SQLite folder and one tenant, `acme`
/// (virtual key `dk-acme`, model `chat` on the mock providers), for the tests that need
/// both the gateway and the API.
struct LivePlatform: Sendable {
    let service: APIService
    let idp: MockIdentityProvider
    let gateway: LiveGateway
    /// Loads the gateway's tenants from the databases (seeded from the serve file).
    let controlPlane: GatewayControlPlane
    let settings: ServeConfig
    let backend: SQLiteBackend
    let client: TestClient
    /// The mock providers' own view: the calls they received.
    let providers: TestClient
    static let audience = "aud"

    /// A token for `subject` with `roles` in acme.
    func token(_ subject: String, roles: [String]) async throws -> String {
        var claims = idp.standardClaims(subject: subject, audience: Self.audience, issuedAt: Date())
        claims["organization_id"] = "acme"
        claims["organization_roles"] = .array(roles.map { .string("acme:\($0)") })
        return try await idp.sign(claims)
    }

    /// A Platform API service on `backend` with `idp` as its identity provider.
    static func makeService(backend: SQLiteBackend, idp: MockIdentityProvider, secrets: SecretBox,
                            answerer: APIService.Answerer? = nil) async throws -> APIService {
        APIService(
            backend: backend, platform: try await SQLPlatformStore.open(backend: backend, now: Date()),
            validator: OIDCTokenValidator(config: OIDCProviderConfig(issuer: idp.issuer, audiences: [audience]), fetcher: idp),
            enforcer: try APIService.defaultEnforcer(), secrets: secrets, clock: { Date() }, random: APIService.systemRandom,
            answerer: answerer)
    }

    /// The Platform API of a second replica on the same databases (and platform key).
    func secondReplicaService() async throws -> APIService {
        try await Self.makeService(backend: backend, idp: idp, secrets: service.secrets)
    }

    /// A platform administrator's token.
    func rootToken() async throws -> String {
        var claims = idp.standardClaims(subject: "root", audience: Self.audience, issuedAt: Date())
        claims["roles"] = ["platform-admin"]
        return try await idp.sign(claims)
    }

    /// Runs `body` with the server up; `answerer` answers grounded-answer prompts.
    ///   `tenant` adds lines to acme's serve-file entry, `models` replaces its models,
    ///   `allowlist` replaces the one entry that lets the mock providers in.
    static func with(answerer: (@Sendable (LiveGateway, String, String, String) async throws -> String)? = nil,
                     tenant extra: String = "", models: String = "chat: openai/gpt-4o-mini", allowlist: String? = nil,
                     _ body: @Sendable (LivePlatform) async throws -> Void) async throws {
        let providers = try MockProviderServer(seed: 2)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("live-platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let backend = SQLiteBackend(dataDirectory: data)
        defer { Task { [backend] in try? await backend.shutdown() } }
        let gatewaySlot = Locked<LiveGateway?>(nil)
        var answer: (@Sendable (String, String, String) async throws -> String)? = nil
        if let answerer {
            answer = { @Sendable tenant, system, user in
                guard let gateway = gatewaySlot.value else { throw CancellationError() }
                return try await answerer(gateway, tenant, system, user)
            }
        }
        let answerClosure = answer
        try await LiveHarness.withApps([{ LiveHarness.app(providers.router(), announce: $0) }]) { ports in
            let settings = try LiveHarness.acmeSettings(path: data.appendingPathComponent("serve.yaml").path, providerPort: ports[0],
                                                        extra: extra, models: models, allowlist: allowlist)
            let idp = try MockIdentityProvider(issuer: "https://idp.dcoder.test/oidc")
            let service = try await makeService(backend: backend, idp: idp, secrets: try SecretBox(key: SymmetricKey(size: .bits256), keyID: "t"),
                                                answerer: answerClosure)
            let transport = ProviderHTTPTransport()
            let gateway = try LiveHarness.gateway(settings, transport: transport, platformAPI: PlatformAPIRoutes(service: service))
            let controlPlane = GatewayControlPlane(gateway: gateway, service: service, fileTenants: settings.tenants.map { $0.gatewayConfig() },
                                                   logger: LiveHarness.quiet)
            try await controlPlane.start()
            gatewaySlot.withLock { $0 = gateway }
            await gateway.provideEmbeddings(to: service)
            try await LiveHarness.withApps([{ LiveHarness.app(gateway.router(), services: [TransportService(transport)], announce: $0) }]) { gp in
                try await body(LivePlatform(service: service, idp: idp, gateway: gateway, controlPlane: controlPlane, settings: settings,
                                              backend: backend, client: TestClient(base: "http://127.0.0.1:\(gp[0])"),
                                              providers: TestClient(base: "http://127.0.0.1:\(ports[0])")))
            }
        }
    }
}
