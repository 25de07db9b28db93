import Logging

extension Logger {
    /// Discards everything: the default for callers that pass no logger.
    @usableFromInline
    static let storageDisabled = Logger(label: "dcoder.storage", factory: { _ in SwiftLogNoOpLogHandler() })
}
