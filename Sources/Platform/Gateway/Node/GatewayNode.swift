import Base

/// One gateway replica: its configuration (``GatewayCore``), its rate-limit counters, its
/// tenants' month-to-date spend, its usage counters and its write-ahead journal — and the
/// steps every call takes through them.
///
/// Both drivers run every call through the same steps, as values returned for the driver
/// to carry out (PostgresNIO's state-machine style), so admission, limiting, completion,
/// settlement, journaling and reconciliation exist once:
///
/// ```swift
/// var step = node.receive(.body(bytes), authorization: header, requestID: id, now: now)
/// if case .acquireShared(let pending, let scopes, let tokens) = step {      // `counters: redis`
///     step = node.limited(pending, try? await redis.acquire(scopes, promptTokens: tokens), now: now)
/// }
/// switch step {
/// case .respond(let reply, let settlement):  // refused: record the settlement, write the reply
/// case .send(let call):
///     let result = await transport.send(call.request)                   // HTTP, or a mock provider
///     let finish = node.complete(call, result: result, now: now)         // reply + settlement
///     // give finish.settlement.sharedRelease back, wait for finish.settlement.ticket to be durable, answer
/// case .answerFromDocuments(let docChat):    // doc-chat: the knowledge service answers, then finishDocChat
/// case .acquireShared: break                 // consulted above
/// }
/// ```
///
/// The Lab keeps one node per simulated replica on its event loop; `dcoder serve` keeps one
/// behind a lock. With shared counters (`redis`), the driver carries out
/// ``Step/acquireShared(_:_:promptTokens:)`` against the shared store — the same
/// ``RateLimiter`` arithmetic, in Redis live and in one limiter shared by the replicas in
/// the Lab — and the node's own limiter is the fallback.
public struct GatewayNode: Sendable {
    /// This replica's name: its journal's rows carry it, so that reconciliation compares
    /// each replica's counters with the rows it wrote.
    public let replica: String
    /// The configuration every call is decided by.
    public private(set) var core: GatewayCore
    /// This replica's own rate-limit counters.
    public internal(set) var limiter = RateLimiter()
    /// This replica's view of each tenant's month-to-date spend (set from the ledger by
    /// reconciliation).
    public internal(set) var budgets: BudgetTracker
    /// This replica's month-to-date usage counters per tenant: the calls whose journal write
    /// ended — what reconciliation compares with the ledger (without a journal there is
    /// nothing to reconcile, and nothing is counted).
    public internal(set) var counters: UsageMirror
    /// The write-ahead journal of this replica's calls, when it keeps a usage ledger.
    public var journal: UsageJournal?
    /// Whether the limits are counted in a store the replicas share (the driver's).
    public var sharedCounters: Bool
    /// Whether `doc-chat` is served (a knowledge service answers it).
    public var servesDocChat: Bool
    /// Whether any tenant has rate limits or a budget: most deployments have neither, and
    /// their calls skip those lookups.
    public private(set) var anyLimits = false
    public private(set) var anyBudget = false
    /// Tenants reconciled at least once since this node started.
    var reconciled: Set<String> = []

    /// - Parameters:
    ///   - replica: the replica's name (`server.replica` live; its index in the Lab).
    ///   - journal: the usage journal, opened on its files (``JournalIO/open(_:configuration:)``).
    public init(core: GatewayCore, replica: String = "0", journal: UsageJournal? = nil, sharedCounters: Bool = false, servesDocChat: Bool = false) {
        self.core = core
        self.replica = replica
        self.journal = journal
        self.sharedCounters = sharedCounters
        self.servesDocChat = servesDocChat
        budgets = BudgetTracker(epoch: core.configuration.epoch)
        counters = UsageMirror(epoch: core.configuration.epoch)
        refreshQuotaFlags()
    }

    /// Changes the configuration (tenants, allowlist, quotas, the manual provider switch).
    @discardableResult
    public mutating func configure<T>(_ change: (inout GatewayCore) throws -> T) rethrows -> T {
        defer { refreshQuotaFlags() }
        return try change(&core)
    }

    private mutating func refreshQuotaFlags() {
        anyLimits = core.tenants.values.contains { !$0.limits.isEmpty || !$0.keyLimits.isEmpty }
        anyBudget = core.tenants.values.contains { $0.budget != nil }
    }

    /// The process died and started again with the same configuration and files: its
    /// counters, spend and limiter state are gone; the journal is what the files hold now
    /// (``JournalIO/open(_:configuration:)``).
    public mutating func restart(journal: UsageJournal?) {
        limiter = RateLimiter()
        budgets = BudgetTracker(epoch: core.configuration.epoch)
        counters = UsageMirror(epoch: core.configuration.epoch)
        reconciled = []
        self.journal = journal
    }

    // MARK: Settling

    /// What the rate limits hold of a call: the grant to give back, the `x-ratelimit-*`
    /// headers for its answer, and whether the grant came from this node's counters.
    public struct Limit: Hashable, Sendable {
        public var grant: RateLimiter.Grant?
        public var headers: [HTTPHeader]
        public var local: Bool

