import Config
import AsyncHTTPClient
import Crypto
import Foundation
import Identity
import Mocks
import Simulator
import Server
import NIOCore
import PlatformAPI
import Storage
import TestSupport
import Testing

/// The tenancy acceptance flow against the live server: the same scenario file the Lab runs,
/// sent over real HTTP to `LiveGateway` with the Platform API mounted, tokens from the mock
/// identity provider served over HTTP (the server fetches its discovery document and keys
/// over HTTP), on SQLite and on PostgreSQL.
@Suite(.serialized) struct TenancyLiveTests {
    static let audience = "https://api.dcoder.test"

    /// Sends API requests over HTTP.
    struct HTTPCaller: PlatformAPICaller {
        let base: String

        func call(_ r: APIRequest) async -> APIResponse {
            var query = r.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
            if !query.isEmpty { query = "?" + query }
            var request = HTTPClientRequest(url: base + r.path + query)
            request.method = .init(rawValue: r.method)
            for (name, value) in r.headers { request.headers.add(name: name, value: value) }
            if !r.body.isEmpty { request.body = .bytes(ByteBuffer(bytes: r.body)) }
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
                let body = try await response.body.collect(upTo: 4 << 20)
                var headers: [String: String] = [:]
                for h in response.headers { headers[h.name.lowercased()] = h.value }
                return APIResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
            } catch {
                return APIResponse(status: 599, headers: [:], body: Array("transport error: \(error)".utf8))
            }
        }
    }

    /// Starts the mock IdP and the live server with the Platform API on `backend`, then runs `body`.
    static func withServer(backend: any StorageBackend,
                           _ body: @Sendable (HTTPCaller, MockIdentityProviderServer) async throws -> Void) async throws {
        let idpServer = MockIdentityProviderServer()
        try await LiveHarness.withApps([{ LiveHarness.app(idpServer.router(), announce: $0) }]) { idpPorts in
            try idpServer.bind(base: "http://127.0.0.1:\(idpPorts[0])")
            let issuer = MockIdentityProviderServer.issuer(base: "http://127.0.0.1:\(idpPorts[0])")
            let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
            let validator = OIDCTokenValidator(config: OIDCProviderConfig(issuer: issuer, audiences: [audience]),
                                               fetcher: LiveHTTPFetcher(client: HTTPClient.shared))
            let service = APIService(backend: backend, platform: platform, validator: validator, enforcer: try APIService.defaultEnforcer(),
                                     secrets: try SecretBox(key: SymmetricKey(size: .bits256), keyID: "live-test"),
                                     clock: { Date() }, random: APIService.systemRandom)
            let transport = ProviderHTTPTransport()
            let gateway = try LiveHarness.gateway(try ServeConfig.embeddedDefault(), transport: transport,
                                          platformAPI: PlatformAPIRoutes(service: service))
            try await LiveHarness.withApps([{ LiveHarness.app(gateway.router(), services: [TransportService(transport)], announce: $0) }]) { ports in
                try await body(HTTPCaller(base: "http://127.0.0.1:\(ports[0])"), idpServer)
            }
        }
    }

    /// A fresh backend of `kind`, shut down and removed afterwards.
    static func withBackend(_ kind: BackendKind, _ body: @Sendable (any StorageBackend) async throws -> Void) async throws {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenancy-live-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let backend = SQLiteBackend(dataDirectory: directory)
            do { try await body(backend) } catch { try? await backend.shutdown(); throw error }
            try await backend.shutdown()
        case .postgres(let adminURL):
            let scratch = try PostgresScratch(adminURL: adminURL)
            try await scratch.create()
            do {
                let backend = try PostgresBackend(url: scratch.url, configuration: scratch.configuration)
                do { try await body(backend) } catch { try? await backend.shutdown(); throw error }
                try await backend.shutdown()
            } catch {
                try? await scratch.drop()
                throw error
            }
            try await scratch.drop()
        }
    }

    @Test(arguments: BackendKind.available)
    func tenancyScenarioPassesAgainstTheLiveServer(kind: BackendKind) async throws {
        let scenario = try ScenarioLoader.load(path: repositoryRoot + "/Scenarios/acceptance/tenancy.yaml")
        try await Self.withBackend(kind) { backend in
            try await Self.withServer(backend: backend) { caller, idpServer in
                let idp = try #require(idpServer.identityProvider)
                let flow = PlatformFlow(caller: caller, idp: idp, audience: Self.audience)
                var steps = 0
                for step in scenario.steps {
                    guard case .platform(let action) = step.action else { continue }
                    steps += 1
                    if let error = await flow.perform(action, at: step.at, now: Date()) {
                        Issue.record("line \(step.line): \(step.description): \(error)")
                    }
                }
                #expect(steps >= 20)
                #expect(flow.records.count > 60 && flow.records.allSatisfy(\.passed))
                // Each tenant has a database of its own, migrated to the current schema.
                let platform = try await SQLPlatformStore.open(backend: backend, now: Date())
                let tenants = try await platform.tenants()
                #expect(tenants.map(\.id.rawValue) == ["acme", "globex", "initech"])
                #expect(Set(tenants.map(\.databaseLocator)).count == 3)
                for tenant in tenants {
                    let db = try await backend.tenantDatabase(at: tenant.databaseLocator)
                    #expect(try await Migrator.tenant.appliedMigrations(in: db).map(\.version).max() == Migrator.tenant.migrations.map(\.version).max(), "\(tenant.id)")
                }
                // The mock IdP mints tokens over HTTP too.
                var mint = HTTPClientRequest(url: "\(idp.issuer)/token")
                mint.method = .POST
                mint.body = .bytes(ByteBuffer(string: #"{"sub": "hal", "aud": "\#(Self.audience)", "organization_id": "initech", "organization_roles": ["initech:viewer"]}"#))
                let minted = try await HTTPClient.shared.execute(mint, timeout: .seconds(10))
                let token = try JSONDecoder().decode([String: String].self, from: Data(buffer: try await minted.body.collect(upTo: 1 << 16)))["access_token"]
                let me = await caller.call(.json("GET", "/api/v1/me", token: token))
                #expect(me.status == 200 && me.json?.objectValue?["roles"] == ["viewer"], "\(me.text)")
            }
        }
    }

    /// Every route in `/api/v1/openapi.json` is served at that path and method; unknown
    /// paths and methods get problem+json, not the gateway's OpenAI-style errors.
    @Test func openAPIDocumentMatchesTheServedRoutes() async throws {
        try await Self.withBackend(.sqlite) { backend in
            try await Self.withServer(backend: backend) { caller, _ in
                let doc = await caller.call(.json("GET", "/api/v1/openapi.json", token: nil))
                let paths = try #require(doc.json?.objectValue?["paths"]?.objectValue)
                var checked = 0
                for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
                    for (method, operation) in try #require(item.objectValue) {
                        let concrete = path.replacingOccurrences(of: #"\{[a-z]+\}"#, with: "x", options: .regularExpression)
                        let r = await caller.call(.json(method.uppercased(), concrete, token: nil, body: "{}"))
                        let open = operation.objectValue?["security"] == .array([])
                        #expect(r.status == (open ? 200 : 401), "\(method) \(path): \(r.status)")
                        #expect(open || r.headers["content-type"] == "application/problem+json")
                        checked += 1
                    }
                }
                #expect(checked == APIService.routes.count)
                let unknown = await caller.call(.json("GET", "/api/v1/nothing/here", token: nil))
                #expect(unknown.status == 404 && unknown.headers["content-type"] == "application/problem+json", "\(unknown.text)")
                let wrong = await caller.call(.json("PATCH", "/api/v1/tenants", token: nil))
                #expect(wrong.status == 405 && wrong.headers["allow"] == "GET, POST")
            }
        }
    }
}

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
