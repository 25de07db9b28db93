import Mocks
import Config
import Flags
import Foundation
import Base
import Gateway
import Plugins
import PlatformAPI
import Retrieval

/// Runs a scenario as a discrete-event simulation on virtual time.
///
/// One event at a time, in (time, sequence) order: a tenant's request arrives at a replica,
/// the replica's ``GatewayNode`` admits it, the mock provider at the tenant's endpoint
/// answers it after a simulated delay, and the node completes and settles it; with a
/// ledger, the call is answered once its journal write is durable on the replica's
/// simulated disk. Scripted steps, journal flushes, reconciliations and crashes run at
/// their instants. The call steps are the node's — the same the live server takes — so
/// this type holds only the event loop, the mocks and the oracles. Nothing reads the wall
/// clock or a global random generator, so the same scenario and seed always produce the
/// same ``LabResult``.
public final class LabRunner {
    enum Event {
        case arrival(traffic: Int32)
        case completion(slot: Int32)
        case step(index: Int32)
        /// A replica's journal write reaches the end of its fsync.
        case journalSync(replica: Int32, incarnation: Int32)
        /// Every replica flushes its journal into the ledger.
        case flush
        case reconcile
        /// A replica dies (random crashes, `usage.crashes`), and starts again.
        case crash(replica: Int32)
        /// A random crash that waited for a journal write strikes in its middle.
        case crashMidWrite(replica: Int32, incarnation: Int32)
        case recover(replica: Int32, incarnation: Int32)
        /// A `doc-chat` call's next step: the knowledge service answers, or its answer ends.
        case docChat(slot: Int32)
        /// The `rag:` section: the corpus is submitted, the ingestion service runs, a question is asked.
        case ragSubmit
        case ragIngest
        case ragQuestion(index: Int32)
    }

    struct TrafficState {
        var spec: Scenario.TrafficSpec
        var arrivals: ArrivalGenerator
        var choices: Xoshiro256StarStar
        var tenant: Int32
        var key: Int32
        var authorization: String
        var modelIndexes: [Int32]
        var cumulativeWeights: [Double]
        var messages: [[ChatMessage]]
    }

    struct InFlight {
        var context: GatewayCore.CallContext
        var limit: GatewayNode.Limit
        var result: UpstreamResult
        var key: RunMetrics.CallKey
        var replica: Int
        var incarnation: Int32
        /// What the provider billed (lost with the call if its replica crashes).
        var billed: Int64
        /// The client hangs up mid-stream (the gateway drains the provider's stream).
        var clientClosed: Bool
    }

    public let scenario: Scenario
    let clock = VirtualClock()
    /// The gateway replicas behind the balancer, each running calls through the same
    /// ``GatewayNode`` steps as the live server (one configuration, applied to each).
    var replicas: [LabReplica] = []
    /// The rate-limit counters the replicas share with `counters: redis` (Redis's part: the
    /// same ``RateLimiter`` arithmetic, which the live Redis script is differential-tested against).
    var sharedLimiter = RateLimiter()
    /// The replica the balancer tries next (round robin over the replicas that are up).
    var nextReplica = 0
    /// The usage ledger (with `usage:`), fed by the replicas' journals.
    var ledger: LabLedger?
    /// The configuration, as every replica has it.
    var core: GatewayCore { replicas[0].node.core }

    var mocks: [MockProvider] = []
    var mockIDs: [Int32] = []
    /// Where each mock listens (mocks never move during a run).
    var mockOrigins: [(kind: ProviderKind, scheme: String, host: String, port: Int)] = []
    var traffic: [TrafficState] = []
    var queue = EventQueue<Event>()
    var inflight: [InFlight?] = []
    var freeSlots: [Int32] = []
    /// `doc-chat` calls between admission and their answer.
    var docChats: [DocChatInFlight?] = []
    var freeDocChats: [Int32] = []
    /// The `rag:` section's progress.
    var ragRun = RAGRun()
    var requestIDs: IDGenerator
    let metrics: RunMetrics
    var stepLog: [StepOutcome] = []
    /// The oracle's own view of which provider each tenant's alias should use.
    var expectedActive: [AliasKey: ProviderKind] = [:]
    struct AliasKey: Hashable { var tenant: String; var alias: String }
    public internal(set) var simulatedRequests = 0

