/// Who is calling the Platform API, after authentication.
///
/// The access policy sees it as the subject `{id, kind, tenant, roles}`.
public struct APIPrincipal: Sendable, Hashable {
    public enum Kind: String, Sendable {
        /// A person signed in through OIDC.
        case user
        /// A machine client with a Platform API key.
        case apiKey = "api_key"
    }

    /// The OIDC subject, or `key:<id>` for an API key.
    public var id: String
    public var kind: Kind
    /// The tenant the caller acts in; empty for platform-level callers.
    public var tenant: String
    /// Roles in effect for this request (platform roles and the tenant's roles).
    public var roles: [String]
    /// The tenant user record, once the user signed in to ``tenant``.
    public var userID: String?

    /// The name the audit log records.
    public var actor: String { kind == .user ? "user:\(id)" : id }
}
