/// A secret value, such as a provider API key, that never prints.
///
/// `description`, `debugDescription`, string interpolation and `dump` all show `<redacted>`;
/// the value comes out only through ``reveal()``, at the point where it is sent upstream.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
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
