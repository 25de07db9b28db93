import Base
import Foundation
import Gateway
import Logging
import PlatformAPI
import ServiceLifecycle
import Storage
import Synchronization

/// Keeps a live gateway's routing state — tenants and their status, virtual keys, provider
/// accounts, model aliases, quotas, budgets and the `doc-chat` flag — in step with the
/// control-plane and tenant databases, which the Platform API changes.
///
/// - At start-up (``start()``) the serve file's tenants are seeded into the
///   databases (only what they lack: ``APIService/seedGateway(_:)``), then every served
///   tenant is loaded from them.
/// - A change made through this process's Platform API is loaded before its answer leaves
///   (``APIService/onGatewayChange(_:)``), so the next call is served by it.
/// - Every replica polls the control plane's version counters (``GatewayVersionPoller``,
///   every second) and reloads the scopes whose version moved: a change made on another
///   replica sharing the database is served here within about a second.
///
/// Reloads run one at a time, each reading the databases when it runs, so the last one to
/// run applies the newest state whichever order they were asked in.
public final class GatewayControlPlane: Sendable {
    let gateway: LiveGateway
    let service: APIService
    let logger: Logger
    /// The serve file's tenants (their limits, budgets and embedding models, which stay
    /// the file's; the API's quotas are laid over them).
    let fileTenants: [String: TenantGatewayConfig]
    let gate = AsyncSerialGate()
    let seen = Mutex<[String: Int64]>([:])
    /// Tenants a reload of many could not load: each poll tries them again.
    let failed = Mutex<Set<String>>([])

    public init(gateway: LiveGateway, service: APIService, fileTenants: [TenantGatewayConfig], logger: Logger) {
        self.gateway = gateway; self.service = service; self.logger = logger
        self.fileTenants = Dictionary(fileTenants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Seeds the serve file's tenants, loads every served tenant, and from then on loads
    /// every change announced by this process's Platform API. What seeding stored is
    /// announced to the replicas already running.
    public func start() async throws {
        let created = try await service.ensureTenants(fileTenants.keys.sorted())
        var seeded: [String] = []
        for id in fileTenants.keys.sorted() {
            let seeding = try await service.seedGateway(fileTenants[id]!)
            if seeding.stored { seeded.append(id) }
            if !seeding.keysNoLongerInFile.isEmpty {
                logger.warning("virtual keys seeded from the serve file are no longer in it and stay valid; revoke them through the API",
                               metadata: ["tenant": .string(id), "keys": .string(seeding.keysNoLongerInFile.joined(separator: ","))])
            }
        }
        let versions = try await service.gatewayVersions()
        _ = try await reloadAll()
        seen.withLock { $0 = versions }
        service.onGatewayChange { [weak self] scope in _ = await self?.apply(scope) }
        if created { try await service.bumpGatewayVersion(GatewayScope.tenants) }
        for id in seeded { try await service.bumpGatewayVersion(GatewayScope.tenant(id)) }
    }

    /// Loads what a scope names: a tenant, the list of tenants, every tenant, or the flags
    /// (then every tenant, whose `doc-chat` depends on them).
    ///
    /// - Returns: Whether the scope was applied (a tenant's: whether it loaded; many
    ///   tenants': whether their list was read — one that did not load is retried by each
    ///   poll on its own). Failures are logged, and a poll applies the scope again.
    @discardableResult
    public func apply(_ scope: String) async -> Bool {
        do {
            switch scope {
            case GatewayScope.all: return try await reloadAll()
            case GatewayScope.tenants: return try await reloadTenantList()
            case GatewayScope.flags:
                try await service.loadFlags(seed: nil)
                return try await reloadAll()
            default:
                guard let id = GatewayScope.tenantID(of: scope) else { return true }  // a scope of a later version
                return try await reload(id)
            }
        } catch {
            logger.error("gateway configuration not reloaded", metadata: ["scope": .string(scope), "error": .string("\(error)")])
            return false
        }
    }

    /// Reads the control plane's versions and applies every scope whose version moved; a
    /// scope counts as seen only once it applied, so a failed reload is tried again at the
    /// next poll.
    public func poll() async {
        let versions: [String: Int64]
        do { versions = try await service.gatewayVersions() } catch {
            logger.warning("gateway versions unreadable", metadata: ["error": .string("\(error)")])
            return
        }
        for id in failed.withLock({ $0 }).sorted() { _ = await apply(GatewayScope.tenant(id)) }
        let previous = seen.withLock { $0 }
        let moved = versions.keys.filter { previous[$0] != versions[$0] }.sorted()
        guard !moved.isEmpty else { return }
        // Flags and the whole platform reload every tenant: everything moved is then applied.
        for everything in [GatewayScope.flags, GatewayScope.all] where moved.contains(everything) {
            if await apply(everything) { seen.withLock { $0 = versions } }
            return
        }
        for scope in moved {
            if await apply(scope) { seen.withLock { $0[scope] = versions[scope] } }
        }
    }

    /// Reloads every served tenant. A tenant that does not load is left to the retries of
    /// ``poll()`` (``failed``), so this counts as done once the list of tenants was read.
    func reloadAll() async throws -> Bool {
        try await gate.withGate {
            let served = try await service.servedTenants()
            let defaults = try await service.providerDefaults()  // once for every tenant
            for id in served { _ = await loadLogging(id, providerDefaults: defaults) }
            gateway.removeTenants(except: Set(served))
            return true
        }
    }

    func reloadTenantList() async throws -> Bool {
        try await gate.withGate {
            let served = try await service.servedTenants()
            let loaded = Set(gateway.tenantIDs)
            for id in served where !loaded.contains(id) { _ = await loadLogging(id) }
            gateway.removeTenants(except: Set(served))
            return true
        }
    }

    func reload(_ id: String) async throws -> Bool {
        try await gate.withGate { try await load(id) }
    }

    /// Loads a tenant among many: one whose database cannot be read keeps what this replica
    /// had of it (nothing at start-up: the gateway starts with no tenants) and is logged,
    /// and the others are loaded all the same.
    private func loadLogging(_ id: String, providerDefaults: OrderedMap<JSONValue>? = nil) async -> Bool {
        do { return try await load(id, providerDefaults: providerDefaults) } catch {
            logger.error("tenant not loaded", metadata: ["tenant": .string(id), "error": .string("\(error)")])
            failed.withLock { _ = $0.insert(id) }
            return false
        }
    }

    /// Loads one tenant; one that fails is tried again at each poll until it loads.
    private func load(_ id: String, providerDefaults: OrderedMap<JSONValue>? = nil) async throws -> Bool {
        do {
            guard let routing = try await service.routing(of: id, providerDefaults: providerDefaults) else {
                gateway.removeTenant(id)
                failed.withLock { _ = $0.remove(id) }
                return true
            }
            let loaded = gateway.load(routing.config(over: fileTenants[id]), quotas: routing.quotas)
            failed.withLock { if loaded { $0.remove(id) } else { $0.insert(id) } }
            return loaded
        } catch {
            failed.withLock { _ = $0.insert(id) }
            throw error
        }
    }
}

/// Polls the control plane's gateway versions every `every` (``GatewayControlPlane/poll()``).
public struct GatewayVersionPoller: Service {
    let controlPlane: GatewayControlPlane
    let every: Duration

    public init(_ controlPlane: GatewayControlPlane, every: Duration = .seconds(1)) {
        self.controlPlane = controlPlane; self.every = every
    }

    public func run() async throws {
        await repeatUntilShutdown(every: every) { await controlPlane.poll() }
    }
}
