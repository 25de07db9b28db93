import Mocks
import Config
import Flags
import Foundation
import Base
import Gateway
import Plugins

/// Runs a scenario as a discrete-event simulation on virtual time.
///
/// One event at a time, in (time, sequence) order: a tenant's request arrives, the
/// platform's ``GatewayCore`` admits it, the mock provider at the tenant's endpoint
/// answers it after a simulated delay, and the gateway completes it. Scripted steps run
/// at their instants. Nothing reads the wall clock or a global random generator, so the
/// same scenario and seed always produce the same ``LabResult``.
/// The runner, handed to the platform's embedder: platform steps are awaited one at a time
/// on the runner's own loop, so the closures never run concurrently with it.
struct UncheckedRunner: @unchecked Sendable {
    let value: LabRunner
    init(_ value: LabRunner) { self.value = value }
}

public final class LabRunner {
    enum Event {
        case arrival(traffic: Int32)
        case completion(slot: Int32)
        case step(index: Int32)
        /// A journaled call reaches the ledger (index into ``journal``).
        case ledger(index: Int32, generation: Int32)
        case reconcile
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
        var result: UpstreamResult
        var key: RunMetrics.CallKey
        var limit: GatewayNode.Limit
        var replica: Int
        /// The client hangs up mid-stream (the gateway drains the provider's stream).
        var clientClosed: Bool
    }

    public let scenario: Scenario
    let clock = VirtualClock()
    /// The gateway replicas behind the balancer, each running calls through the same
    /// ``GatewayNode`` steps as the live server (one configuration, copied to each).
    var nodes: [GatewayNode]
    /// The rate-limit counters the replicas share with `counters: redis` (Redis's part: the
    /// same ``RateLimiter`` arithmetic, which the live Redis script is differential-tested against).
    var sharedLimiter = RateLimiter()
    /// Set by a restart until the next reconciliation, which then raises no budget alert.
    var startingUp = false
    /// The replica the balancer sends the next call to (round robin).
    var nextReplica = 0
    /// The configuration, as every replica has it.
    var core: GatewayCore { nodes[0].core }

    /// Changes the configuration of every replica.
    @discardableResult
    func configure<T>(_ change: (inout GatewayCore) throws -> T) rethrows -> T {
        let result = try nodes[0].configure(change)
        let core = nodes[0].core
        for i in nodes.indices.dropFirst() { nodes[i].configure { $0 = core } }
        return result
    }
    var mocks: [MockProvider] = []
    var mockIDs: [Int32] = []
    /// Where each mock listens (mocks never move during a run).
    var mockOrigins: [(kind: ProviderKind, scheme: String, host: String, port: Int)] = []
    var traffic: [TrafficState] = []
    var queue = EventQueue<Event>()
    var inflight: [InFlight?] = []
    var freeSlots: [Int32] = []
    var requestIDs: IDGenerator
    let metrics: RunMetrics
    var stepLog: [StepOutcome] = []
    /// The oracle's own view of which provider each tenant's alias should use.
    var expectedActive: [AliasKey: ProviderKind] = [:]
    struct AliasKey: Hashable { var tenant: String; var alias: String }
    public private(set) var simulatedRequests = 0

