/// Where a tenant database lives, as its backend understands it.
///
/// The control plane stores the locator with the tenant. It is `sqlite:tenants/<id>.sqlite` (relative to
/// the SQLite data directory) or `postgresql:<database name>`. A locator never holds credentials, so it is
/// safe in logs and error messages.
public struct DatabaseLocator: Hashable, Sendable, CustomStringConvertible {
    /// The locator text, scheme first.
    public let rawValue: String

    /// Wraps locator text; backends check it when they open the database.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { self.rawValue }
}
