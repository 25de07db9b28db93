/// A secret value — a provider API key, a connector's token — that never prints.
///
/// `description`, `debugDescription`, string interpolation, `dump` and `Mirror` all show
/// `<redacted>` or nothing, so a secret that reaches a log line, an error or a report by
/// mistake leaks nothing. The value comes out only through ``reveal()``, at the point where
/// it leaves the process (a provider's header) or is sealed at rest.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// Returns the secret in clear text. Call it only where the value leaves the process.
    public func reveal() -> String {
        self.value
    }

    public var description: String { "<redacted>" }

    public var debugDescription: String { "<redacted>" }

    public var customMirror: Mirror {
        Mirror(self, children: [], displayStyle: .struct)
    }
}
