import Base
/// Embeds a tenant's texts through its embedding model (`embeddings:` in the tenant's
/// configuration), with its own key: splits them into the provider's batches, admits each
/// call through the core (routing, credentials, allowlist), sends it through the transport
/// seam and accounts it like any call (usage record, ledger, budget).
///
/// Both drivers use it: `dcoder serve` sends over HTTP, the Lab hands the call to its mock
/// providers. Embedding calls are not rate-limited (they are the platform's own).
public struct TenantEmbedder: Sendable {
    /// Makes one call; the result as the transport saw it.
    public typealias Send = @Sendable (GatewayCore.EmbeddingCall) async -> UpstreamResult

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let core: @Sendable () -> GatewayCore
    let send: Send
    let record: @Sendable (UsageRecord, [Alert]) async -> Void
    let now: @Sendable () -> Instant
    let requestID: @Sendable () -> String

    /// - Parameters:
    ///   - core: the gateway's current configuration.
    ///   - record: accounts a finished or refused call.
    ///   - requestID: a fresh id per call.
    public init(core: @escaping @Sendable () -> GatewayCore, send: @escaping Send,
                record: @escaping @Sendable (UsageRecord, [Alert]) async -> Void,
                now: @escaping @Sendable () -> Instant, requestID: @escaping @Sendable () -> String) {
        self.core = core; self.send = send; self.record = record; self.now = now; self.requestID = requestID
    }

    /// The tenant's embedding model as `provider/model` (`nil`: none configured): vectors
    /// of different models are never mixed.
    public func space(tenant: String) -> String? {
        let core = self.core()
        guard let config = core.tenants[tenant], let alias = config.embeddingModel, let a = config.aliases[alias] else { return nil }
        return a.active.rawValue + "/" + a.activeModel
    }

    /// The vectors of `texts` (passages, or questions with `query`), `dimensions` long;
    /// `nil` when the tenant has no embedding model.
    ///
    /// - Throws: ``Failure`` with the gateway's reason when a call is refused or fails, or
    ///   when the model's vectors are not `dimensions` long.
    public func embed(tenant: String, texts: [String], query: Bool, dimensions: Int) async throws -> [[Float]]? {
        let core = self.core()
        guard let config = core.tenants[tenant], let alias = config.embeddingModel else { return nil }
        guard !texts.isEmpty else { return [] }
        let batch = ProviderAdapter.embeddingBatchLimit(config.aliases[alias]?.active ?? .openai)
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batch) {
            let slice = Array(texts[start..<min(start + batch, texts.count)])
            switch core.admitEmbeddings(slice, alias: alias, query: query, dimensions: dimensions, tenant: tenant, requestID: requestID(), now: now()) {
            case .reject(let r):
                await record(r.usage, r.alerts)
                throw Failure(description: "embedding model '\(alias)': \(r.error.message)")
            case .forward(let call):
                let result = await send(call)
                let outcome = core.completeEmbeddings(call, result: result, now: now())
                await record(outcome.usage, outcome.alerts)
                guard let got = outcome.vectors else {
                    throw Failure(description: "embedding model '\(alias)': \(outcome.error?.message ?? "no vectors")")
                }
                if let bad = got.first(where: { $0.count != dimensions }) {
                    throw Failure(description: "embedding model '\(alias)' returned vectors of \(bad.count) dimensions; the knowledge base uses \(dimensions)")
                }
                vectors += got
            }
        }
        return vectors
    }
}