    public struct StepOutcome: Sendable {
        public var at: Instant
        public var description: String
        public var error: String?
    }

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
        let core = GatewayCore(configuration: .init(allowlist: allowlist, pricing: scenario.platform.pricing, upstreamTimeout: scenario.platform.upstreamTimeout))
        let replicas = scenario.platform.replicas
        nodes = Array(repeating: GatewayNode(core: core, sharedCounters: scenario.platform.sharedCounters), count: replicas)
        gatewayCounters = Array(repeating: [:], count: replicas)
        ledgerByReplica = Array(repeating: [:], count: replicas)
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
            usageRandom = streams.stream("usage/ledger-deliveries")
            queue.schedule(at: Instant.zero + usage.reconcileEvery, .reconcile)
        }
    }

    var tenantKeys: [String: [String]] = [:]
    /// The platform's flags: definitions, tenant overrides and traits (the same book live).
    var flagBook = FlagBook()
    /// Plugins of the run, when any tenant configures an integration.
    var pluginHost: PluginHost?
    /// What the connectors reached (mock Slack, Teams, Jira, Graph), in process.
    let connectorMocks = MockConnectorServices()
    /// The egress allowlist as plugins see it (kept equal to the gateway's).
    let pluginAllowlist = LockedBox(EgressAllowlist())
    /// Alerts already handed to the plugin host.
    var alertsDelivered = 0
    /// Tenants in order of appearance (for flag snapshots).
    var tenantOrder: [String] = []

    // Usage ledger (when the scenario has `usage:`): the durable journal of every finished
    // call, the ledger it feeds (deliveries may be delayed or lost), and the gateway's own
    // in-memory counters, which a restart loses.
    struct JournalEntry { var tenant: String; var requestID: String; var counters: UsageCounters; var replica: Int }
    var journal: [JournalEntry] = []
    var ledgerIDs: Set<String> = []
    var ledgerTotals: [String: UsageCounters] = [:]
    /// The ledger's rows by the replica that wrote them (what each replica's counters are
    /// reset to).
    var ledgerByReplica: [[String: UsageCounters]]
    /// Each replica's counters; the gateway's are their sum (as Prometheus sums instances).
    var gatewayCounters: [[String: UsageCounters]]
    var usageRandom = Xoshiro256StarStar(seed: 0)
    /// Bumped by a restart: deliveries scheduled before it are lost with the process.
    var generation: Int32 = 0

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
            platform = scenario.usesPlatformAPI ? try await LabPlatform(seed: scenario.seed, streams: RandomStreams(seed: scenario.seed)) : nil
        } catch {
            throw ConfigFileError(file: scenario.file, line: 1, column: 1, message: "cannot start the Lab's Platform API: \(error)")
        }
        if let platform {
            let embedder = self.embedder
            await platform.service.knowledge.useTenantEmbeddings({ tenant, texts, query, dimensions in
                try await embedder.embed(tenant: tenant, texts: texts, query: query, dimensions: dimensions)
            }, space: { embedder.space(tenant: $0) })
        }
        if let rag = scenario.rag {
            do { metrics.rag = try ScenarioLoader.runRAG(rag) } catch {
                stepLog.append(StepOutcome(at: .zero, description: "answer the RAG questions", error: "\(error)"))
            }
        }
        flagBook.definitions = scenario.flags ?? FlagDefinitions()
        pluginAllowlist.set(core.configuration.allowlist)
        try await startPlugins()
        if scenario.flags != nil { recordFlags(cause: "start") }
        while let (time, event) = queue.pop() {
            clock.advance(to: time)
            switch event {
            case .arrival(let t): arrive(Int(t), end: end)
            case .completion(let slot): complete(Int(slot))
            case .ledger(let i, let g): if g == generation { deliverToLedger(Int(i)) }
            case .reconcile:
                reconcile()
                if let usage = scenario.usage, time + usage.reconcileEvery <= end { queue.schedule(at: time + usage.reconcileEvery, .reconcile) }
            case .step(let i):
                let step = scenario.steps[Int(i)]
                switch step.action {
                case .platform(let action):
                    guard let platform else { break }
                    let now = platform.setTime(time)
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
                        recordFlags(cause: step.description)
                    }
                case .setFlag, .setRollout:
                    await applyFlagStep(step)
                case .restartGateway:
                    restartGateway()
                    stepLog.append(StepOutcome(at: time, description: step.description, error: nil))
                default:
                    apply(step)
                    pluginAllowlist.set(core.configuration.allowlist)
                    // A tenant added now gets the quotas the configuration model holds for it.
                    if case .addTenant = step.action, let platform { await applyConfiguredQuotas(platform) }
                }
            }
            if pluginHost != nil, metrics.alerts.count > alertsDelivered { await deliverAlerts() }
            if let progress, Double(time.nanoseconds) / Double(scenario.duration.value) >= nextReport {
                progress(min(1, Double(time.nanoseconds) / Double(scenario.duration.value)))
                nextReport += 0.02
            }
        }
        if scenario.usage != nil { reconcile() }  // a last reconciliation at the end of the run
        await collectConnectorMessages()
        if let platform {
            metrics.apiCalls = platform.flow.records
            metrics.platformTenants = await platform.snapshot()
            await platform.shutdown()
        }
        return LabResult(scenario: scenario, metrics: metrics, steps: stepLog)
    }

    func arrive(_ t: Int, end: Instant) {
        let now = clock.now()
        simulatedRequests += 1
        var state = traffic[t]
        let u = state.choices.nextUnit()
        let choice = state.cumulativeWeights.firstIndex { u < $0 } ?? (state.cumulativeWeights.count - 1)
        let prompt = Int(state.choices.next() % UInt64(state.messages.count))
        let stream = state.spec.streamFraction > 0 && state.choices.nextUnit() < state.spec.streamFraction
        let abort = stream && state.spec.abortFraction > 0 && state.choices.nextUnit() < state.spec.abortFraction
        var request = ChatCompletionRequest(model: state.spec.models[choice].alias, messages: state.messages[prompt], stream: stream ? true : nil,
                                            maxTokens: state.spec.maxTokens)
        if stream { request.streamOptions = StreamOptions(includeUsage: true) }
        let key = RunMetrics.CallKey(tenant: state.tenant, model: state.modelIndexes[choice], key: state.key, provider: -1,
                                     stream: stream, status: 0, errorKind: -1)
        let next = state.arrivals.next()
        traffic[t] = state
        if next <= end, state.spec.until.map({ next < $0 }) ?? true { queue.schedule(at: next, .arrival(traffic: Int32(t))) }

        let id = requestIDs.make(prefix: "chatcmpl-")
        let replica = nextReplica
        if nodes.count > 1 { nextReplica = (nextReplica + 1) % nodes.count }
        var step = nodes[replica].admit(request, authorization: state.authorization, requestID: id, now: now)
        if case .acquireShared(let call, let scopes, let tokens) = step {
            step = nodes[replica].limited(call, sharedLimiter.acquire(scopes, promptTokens: tokens, now: now), local: false, now: now)
        }
        switch step {
        case .refused(let r, _):
            r.alerts.forEach(metrics.raise)
            record(key, r.usage, replica: replica, now: now)
        case .send(let call, let limit):
            send(call, key: key, trueTenant: state.spec.tenant, limit: limit, replica: replica, clientClosed: abort, now: now)
        case .acquireShared:
            preconditionFailure("shared counters were consulted above")
        }
    }

    func send(_ call: GatewayCore.UpstreamCall, key: RunMetrics.CallKey, trueTenant: String, limit: GatewayNode.Limit, replica: Int, clientClosed: Bool, now: Instant) {
        let ctx = call.context
        if let expected = expectedActive[AliasKey(tenant: ctx.tenant, alias: ctx.alias)], expected != ctx.provider {
            metrics.violation("no_failover", "at \(now): \(ctx.tenant)/\(ctx.alias) was sent to \(ctx.provider.rawValue), but the active provider is \(expected.rawValue)")
        }
        let timeout = scenario.platform.upstreamTimeout
        var result: UpstreamResult
        var delay: Nanoseconds
        if let m = mockIndex(for: call.request.provider, endpoint: call.request.endpoint) {
            let reply = mocks[m].handle(call.request, at: now)
            if let owner = reply.tenantOfKey, owner != trueTenant {
                metrics.violation("key_isolation", "at \(now): \(mocks[m].profile.name) received \(owner)'s key on a call made for \(trueTenant)")
            }
            let ownerIndex = reply.tenantOfKey.map { metrics.index(of: $0) } ?? -1
            let timedOut = reply.delay > timeout
            if timedOut {
                result = .failure(.timeout(after: timeout)); delay = timeout
            } else {
                result = reply.result; delay = reply.delay
            }
            metrics.record(upstream: .init(provider: mockIDs[m], tenant: ownerIndex, status: Int16(timedOut ? 0 : reply.status)),
                           billed: timedOut ? 0 : reply.billedMicros, hallucinated: reply.hallucinated && !timedOut)
        } else {
            result = .failure(.connection("no host answers at \(call.request.endpoint.origin)"))
            delay = .milliseconds(5)
        }
        let slot: Int
        if let free = freeSlots.popLast() { slot = Int(free) } else { slot = inflight.count; inflight.append(nil) }
        inflight[slot] = InFlight(context: ctx, result: result, key: key, limit: limit, replica: replica, clientClosed: clientClosed)
        queue.schedule(at: now + delay, .completion(slot: Int32(slot)))
    }

    func complete(_ slot: Int) {
        guard let f = inflight[slot] else { return }
        inflight[slot] = nil
        freeSlots.append(Int32(slot))
        let now = clock.now()
        let outcome = core.complete(f.context, result: f.result, now: now, clientClosed: f.clientClosed)
        let finished = nodes[f.replica].finish(outcome.usage, alerts: outcome.alerts, limit: f.limit, now: now)
        if let (grant, tokens) = finished.sharedRelease { sharedLimiter.release(grant, actualTokens: tokens, now: now) }
        finished.alerts.forEach(metrics.raise)
        record(f.key, outcome.usage, replica: f.replica, now: now)
    }

    func record(_ base: RunMetrics.CallKey, _ usage: UsageRecord, replica: Int, now: Instant) {
        if let spec = scenario.usage, let tenant = usage.tenant { journalCall(tenant, usage, replica: replica, spec: spec, now: now) }
        var key = base
        key.status = Int16(usage.status)
        key.provider = usage.provider.map { Int8(RunMetrics.providerKindList.firstIndex(of: $0)!) } ?? -1
        key.errorKind = usage.errorKind.map { Int8(RunMetrics.errorKinds.firstIndex(of: $0)!) } ?? -1
        metrics.record(call: key, usage: usage, at: usage.startedAt)
    }

    // MARK: Embeddings

    /// Embeds tenants' documents and questions through their embedding models, at the mock
    /// providers, accounted like every call. Platform steps run one at a time on the event
    /// loop, so the embedder's calls never overlap the simulation's; they take no virtual
    /// time (the step's instant).
    var embedder: TenantEmbedder {
        let runner = UncheckedRunner(self)
        return TenantEmbedder(
            core: { runner.value.core },
            send: { call in runner.value.sendEmbeddings(call) },
            record: { usage, alerts in runner.value.recordEmbeddings(usage, alerts) },
            now: { runner.value.clock.now() },
            requestID: { runner.value.requestIDs.make(prefix: "emb-") })
    }

    func sendEmbeddings(_ call: GatewayCore.EmbeddingCall) -> UpstreamResult {
        guard let m = mockIndex(for: call.request.provider, endpoint: call.request.endpoint) else {
            return .failure(.connection("no host answers at \(call.request.endpoint.origin)"))
        }
        let reply = mocks[m].handle(call.request, at: clock.now())
        if let owner = reply.tenantOfKey, owner != call.context.tenant {
            metrics.violation("key_isolation", "at \(clock.now()): \(mocks[m].profile.name) received \(owner)'s key on an embedding call for \(call.context.tenant)")
        }
        metrics.record(upstream: .init(provider: mockIDs[m], tenant: reply.tenantOfKey.map { metrics.index(of: $0) } ?? -1, status: Int16(reply.status)),
                       billed: reply.billedMicros, hallucinated: false)
        return reply.result
    }

    func recordEmbeddings(_ usage: UsageRecord, _ alerts: [Alert]) {
        alerts.forEach(metrics.raise)
        let now = clock.now()
        nodes[0].account(usage, now: now).forEach(metrics.raise)
        let key = RunMetrics.CallKey(tenant: metrics.index(of: usage.tenant ?? "-"), model: metrics.index(ofModel: usage.modelAlias),
                                     key: metrics.index(ofKey: usage.keyID ?? "platform"), provider: -1, stream: false, status: 0, errorKind: -1)
        record(key, usage, replica: 0, now: now)
    }

    // MARK: Steps

    func apply(_ step: Scenario.Step) {
        let now = clock.now()
        var error: String?
        do {
            switch step.action {
            case .switchProvider(let tenant, let alias, let to):
                try configure { try $0.switchProvider(tenant: tenant, alias: alias, to: to) }
                expectedActive[AliasKey(tenant: tenant, alias: alias)] = to
            case .outage(let name, let duration, let failure):
                let targets = mocks.indices.filter { mocks[$0].profile.name == name || (mocks[$0].profile.kind.rawValue == name) }
                if targets.isEmpty { error = "no mock provider '\(name)'" }
                for i in targets { mocks[i].profile.outages.append(.init(from: now, until: now + duration, failure: failure)) }
            case .setKey(let tenant, let provider, let key, let valid):
                guard let t = core.tenants[tenant] else { throw GatewayCore.ConfigurationError(message: "no tenant '\(tenant)'") }
                let defaultEndpoint = try Endpoint.parse(provider.defaultBaseURL).get()
                let endpoint = t.accounts[provider]?.endpoint ?? defaultEndpoint
                try configure { try $0.setProviderAccount(tenant: tenant, account: ProviderAccount(provider: provider, endpoint: endpoint, apiKey: Secret(key)), at: now) }
                    .forEach(metrics.raise)
                if valid, let m = mockIndex(for: provider, endpoint: endpoint) { mocks[m].issueKey(key, to: tenant) }
            case .addTenant(let spec):
                try addTenant(spec)
            case .allowlistAdd(let entry):
                var list = core.configuration.allowlist
                try list.add(entry)
                configure { $0.setAllowlist(list, at: now) }.forEach(metrics.raise)
            case .allowlistRemove(let entry):
                var list = core.configuration.allowlist
                list.remove(entry)
                configure { $0.setAllowlist(list, at: now) }.forEach(metrics.raise)
            case .suspendTenant(let t): try configure { try $0.setSuspended(tenant: t, true) }
            case .resumeTenant(let t): try configure { try $0.setSuspended(tenant: t, false) }
            case .platform, .setFlag, .setRollout, .restartGateway: break  // run by `run` itself
            }
        } catch {
            let text = "\(error)"
            return stepLog.append(StepOutcome(at: now, description: step.description, error: text))
        }
        stepLog.append(StepOutcome(at: now, description: step.description, error: error))
    }

    // MARK: Quotas from the configuration model

    /// Lays each gateway tenant's effective quotas (from the Platform API) over its
    /// scenario limits and budget.
    func applyConfiguredQuotas(_ platform: LabPlatform) async {
        let specs = scenario.tenants + scenario.steps.compactMap { if case .addTenant(let t) = $0.action { return t } else { return nil } }
        for spec in specs where core.tenants[spec.id] != nil {
            guard let quotas = try? await platform.service.effectiveQuotas(tenant: spec.id) else { continue }
            let limits = spec.limits.overridden(by: quotas), budget = Budget.overridden(spec.budget, by: quotas)
            guard let t = core.tenants[spec.id], t.limits != limits || t.budget != budget else { continue }
            try? configure { try $0.setQuotas(tenant: spec.id, limits: limits, budget: budget) }
        }
    }

    // MARK: Flags and plugins

    /// The Lab's date for a virtual instant (time zero is 2026-01-01T00:00:00Z).
    static func date(_ at: Instant) -> Date { LabPlatform.epoch.addingTimeInterval(Double(at.nanoseconds) / 1e9) }

    /// Configures every tenant's integrations and applies the flags once.
    func startPlugins() async throws {
        let specs = scenario.tenants + scenario.steps.compactMap { if case .addTenant(let t) = $0.action { return t } else { return nil } }
        guard specs.contains(where: { !$0.integrations.isEmpty }) else { return }
        let clock = self.clock, allowlist = pluginAllowlist
        let host = try PluginHost(plugins: Connectors.builtIn, transport: connectorMocks, egressAllowed: { url in
            guard case .success(let endpoint) = Endpoint.parse(url.absoluteString) else { return false }
            return allowlist.get().allows(endpoint)
        }, clock: { Self.date(clock.now()) })
        for spec in specs {
            for (plugin, values) in spec.integrations.sorted(by: { $0.key < $1.key }) {
                try await host.configure(tenant: spec.id, plugin: plugin, PluginConfiguration(values))
            }
        }
        pluginHost = host
        await syncPlugins()
    }

    func syncPlugins() async {
        guard let host = pluginHost else { return }
        let book = flagBook
        for tenant in tenantOrder {
            for change in await host.sync(tenant: tenant, isEnabled: { book.isEnabled($0, tenant: tenant) }) {
                if let error = change.error {
                    stepLog.append(StepOutcome(at: clock.now(), description: "enable \(change.plugin) for \(tenant)", error: error))
                }
            }
        }
    }

    func applyFlagStep(_ step: Scenario.Step) async {
        switch step.action {
        case .setFlag(let feature, let tenant, let state):
            if let tenant {
                flagBook.overrides[tenant, default: [:]][feature] = state
            } else if let state, var f = flagBook.definitions.feature(named: feature) {
                f.enabled = state.enabled
                if let v = state.value { f.value = v }
                flagBook.definitions.put(f)
            }
        case .setRollout(let feature, let percent):
            if var f = flagBook.definitions.feature(named: feature) {
                f.rollout = percent
                flagBook.definitions.put(f)
            }
        default:
            return
        }
        stepLog.append(StepOutcome(at: clock.now(), description: step.description, error: nil))
        await syncPlugins()
        recordFlags(cause: step.description)
    }

    /// Hands alerts raised since the last event to the tenants' active alert sinks.
    func deliverAlerts() async {
        guard let host = pluginHost else { return }
        while alertsDelivered < metrics.alerts.count {
            let alert = metrics.alerts[alertsDelivered]
            alertsDelivered += 1
            guard let tenant = alert.tenant else { continue }
            let pluginAlert = PluginAlert(kind: alert.kind.rawValue, tenant: tenant, message: alert.message, at: Self.date(alert.at))
            for d in await host.deliver(pluginAlert) {
                metrics.deliveries.append(RunMetrics.Delivery(at: alert.at, plugin: d.plugin, tenant: d.tenant, alertKind: d.alertKind, failure: d.failure))
            }
        }
    }

    /// Every tenant's flags now, for the report's timeline and the `flag.enabled` metric.
    func recordFlags(cause: String) {
        var states: [String: [String: Bool]] = [:]
        for tenant in tenantOrder {
            var row: [String: Bool] = [:]
            for flag in flagBook.evaluate(tenant: tenant) { row[flag.name] = flag.enabled }
            states[tenant] = row
        }
        metrics.flagSnapshots.append(.init(at: clock.now(), cause: cause, states: states))
    }

    /// What the mock connector services received, attributed to the tenant whose
    /// configuration names that URL.
    func collectConnectorMessages() async {
        guard pluginHost != nil else { return }
        let specs = scenario.tenants + scenario.steps.compactMap { if case .addTenant(let t) = $0.action { return t } else { return nil } }
        for r in await connectorMocks.received {
            let owner = specs.first { spec in
                spec.integrations.values.contains { config in
                    config.values.contains { value in value.hasPrefix("http") && (r.url == value || (r.url.hasPrefix(value) && value.count > 12)) }
                }
            }?.id ?? "-"
            metrics.connectorMessages.append(.init(service: r.service, tenant: owner, url: r.url))
        }
    }

    // MARK: Usage ledger and reconciliation

    /// Journals a finished call (durable), counts it in the gateway's counters, and sends it
    /// on to the ledger — unless the delivery is lost.
    func journalCall(_ tenant: String, _ usage: UsageRecord, replica: Int, spec: Scenario.UsageSpec, now: Instant) {
        var counters = UsageCounters()
        counters.add(usage)
        journal.append(JournalEntry(tenant: tenant, requestID: usage.requestID, counters: counters, replica: replica))
        gatewayCounters[replica][tenant, default: UsageCounters()].add(usage)
        if spec.dropFraction > 0, usageRandom.nextUnit() < spec.dropFraction {
            metrics.usageDropped[tenant, default: 0] += 1
            return
        }
        queue.schedule(at: now + spec.delay, .ledger(index: Int32(journal.count - 1), generation: generation))
    }

    func deliverToLedger(_ i: Int) {
        let e = journal[i]
        guard ledgerIDs.insert(e.requestID).inserted else { return }
        ledgerTotals[e.tenant, default: UsageCounters()].add(e.counters)
        ledgerByReplica[e.replica][e.tenant, default: UsageCounters()].add(e.counters)
    }

    /// The replicas' counters summed: the gateway's, as a whole.
    var gatewayTotals: [String: UsageCounters] {
        var sum: [String: UsageCounters] = [:]
        for replica in gatewayCounters { for (t, c) in replica { sum[t, default: UsageCounters()].add(c) } }
        return sum
    }

    /// The gateway processes die and start again: in-memory counters, budget spend and
    /// rate-limit state are gone (shared `redis` counters survive), deliveries in flight are
    /// lost; the journal is on disk.
    func restartGateway() {
        gatewayCounters = gatewayCounters.map { _ in [:] }
        for i in nodes.indices { nodes[i].restart() }  // shared (`redis`) counters survive
        generation += 1
        startingUp = true
        // The live server reconciles when it starts; so does the Lab.
        if scenario.usage != nil { queue.schedule(at: clock.now(), .reconcile) }
    }

    /// Measures the drift, replays what the ledger lacks from the journal, and resets the
    /// gateway's counters and budget spend to the ledger (``UsageReconciliation``).
    func reconcile() {
        let now = clock.now()
        let before = UsageReconciliation.drift(gateway: gatewayTotals, ledger: ledgerTotals)
        var replayed: [String: Int] = [:]
        for i in journal.indices where !ledgerIDs.contains(journal[i].requestID) {
            deliverToLedger(i)
            replayed[journal[i].tenant, default: 0] += 1
        }
        // Each replica's counters go back to the ledger's rows it wrote; each replica's
        // budget spend to the tenant's whole month-to-date spend.
        // Alerts in the live server's order: drift first, then budget thresholds, by tenant.
        for d in before where !d.isZero { metrics.raise(UsageReconciliation.alert(d, at: now)) }
        gatewayCounters = ledgerByReplica
        for (tenant, totals) in ledgerTotals.sorted(by: { $0.key < $1.key }) {
            for r in nodes.indices {
                nodes[r].restoreSpend(tenant: tenant, spentMicros: totals.costMicros, now: now,
                                   alertNewlyCrossed: !startingUp).forEach(metrics.raise)
            }
        }
        startingUp = false
        let after = UsageReconciliation.drift(gateway: gatewayTotals, ledger: ledgerTotals)
        for (b, a) in zip(before, after) {
            metrics.reconciliations.append(.init(at: now, tenant: b.tenant, before: b, after: a, replayed: replayed[b.tenant] ?? 0))
        }
        metrics.ledgerTotals = ledgerTotals
    }
}
