import AsyncHTTPClient
import Base
import Casbin
import Config
import Flags
import Foundation
import Gateway
import Hummingbird
import Identity
import Logging
import PlatformAPI
import Plugins
import Retrieval
import ServiceLifecycle
import Storage
import Synchronization

/// The live platform, assembled from a serve file: storage, identity, the Platform API,
/// the usage journal, plugins, Redis, the gateway, and the services that keep them — in
/// that order, with one ordered service group and one clean-up path.
///
/// ```swift
/// let server = try await PlatformServer.assemble(settings, logger: logger)
/// try await server.application { port in print("listening on \(port)") }.runService()
/// ```
///
/// Everything acquired is released exactly once: by the first service of the group, after
/// the HTTP server and every other service have stopped (a group stops in reverse order),
/// or — when assembly fails part-way — before ``assemble(_:logger:)`` throws.
public final class PlatformServer: Sendable {
    public let settings: ServeConfig
    public let gateway: LiveGateway
    /// The Platform API's service, when the serve file configures it.
    public let api: APIService?
    /// The usage ledger the journal flushes into (with the Platform API).
    public let ledger: (any UsageLedger)?
    /// In the order they start (and the reverse of the order they stop).
    let services: [any Service]
    let logger: Logger

    init(settings: ServeConfig, gateway: LiveGateway, api: APIService?, ledger: (any UsageLedger)?, services: [any Service], logger: Logger) {
        self.settings = settings; self.gateway = gateway; self.api = api; self.ledger = ledger; self.services = services; self.logger = logger
    }

    /// Releases what assembly acquired, in reverse order; every step runs once.
    final class Cleanup: Sendable {
        private let steps = SendableSteps()
        func add(_ step: @escaping @Sendable () async -> Void) { steps.append(step) }
        func run() async { for step in steps.takeAll().reversed() { await step() } }
    }

    /// Assembles the platform.
    ///
    /// With the logger at `info` or below, every call and Platform API request is one JSON
    /// line on standard error (``AccessLog``), written in batches.
    ///
    /// - Throws: ``LiveError`` naming the configuration section that could not be used;
    ///   nothing stays acquired then.
    public static func assemble(_ settings: ServeConfig, logger: Logger) async throws -> PlatformServer {
        let cleanup = Cleanup()
        let lines = BatchedLineWriter()
        let accessLog = AccessLog(enabled: logger.logLevel <= .info) { lines.append($0) }
        do {
            var server = try await assemble(settings, logger: logger, accessLog: accessLog, cleanup: cleanup)
            if accessLog.enabled { server = server.adding(LineWriterService(lines)) }
            return server
        } catch {
            await cleanup.run()
            throw error
        }
    }

    private static func assemble(_ settings: ServeConfig, logger: Logger, accessLog: AccessLog, cleanup: Cleanup) async throws -> PlatformServer {
        let clock = SystemTimeSource()
        let data = URL(filePath: settings.dataDirectory, directoryHint: .isDirectory)
        do { try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true) } catch {
            throw LiveError("server.data: cannot create \(data.path): \(error)")
        }
        let allowlist: EgressAllowlist
        do { allowlist = try EgressAllowlist(settings.platform.allowlist) } catch { throw LiveError("platform.egress_allowlist: \(error)") }

        // Storage, identity and the Platform API.
        var api: APIService?
        var routes: PlatformAPIRoutes?
        var flags = FlagRegistry(FlagBook(definitions: settings.flags?.definitions ?? FlagDefinitions()))
        if let a = settings.platformAPI {
            let service: APIService
            do {
                let enforcer = try a.policyModel.map { try Enforcer(modelPath: $0, policyPath: a.policyFile ?? "") } ?? APIService.defaultEnforcer()
                let secrets = try SecretBox(base64Key: a.secretKey, keyID: a.secretKeyID)
                let backend: any StorageBackend = try a.databaseURL.map { try PostgresBackend(url: $0) } ?? SQLiteBackend(dataDirectory: data)
                cleanup.add { try? await backend.shutdown() }
                let platform = try await SQLPlatformStore.open(backend: backend, now: clock.currentDate())
                let idp = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
                cleanup.add { try? await idp.shutdown() }
                let validator = OIDCTokenValidator(config: OIDCProviderConfig(issuer: a.issuer, audiences: [a.audience]), fetcher: LiveHTTPFetcher(client: idp))
                let dates: @Sendable () -> Date = { clock.currentDate() }
                service = APIService(backend: backend, platform: platform, validator: validator, enforcer: enforcer, secrets: secrets,
                                     clock: dates, random: APIService.systemRandom,
                                     knowledge: KnowledgeService(settings: .init(parser: DocumentParser(pdf: Self.pdfExtractor(a.pdfExtractor))), clock: dates))
                // The stored flags (seeded from the file's on first start) are the process's flags.
                try await service.loadFlags(seed: settings.flags?.definitions)
            } catch let e as LiveError {
                throw e
            } catch {
                throw LiveError("platform_api: \(error)")
            }
            flags = service.flags
            api = service
            routes = PlatformAPIRoutes(service: service, accessLog: accessLog)
        }

