import Foundation

/// A virtual key of the gateway, as a tenant's database keeps it: never the key's text,
/// only its SHA-256 (lower-case hex).
public struct StoredVirtualKey: Hashable, Sendable {
    public var id: String
    public var name: String
    /// SHA-256 of the key's text, 64 lower-case hex digits.
    public var digestHex: String
    /// The model aliases the key may call; `nil`: every alias of the tenant.
    public var models: [String]?
    public var expiresAt: Date?
    public var createdAt: Date
    /// Who made it: `serve-file` for a serve file's key, else the Platform API's actor.
    public var createdBy: String
    public var revokedAt: Date?

    public init(id: String, name: String, digestHex: String, models: [String]?, expiresAt: Date?, createdAt: Date, createdBy: String,
                revokedAt: Date? = nil) {
        self.id = id; self.name = name; self.digestHex = digestHex; self.models = models; self.expiresAt = expiresAt
        self.createdAt = createdAt; self.createdBy = createdBy; self.revokedAt = revokedAt
    }
}

/// A model alias, as a tenant's database keeps it: the provider and model it routes to now
/// (the manual switch changes them), and every provider's model it has been given.
public struct StoredModelAlias: Hashable, Sendable {
    public var name: String
    /// The active provider (a ``ProviderKind`` raw value).
    public var provider: String
    /// The upstream model at the active provider.
    public var model: String
    /// Upstream model per provider, the active one included.
    public var targets: [String: String]
    public var updatedAt: Date
    public var updatedBy: String

    public init(name: String, provider: String, model: String, targets: [String: String], updatedAt: Date, updatedBy: String) {
        self.name = name; self.provider = provider; self.model = model; self.targets = targets
        self.updatedAt = updatedAt; self.updatedBy = updatedBy
    }
}