        public static let none = Limit(grant: nil, headers: [], local: true)

        public init(grant: RateLimiter.Grant?, headers: [HTTPHeader], local: Bool) {
            self.grant = grant; self.headers = headers; self.local = local
        }
    }

    /// A grant from the shared counters, to give back with the tokens the call used.
    public struct SharedRelease: Hashable, Sendable {
        public var grant: RateLimiter.Grant
        public var tokens: Int
    }

    /// What a finished call leaves for the driver to carry out.
    public struct Settlement: Hashable, Sendable {
        /// The call's usage record (`nil` for `doc-chat`, whose model call has its own).
        public var usage: UsageRecord?
        /// The call's alerts and the budget thresholds its cost crossed.
        public var alerts: [Alert]
        /// A grant to give back to the shared counters.
        public var sharedRelease: SharedRelease?
        /// The call's journal ticket: answer only once a write carrying it ended
        /// (``journalWriteEnded(_:succeeded:now:)``). `nil` without a journal.
        public var ticket: UInt64?

        public static let empty = Settlement(usage: nil, alerts: [], sharedRelease: nil, ticket: nil)
    }

    /// Settles a call — answered, failed, or refused: gives its grant back with the tokens
    /// it used, adds its cost to the tenant's spend, and journals it.
    ///
    /// - Parameter line: the call's journal line, when the driver encoded it outside its
    ///   lock (``JournalEntry/line()``); encoded here otherwise.
    public mutating func settle(_ usage: UsageRecord, alerts: [Alert], limit: Limit, now: Instant, line: [UInt8]? = nil) -> Settlement {
        var settlement = Settlement(usage: usage, alerts: alerts,
                                    sharedRelease: release(limit, tokens: usage.promptTokens + usage.completionTokens, now: now), ticket: nil)
        settlement.alerts += account(usage, now: now)
        if journal != nil, let tenant = usage.tenant {
            settlement.ticket = journal!.append(line: line ?? JournalEntry(tenant: tenant, replica: replica, usage: usage).line(),
                                                tenant: tenant, usage: usage)
        }
        return settlement
    }

    /// The journal line of a call's usage (`nil` for a call of no tenant), for a driver
    /// that encodes it outside its lock and hands it to ``settle(_:alerts:limit:now:line:)``.
    public static func journalLine(_ usage: UsageRecord, replica: String) -> [UInt8]? {
        usage.tenant.map { JournalEntry(tenant: $0, replica: replica, usage: usage).line() }
    }

    /// Gives a call's grant back with the tokens it used: to this node's counters, or — for
    /// a grant from the shared counters — to the driver, returned.
    public mutating func release(_ limit: Limit, tokens: Int, now: Instant) -> SharedRelease? {
        guard let grant = limit.grant else { return nil }
        guard limit.local else { return SharedRelease(grant: grant, tokens: tokens) }
        limiter.release(grant, actualTokens: tokens, now: now)
        return nil
    }

    /// Adds a call's cost to its tenant's spend; the budget thresholds it crossed.
    mutating func account(_ usage: UsageRecord, now: Instant) -> [Alert] {
        guard anyBudget, usage.costMicros > 0, let tenant = usage.tenant, let budget = core.tenants[tenant]?.budget else { return [] }
        return budgets.add(tenant: tenant, costMicros: usage.costMicros, at: now, budget: budget)
    }

    // MARK: The journal's writes

    /// The next journal write, if one is due: the driver writes and syncs it
    /// (``JournalIO/perform(_:on:)``), then ``journalWriteEnded(_:succeeded:now:)``.
    public mutating func nextJournalWrite() -> UsageJournal.Write? { journal?.nextWrite() }

    /// A journal write ended: its calls count in this replica's counters, and may be
    /// answered — unless the write failed and is retried. Entries given up after failed
    /// attempts raise an alert (their calls are answered all the same; reconciliation
    /// finds them missing from the ledger).
    ///
    /// - Returns: The tickets done (none while the write is retried), and the alert of
    ///   entries given up.
    public mutating func journalWriteEnded(_ write: UsageJournal.Write, succeeded: Bool, now: Instant) -> (tickets: ClosedRange<UInt64>?, alert: Alert?) {
        guard let ended = journal!.writeEnded(write, succeeded: succeeded) else { return (nil, nil) }
        for (tenant, c) in write.counts { counters.add(c, tenant: tenant, at: now) }
        let alert = ended.givenUp ? Alert(kind: .usageJournalFailed, at: now, tenant: nil, provider: nil,
                                          message: "the usage journal of replica \(replica) could not be written; calls were answered but may be missing from the ledger") : nil
        return (ended.tickets, alert)
    }

    /// A tenant's month-to-date spend as this node counts it.
    public func spent(tenant: String, at now: Instant) -> Int64 { budgets.spent(tenant: tenant, at: now) }
}

extension Alert.Kind {
    /// A replica could not write its usage journal (disk full, I/O error).
    public static let usageJournalFailed: Alert.Kind = "usage_journal_failed"
}