    public struct StepOutcome: Sendable {
        public var at: Instant
        public var description: String
        public var error: String?
    }

    var tenantKeys: [String: [String]] = [:]
    /// The platform's flags: definitions, tenant overrides and traits (the same book live).
    var flagBook = FlagBook()
    /// Plugins of the run, when any tenant configures an integration.
    var pluginHost: PluginHost?
    /// What the connectors reached (mock Slack, Teams, Jira, Graph), in process.
    let connectorMocks = MockConnectorServices()
    /// The egress allowlist as plugins see it (kept equal to the gateway's).
    let pluginAllowlist = Locked(EgressAllowlist())
    /// Alerts already handed to the plugin host.
    var alertsDelivered = 0
    /// Tenants in order of appearance (for flag snapshots).
    var tenantOrder: [String] = []
    /// Where crashes pick their replica.
    var crashRandom = Xoshiro256StarStar(seed: 0)

    public init(scenario: Scenario) throws {
        self.scenario = scenario
        let streams = RandomStreams(seed: scenario.seed)
        var idStream = streams.stream("gateway/request-ids")
        requestIDs = IDGenerator(seed: idStream.next())
        metrics = RunMetrics(duration: scenario.duration, buckets: scenario.buckets)
        let allowlist: EgressAllowlist
        do { allowlist = try EgressAllowlist(scenario.platform.allowlist) } catch {
            throw ConfigFileError(file: scenario.file, line: 1, column: 1, message: "platform.egress_allowlist: \(error)")
        }
        let core = GatewayCore(configuration: .init(allowlist: allowlist, pricing: scenario.platform.pricing,
                                                    upstreamTimeout: scenario.platform.upstreamTimeout, epoch: clock.epoch))
        for r in 0..<scenario.platform.replicas {
            var disk: SimulatedDisk?
            var journal: UsageJournal?
            if let usage = scenario.usage {
                let d = SimulatedDisk(random: streams.stream("usage/disk/\(r)"), writeErrorRate: usage.writeErrors)
                journal = try JournalIO.open(d)
                disk = d
            }
            // With the Platform API in the run, the gateway answers `doc-chat` from its knowledge service, as live.
            let node = GatewayNode(core: core, replica: String(r), journal: journal, sharedCounters: scenario.platform.sharedCounters,
                                   servesDocChat: scenario.usesPlatformAPI)
            replicas.append(LabReplica(index: r, node: node, disk: disk))
        }
        if let usage = scenario.usage {
            ledger = LabLedger(random: streams.stream("usage/ledger-failures"), failureRate: usage.ledgerFailures, epoch: clock.epoch)
        }
        for profile in scenario.providers {
            mocks.append(MockProvider(profile: profile, wire: scenario.wire, pricing: scenario.platform.pricing, streams: streams))
            mockIDs.append(metrics.index(ofProvider: profile.name, kind: profile.kind))
            mockOrigins.append((profile.kind, profile.endpoint.scheme, profile.endpoint.host, profile.endpoint.port))
        }
        for t in scenario.tenants { try addTenant(t) }
        for (i, spec) in scenario.traffic.enumerated() {
            let tenant = metrics.index(of: spec.tenant)
            let keyText = spec.key ?? tenantKeys[spec.tenant]!.first!
            var total = 0.0
            let weights = spec.models.map { total += $0.weight; return total }
            var state = TrafficState(
                spec: spec,
                arrivals: ArrivalGenerator(spec.arrival, start: spec.from, rng: streams.stream("traffic/\(i)/\(spec.label)/arrivals")),
                choices: streams.stream("traffic/\(i)/\(spec.label)/choices"),
                tenant: tenant, key: metrics.index(ofKey: keyText), authorization: "Bearer " + keyText,
                modelIndexes: spec.models.map { metrics.index(ofModel: $0.alias) },
                cumulativeWeights: weights.map { $0 / total },
                messages: spec.prompts.map(\.messages))
            let first = state.arrivals.next()
            traffic.append(state)
            if first.nanoseconds <= scenario.duration.value, spec.until.map({ first < $0 }) ?? true {
                queue.schedule(at: first, .arrival(traffic: Int32(i)))
            }
        }
        for (i, step) in scenario.steps.enumerated() { queue.schedule(at: step.at, .step(index: Int32(i))) }
        if let usage = scenario.usage {
            queue.schedule(at: Instant.zero + usage.flushEvery, .flush)
            queue.schedule(at: Instant.zero + usage.reconcileEvery, .reconcile)
            crashRandom = streams.stream("usage/crashes")
            for _ in 0..<usage.crashes {
                let at = Instant(nanoseconds: Int64(crashRandom.nextUnit() * Double(scenario.duration.value)))
                queue.schedule(at: at, .crash(replica: Int32(crashRandom.next() % UInt64(replicas.count))))
            }
        }
    }

