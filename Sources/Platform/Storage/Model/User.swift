import Foundation

/// A person known to one tenant, identified by their OIDC subject.
public struct User: Hashable, Sendable {
    /// The user's id, chosen by the caller (the platform's ID generator).
    public var id: String
    /// The OIDC `sub` claim; unique within the tenant.
    public var subject: String
    /// The e-mail address, when the identity provider sent one.
    public var email: String?
    /// The display name, when the identity provider sent one.
    public var name: String?
    /// When the user was first recorded.
    public var createdAt: Date

    /// Creates a user record.
    public init(id: String, subject: String, email: String?, name: String?, createdAt: Date) {
        self.id = id
        self.subject = subject
        self.email = email
        self.name = name
        self.createdAt = createdAt
    }
}
