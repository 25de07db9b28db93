import Foundation

/// The live flag book, shared by everything that reads flags in one process (the gateway's
/// alert routing, the Flagsmith read API, the Platform API), so that a change is effective
/// for all of them at once, without a restart.
///
/// Writers change the book through ``update(_:)``; observers registered with ``observe(_:)``
/// are called after each change (the plugin host re-applies tenants' flags there).
public final class FlagRegistry: @unchecked Sendable {
    private var current: FlagBook
    private var observers: [@Sendable (FlagBook) async -> Void] = []
    private let lock = NSLock()

    public init(_ book: FlagBook = FlagBook()) { current = book }

    /// The book as it is now.
    public var book: FlagBook { lock.withLock { current } }

    /// Changes the book, then tells the observers.
    public func update(_ change: (inout FlagBook) throws -> Void) async rethrows {
        let observers = try lock.withLock {
            var book = current
            try change(&book)
            current = book
            return self.observers
        }
        // The latest book, not this change's: a later change may have landed meanwhile.
        for o in observers { await o(self.book) }
    }

    /// Calls `observer` after every change.
    public func observe(_ observer: @escaping @Sendable (FlagBook) async -> Void) {
        lock.withLock { observers.append(observer) }
    }
}
