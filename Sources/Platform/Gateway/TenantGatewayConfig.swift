import Base
/// A tenant's account with one provider: its own (BYO) key and the endpoint to call.
public struct ProviderAccount: Hashable, Sendable {
    public var provider: ProviderKind
    public var endpoint: Endpoint
    public var apiKey: Secret
    /// Set when the platform refused this account (for example, its endpoint is off the
    /// egress allowlist). A blocked account is kept so that calls get a precise error.
    public var blockedReason: String?

    public init(provider: ProviderKind, endpoint: Endpoint, apiKey: Secret) {
        self.provider = provider; self.endpoint = endpoint; self.apiKey = apiKey
    }
}

/// A model name that a tenant's apps call, mapped to a model at each provider.
///
/// Exactly one provider is active. Switching is manual (an operator or a scenario step);
/// the gateway never moves traffic to another provider on its own, even during an outage.
public struct ModelAlias: Hashable, Sendable {
    public var name: String
    /// The upstream model name at each provider this alias can use.
    public var targets: [ProviderKind: String]
    public var active: ProviderKind

    public init(name: String, targets: [ProviderKind: String], active: ProviderKind) {
        precondition(targets[active] != nil, "the active provider must be one of the alias's targets")
        self.name = name; self.targets = targets; self.active = active
    }

    /// The upstream model of the active provider.
    public var activeModel: String { targets[active]! }
}

/// Everything the gateway knows about one tenant.
public struct TenantGatewayConfig: Hashable, Sendable {
    public var id: String
    public var suspended: Bool = false
    public var virtualKeys: [VirtualKeyRecord]
    public var accounts: [ProviderKind: ProviderAccount]
    public var aliases: [String: ModelAlias]
    /// The tenant's own rate limits (all its keys together).
    public var limits: RateLimits
    /// Limits of single virtual keys, by key id.
    public var keyLimits: [String: RateLimits]
    /// The monthly spend budget (soft: alerts only).
    public var budget: Budget?
    /// The model alias that embeds documents and questions for RAG (`nil`: the built-in
    /// hashing embedder).
    public var embeddingModel: String?
    /// Whether the tenant may call `doc-chat` (where the platform serves it): the feature
    /// flag ``docChatFlag`` as evaluated for the tenant, on when the flag is not defined.
    public var docChat = true

    /// The feature flag that switches a tenant's `doc-chat` model.
    public static let docChatFlag = "rag.doc_chat"

    public init(id: String, virtualKeys: [VirtualKeyRecord], accounts: [ProviderKind: ProviderAccount], aliases: [String: ModelAlias],
                limits: RateLimits = RateLimits(), keyLimits: [String: RateLimits] = [:], budget: Budget? = nil) {
        self.id = id; self.virtualKeys = virtualKeys; self.accounts = accounts; self.aliases = aliases
        self.limits = limits; self.keyLimits = keyLimits; self.budget = budget
    }
}