        // The usage journal, with a ledger to flush into.
        var journalFiles: FileJournalFiles?
        var journal: UsageJournal?
        if api != nil {
            do {
                let files = try FileJournalFiles(directory: data)
                journal = try JournalIO.open(files)
                journalFiles = files
            } catch {
                throw LiveError("server.data: the usage journal: \(error)")
            }
        }

        // Plugins (alert sinks, connectors), off the request path.
        let pluginHTTP = PluginHTTPClient()
        cleanup.add { try? await pluginHTTP.shutdown() }
        let plugins: LivePlugins?
        do {
            plugins = try await LivePlugins.make(tenants: settings.tenants, flags: flags, transport: pluginHTTP, allowlist: allowlist,
                                                 clock: clock, logger: logger)
        } catch {
            throw LiveError("\(error)")
        }

        // Shared rate-limit counters.
        let shared: RedisRateLimiter?
        do { shared = try settings.counters.map { RedisRateLimiter(client: try RedisClient(url: $0)) } } catch {
            throw LiveError("server.counters: \(error)")
        }

        // The gateway.
        // With the Platform API the tenants come from the databases (the control plane below):
        // the gateway starts with none, so a tenant that cannot be loaded is not served from
        // the file instead.
        var routed = settings
        if api != nil { routed.tenants = [] }
        let (core, alerts) = try routed.gatewayCore(epoch: clock.epoch, at: clock.now())
        for a in alerts { logger.warning("alert", metadata: LiveGateway.metadata(a)) }
        let transport = ProviderHTTPTransport()
        cleanup.add { try? await transport.shutdown() }
        let gateway = LiveGateway(
            node: GatewayNode(core: core, replica: settings.replica, journal: journal), journalFiles: journalFiles, transport: transport,
            logger: logger, maxRequestBytes: settings.maxRequestBytes, metricsToken: settings.metricsToken, accessLog: accessLog,
            platformAPI: routes, flags: flags, flagsEnvironmentKey: settings.flags?.environmentKey, plugins: plugins, sharedLimiter: shared)

        // The platform's own model calls go through the gateway.
        var ledger: (any UsageLedger)?
        var services: [any Service] = [ShutdownService { await cleanup.run() }]
        if let api {
            // The gateway's routing state comes from the databases; the file only seeds them.
            let controlPlane = GatewayControlPlane(gateway: gateway, service: api, fileTenants: settings.tenants.map { $0.gatewayConfig() },
                                                   logger: logger)
            do { try await controlPlane.start() } catch { throw LiveError("platform_api: loading the gateway's tenants: \(error)") }
            services.append(GatewayVersionPoller(controlPlane))
            api.useAnswerer { tenant, system, user in try await gateway.complete(tenant: tenant, system: system, user: user) }
            await gateway.provideEmbeddings(to: api)
            let serviceLedger = ServiceLedger(service: api, clock: clock)
            ledger = serviceLedger
            services.append(UsageJournalService(gateway: gateway, ledger: serviceLedger, logger: logger))
            services.append(IngestionService(api))
            services.append(UsageReconcilerService(gateway: gateway, ledger: serviceLedger, every: settings.platformAPI!.reconcileEvery, logger: logger))
        }
        if let plugins { services.append(plugins) }
        return PlatformServer(settings: settings, gateway: gateway, api: api, ledger: ledger, services: services, logger: logger)
    }

    /// The PDF extractor `platform_api.pdf_extractor` names: built in, or poppler's pdftotext.
    static func pdfExtractor(_ kind: ServeConfig.PDFExtractorKind) -> any PDFTextExtractor {
        switch kind {
        case .builtin: return BuiltinPDFExtractor()
        case .pdftotext: return PopplerPDFExtractor()
        }
    }

    func adding(_ service: any Service) -> PlatformServer {
        PlatformServer(settings: settings, gateway: gateway, api: api, ledger: ledger, services: services + [service], logger: logger)
    }

    /// The HTTP application: the gateway's routes and every service, in one group.
    ///
    /// - Parameter announce: called with the bound port once the server listens.
    public func application(host: String? = nil, port: Int? = nil, announce: @escaping @Sendable (Int) -> Void = { _ in })
        -> Application<RouterResponder<BasicRequestContext>> {
        Application(router: gateway.router(),
                    configuration: .init(address: .hostname(host ?? settings.host, port: port ?? settings.port)),
                    services: services,
                    onServerRunning: { announce($0.localAddress?.port ?? 0) },
                    logger: logger)
    }
}

/// Clean-up steps gathered while assembling, taken once.
private final class SendableSteps: Sendable {
    private let steps = Mutex<[@Sendable () async -> Void]>([])
    func append(_ step: @escaping @Sendable () async -> Void) { steps.withLock { $0.append(step) } }
    func takeAll() -> [@Sendable () async -> Void] { steps.withLock { s in defer { s = [] }; return s } }
}
