import Foundation

/// One gateway call as the usage ledger keeps it (one row per request id).
public struct UsageEntry: Hashable, Sendable, Codable {
    public var requestID: String
    /// When the call started.
    public var at: Date
    public var keyID: String?
    public var model: String
    public var provider: String?
    public var upstreamModel: String?
    public var stream: Bool
    /// The HTTP status the client got.
    public var status: Int
    public var errorKind: String?
    public var promptTokens: Int
    public var completionTokens: Int
    /// Integer micro-dollars.
    public var costMicros: Int64
    public var latencyMicros: Int64
    /// `reported`, `estimated` or `none`.
    public var usageSource: String
    /// The gateway replica that answered the call ('' when unknown).
    public var replica: String

    public init(requestID: String, at: Date, keyID: String?, model: String, provider: String?, upstreamModel: String?, stream: Bool,
                status: Int, errorKind: String?, promptTokens: Int, completionTokens: Int, costMicros: Int64, latencyMicros: Int64,
                usageSource: String, replica: String = "") {
        self.requestID = requestID; self.at = at; self.keyID = keyID; self.model = model; self.provider = provider
        self.upstreamModel = upstreamModel; self.stream = stream; self.status = status; self.errorKind = errorKind
        self.promptTokens = promptTokens; self.completionTokens = completionTokens; self.costMicros = costMicros
        self.latencyMicros = latencyMicros; self.usageSource = usageSource; self.replica = replica
    }
}

/// Sums of usage entries.
public struct UsageTotals: Hashable, Sendable, Codable {
    public var calls = 0
    public var errors = 0
    public var promptTokens = 0
    public var completionTokens = 0
    public var costMicros: Int64 = 0

    public init(calls: Int = 0, errors: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, costMicros: Int64 = 0) {
        self.calls = calls; self.errors = errors; self.promptTokens = promptTokens; self.completionTokens = completionTokens; self.costMicros = costMicros
    }

    public mutating func merge(_ o: UsageTotals) {
        calls += o.calls; errors += o.errors; promptTokens += o.promptTokens; completionTokens += o.completionTokens; costMicros += o.costMicros
    }

    public mutating func add(_ e: UsageEntry) {
        calls += 1
        if e.status != 200 { errors += 1 }
        promptTokens += e.promptTokens
        completionTokens += e.completionTokens
        costMicros += e.costMicros
    }
}

/// Usage over a window: totals and breakdowns by model, key and status.
public struct UsageSummary: Hashable, Sendable {
    public var from: Date
    public var to: Date
    public var totals: UsageTotals
    public var byModel: [String: UsageTotals]
    public var byKey: [String: UsageTotals]
    public var byStatus: [Int: Int]

    public init(from: Date, to: Date, totals: UsageTotals = UsageTotals(), byModel: [String: UsageTotals] = [:],
                byKey: [String: UsageTotals] = [:], byStatus: [Int: Int] = [:]) {
        self.from = from; self.to = to; self.totals = totals; self.byModel = byModel; self.byKey = byKey; self.byStatus = byStatus
    }
}
