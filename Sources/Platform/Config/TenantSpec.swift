import Base
import Flags
import Gateway

/// A provider account of a tenant, as a configuration file declares it.
public struct AccountSpec: Sendable {
    public var provider: ProviderKind
    public var key: String
    public var endpoint: Endpoint

    public init(provider: ProviderKind, key: String, endpoint: Endpoint) {
        self.provider = provider; self.key = key; self.endpoint = endpoint
    }
}

/// A model alias, as a configuration file declares it.
public struct AliasSpec: Sendable {
    public var name: String
    public var targets: [ProviderKind: String]
    public var active: ProviderKind

    public init(name: String, targets: [ProviderKind: String], active: ProviderKind) {
        self.name = name; self.targets = targets; self.active = active
    }
}

/// A tenant, as the `tenants:` section of a serve file or a scenario declares it.
public struct TenantSpec: Sendable {
    public var id: String
    /// Virtual keys, in declaration order; traffic uses the first unless told otherwise.
    public var keys: [String]
    public var accounts: [AccountSpec]
    public var aliases: [AliasSpec]
    public var limits: RateLimits
    /// Limits of single virtual keys, by the key as written.
    public var keyLimits: [String: RateLimits]
    public var budget: Budget?
    /// The model alias that embeds the tenant's documents and questions (OpenAI or
    /// Gemini); `nil`: the built-in hashing embedder.
    public var embeddingModel: String?
    /// Traits flags are evaluated with (plan, region, size…).
    public var traits: OrderedMap<JSONValue> = OrderedMap()
    /// Plugin id → configuration (`integrations: {slack: {webhook_url: …}}`).
    public var integrations: [String: [String: String]] = [:]

    public init(id: String, keys: [String], accounts: [AccountSpec], aliases: [AliasSpec],
                limits: RateLimits = RateLimits(), keyLimits: [String: RateLimits] = [:], budget: Budget? = nil) {
        self.id = id; self.keys = keys; self.accounts = accounts; self.aliases = aliases
        self.limits = limits; self.keyLimits = keyLimits; self.budget = budget
    }

    /// The gateway configuration of this tenant (the Lab and `dcoder serve` both use it).
    /// Virtual keys get ids `<tenant>-key-1`, `-2`, … in declaration order.
    public func gatewayConfig() -> TenantGatewayConfig {
        var accounts: [ProviderKind: ProviderAccount] = [:]
        for a in self.accounts { accounts[a.provider] = ProviderAccount(provider: a.provider, endpoint: a.endpoint, apiKey: Secret(a.key)) }
        var aliases: [String: ModelAlias] = [:]
        for a in self.aliases { aliases[a.name] = ModelAlias(name: a.name, targets: a.targets, active: a.active) }
        let records = keys.enumerated().map { VirtualKeyRecord(id: "\(id)-key-\($0 + 1)", key: $1) }
        var byKeyID: [String: RateLimits] = [:]
        for (i, key) in keys.enumerated() { if let l = keyLimits[key] { byKeyID[records[i].id] = l } }
        var config = TenantGatewayConfig(id: id, virtualKeys: records, accounts: accounts, aliases: aliases, limits: limits, keyLimits: byKeyID,
                                         budget: budget)
        config.embeddingModel = embeddingModel
        return config
    }
}
