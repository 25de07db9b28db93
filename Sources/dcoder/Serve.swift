import Config
import ArgumentParser
import AsyncHTTPClient
import Casbin
import Flags
import Foundation
import Hummingbird
import Identity
import ServiceLifecycle
import Storage
import Mocks
import Simulator
import Server
import Logging
import Base
import Gateway
import PlatformAPI
import Plugins
import Retrieval

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway as an HTTP server (OpenAI-compatible API).",
        discussion: """
        Serves POST /v1/chat/completions (streaming included), GET /v1/models, GET /healthz and \
        GET /readyz. Tenants, their virtual keys, their own provider keys and endpoints and their \
        model aliases come from the config file (see Docs/live.md); keys may be ${ENV_VAR} \
        references. Without --config the gateway starts with no tenants. SIGTERM or SIGINT stops \
        it gracefully: requests in flight are finished first. Logs go to standard error, one \
        JSON line per call (at log level info and below); keys are never logged.
        """)

    @Option(help: "YAML configuration file.", completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Option(help: "Address to listen on (overrides the config; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (overrides the config; default 18000).")
    var port: Int?

    @Option(help: "Folder for the server's data (overrides the config; default .dcoder).")
    var data: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        var settings: ServeConfig
        do {
            settings = try config.map { try ServeConfig.load(path: $0, environment: ProcessInfo.processInfo.environment) } ?? ServeConfig.embeddedDefault()
        } catch let e as ConfigFileError {
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            throw ExitCode(2)
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let data { settings.dataDirectory = data }
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let logger = try makeLogger("dcoder.gateway", level: logLevel)
        let transport = ProviderHTTPTransport()
        let gateway: LiveGateway
        let lines = BatchedLineWriter()
        let accessLog = AccessLog(enabled: logger.logLevel <= .info) { lines.append($0) }
        var services: [any Service] = [LineWriterService(lines), TransportService(transport)]
        var platformAPI: PlatformAPIRoutes?
        var journal: UsageJournal?
        var apiService: APIService?
        var gatewayBox: GatewayBox?
        var flagRegistry = FlagRegistry(FlagBook(definitions: settings.flags?.definitions ?? FlagDefinitions()))
        var cleanups: [@Sendable () async throws -> Void] = []
        if let api = settings.platformAPI {
            // Everything that can fail comes before the HTTP client, which must be shut down.
            do {
                let enforcer = try api.policyModel.map { try Enforcer(modelPath: $0, policyPath: api.policyFile ?? "") }
                    ?? APIService.defaultEnforcer()
                let secrets = try SecretBox(base64Key: api.secretKey, keyID: api.secretKeyID)
                let backend: any StorageBackend = try api.databaseURL.map { try PostgresBackend(url: $0) }
                    ?? SQLiteBackend(dataDirectory: URL(filePath: settings.dataDirectory, directoryHint: .isDirectory))
                let platform: SQLPlatformStore
                do { platform = try await SQLPlatformStore.open(backend: backend, now: Date()) } catch {
                    try? await backend.shutdown()
                    throw error
                }
                let idpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
                let validator = OIDCTokenValidator(config: OIDCProviderConfig(issuer: api.issuer, audiences: [api.audience]),
                                                   fetcher: LiveHTTPFetcher(client: idpClient))
                let answerer = GatewayBox()
                let service = APIService(backend: backend, platform: platform, validator: validator, enforcer: enforcer, secrets: secrets,
                                         clock: { Date() }, random: APIService.systemRandom,
                                         knowledge: KnowledgeService(settings: .init(parser: DocumentParser(pdf: PopplerPDFExtractor())), clock: { Date() }),
                                         answerer: { tenant, system, user in
                                             guard let gateway = answerer.gateway else { throw LiveError("the gateway is not serving yet") }
                                             return try await gateway.complete(tenant: tenant, system: system, user: user)
                                         })
                gatewayBox = answerer
                platformAPI = PlatformAPIRoutes(service: service, accessLog: accessLog)
                let cleanup: @Sendable () async throws -> Void = { try await idpClient.shutdown(); try await backend.shutdown() }
                cleanups.append(cleanup)
                services.append(ShutdownService(cleanup))
                // The stored flags (seeded from the file's on first start) are the process's flags.
                try await service.loadFlags(seed: settings.flags?.definitions)
                flagRegistry = service.flags
                // The gateway's tenants get a database each, whose ledger the usage journal fills.
                try await service.ensureTenants(settings.tenants.map(\.id))
                let usageJournal = try UsageJournal(directory: URL(filePath: settings.dataDirectory, directoryHint: .isDirectory),
                                                    ledger: { tenant, entries in try await service.recordUsage(tenant: tenant, entries) },
                                                    logger: logger)
                journal = usageJournal
                apiService = service
                services.append(UsageJournalService(usageJournal))
                services.append(IngestionService(service))
            } catch {
                try? await transport.shutdown()
                for cleanup in cleanups { try? await cleanup() }
                FileHandle.standardError.write(Data("error: platform_api: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        var plugins: LivePlugins?
        do {
            let pluginHTTP = PluginHTTPClient()
            cleanups.append { try await pluginHTTP.shutdown() }
            services.append(ShutdownService { try await pluginHTTP.shutdown() })
            let allowlist = try EgressAllowlist(settings.platform.allowlist)
            plugins = try await LivePlugins.make(tenants: settings.tenants, flags: flagRegistry, transport: pluginHTTP, allowlist: allowlist, logger: logger)
            if let plugins { services.append(plugins) }
            let shared = try settings.counters.map { RedisRateLimiter(client: try RedisClient(url: $0)) }
            gateway = try LiveGateway(config: settings, transport: transport, logger: logger, accessLog: accessLog, platformAPI: platformAPI,
                                      flags: flagRegistry, plugins: plugins, journal: journal, sharedLimiter: shared)
            gatewayBox?.gateway = gateway
            if let apiService { await gateway.provideEmbeddings(to: apiService) }
            if let apiService { services.append(QuotaSyncService(gateway: gateway, service: apiService)) }
            if let journal, let apiService, let every = settings.platformAPI?.reconcileEvery {
                services.append(UsageReconcilerService(gateway: gateway, journal: journal, every: every, logger: logger) { tenant in
                    try await apiService.monthToDateCost(tenant: tenant)
                })
            }
        } catch let e as RedisError {
            try? await transport.shutdown()
            for cleanup in cleanups { try? await cleanup() }
            FileHandle.standardError.write(Data("error: server.counters: \(e)\n".utf8))
            throw ExitCode(2)
        } catch let e as PluginError {
            try? await transport.shutdown()
            for cleanup in cleanups { try? await cleanup() }
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            throw ExitCode(2)
        } catch let e as LiveError {
            try? await transport.shutdown()
            for cleanup in cleanups { try? await cleanup() }
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            throw ExitCode(2)
        }
        let host = settings.host
        let tenants = settings.tenants.count
        let app = Application(
            router: gateway.router(),
            configuration: .init(address: .hostname(host, port: settings.port)),
            services: services,
            onServerRunning: { channel in
                announce("dcoder gateway listening on http://\(host):\(channel.localAddress?.port ?? 0) (\(tenants) tenant(s))")
            },
            logger: logger)
        try await app.runService()
    }
}

struct MockProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-providers",
        abstract: "Serve mock OpenAI, Anthropic, Gemini and Groq APIs on one port.",
        discussion: """
        The Lab's mock providers over HTTP, at the paths the real APIs use: OpenAI \
        /v1/chat/completions and /v1/embeddings, Anthropic /v1/messages, Gemini \
        /v1beta/models/{model}:generateContent and :streamGenerateContent (also under /v1/models/), \
        Groq /openai/v1/chat/completions. Each checks authentication the way that provider does \
        and answers in its wire format, errors included; any non-empty key is accepted. \
        GET /_mock/calls lists recent calls with a fingerprint of each key. See Docs/mock-providers.md.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 18100

    @Option(help: "Seed of the mocks' content, failures and ids.")
    var seed: UInt64 = 1

    @Option(help: "Multiplier on the mocks' simulated latency (0 answers at once; 1 is the Lab's timing).")
    var latencyScale: Double = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func run() async throws {
        guard latencyScale >= 0, latencyScale <= 100 else { throw ValidationError("--latency-scale must be between 0 and 100") }
        let logger = try makeLogger("dcoder.mock-providers", level: logLevel)
        let server = try MockProviderServer(seed: seed, latencyScale: latencyScale)
        let host = self.host
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                announce("dcoder mock-providers listening on http://\(host):\(channel.localAddress?.port ?? 0)")
            },
            logger: logger)
        try await app.runService()
    }
}

struct MockIdentityProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-idp",
        abstract: "Serve the Lab's mock OIDC identity provider (for tests and demos only).",
        discussion: """
        Logto's layout: issuer http://HOST:PORT/oidc, discovery at /oidc/.well-known/openid-configuration,         keys at /oidc/jwks. POST /oidc/token with a JSON object of claims (sub and aud required;         organization_id, organization_roles, roles as Logto sends them) returns {"access_token": …}.         Anyone who can reach it can mint any token: never expose it. See Docs/identity.md.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 18200

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func run() async throws {
        guard port > 0 else { throw ValidationError("--port must be a fixed port: the issuer URL contains it") }
        let logger = try makeLogger("dcoder.mock-idp", level: logLevel)
        let server = MockIdentityProviderServer()
        let host = self.host, port = self.port
        try server.bind(base: "http://\(host):\(port)")
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { _ in announce("dcoder mock-idp listening; issuer http://\(host):\(port)/oidc") },
            logger: logger)
        try await app.runService()
    }
}

/// The gateway, once built, for the Platform API's grounded answers (built before it).
final class GatewayBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: LiveGateway?
    var gateway: LiveGateway? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

struct MockConnectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-connectors",
        abstract: "Serve mock Slack, Teams, Jira and Microsoft Graph endpoints (for tests and demos).",
        discussion: """
        Enough of each service for the connectors: Slack incoming webhooks (/services/…), Teams \
        webhooks (/webhookb2/…, /workflows/…), Jira Cloud (/rest/api/3/issue, /rest/api/3/myself), \
        Microsoft Graph (/{directory}/oauth2/v2.0/token, /v1.0/sites/{site}/drive/…). \
        GET /_mock/received lists what they accepted. See Docs/plugins.md.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 18300

    func run() async throws {
        let logger = try makeLogger("dcoder.mock-connectors", level: "warning")
        let host = self.host
        let app = Application(
            router: MockConnectorServer().router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in announce("dcoder mock-connectors listening on http://\(host):\(channel.localAddress?.port ?? 0)") },
            logger: logger)
        try await app.runService()
    }
}

/// Prints the one line scripts wait for (with the bound port), and flushes it.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func makeLogger(_ label: String, level: String) throws -> Logger {
    guard let l = Logger.Level(rawValue: level) else {
        throw ValidationError("unknown log level '\(level)'; use trace, debug, info, notice, warning, error or critical")
    }
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = l
    return logger
}

/// The gateway benchmark's baseline (see `BareForwarder`); not for production.
struct ForwarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forwarder",
        abstract: "Run the bare forwarder that the gateway benchmark uses as its baseline.",
        discussion: """
        Forwards POST /v1/chat/completions (body and Authorization header) to UPSTREAM/chat/completions \
        and the answer back, with no authentication, routing, translation or accounting. \
        Scripts/bench-gateway compares dcoder serve with it in the same run.
        """)

    @Option(help: "Upstream base URL (its /chat/completions receives the calls).")
    var upstream: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 18200

    func run() async throws {
        let logger = try makeLogger("dcoder.forwarder", level: "warning")
        // The same pool settings as the gateway's transport, so the comparison is fair.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderHTTPTransport.clientConfiguration(.init()))
        let host = self.host
        let app = Application(
            router: BareForwarder(upstream: upstream, client: client).router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { announce("dcoder forwarder listening on http://\(host):\($0.localAddress?.port ?? 0)") },
            logger: logger)
        try await app.runService()
        try await client.shutdown()
    }
}