    /// Changes the configuration of every replica; the first replica's result.
    @discardableResult
    func configure<T>(_ change: (inout GatewayCore) throws -> T) rethrows -> T {
        var first: T?
        for r in replicas {
            let result = try r.node.configure(change)
            if first == nil { first = result }
        }
        return first!
    }

    func addTenant(_ t: TenantSpec) throws {
        tenantOrder.append(t.id)
        if !t.traits.isEmpty { flagBook.traits[t.id] = t.traits }
        for a in t.aliases { expectedActive[AliasKey(tenant: t.id, alias: a.name)] = a.active }
        let config = t.gatewayConfig()
        let alerts: [Alert]
        do { let now = clock.now(); alerts = try configure { try $0.upsertTenant(config, at: now) } } catch {
            throw ConfigFileError(file: scenario.file, line: 1, column: 1, message: "tenant '\(t.id)': \(error)")
        }
        alerts.forEach(metrics.raise)
        tenantKeys[t.id] = t.keys
        _ = metrics.index(of: t.id)
        for a in t.accounts {
            if let m = mockIndex(for: a.provider, endpoint: a.endpoint) { mocks[m].issueKey(a.key, to: t.id) }
        }
    }

    /// The mock provider listening at an endpoint's origin (scheme, host and port).
    func mockIndex(for kind: ProviderKind, endpoint: Endpoint) -> Int? {
        mockOrigins.firstIndex { $0.kind == kind && $0.port == endpoint.port && $0.host == endpoint.host && $0.scheme == endpoint.scheme }
    }

    // MARK: Running

