import Foundation

/// An upstream model provider configured for one tenant.
///
/// The API key is kept sealed (see ``SecretBox``); the store never sees it in clear text.
public struct ProviderConfiguration: Hashable, Sendable {
    /// The configuration's id, chosen by the caller.
    public var id: String
    /// The kind of provider, such as `openai` or `anthropic`.
    public var kind: String
    /// The provider's base URL.
    public var endpoint: String
    /// The API key, sealed by a ``SecretBox``.
    public var apiKey: SealedSecret
    /// When the configuration was first saved.
    public var createdAt: Date
    /// When the configuration last changed.
    public var updatedAt: Date

    /// Creates a provider configuration.
    public init(id: String, kind: String, endpoint: String, apiKey: SealedSecret, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.kind = kind
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
