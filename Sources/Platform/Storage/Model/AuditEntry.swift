import Foundation

/// One entry of the control plane's audit log.
public struct AuditEntry: Hashable, Sendable {
    /// The entry's position in the log; later entries have larger ids.
    public var id: Int64
    /// When the audited change happened.
    public var at: Date
    /// Who made the change (a user subject, a service name).
    public var actor: String
    /// What was done, as a dotted verb such as `tenant.create` or `setting.set`.
    public var action: String
    /// What it was done to, such as `tenant:acme` or `setting:signup.enabled`.
    public var target: String
    /// The value before the change, if there was one.
    public var oldValue: JSONText?
    /// The value after the change, if there is one.
    public var newValue: JSONText?

    /// Creates an entry.
    public init(
        id: Int64,
        at: Date,
        actor: String,
        action: String,
        target: String,
        oldValue: JSONText?,
        newValue: JSONText?
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.oldValue = oldValue
        self.newValue = newValue
    }
}
