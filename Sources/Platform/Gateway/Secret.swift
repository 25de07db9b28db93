import Base
/// A secret string (a provider API key) that never prints itself.
///
/// `description`, `debugDescription` and string interpolation show `<redacted>`, so a
/// secret that reaches a log line or a report by mistake leaks nothing.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// The last four characters, for display (`…a1b2`), when the secret is long enough.
    public var hint: String { value.count >= 12 ? "…" + value.suffix(4) : "…" }
}
