import Config
import AsyncHTTPClient
import Flags
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Base
import Gateway
import Plugins
import ServiceLifecycle
import Synchronization

/// Plugins in the live server: the tenants' integrations from the serve file, activated by
/// the live flag book (a flag change reaches the host at once), and the gateway's alerts
/// delivered to the active alert sinks off the request path, in order, by a service.
public final class LivePlugins: Service, Sendable {
    public let host: PluginHost
    private let stream: AsyncStream<PluginAlert>
    private let continuation: AsyncStream<PluginAlert>.Continuation
    private let logger: Logger
    private let log = Mutex<[PluginHost.Delivery]>([])
    private let clock: any TimeSource

    /// Builds the host when any tenant configures an integration; nil otherwise.
    ///
    /// - Parameter clock: the plugins' dates and the alerts' (the system clock live).
    public static func make(tenants: [TenantSpec], flags: FlagRegistry, transport: any PluginHTTPTransport,
                            allowlist: EgressAllowlist, clock: any TimeSource = SystemTimeSource(),
                            logger: Logger) async throws -> LivePlugins? {
        guard tenants.contains(where: { !$0.integrations.isEmpty }) else { return nil }
        let host = try PluginHost(plugins: Connectors.builtIn, transport: transport, egressAllowed: { url in
            guard case .success(let endpoint) = Endpoint.parse(url.absoluteString) else { return false }
            return allowlist.allows(endpoint)
        }, clock: { clock.currentDate() })
        for t in tenants {
            for (plugin, values) in t.integrations.sorted(by: { $0.key < $1.key }) {
                try await host.configure(tenant: t.id, plugin: plugin, PluginConfiguration(values))
            }
        }
        let plugins = LivePlugins(host: host, clock: clock, logger: logger)
        let ids = tenants.map(\.id)
        let sync: @Sendable (FlagBook) async -> Void = { book in
            for id in ids {
                for change in await host.sync(tenant: id, isEnabled: { book.isEnabled($0, tenant: id) }) {
                    logger.info("plugin", metadata: ["tenant": .string(id), "plugin": .string(change.plugin),
                                                     "active": .stringConvertible(change.active), "error": .string(change.error ?? "")])
                }
            }
        }
        flags.observe(sync)
        await sync(flags.book)
        return plugins
    }

    init(host: PluginHost, clock: any TimeSource, logger: Logger) {
        self.host = host
        self.clock = clock
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: PluginAlert.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Queues an alert for the tenant's active alert sinks (never blocks the caller).
    func enqueue(_ alert: Alert) {
        guard let tenant = alert.tenant else { return }
        continuation.yield(PluginAlert(kind: alert.kind.rawValue, tenant: tenant, message: alert.message,
                                       at: clock.date(of: alert.at)))
    }

    /// Deliveries so far (the last 1,000), for tests and operators.
    public var deliveries: [PluginHost.Delivery] { log.withLock { $0 } }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            for await alert in stream {
                for d in await host.deliver(alert) {
                    log.withLock { $0.append(d); if $0.count > 1000 { $0.removeFirst($0.count - 1000) } }
                    if let failure = d.failure {
                        logger.warning("plugin delivery failed", metadata: ["tenant": .string(d.tenant), "plugin": .string(d.plugin),
                                                                             "alert": .string(d.alertKind), "error": .string(failure)])
                    } else {
                        logger.info("plugin delivery", metadata: ["tenant": .string(d.tenant), "plugin": .string(d.plugin), "alert": .string(d.alertKind)])
                    }
                }
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }
}

/// Plugins' outbound HTTP (AsyncHTTPClient): no redirects followed automatically (the
/// connector decides, so every hop passes the egress checks), 10 s per call, 16 MiB bodies.
public final class PluginHTTPClient: PluginHTTPTransport {
    let client: HTTPClient

    public init() {
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    }

    public func shutdown() async throws { try await client.shutdown() }

    public func send(_ request: PluginHTTPRequest) async throws -> PluginHTTPResponse {
        var r = HTTPClientRequest(url: request.url.absoluteString)
        r.method = .init(rawValue: request.method)
        for (k, v) in request.headers { r.headers.add(name: k, value: v) }
        if !request.body.isEmpty { r.body = .bytes(ByteBuffer(bytes: request.body)) }
        let response = try await client.execute(r, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return PluginHTTPResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
    }
}