    /// Runs the scenario to its end (and drains calls still in flight).
    ///
    /// - Parameter progress: called with the fraction of virtual time done, about every 2%.
    ///
    /// Platform API steps are awaited where they fall, one at a time like every other event,
    /// so the run stays deterministic; scenarios without them never start the Platform API.
    public func run(progress: ((Double) -> Void)? = nil) async throws -> LabResult {
        let end = Instant.zero + scenario.duration
        var nextReport = 0.02
        let platform: LabPlatform?
        do {
            platform = scenario.usesPlatformAPI
                ? try await LabPlatform(seed: scenario.seed, streams: RandomStreams(seed: scenario.seed),
                                        knowledge: scenario.rag?.knowledge ?? .init(parser: DocumentParser(pdf: BuiltinPDFExtractor())))
                : nil
        } catch {
            throw ConfigFileError(file: scenario.file, line: 1, column: 1, message: "cannot start the Lab's Platform API: \(error)")
        }
        if let platform {
            let embedder = self.embedder
            await platform.service.knowledge.useTenantEmbeddings({ tenant, texts, query, dimensions in
                try await embedder.embed(tenant: tenant, texts: texts, query: query, dimensions: dimensions)
            }, space: { embedder.space(tenant: $0) })
            let runner = UncheckedRunner(self)
            platform.service.useAnswerer { tenant, system, user in try runner.value.completeInternally(tenant: tenant, system: system, user: user) }
        }
        if let rag = scenario.rag { queue.schedule(at: rag.at, .ragSubmit) }
        flagBook.definitions = scenario.flags ?? FlagDefinitions()
        pluginAllowlist.withLock { $0 = core.configuration.allowlist }
        try await startPlugins()
        if scenario.flags != nil {
            applyDocChatFlags()
            recordFlags(cause: "start")
        }
        // Each replica reconciles when it starts, as a live process does.
        if scenario.usage != nil { await reconcileAll() }
        while let (time, event) = queue.pop() {
            clock.advance(to: time)
            switch event {
            case .arrival(let t): arrive(Int(t), end: end)
            case .completion(let slot): complete(Int(slot))
            case .journalSync(let r, let incarnation): journalSynced(Int(r), incarnation: incarnation)
            case .flush:
                await flushAll()
                if let usage = scenario.usage, time + usage.flushEvery <= end { queue.schedule(at: time + usage.flushEvery, .flush) }
            case .reconcile:
                await reconcileAll()
                if let usage = scenario.usage, time + usage.reconcileEvery <= end { queue.schedule(at: time + usage.reconcileEvery, .reconcile) }
            case .crash(let r): randomCrash(Int(r))
            case .crashMidWrite(let r, let incarnation):
                if replicas[Int(r)].incarnation == incarnation { crash(Int(r), cause: nil) }
            case .recover(let r, let incarnation): await recover(Int(r), incarnation: incarnation)
            case .docChat(let slot): await docChatStep(Int(slot), platform: platform)
            case .ragSubmit: if let platform, let rag = scenario.rag { await ragSubmit(rag, platform: platform) }
            case .ragIngest: if let platform, let rag = scenario.rag { await ragIngest(rag, platform: platform) }
            case .ragQuestion(let i): if let rag = scenario.rag { ragQuestion(Int(i), rag) }
            case .step(let i):
                let step = scenario.steps[Int(i)]
                switch step.action {
                case .platform(let action):
                    guard let platform else { break }
                    let now = platform.setTime(clock.date(of: time))
                    let book = flagBook
                    await platform.flags.update { $0 = book }
                    let error = await platform.flow.perform(action, at: time, now: now)
                    stepLog.append(StepOutcome(at: time, description: step.description, error: error))
                    // Documents submitted by the step are ingested now, in virtual time, and
                    // quotas set through the API reach the gateway, as the live server's sync does.
                    await platform.service.runIngestion()
                    await applyConfiguredQuotas(platform)
                    // A flag changed through the API takes effect like a flag step.
                    if platform.flags.book != flagBook {
                        flagBook = platform.flags.book
                        await syncPlugins()
                        applyDocChatFlags()
                        recordFlags(cause: step.description)
                    }
                case .setFlag, .setRollout:
                    await applyFlagStep(step)
                case .restartGateway:
                    await restartGateway()
                    stepLog.append(StepOutcome(at: time, description: step.description, error: nil))
                case .crashGateway(let r):
                    if r < replicas.count {
                        crash(r, cause: step.description)
                    } else {
                        stepLog.append(StepOutcome(at: time, description: step.description, error: "there are \(replicas.count) replica(s), numbered from 0"))
                    }
                default:
                    apply(step)
                    pluginAllowlist.withLock { $0 = core.configuration.allowlist }
                    // A tenant added now gets the quotas the configuration model holds for it, and
                    // its doc-chat by its flag.
                    if case .addTenant = step.action {
                        if let platform { await applyConfiguredQuotas(platform) }
                        applyDocChatFlags()
                    }
                }
            }
            if pluginHost != nil, metrics.alerts.count > alertsDelivered { await deliverAlerts() }
            if let progress, Double(time.nanoseconds) / Double(scenario.duration.value) >= nextReport {
                progress(min(1, Double(time.nanoseconds) / Double(scenario.duration.value)))
                nextReport += 0.02
            }
        }
        if scenario.usage != nil { await finishLedger() }
        if let rag = scenario.rag { metrics.rag = ragResults(rag) }
        await collectConnectorMessages()
        if let platform {
            metrics.apiCalls = platform.flow.records
            metrics.platformTenants = await platform.snapshot()
            await platform.shutdown()
        }
        return LabResult(scenario: scenario, metrics: metrics, steps: stepLog)
    }
}

/// The runner, handed to the platform's embedder and answerer: platform steps are awaited
/// one at a time on the runner's own loop, so the closures never run concurrently with it —
/// which `Sendable` cannot express.
struct UncheckedRunner: @unchecked Sendable {  // its closures run only while the runner's loop awaits them
    let value: LabRunner
    init(_ value: LabRunner) { self.value = value }
}
